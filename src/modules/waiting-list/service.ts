import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import type { BookingChannel } from '../eligibility/plan-file.ts';
import type { BookingService, Confirmation } from '../booking/service.ts';
import type { BookingsTable } from '../booking/tables.ts';
import { findMunicipalityWithCap } from '../reference/service.ts';
import {
  shippedWaitingListPolicies,
  type WaitingListPolicy,
  type WaitingListPolicyVersion,
} from './policy-file.ts';
import { offerDeadline, offersExhausted, offerWindow, policyOn, rankCandidates } from './rules.ts';
import {
  aheadOf,
  answerOffer,
  areaOf,
  closeEntry,
  currentEntryOf,
  dueOffers,
  enqueueOfferMessage,
  entriesOfArea,
  noShowsPerHubDay,
  entryById,
  freeCandidates,
  holdPlace,
  insertEntry,
  insertOffer,
  nextWaitingEntry,
  offerById,
  offersOfEntry,
  openBookingFor,
  openOfferOfEntry,
  releasePlace,
  type Db,
  type EntryRow,
  type EntryStatus,
  type OfferRow,
} from './repo.ts';
import './errors.ts';

type BookingRow = Selectable<BookingsTable>;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Offers tried per run: a run is bounded; the next run goes on. */
const MAX_ENTRIES_PER_RUN = 500;
/** Places tried per entry before passing to the next person (each may be taken meanwhile). */
const CANDIDATES_PER_ENTRY = 5;
/** Fresh looks for free places per entry when the ones seen were taken meanwhile by another process. */
const CANDIDATE_ROUNDS = 3;

export function violatedConstraint(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (record.code !== '23505' && record.code !== '23514') return undefined;
  if (typeof record.constraint === 'string') return record.constraint;
  return typeof record.message === 'string' ? /"([a-z_]+)"/.exec(record.message)?.[1] : undefined;
}

export interface Place {
  code: string;
  name: string;
  address: string;
  municipality: string;
}

export async function placeOf(db: Db, pointId: number): Promise<Place> {
  const rows = await sql<Place>`SELECT p.code, p.name, p.address, m.name AS municipality
    FROM vaccination_points p JOIN municipalities m ON m.istat = p.municipality_istat
    WHERE p.id = ${pointId}`.execute(db);
  const row = rows.rows[0];
  if (row === undefined) throw new Error(`no vaccination point ${pointId}`);
  return row;
}

export interface OfferDetails {
  offer: OfferRow;
  place: Place;
  product: { code: string; name: string };
  bookingCode: string | null;
}

export interface RunResult {
  expired: number;
  offered: number;
  closed: number;
}

/**
 * BOOK-13: the waiting list. People join an area's queue when no place is free; as places open the periodic
 * run offers them in priority order (ELIG-2), each offer holding one place in the database until it is
 * accepted (a real booking), declined or expires. Every change is audited in its transaction; several
 * processes may run the job at once (row locks with SKIP LOCKED, a unique open offer per entry, the
 * conditional updates of the slot's and the day's counters).
 */
export class WaitingListService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly booking: BookingService,
    private readonly versions: readonly WaitingListPolicyVersion[] = shippedWaitingListPolicies(),
  ) {}

  policy(now: Date = this.clock.now()): WaitingListPolicy {
    return policyOn(this.versions, romeDate(now));
  }

  /** BOOK-13: joins the waiting list of the domicile's area, when no place is free within the horizon. */
  async join(
    input: {
      personId: number;
      municipalityIstat: string;
      cap: string;
      accessibility: string[];
      channel: BookingChannel;
    },
    context: ActingContext,
  ): Promise<EntryRow> {
    // BOOK-5: only an entitled person whose offer is open, with the same refusal booking gives.
    const member = await this.booking.entitledMember(input.personId, input.channel);
    const municipality = await findMunicipalityWithCap(this.db, input.municipalityIstat, input.cap);
    if (municipality === undefined)
      throw new DomainError('MUNICIPALITY_UNKNOWN', { pointer: '/municipalityIstat' });
    if (!municipality.capBelongs)
      throw new DomainError('CAP_NOT_OF_MUNICIPALITY', { pointer: '/cap', params: { cap: input.cap } });
    const open = await openBookingFor(this.db, input.personId, 1);
    if (open !== undefined) throw new DomainError('WAITING_LIST_ALREADY_BOOKED', { params: { code: open } });
    const area = await areaOf(this.db, input.municipalityIstat);
    if (area === undefined) throw new DomainError('WAITING_LIST_NO_AREA', { pointer: '/municipalityIstat' });
    const now = context.now;
    const policy = this.policy(now);
    const free = await freeCandidates(this.db, {
      area,
      products: member.match.products,
      accessibility: input.accessibility,
      from: now,
      to: new Date(now.getTime() + policy.horizonDays * DAY_MS),
      entryId: null,
    });
    if (free.length > 0)
      throw new DomainError('WAITING_LIST_SLOTS_FREE', { params: { days: policy.horizonDays } });
    try {
      return await this.db.transaction().execute(async (trx) => {
        const entry = await insertEntry(trx, {
          person_id: input.personId,
          dose_number: 1,
          area_code: area,
          municipality_istat: input.municipalityIstat,
          cap: input.cap,
          accessibility: input.accessibility,
          products: member.match.products,
          priority: member.match.qualification.category.priority,
          category: member.match.qualification.category.code,
          channel: input.channel,
          joined_at: now,
        });
        await recordAudit(trx, context, {
          entityType: 'waiting_list_entry',
          entityId: entry.id,
          action: 'join',
          after: entry,
        });
        return entry;
      });
    } catch (error) {
      if (violatedConstraint(error) === 'waiting_list_one_per_dose')
        throw new DomainError('WAITING_LIST_ALREADY_JOINED');
      throw error;
    }
  }

  /** BOOK-13: the person's entry (waiting, else the latest), how many are ahead, and the offer. */
  async status(
    personId: number,
  ): Promise<{ entry: EntryRow | null; ahead: number | null; offer: OfferDetails | null }> {
    const entry = await currentEntryOf(this.db, personId);
    if (entry === undefined) return { entry: null, ahead: null, offer: null };
    const [latest] = await offersOfEntry(this.db, entry.id);
    return {
      entry,
      ahead: entry.status === 'waiting' ? await aheadOf(this.db, entry) : null,
      offer: latest === undefined ? null : await this.details(latest),
    };
  }

  async details(offer: OfferRow): Promise<OfferDetails> {
    const product = await this.db
      .selectFrom('products')
      .select(['code', 'name'])
      .where('code', '=', offer.product_code)
      .executeTakeFirstOrThrow();
    const bookingCode =
      offer.booking_id === null
        ? null
        : ((
            await this.db
              .selectFrom('bookings')
              .select('code')
              .where('id', '=', offer.booking_id)
              .executeTakeFirst()
          )?.code ?? null);
    return { offer, place: await placeOf(this.db, offer.vaccination_point_id), product, bookingCode };
  }

  /** An offer of the person (a citizen reaches only their own: SEC-2). */
  async offerOf(offerId: number, personId: number | undefined): Promise<OfferRow> {
    const offer = await offerById(this.db, offerId);
    if (offer === undefined || (personId !== undefined && offer.person_id !== personId))
      throw new DomainError('WAITING_LIST_OFFER_NOT_FOUND', { pointer: '/offerId' });
    return offer;
  }

  private async bookingById(db: Db, id: number): Promise<BookingRow> {
    return db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  /**
   * BOOK-13, BOOK-9, BOOK-10: accepting books the held place (and the second dose, as any booking) in one
   * transaction: the hold is given back and taken by the booking under the slot's row lock, so nobody else
   * gets it in between. Accepting again returns the same booking (exactly once).
   */
  async accept(
    offerId: number,
    personId: number | undefined,
    channel: BookingChannel,
    context: ActingContext,
  ): Promise<{ confirmation: Confirmation; created: boolean }> {
    const found = await this.offerOf(offerId, personId);
    if (found.status === 'accepted' && found.booking_id !== null) {
      const row = await this.bookingById(this.db, found.booking_id);
      return { confirmation: await this.booking.confirmationOf(row), created: false };
    }
    const member = await this.booking.entitledMember(found.person_id, channel);
    try {
      const outcome = await this.db.transaction().execute(async (trx) => {
        const offer = await offerById(trx, offerId, true);
        if (offer === undefined)
          throw new DomainError('WAITING_LIST_OFFER_NOT_FOUND', { pointer: '/offerId' });
        if (offer.status === 'accepted' && offer.booking_id !== null)
          return { booking: await this.bookingById(trx, offer.booking_id), created: false };
        if (offer.status !== 'offered')
          throw new DomainError('WAITING_LIST_OFFER_ANSWERED', { params: { status: offer.status } });
        if (offer.expires_at <= context.now) throw new DomainError('WAITING_LIST_OFFER_EXPIRED');
        const open = await openBookingFor(trx, offer.person_id, 1);
        if (open !== undefined)
          throw new DomainError('WAITING_LIST_ALREADY_BOOKED', { params: { code: open } });
        await releasePlace(trx, offer);
        const confirmation = await this.booking.bookInTransaction(
          trx,
          [offer.slot_id],
          member,
          { idempotencyKey: `waiting-list-offer-${offer.id}`, channel },
          context,
        );
        const after = await answerOffer(trx, offer.id, 'accepted', context.now, confirmation.booking.id);
        const entry = await closeEntry(
          trx,
          offer.entry_id,
          'booked',
          'offer_accepted',
          context.now,
          confirmation.booking.id,
        );
        await recordAudit(trx, context, {
          entityType: 'waiting_list_offer',
          entityId: offer.id,
          action: 'accept',
          before: offer,
          after: { offer: after, entry },
        });
        return { booking: confirmation.booking, created: true };
      });
      return { confirmation: await this.booking.confirmationOf(outcome.booking), created: outcome.created };
    } catch (error) {
      if (violatedConstraint(error) === 'bookings_one_open_per_dose')
        throw new DomainError('WAITING_LIST_ALREADY_BOOKED', { params: { code: '' } });
      throw error;
    }
  }

  /** BOOK-13: declining gives the place back at once (the next run offers it to the next person). */
  async decline(offerId: number, personId: number | undefined, context: ActingContext): Promise<OfferRow> {
    await this.offerOf(offerId, personId);
    return this.db.transaction().execute(async (trx) => {
      const offer = await offerById(trx, offerId, true);
      if (offer === undefined) throw new DomainError('WAITING_LIST_OFFER_NOT_FOUND', { pointer: '/offerId' });
      if (offer.status === 'declined') return offer;
      if (offer.status !== 'offered')
        throw new DomainError('WAITING_LIST_OFFER_ANSWERED', { params: { status: offer.status } });
      await releasePlace(trx, offer);
      const after = await answerOffer(trx, offer.id, 'declined', context.now);
      const entry = await this.closeIfExhausted(trx, offer.entry_id, 'offers_declined', context.now);
      await recordAudit(trx, context, {
        entityType: 'waiting_list_offer',
        entityId: offer.id,
        action: 'decline',
        before: offer,
        after: { offer: after, entry },
      });
      return after;
    });
  }

  /** BOOK-13: leaving the list; an open offer is withdrawn and its place given back. */
  async leave(entryId: number, personId: number | undefined, context: ActingContext): Promise<EntryRow> {
    const found = await entryById(this.db, entryId);
    if (found === undefined || (personId !== undefined && found.person_id !== personId))
      throw new DomainError('WAITING_LIST_ENTRY_NOT_FOUND', { pointer: '/entryId' });
    return this.db.transaction().execute(async (trx) => {
      // Offer before entry, in every path: two paths never wait for each other's locks in a circle.
      const open = await sql<{ id: number }>`SELECT id FROM waiting_list_offers
        WHERE entry_id = ${entryId} AND status = 'offered' FOR UPDATE`.execute(trx);
      const entry = await entryById(trx, entryId, true);
      if (entry === undefined) throw new DomainError('WAITING_LIST_ENTRY_NOT_FOUND', { pointer: '/entryId' });
      if (entry.status === 'left') return entry;
      if (entry.status !== 'waiting') throw new DomainError('WAITING_LIST_ENTRY_CLOSED');
      for (const { id } of open.rows) {
        const offer = await offerById(trx, Number(id));
        if (offer === undefined) continue;
        await releasePlace(trx, offer);
        await answerOffer(trx, offer.id, 'withdrawn', context.now);
      }
      const after = await closeEntry(trx, entryId, 'left', 'left_by_request', context.now);
      await recordAudit(trx, context, {
        entityType: 'waiting_list_entry',
        entityId: entryId,
        action: 'leave',
        before: entry,
        after,
      });
      return after;
    });
  }

  private async closeIfExhausted(
    trx: Db,
    entryId: number,
    reason: string,
    now: Date,
  ): Promise<EntryRow | undefined> {
    const entry = await entryById(trx, entryId, true);
    if (entry === undefined || entry.status !== 'waiting') return entry;
    if (!offersExhausted(entry.offers_made, this.policy(now))) return entry;
    return closeEntry(trx, entryId, 'closed', reason, now);
  }

  /** BOOK-13: the area's list for its health authority, in queue order, with each open offer. */
  /** UX-5: no-shows per hub and day over a period, for the reader's points (null: the region's). */
  async noShowsPerHubDay(filter: { from: string; to: string; points: readonly number[] | null }) {
    return noShowsPerHubDay(this.db, filter);
  }

  async listArea(area: string, status: EntryStatus, limit: number, offset: number) {
    return entriesOfArea(this.db, area, status, limit, offset);
  }

  /** BOOK-13: the periodic run: offers past their time expire, then the open places are offered. */
  async run(context: ActingContext): Promise<RunResult> {
    const expired = await this.expireOffers(context);
    const made = await this.makeOffers(context);
    return { expired, offered: made.offered, closed: made.closed };
  }

  /** Offers past their deadline give their place back; the entry waits on (or closes after maxOffers). */
  async expireOffers(context: ActingContext): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.db.transaction().execute(async (trx) => {
        const due = await dueOffers(trx, context.now, 50);
        for (const offer of due) {
          await releasePlace(trx, offer);
          const after = await answerOffer(trx, offer.id, 'expired', context.now);
          const entry = await this.closeIfExhausted(trx, offer.entry_id, 'offers_expired', context.now);
          await recordAudit(trx, context, {
            entityType: 'waiting_list_offer',
            entityId: offer.id,
            action: 'expire',
            before: offer,
            after: { offer: after, entry },
          });
        }
        return due.length;
      });
      total += count;
      if (count === 0) return total;
    }
  }

  /**
   * BOOK-13, ELIG-2: takes the waiting entries in priority order (skipping those another process holds)
   * and offers each the nearest free place of its area it was not offered before, holding it.
   */
  async makeOffers(context: ActingContext): Promise<{ offered: number; closed: number }> {
    const now = context.now;
    const policy = this.policy(now);
    const window = offerWindow(now, policy);
    const skip: number[] = [];
    // Areas (with the products and needs asked) found without a free place in this run: not searched again.
    const exhausted = new Set<string>();
    let offered = 0;
    let closed = 0;
    while (offered + closed + skip.length < MAX_ENTRIES_PER_RUN) {
      let tried: number | undefined;
      let outcome: 'none' | 'offered' | 'closed' | 'skipped';
      try {
        outcome = await this.db.transaction().execute(async (trx) => {
          const entry = await nextWaitingEntry(trx, skip);
          if (entry === undefined) return 'none';
          tried = entry.id;
          // A fresh look (this statement's snapshot): another run may have just offered to this entry.
          if ((await openOfferOfEntry(trx, entry.id)) !== undefined) return 'skipped';
          const booked = await openBookingFor(trx, entry.person_id, entry.dose_number);
          if (booked !== undefined) {
            const after = await closeEntry(trx, entry.id, 'closed', 'booked_elsewhere', now);
            await recordAudit(trx, context, {
              entityType: 'waiting_list_entry',
              entityId: entry.id,
              action: 'close',
              before: entry,
              after,
            });
            return 'closed';
          }
          const key = `${entry.area_code}|${entry.products.join(',')}|${entry.accessibility.join(',')}`;
          if (exhausted.has(key)) return 'skipped';
          const home = await trx
            .selectFrom('municipalities')
            .select(['lat', 'lng'])
            .where('istat', '=', entry.municipality_istat)
            .executeTakeFirstOrThrow();
          // Places may be taken by another process meanwhile: look again (a fresh snapshot) a few times.
          for (let round = 0; round < CANDIDATE_ROUNDS; round += 1) {
            const rows = await freeCandidates(trx, {
              area: entry.area_code,
              products: entry.products,
              accessibility: entry.accessibility,
              from: window.from,
              to: window.to,
              entryId: entry.id,
              perHub: CANDIDATES_PER_ENTRY,
            });
            const ranked = rankCandidates(
              home,
              rows.map((row) => ({
                slotId: row.slot_id,
                startsAt: new Date(row.starts_at),
                hub: { lat: row.lat, lng: row.lng, code: row.hub_code },
              })),
              now,
              policy,
            );
            if (ranked.length === 0) {
              // Only when no slot was left out for having been offered to this entry before.
              if (rows.length === 0 && entry.offers_made === 0) exhausted.add(key);
              break;
            }
            for (const candidate of ranked.slice(0, CANDIDATES_PER_ENTRY)) {
              const expiresAt = offerDeadline(now, candidate.startsAt, policy);
              if (expiresAt === null) continue;
              const product = await holdPlace(trx, candidate.slotId, entry.products, window.from);
              if (product === null) continue;
              const offer = await insertOffer(trx, {
                entry,
                slotId: candidate.slotId,
                product,
                offeredAt: now,
                expiresAt,
              });
              await enqueueOfferMessage(trx, offer);
              await recordAudit(trx, context, {
                entityType: 'waiting_list_offer',
                entityId: offer.id,
                action: 'offer',
                after: offer,
              });
              return 'offered';
            }
          }
          return 'skipped';
        });
      } catch (error) {
        // Another process offered to this entry in the same instant: its offer stands, ours rolled back.
        if (violatedConstraint(error) !== 'waiting_list_one_open_offer') throw error;
        outcome = 'skipped';
      }
      if (outcome === 'none') break;
      if (outcome === 'offered') offered += 1;
      else if (outcome === 'closed') closed += 1;
      if (tried !== undefined && outcome !== 'closed') skip.push(tried);
    }
    return { offered, closed };
  }
}

import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { SmtpSink } from '../messaging/smtp-sink.ts';
import { MessagingService } from '../messaging/service.ts';
import { createLogger } from '../../platform/logging.ts';
import type { Config } from '../../platform/config.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { outreachDb, type OutreachDb } from './repo.ts';

const NOW = '2021-04-14T08:00:00Z';
/** Proposals made on 14 April for 24 hours aim at 16 April; Vaxzevria's second dose 84 days later. */
const PROPOSAL_DAY = '2021-04-16';
const SECOND_DOSE_DAY = '2021-07-09';
const AUTHORITY = 'ASST-CREMONA';

interface Person {
  id: number;
  birth_date: string;
  tax_code: string;
  health_card_number: string;
}

describeEachDatabase('BOOK-17, ELIG-21 active calling', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let config: Config;
  let usernames: Record<string, string>;
  let sink: SmtpSink;
  let dataDir: string;
  let db: OutreachDb;
  let booking: BookingService;
  let cremona: number;
  /** People born 1942-1946 (bookable in Lombardy from 2 April), with a health card, in Cremona's province. */
  let elderly: Person[];
  let used = 0;

  const as = (role: string) => signInStaff(app, usernames[role]);
  const take = (n: number): Person[] => {
    const taken = elderly.slice(used, used + n);
    used += n;
    if (taken.length < n) throw new Error('not enough test people');
    return taken;
  };
  const setPerson = (
    id: number,
    values: {
      email?: string | null;
      phone?: string | null;
      landline?: string | null;
      health_authority_code?: string;
    },
  ) => database().db.updateTable('persons').set(values).where('id', '=', id).execute();
  const entitle = (ids: readonly number[], category: string, source: 'specialist_list' | 'gp_report') =>
    database()
      .db.insertInto('entitlements')
      .values(
        ids.map((id) => ({
          person_id: id,
          category,
          condition_code: '',
          source,
          evidence_status: 'verified' as const,
          valid_from: new Date('2021-04-01T00:00:00Z'),
          created_at: new Date('2021-04-01T00:00:00Z'),
          created_by_kind: 'system' as const,
          updated_at: new Date('2021-04-01T00:00:00Z'),
        })),
      )
      .execute();
  const createCampaign = async (body: Record<string, unknown>, role = 'asl_admin') => {
    const response = await app.inject({
      method: 'POST',
      url: '/outreach/campaigns',
      headers: await as(role),
      payload: { healthAuthorityCode: AUTHORITY, name: 'Fragili', deadline: '2021-04-20', ...body },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; targetCount: number }>();
  };
  const dispatch = async (campaignId: number, limit = 500) => {
    const response = await app.inject({
      method: 'POST',
      url: `/outreach/campaigns/${campaignId}/dispatch`,
      headers: await as('asl_admin'),
      payload: { limit },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ targets: number; messagesWritten: number; proposals: number; toCall: number }>();
  };
  const messagesOf = (campaignId: number, personId: number) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('cause_kind', '=', 'outreach_campaign')
      .where('cause_id', '=', campaignId)
      .where('person_id', '=', personId)
      .orderBy('id')
      .execute();
  const stepOf = async (campaignId: number, personId: number) =>
    (
      await db
        .selectFrom('outreach_targets')
        .select('next_step')
        .where('campaign_id', '=', campaignId)
        .where('person_id', '=', personId)
        .executeTakeFirstOrThrow()
    ).next_step;
  const call = async (
    campaignId: number,
    personId: number,
    body: Record<string, unknown>,
    role = 'call_center',
  ) =>
    app.inject({
      method: 'POST',
      url: `/outreach/campaigns/${campaignId}/targets/${personId}/calls`,
      headers: await as(role),
      payload: body,
    });
  const setNeeds = async (personId: number, needs: string[]) => {
    const response = await app.inject({
      method: 'PUT',
      url: `/persons/${personId}/communication-needs`,
      headers: await as('call_center'),
      payload: { needs, source: 'person' },
    });
    expect(response.statusCode, response.body).toBe(200);
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    usernames = await ensureStaffOfEveryRole(database());
    sink = await SmtpSink.start({ port: 0 });
    dataDir = await mkdtemp(path.join(tmpdir(), 'vaxhub-outreach-'));
    const built = await buildTestApp(database(), {
      now: NOW,
      env: { SMTP_URL: sink.url, DATA_DIR: dataDir, MESSAGING_MAX_ATTEMPTS: '3' },
    });
    ({ app, clock, config } = built);
    db = outreachDb(database().db);
    const eligibility = new EligibilityService(database().db, clock, '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(database().db, clock, eligibility);
    const point = await database()
      .db.selectFrom('vaccination_points')
      .select('id')
      .where('code', '=', 'VP-CR-01')
      .executeTakeFirstOrThrow();
    cremona = Number(point.id);
    const setup = systemContext('test', clock.now());
    await booking.configureHub(cremona, { stations: 10, accessibility: [], status: 'active' }, setup);
    const day = {
      opensAt: '08:00',
      closesAt: '12:00',
      stations: 10,
      minutesPerVaccination: 5,
      slotMinutes: 15,
      stock: [{ product: 'VAXZEVRIA', doses: 300 }],
    };
    for (const d of [PROPOSAL_DAY, SECOND_DOSE_DAY]) await booking.setHubDay(cremona, d, day, setup);
    elderly = (
      await sql<Person>`SELECT id, birth_date::text AS birth_date, tax_code, health_card_number FROM persons
        WHERE health_card_number IS NOT NULL AND status = 'active'
          AND birth_date BETWEEN '1942-01-01' AND '1946-12-31'
          AND domicile_municipality_istat IS NOT NULL AND domicile_cap IS NOT NULL
        ORDER BY id LIMIT 40`.execute(database().db)
    ).rows.map((row) => ({ ...row, id: Number(row.id) }));
    // Their health authority is recorded (the synthetic population has none: the others count by province).
    await database()
      .db.updateTable('persons')
      .set({ health_authority_code: AUTHORITY })
      .where(
        'id',
        'in',
        elderly.map((p) => p.id),
      )
      .execute();
    // Nobody is reachable unless a test says so.
    await database().db.updateTable('persons').set({ email: null, phone: null, landline: null }).execute();
  }, 180_000);

  afterAll(async () => {
    await app.close();
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ELIG-2 creating a campaign snapshots its targets in priority order: the plan’s priority, then the oldest; the booked and other areas left out', async () => {
    // A 40-year-old extremely vulnerable person comes with the over-80s (priority 1), before the 70-79s.
    const young = Number(
      (
        await sql<{
          id: number;
        }>`SELECT id FROM persons WHERE status = 'active' AND domicile_municipality_istat LIKE '019%'
          AND birth_date BETWEEN '1979-01-01' AND '1982-12-31' ORDER BY id LIMIT 1`.execute(database().db)
      ).rows[0]?.id,
    );
    await entitle([young], 'extremely_vulnerable', 'gp_report');
    // A person already booked is not called.
    const [booked] = take(1) as [Person];
    const slot = await database()
      .db.selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', cremona)
      .where('day', '=', PROPOSAL_DAY)
      .orderBy('starts_at', 'desc')
      .executeTakeFirstOrThrow();
    await booking.book(
      { personId: booked.id, slotId: Number(slot.id), idempotencyKey: undefined, channel: 'web' },
      systemContext('test', clock.now()),
    );

    const campaign = await createCampaign({
      selection: { categories: ['extremely_vulnerable', 'age_80_plus', 'age_70_79'] },
    });

    // The expected list, computed here from the registry: area (the authority, or province 019 when none is recorded),
    // active, not booked, in one of the categories; priority 1 (80+, extremely vulnerable), then 2 (70-79).
    const people = (
      await sql<{
        id: number;
        birth_date: string;
        municipality: string | null;
        status: string;
        authority: string | null;
      }>`SELECT id, birth_date::text AS birth_date, coalesce(domicile_municipality_istat, residence_municipality_istat) AS municipality,
          status, health_authority_code AS authority FROM persons`.execute(database().db)
    ).rows;
    const ageOn = (birth: string, on: string): number => {
      const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
      const [y, m, d] = on.split('-').map(Number) as [number, number, number];
      return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
    };
    const expected = people
      .filter(
        (p) =>
          p.status === 'active' &&
          (p.authority === AUTHORITY ||
            (p.authority === null && p.municipality?.startsWith('019') === true)) &&
          Number(p.id) !== booked.id,
      )
      .map((p) => {
        const age = ageOn(p.birth_date, '2021-04-14');
        const priority = Number(p.id) === young || age >= 80 ? 1 : age >= 70 ? 2 : null;
        return { id: Number(p.id), birth: p.birth_date, priority };
      })
      .filter((p) => p.priority !== null)
      .sort((a, b) => (a.priority ?? 9) - (b.priority ?? 9) || a.birth.localeCompare(b.birth) || a.id - b.id);

    const targets = await db
      .selectFrom('outreach_targets')
      .select(['person_id', 'rank', 'priority', 'next_step', 'origin'])
      .where('campaign_id', '=', campaign.id)
      .orderBy('rank')
      .execute();
    expect(campaign.targetCount).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(40);
    expect(targets.map((t) => Number(t.person_id))).toEqual(expected.map((p) => p.id));
    expect(targets.map((t) => t.rank)).toEqual(expected.map((_, i) => i + 1));
    expect(targets.map((t) => t.priority)).toEqual(expected.map((p) => p.priority));
    expect(targets.every((t) => t.next_step === 'invite' && t.origin === 'selection')).toBe(true);
    expect(targets.map((t) => Number(t.person_id))).toContain(young);

    // The API pages through them in the same order; the audit records the creation.
    const page = await app.inject({
      method: 'GET',
      url: `/outreach/campaigns/${campaign.id}/targets?page=1&pageSize=3`,
      headers: await as('asl_admin'),
    });
    expect(page.json<{ items: { personId: number }[]; hasMore: boolean }>()).toMatchObject({
      items: expected.slice(0, 3).map((p) => ({ personId: p.id })),
      hasMore: true,
    });
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_role'])
      .where('entity_type', '=', 'outreach_campaign')
      .where('entity_id', '=', String(campaign.id))
      .execute();
    expect(audit).toEqual([{ action: 'create', actor_role: 'asl_admin' }]);
  });

  it('BOOK-17 the channel plan writes messages through the outbox with their attempts, puts the others on the call list, never calls a deaf person', async () => {
    const [a, b, c, d, e, f] = take(6).map((p) => p.id) as [number, number, number, number, number, number];
    await setPerson(a, { email: 'a@example.it', phone: '3331234567' });
    await setPerson(b, { phone: '3331234568' });
    await setPerson(c, { landline: '0372123456' });
    // d: no phone, no e-mail: a letter to the domicile.
    await setPerson(e, { landline: '0372123457' });
    await setNeeds(e, ['deaf']);
    await setPerson(f, { phone: '3331234569' });
    await setNeeds(f, ['deaf', 'blind']);
    await entitle([a, b, c, d, e, f], 'extremely_vulnerable', 'specialist_list');
    const campaign = await createCampaign({ selection: { listSources: ['specialist_list'] } });
    expect(campaign.targetCount).toBe(6);

    const wave = await dispatch(campaign.id);
    expect(wave).toMatchObject({ targets: 6, messagesWritten: 6, toCall: 1, proposals: 0 });
    const channels = async (id: number) => (await messagesOf(campaign.id, id)).map((m) => m.channel);
    expect(await channels(a)).toEqual(['email', 'sms']);
    expect(await channels(b)).toEqual(['sms']);
    expect(await channels(c)).toEqual([]);
    expect(await channels(d)).toEqual(['letter']);
    expect(await channels(e)).toEqual(['letter']); // deaf, only a landline: written to, not called
    expect(await channels(f)).toEqual(['sms']);
    expect(await stepOf(campaign.id, c)).toBe('call');
    const [letter] = await messagesOf(campaign.id, d);
    expect(letter).toMatchObject({ template: 'outreach_invitation', status: 'pending' });
    expect(letter?.dedupe_key).toBe(`outreach:${campaign.id}:${d}:letter`);

    // A second dispatch writes nothing twice.
    expect(await dispatch(campaign.id)).toMatchObject({ targets: 0, messagesWritten: 0 });

    // B's SMS fails (as the worker records a permanent refusal): the plan puts B on the call list.
    const [bSms] = await messagesOf(campaign.id, b);
    await db
      .updateTable('messages')
      .set({ status: 'failed', last_error: 'gateway refused the number' })
      .where('id', '=', Number(bSms?.id))
      .execute();
    const run = await app.inject({
      method: 'POST',
      url: '/messaging/runs',
      headers: await as('region_admin'),
    });
    expect(run.statusCode, run.body).toBe(200);
    const [aEmail, aSms] = await messagesOf(campaign.id, a);
    expect(aEmail).toMatchObject({ status: 'sent', attempts: 1 });
    expect(aSms).toMatchObject({ status: 'sent', attempts: 1 });
    const attempts = await db
      .selectFrom('message_attempts')
      .select(['message_id', 'outcome'])
      .where('message_id', 'in', [Number(aEmail?.id), Number(aSms?.id)])
      .orderBy('message_id')
      .execute();
    expect(attempts.map((row) => row.outcome)).toEqual(['sent', 'sent']);
    expect(sink.received.some((mail) => mail.to.includes('a@example.it'))).toBe(true);
    // Letters go out in messaging's print batches, each attempt recorded.
    const letters = new MessagingService(database().db, config, clock, createLogger('silent'), {});
    const batch = await letters.printLetters(path.join(dataDir, 'letters'));
    expect(batch.printed).toBeGreaterThanOrEqual(2);
    for (const id of [d, e]) {
      const [printed] = await messagesOf(campaign.id, id);
      expect(printed).toMatchObject({ status: 'sent', print_batch: batch.batch, attempts: 1 });
      const [attempt] = await db
        .selectFrom('message_attempts')
        .select(['adapter', 'outcome'])
        .where('message_id', '=', Number(printed?.id))
        .execute();
      expect(attempt).toEqual({ adapter: 'letter-pdf', outcome: 'sent' });
    }

    expect(await dispatch(campaign.id)).toMatchObject({ targets: 1, toCall: 1 });
    expect(await stepOf(campaign.id, b)).toBe('call');
    const due = await app.inject({
      method: 'GET',
      url: `/outreach/campaigns/${campaign.id}/calls/due`,
      headers: await as('call_center'),
    });
    expect(due.statusCode, due.body).toBe(200);
    const dueIds = due.json<{ items: { personId: number }[] }>().items.map((item) => item.personId);
    expect(dueIds.sort()).toEqual([b, c].sort());

    // BOOK-17 no phone call to a deaf person: refused by the API and by the database.
    const deaf = await call(campaign.id, e, { outcome: 'no_answer' });
    expect(deaf.statusCode).toBe(422);
    expect(deaf.json()).toMatchObject({ code: 'OUTREACH_NO_CALL_TO_DEAF' });
    await expect(
      sql`INSERT INTO outreach_calls (campaign_id, person_id, outcome, called_at, operator_id)
        VALUES (${campaign.id}, ${e}, 'reached', now(), 'x')`.execute(database().db),
    ).rejects.toMatchObject({ message: 'OUTREACH_NO_CALL_TO_DEAF' });
    // Nor to someone with no phone.
    expect((await call(campaign.id, d, { outcome: 'reached' })).json()).toMatchObject({
      code: 'OUTREACH_NO_PHONE',
    });

    // Every call is recorded with its outcome; a wrong number ends the calls and a letter follows.
    const noAnswer = await call(campaign.id, c, { outcome: 'no_answer', note: 'squilla a vuoto' });
    expect(noAnswer.statusCode, noAnswer.body).toBe(201);
    expect(noAnswer.json()).toMatchObject({ outcome: 'no_answer', nextStep: 'call', reason: 'call_again' });
    const wrong = await call(campaign.id, b, { outcome: 'wrong_number' });
    expect(wrong.json()).toMatchObject({ nextStep: 'wait', reason: 'calls_exhausted_letter' });
    expect(await channels(b)).toEqual(['sms', 'letter']);
    const reached = await call(campaign.id, c, { outcome: 'will_book' });
    expect(reached.json()).toMatchObject({ nextStep: 'wait', reason: 'reached' });
    const calls = await db
      .selectFrom('outreach_calls')
      .select(['person_id', 'outcome'])
      .where('campaign_id', '=', campaign.id)
      .orderBy('id')
      .execute();
    expect(calls.map((row) => [Number(row.person_id), row.outcome])).toEqual([
      [c, 'no_answer'],
      [b, 'wrong_number'],
      [c, 'will_book'],
    ]);
    const audited = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'outreach_call')
      .execute();
    expect(audited).toHaveLength(3);

    const progress = await app.inject({
      method: 'GET',
      url: `/outreach/campaigns/${campaign.id}`,
      headers: await as('asl_admin'),
    });
    expect(progress.json<{ counts: Record<string, number> }>().counts).toMatchObject({
      targets: 6,
      messagesWritten: 7,
      messagesSent: 5,
      messagesFailed: 1,
      calls: 3,
      contacted: 5, // a (e-mail and SMS sent), f (SMS sent), d and e (letters printed), c (answered)
      toCall: 0,
    });
  });

  it('BOOK-17 two dispatches at once take different targets: each person is written to once', async () => {
    const people = take(4).map((p) => p.id);
    for (const [i, id] of people.entries()) await setPerson(id, { email: `twice${i}@example.it` });
    await entitle(people, 'care_home', 'specialist_list');
    const campaign = await createCampaign({ selection: { categories: ['care_home'] } });
    expect(campaign.targetCount).toBe(4);
    const [one, two] = await Promise.all([dispatch(campaign.id, 3), dispatch(campaign.id, 3)]);
    expect(one.targets + two.targets).toBeGreaterThanOrEqual(3);
    expect(one.messagesWritten + two.messagesWritten).toBe(one.targets + two.targets);
    await dispatch(campaign.id);
    for (const id of people) expect(await messagesOf(campaign.id, id)).toHaveLength(1);
  });

  it('BOOK-17 a proposal confirmed books exactly once and respects capacity; the other person is sent to the search', async () => {
    const [g, h] = take(2) as [Person, Person];
    await setPerson(g.id, { email: 'g@example.it' });
    await setPerson(h.id, { email: 'h@example.it' });
    await entitle([g.id, h.id], 'severe_disability', 'specialist_list');
    const campaign = await createCampaign({
      selection: { categories: ['severe_disability'], listSources: ['specialist_list'] },
      proposalHours: 24,
    });
    expect(campaign.targetCount).toBe(2);
    const wave = await dispatch(campaign.id);
    expect(wave).toMatchObject({ targets: 2, messagesWritten: 2, proposals: 2 });
    const proposals = await db
      .selectFrom('outreach_proposals')
      .selectAll()
      .where('campaign_id', '=', campaign.id)
      .orderBy('person_id')
      .execute();
    expect(proposals).toHaveLength(2);
    const [message] = await messagesOf(campaign.id, g.id);
    expect(message).toMatchObject({ template: 'outreach_proposal', channel: 'email' });
    const gProposal = proposals.find((p) => Number(p.person_id) === g.id);
    const hProposal = proposals.find((p) => Number(p.person_id) === h.id);
    if (gProposal === undefined || hProposal === undefined) throw new Error('no proposals');
    expect((message?.params as { proposalId: number }).proposalId).toBe(Number(gProposal.id));
    // Nearest hub to the domicile, on the day aimed at; valid 24 hours.
    expect(Number(gProposal.vaccination_point_id)).toBe(cremona);
    expect(gProposal.valid_until.toISOString()).toBe('2021-04-15T08:00:00.000Z');

    // Both proposed the same slot, with one place left: the proposal holds no place.
    await db
      .updateTable('outreach_proposals')
      .set({ slot_id: gProposal.slot_id, starts_at: gProposal.starts_at })
      .where('id', '=', Number(hProposal.id))
      .execute();
    await sql`UPDATE slots SET capacity = booked + 1 WHERE id = ${gProposal.slot_id}`.execute(database().db);

    const confirm = async (id: number, role = 'call_center') =>
      app.inject({
        method: 'POST',
        url: `/outreach/proposals/${id}/confirmation`,
        headers: await as(role),
      });
    // The same confirmation twice at once (a double click, an operator and a retry): one booking.
    const [first, second] = await Promise.all([confirm(Number(gProposal.id)), confirm(Number(gProposal.id))]);
    expect(first.statusCode, first.body).toBe(200);
    expect(second.statusCode, second.body).toBe(200);
    expect(first.json<{ bookingCode: string }>().bookingCode).toBe(
      second.json<{ bookingCode: string }>().bookingCode,
    );
    const gBookings = await db
      .selectFrom('bookings')
      .select(['id', 'slot_id', 'channel'])
      .where('person_id', '=', g.id)
      .where('dose_number', '=', 1)
      .execute();
    expect(gBookings).toHaveLength(1);
    expect(Number(gBookings[0]?.slot_id)).toBe(Number(gProposal.slot_id));
    const again = await confirm(Number(gProposal.id));
    expect(again.json()).toMatchObject({ bookingCode: first.json<{ bookingCode: string }>().bookingCode });
    const confirmed = await db
      .selectFrom('outreach_proposals')
      .selectAll()
      .where('id', '=', Number(gProposal.id))
      .executeTakeFirstOrThrow();
    expect(confirmed).toMatchObject({ status: 'confirmed', decided_via: 'phone' });
    expect(Number(confirmed.booking_id)).toBe(Number(gBookings[0]?.id));
    expect(await stepOf(campaign.id, g.id)).toBe('done');

    // The last place is gone: H's confirmation is refused, the slot is not overbooked, H may change.
    const refused = await confirm(Number(hProposal.id));
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'OUTREACH_PROPOSAL_SLOT_TAKEN' });
    const counter = await db
      .selectFrom('slots')
      .select(['booked', 'capacity'])
      .where('id', '=', Number(gProposal.slot_id))
      .executeTakeFirstOrThrow();
    expect(counter.booked).toBe(counter.capacity);
    expect(
      await db
        .selectFrom('bookings')
        .select('id')
        .where('person_id', '=', h.id)
        .where('status', '=', 'confirmed')
        .execute(),
    ).toHaveLength(0);
    const change = await app.inject({
      method: 'POST',
      url: `/outreach/proposals/${Number(hProposal.id)}/change`,
      headers: await as('call_center'),
    });
    expect(change.statusCode, change.body).toBe(200);
    expect(change.json()).toMatchObject({ state: 'changed', searchUrl: '/portal/book' });
    expect((await confirm(Number(hProposal.id))).json()).toMatchObject({ code: 'OUTREACH_PROPOSAL_DECIDED' });

    // A citizen sees only their own proposals.
    const citizen = await app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode: h.tax_code, healthCardNumber: h.health_card_number },
    });
    const token = { authorization: `Bearer ${citizen.json<{ token: string }>().token}` };
    const other = await app.inject({
      method: 'GET',
      url: `/outreach/proposals/${Number(gProposal.id)}`,
      headers: token,
    });
    expect(other.statusCode).toBe(404);
    const own = await app.inject({
      method: 'GET',
      url: `/outreach/proposals/${Number(hProposal.id)}`,
      headers: token,
    });
    expect(own.json()).toMatchObject({ state: 'changed', personId: h.id });

    // After its time a proposal cannot be confirmed.
    clock.set('2021-04-15T08:00:00Z');
    try {
      const late = await db
        .insertInto('outreach_proposals')
        .values({
          campaign_id: campaign.id,
          person_id: h.id,
          slot_id: Number(gProposal.slot_id),
          vaccination_point_id: cremona,
          starts_at: gProposal.starts_at,
          valid_until: new Date('2021-04-15T07:00:00Z'),
          created_at: new Date('2021-04-14T07:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect((await confirm(Number(late.id))).json()).toMatchObject({ code: 'OUTREACH_PROPOSAL_EXPIRED' });
    } finally {
      clock.set(NOW);
    }
  });

  it('BOOK-17 the citizen confirms a proposal from the message’s link on the portal, or asks for another one (no JavaScript)', async () => {
    const [i, j] = take(2) as [Person, Person];
    await setPerson(i.id, { phone: '3335550001' });
    await setPerson(j.id, { email: 'j@example.it' });
    await entitle([i.id, j.id], 'severe_disability', 'gp_report');
    const campaign = await createCampaign({
      selection: { categories: ['severe_disability'] },
      proposalHours: 48,
    });
    await dispatch(campaign.id);
    const proposalOf = async (personId: number) =>
      db
        .selectFrom('outreach_proposals')
        .selectAll()
        .where('campaign_id', '=', campaign.id)
        .where('person_id', '=', personId)
        .executeTakeFirstOrThrow();
    const iProposal = Number((await proposalOf(i.id)).id);
    const jProposal = Number((await proposalOf(j.id)).id);
    const [sms] = await messagesOf(campaign.id, i.id);
    expect(sms).toMatchObject({ channel: 'sms', template: 'outreach_proposal' });

    const browser = new FormBrowser(app);
    const start = await browser.follow(
      await browser.post('/portal/sign-in', { taxCode: i.tax_code, healthCardNumber: i.health_card_number }),
    );
    expect(start.statusCode).toBe(200);
    const page = await browser.get(`/portal/outreach/proposals/${iProposal}`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('Appuntamento proposto');
    expect(page.body).toContain(`action="/portal/outreach/proposals/${iProposal}/confirm"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    // Another person's proposal does not exist for this citizen.
    expect((await browser.get(`/portal/outreach/proposals/${jProposal}`)).statusCode).toBe(404);

    const confirmed = await browser.post(`/portal/outreach/proposals/${iProposal}/confirm`, { _csrf: csrf });
    expect(confirmed.statusCode, confirmed.body).toBe(303);
    const code = /^\/portal\/bookings\/([A-Z0-9]{8})\?done=booked$/.exec(
      confirmed.headers.location ?? '',
    )?.[1];
    expect(code).toBeDefined();
    expect(await proposalOf(i.id)).toMatchObject({ status: 'confirmed', decided_via: 'portal' });
    const made = await db
      .selectFrom('bookings')
      .select(['code', 'channel', 'person_id'])
      .where('code', '=', code ?? '')
      .executeTakeFirstOrThrow();
    expect(made).toMatchObject({ channel: 'web' });
    expect(Number(made.person_id)).toBe(i.id);
    // A second submission of the same form books nothing more.
    const twice = await browser.post(`/portal/outreach/proposals/${iProposal}/confirm`, { _csrf: csrf });
    expect(twice.headers.location).toBe(confirmed.headers.location);
    expect(
      await db
        .selectFrom('bookings')
        .select('id')
        .where('person_id', '=', i.id)
        .where('dose_number', '=', 1)
        .execute(),
    ).toHaveLength(1);
    const after = await browser.get(`/portal/outreach/proposals/${iProposal}`);
    expect(after.body).toContain(String(code));

    const other = new FormBrowser(app);
    await other.post('/portal/sign-in', { taxCode: j.tax_code, healthCardNumber: j.health_card_number });
    const jPage = await other.get(`/portal/outreach/proposals/${jProposal}`);
    const jCsrf = /name="_csrf" value="([^"]+)"/.exec(jPage.body)?.[1] ?? '';
    const changed = await other.post(`/portal/outreach/proposals/${jProposal}/change`, { _csrf: jCsrf });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/portal/book');
    expect(await proposalOf(j.id)).toMatchObject({ status: 'changed', decided_via: 'portal' });
    // Confirming it afterwards says why not, at the top of the same page.
    const late = await other.post(`/portal/outreach/proposals/${jProposal}/confirm`, { _csrf: jCsrf });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('error-summary');
  });

  it('ELIG-21 the not-contacted list at the deadline: no delivered message and no answered call by the end of its day in Rome', async () => {
    const people = take(5).map((p) => p.id) as [number, number, number, number, number];
    const [p1, p2, p3, p4, p5] = people;
    for (const [i, id] of people.entries())
      await setPerson(id, { email: `p${i}@example.it`, landline: `037200000${i}` });
    await entitle(people, 'comorbidity_under_60', 'specialist_list');
    const campaign = await createCampaign({
      selection: { categories: ['comorbidity_under_60'], listSources: ['specialist_list'] },
      deadline: '2021-04-20',
    });
    await dispatch(campaign.id);
    const emailOf = async (id: number) => Number((await messagesOf(campaign.id, id))[0]?.id);
    // Deliveries as the worker records them: p1 in the last second of 20 April (Rome), p2 one second
    // later, p3's e-mail failed; p4 and p5 were phoned.
    const delivered = (id: number, at: string) =>
      db
        .updateTable('messages')
        .set({ status: 'sent', sent_at: new Date(at), attempts: 1 })
        .where('id', '=', id)
        .execute();
    await delivered(await emailOf(p1), '2021-04-20T21:59:59Z');
    await delivered(await emailOf(p2), '2021-04-20T22:00:00Z');
    await db
      .updateTable('messages')
      .set({ status: 'failed', last_error: 'mailbox unknown' })
      .where('id', '=', await emailOf(p3))
      .execute();
    await db
      .updateTable('messages')
      .set({ status: 'cancelled' })
      .where('id', 'in', [await emailOf(p4), await emailOf(p5)])
      .execute();
    clock.set('2021-04-20T21:30:00Z');
    expect((await call(campaign.id, p4, { outcome: 'reached' })).statusCode).toBe(201);
    expect((await call(campaign.id, p5, { outcome: 'no_answer' })).statusCode).toBe(201);

    clock.set('2021-04-20T21:59:00Z');
    const before = await app.inject({
      method: 'GET',
      url: `/outreach/campaigns/${campaign.id}/not-contacted`,
      headers: await as('asl_admin'),
    });
    expect(before.json()).toMatchObject({ deadlinePassed: false });

    clock.set('2021-04-21T08:00:00Z');
    try {
      const response = await app.inject({
        method: 'GET',
        url: `/outreach/campaigns/${campaign.id}/not-contacted`,
        headers: await as('asl_admin'),
      });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{
        deadline: string;
        deadlinePassed: boolean;
        items: { personId: number }[];
      }>();
      expect(body).toMatchObject({ deadline: '2021-04-20', deadlinePassed: true });
      const ranks = await db
        .selectFrom('outreach_targets')
        .select(['person_id', 'rank'])
        .where('campaign_id', '=', campaign.id)
        .execute();
      const rank = (id: number) => ranks.find((r) => Number(r.person_id) === id)?.rank ?? 0;
      expect(body.items.map((item) => item.personId)).toEqual([p2, p3, p5].sort((x, y) => rank(x) - rank(y)));

      const csv = await app.inject({
        method: 'GET',
        url: `/outreach/campaigns/${campaign.id}/not-contacted.csv`,
        headers: await as('region_admin'),
      });
      expect(csv.statusCode, csv.body).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toMatch(/^posizione;id_persona;cognome;nome/);
      expect(lines.slice(1).map((line) => Number(line.split(';')[1]))).toEqual(
        body.items.map((i) => i.personId),
      );

      const progress = await app.inject({
        method: 'GET',
        url: `/outreach/campaigns/${campaign.id}`,
        headers: await as('asl_admin'),
      });
      expect(progress.json<{ counts: Record<string, number> }>().counts).toMatchObject({
        contacted: 3,
        contactedInTime: 2,
      });
    } finally {
      clock.set(NOW);
    }
  });

  it('ELIG-21 a GP reports a person not contacted: called first, added to the campaign, or put on the follow-up list, audited', async () => {
    const [inCampaign, outside] = take(2).map((p) => p.id) as [number, number];
    await entitle([inCampaign], 'extremely_vulnerable', 'specialist_list');
    const campaign = await createCampaign({ selection: { listSources: ['specialist_list'] } });
    const report = async (body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/outreach/gp-reports', headers: await as('gp'), payload: body });

    const already = await report({ personId: inCampaign, note: 'non chiamata' });
    expect(already.statusCode, already.body).toBe(201);
    expect(already.json()).toMatchObject({ resolution: 'already_target', campaignId: campaign.id });

    const added = await report({ personId: outside, campaignId: campaign.id });
    expect(added.json()).toMatchObject({ resolution: 'added_to_campaign', campaignId: campaign.id });
    const target = await db
      .selectFrom('outreach_targets')
      .selectAll()
      .where('campaign_id', '=', campaign.id)
      .where('person_id', '=', outside)
      .executeTakeFirstOrThrow();
    expect(target).toMatchObject({ origin: 'gp_report', replan: true, next_step: 'invite' });
    expect(target.rank).toBe(campaign.targetCount + 1);

    // A person of Mantova's province, where no campaign runs: the follow-up list of their authority.
    const mantovan = Number(
      (
        await sql<{ id: number }>`SELECT id FROM persons WHERE status = 'active'
          AND domicile_municipality_istat LIKE '020%' ORDER BY id LIMIT 1`.execute(database().db)
      ).rows[0]?.id,
    );
    const followUp = await report({ personId: mantovan });
    expect(followUp.json()).toMatchObject({
      resolution: 'follow_up',
      campaignId: null,
      healthAuthorityCode: 'ASST-MANTOVA',
    });
    const own = await app.inject({
      method: 'GET',
      url: '/outreach/gp-reports?resolution=follow_up',
      headers: await as('asl_admin'),
    });
    expect(own.json<{ items: unknown[] }>().items).toHaveLength(0);
    const all = await app.inject({
      method: 'GET',
      url: '/outreach/gp-reports?resolution=follow_up',
      headers: await as('region_admin'),
    });
    expect(all.json<{ items: { personId: number }[] }>().items.map((i) => i.personId)).toContain(mantovan);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'outreach_gp_report')
      .execute();
    expect(audit).toHaveLength(3);
    expect((await report({ personId: 2 ** 40 })).json()).toMatchObject({ code: 'OUTREACH_PERSON_NOT_FOUND' });
  });

  it('SEC-2 an ASL administrator works only its authority’s campaigns; the region sees all', async () => {
    const mantova = await createCampaign(
      { healthAuthorityCode: 'ASST-MANTOVA', selection: { ageFrom: 95 } },
      'region_admin',
    );
    const own = await app.inject({
      method: 'GET',
      url: `/outreach/campaigns/${mantova.id}`,
      headers: await as('asl_admin'),
    });
    expect(own.statusCode).toBe(404);
    expect(own.json()).toMatchObject({ code: 'OUTREACH_CAMPAIGN_NOT_FOUND' });
    for (const url of [
      `/outreach/campaigns/${mantova.id}/targets`,
      `/outreach/campaigns/${mantova.id}/not-contacted`,
      `/outreach/campaigns/${mantova.id}/not-contacted.csv`,
    ]) {
      expect((await app.inject({ method: 'GET', url, headers: await as('asl_admin') })).statusCode).toBe(404);
    }
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/outreach/campaigns/${mantova.id}/dispatch`,
          headers: await as('asl_admin'),
          payload: { limit: 10 },
        })
      ).statusCode,
    ).toBe(404);
    const list = await app.inject({
      method: 'GET',
      url: '/outreach/campaigns',
      headers: await as('asl_admin'),
    });
    const listed = list.json<{ items: { id: number; healthAuthorityCode: string }[] }>().items;
    expect(listed.every((item) => item.healthAuthorityCode === AUTHORITY)).toBe(true);
    expect(listed.map((item) => item.id)).not.toContain(mantova.id);
    const forOther = await app.inject({
      method: 'POST',
      url: '/outreach/campaigns',
      headers: await as('asl_admin'),
      payload: {
        healthAuthorityCode: 'ASST-MANTOVA',
        name: 'x',
        deadline: '2021-04-30',
        selection: { ageFrom: 90 },
      },
    });
    expect(forOther.statusCode).toBe(403);
    expect(forOther.json()).toMatchObject({ code: 'OUTREACH_AUTHORITY_OUT_OF_SCOPE' });
    const region = await app.inject({
      method: 'GET',
      url: `/outreach/campaigns/${mantova.id}`,
      headers: await as('region_admin'),
    });
    expect(region.statusCode).toBe(200);
    const byCallCenter = await app.inject({
      method: 'POST',
      url: '/outreach/campaigns',
      headers: await as('call_center'),
      payload: {
        healthAuthorityCode: AUTHORITY,
        name: 'x',
        deadline: '2021-04-30',
        selection: { ageFrom: 90 },
      },
    });
    expect(byCallCenter.statusCode).toBe(403);
    expect(byCallCenter.json()).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
  });

  it('ELIG-21 a campaign takes its deadline from the plan data of its region, and refuses an unknown one', async () => {
    const unknown = await app.inject({
      method: 'POST',
      url: '/outreach/campaigns',
      headers: await as('asl_admin'),
      // Lombardy has no deadline of this name (the shipped ones are Emilia-Romagna's).
      payload: {
        healthAuthorityCode: AUTHORITY,
        name: 'x',
        deadlineId: 'er-extremely-vulnerable',
        selection: { ageFrom: 90 },
      },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'OUTREACH_DEADLINE_UNKNOWN' });
    const none = await app.inject({
      method: 'POST',
      url: '/outreach/campaigns',
      headers: await as('asl_admin'),
      payload: { healthAuthorityCode: AUTHORITY, name: 'x', selection: { ageFrom: 90 } },
    });
    expect(none.json()).toMatchObject({ code: 'OUTREACH_DEADLINE_REQUIRED' });
    const empty = await app.inject({
      method: 'POST',
      url: '/outreach/campaigns',
      headers: await as('asl_admin'),
      payload: { healthAuthorityCode: AUTHORITY, name: 'x', deadline: '2021-04-30', selection: {} },
    });
    expect(empty.json()).toMatchObject({ code: 'OUTREACH_SELECTION_EMPTY' });
  });
});

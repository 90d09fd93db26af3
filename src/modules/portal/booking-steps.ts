import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type, type TObject, type TSchema } from 'typebox';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { BookingService } from '../booking/service.ts';
import { BookBody, BookHeaders } from '../booking/schemas.ts';
import type { BookingChannel } from '../eligibility/plan-file.ts';
import { listProducts } from '../reference/service.ts';
import {
  checkSlotSearch,
  isFeature,
  resolveDomicile,
  SearchFields,
  searchValues,
  type Domicile,
} from './booking-pages.ts';
import type { FieldError } from './forms.ts';
import { checkFields, FormText, HTML_PAGE, refusalOf, type PageKit, type Refusal } from './kit.ts';
import type { PageContext } from './layout.ts';
import {
  confirmPage,
  domicilePage,
  hubsPage,
  searchQuery,
  type BookingFlow,
  type HubOption,
  type SearchValues,
} from './views.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a booking on someone's behalf knows once the request is read: who, through which channel, framed how. */
export interface Party {
  flow: BookingFlow;
  /** The person whose entitlement and products the search follows (BOOK-5, BOOK-7). */
  searchPersonId: number;
  channel: BookingChannel;
  /** Who will be booked, as the confirmation page names them. */
  people: string[];
}

export interface BookingStepsOptions {
  /** The first step's route, relative to the scope (the hubs and confirm steps follow it). */
  url: string;
  params?: TObject;
  /** Fields the flow carries besides the search (they arrive in the query and the confirmation's body). */
  extra: Record<string, TSchema>;
  access: readonly Role[];
  tag: 'portal' | 'console';
  operationIds: { domicile: string; hubs: string; confirmPage: string; confirm: string };
  summary: string;
  /** Reads the request: who books for whom; throws the refusal if they may not book (BOOK-5). */
  party: (request: FastifyRequest) => Promise<Party>;
  /** Books the chosen slot; answers where the confirmation is. */
  book: (request: FastifyRequest, party: Party, slotId: number, idempotencyKey: string) => Promise<string>;
}

/**
 * The booking steps of BOOK-6..BOOK-9 for someone else than the signed-in citizen alone: a fragile person
 * with their caregivers, or a caller booked by the contact center. The pages are the citizen's own views
 * (views.ts) told their flow; the slots come from the same service as GET /slots, and the booking from
 * the same as POST /bookings or POST /bookings/group.
 */
export function registerBookingSteps(
  app: App,
  deps: { kit: PageKit; booking: BookingService; clock: Clock; regionCode: string; db: Kysely<DB> },
  options: BookingStepsOptions,
): void {
  const { kit, booking, clock, regionCode, db } = deps;
  const { pageContext, sendPage, formFailed, sendProblemPage } = kit;
  const Query = Type.Object({ ...SearchFields, ...options.extra }, { additionalProperties: false });
  const ConfirmQuery = Type.Object(
    { ...SearchFields, ...options.extra, slotId: FormText },
    { additionalProperties: false },
  );
  const ConfirmBody = Type.Object(
    { ...SearchFields, ...options.extra, slotId: FormText, idempotencyKey: FormText },
    { additionalProperties: false },
  );
  const withParams = <T extends object>(schema: T) =>
    options.params === undefined ? schema : { ...schema, params: options.params };

  const withDefaults = (values: SearchValues): SearchValues => ({
    ...values,
    date: values.date ?? romeDate(new Date(clock.now().getTime() + DAY_MS)),
    time: values.time ?? '09:00',
  });

  const showDomicile = async (
    request: FastifyRequest,
    reply: FastifyReply,
    party: Party,
    domicile: Domicile,
    values: SearchValues,
    refusals: readonly Refusal[],
  ): Promise<FastifyReply> => {
    const render = (context: PageContext, errors: readonly FieldError[]) =>
      domicilePage(context, {
        stage: domicile.stage,
        values: withDefaults(values),
        provinces: domicile.provinces,
        municipalities: domicile.municipalities,
        caps: domicile.caps,
        chosen: domicile.chosen,
        today: romeDate(clock.now()),
        errors,
        flow: party.flow,
      });
    const here = `${party.flow.base}${searchQuery(values)}`;
    if (refusals.length > 0) return formFailed(request, reply, refusals, 'query', render, here);
    return sendPage(reply, 200, render(await pageContext(request, here), []));
  };

  type Found = { hubs: HubOption[]; wanted: Date; products: string[]; municipalityName: string };

  const search = async (
    request: FastifyRequest,
    reply: FastifyReply,
    party: Party,
    values: SearchValues,
  ): Promise<Found | FastifyReply> => {
    const domicile = await resolveDomicile(db, regionCode, request, values);
    if (domicile.stage !== 'details' || domicile.refusals.length > 0)
      return showDomicile(request, reply, party, domicile, values, domicile.refusals);
    const refusals = checkSlotSearch(request, values);
    if (refusals.length > 0) return showDomicile(request, reply, party, domicile, values, refusals);
    try {
      const result = await booking.searchSlots({
        municipalityIstat: values.municipalityIstat ?? '',
        cap: values.cap ?? '',
        date: values.date ?? '',
        time: values.time ?? '',
        personId: party.searchPersonId,
        channel: party.channel,
        accessibility: values.accessibility.filter(isFeature),
      });
      const catalogue = await listProducts(db);
      return {
        hubs: result.hubs,
        wanted: result.wanted,
        products: (result.products ?? []).map((code) => catalogue.find((p) => p.code === code)?.name ?? code),
        municipalityName: domicile.chosen.municipality?.name ?? '',
      };
    } catch (error) {
      if (
        error instanceof DomainError &&
        ['MUNICIPALITY_UNKNOWN', 'CAP_NOT_OF_MUNICIPALITY'].includes(error.code)
      )
        return showDomicile(request, reply, party, domicile, values, [
          refusalOf(error, ['municipalityIstat', 'cap']),
        ]);
      throw error;
    }
  };

  const showHubs = async (
    request: FastifyRequest,
    reply: FastifyReply,
    party: Party,
    values: SearchValues,
    found: Found,
    refusals: readonly Refusal[],
  ): Promise<FastifyReply> => {
    const render = (context: PageContext, errors: readonly FieldError[]) =>
      hubsPage(context, {
        values,
        municipalityName: found.municipalityName,
        wanted: found.wanted,
        hubs: found.hubs,
        errors,
        flow: party.flow,
      });
    const here = `${party.flow.base}/hubs${searchQuery(values)}`;
    if (refusals.length > 0) return formFailed(request, reply, refusals, 'query', render, here);
    return sendPage(reply, 200, render(await pageContext(request, here), []));
  };

  const stepSchema = (operationId: string, summary: string, querystring: TObject) =>
    withParams({ operationId, tags: [options.tag], summary, querystring, response: HTML_PAGE });

  app.get(
    options.url,
    {
      schema: stepSchema(
        options.operationIds.domicile,
        `${options.summary}: province, municipality and CAP of the domicile, then day and time (BOOK-6)`,
        Query,
      ),
      config: { access: options.access },
    },
    async (request, reply) => {
      const party = await options.party(request);
      const values = searchValues(request.query);
      const domicile = await resolveDomicile(db, regionCode, request, values);
      return showDomicile(request, reply, party, domicile, values, domicile.refusals);
    },
  );

  app.get(
    `${options.url}/hubs`,
    {
      schema: stepSchema(
        options.operationIds.hubs,
        `${options.summary}: the hubs nearest to the domicile with their free times (BOOK-7)`,
        Query,
      ),
      config: { access: options.access, admission: 'booking' },
    },
    async (request, reply) => {
      const party = await options.party(request);
      const values = searchValues(request.query);
      const found = await search(request, reply, party, values);
      if (!('hubs' in found)) return found;
      return showHubs(request, reply, party, values, found, []);
    },
  );

  app.get(
    `${options.url}/confirm`,
    {
      schema: stepSchema(
        options.operationIds.confirmPage,
        `${options.summary}: the chosen hub and time, to check before confirming (BOOK-7)`,
        ConfirmQuery,
      ),
      config: { access: options.access, admission: 'booking' },
    },
    async (request, reply) => {
      const party = await options.party(request);
      const query = request.query as Record<string, string | undefined>;
      const values = searchValues(query);
      const slotId = query.slotId?.trim();
      const found = await search(request, reply, party, values);
      if (!('hubs' in found)) return found;
      const refusals = checkFields(request, { slotId }, [
        { name: 'slotId', label: 'hubChoice', schema: BookBody.properties.slotId },
      ]);
      if (refusals.length > 0) return showHubs(request, reply, party, values, found, refusals);
      const option = found.hubs.find((candidate) => String(candidate.slot?.id) === slotId);
      if (option?.slot === undefined || option.slot === null) {
        const error = new DomainError('SLOT_NOT_FOUND', { pointer: '/slotId' });
        return showHubs(request, reply, party, values, found, [refusalOf(error, ['slotId'])]);
      }
      return sendPage(
        reply,
        200,
        confirmPage(await pageContext(request), {
          values,
          option: { ...option, slot: option.slot },
          products: found.products,
          idempotencyKey: `${options.tag}-${randomUUID()}`,
          flow: party.flow,
          people: party.people,
        }),
      );
    },
  );

  app.post(
    `${options.url}/confirm`,
    {
      schema: withParams({
        operationId: options.operationIds.confirm,
        tags: [options.tag],
        summary: `${options.summary}: confirms; a repeated submission books once (BOOK-8, BOOK-9)`,
        body: ConfirmBody,
      }),
      config: { access: options.access, admission: 'booking' },
    },
    async (request, reply) => {
      const party = await options.party(request);
      const body = request.body as Record<string, string | undefined>;
      const values = searchValues(body);
      const form = { slotId: body.slotId, idempotencyKey: body.idempotencyKey };
      const [invalid] = checkFields(request, form, [
        { name: 'slotId', label: 'hubChoice', schema: BookBody.properties.slotId },
        { name: 'idempotencyKey', label: 'hubChoice', schema: BookHeaders.properties['idempotency-key'] },
      ]);
      if (invalid !== undefined) throw new DomainError(invalid.code, { params: invalid.params });
      try {
        const target = await options.book(request, party, Number(form.slotId), form.idempotencyKey ?? '');
        return reply.redirect(target, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const existing = error.code === 'BOOKING_ALREADY_OPEN' ? error.options.params?.code : undefined;
        return sendProblemPage(request, reply, error, {
          heading: 'bookingFailedTitle',
          links: [
            ...(typeof existing === 'string' && existing !== ''
              ? [
                  {
                    href: `${party.flow.bookings}/${existing}`,
                    label: 'openExisting' as const,
                    params: { code: existing },
                  },
                ]
              : []),
            { href: `${party.flow.base}/hubs${searchQuery(values)}`, label: 'searchAgain' as const },
          ],
        });
      }
    },
  );
}

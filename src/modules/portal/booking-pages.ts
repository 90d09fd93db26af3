import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import type { BookingService } from '../booking/service.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import { BookBody, BookHeaders, BookingCodeParams, CancelBody, SlotSearchQuery } from '../booking/schemas.ts';
import { ACCESSIBILITY_FEATURES, type AccessibilityFeature } from '../booking/tables.ts';
import type { RegistryService } from '../registry/service.ts';
import {
  findMunicipalityByIstat,
  listProducts,
  municipalitiesOfProvince,
  provincesOfRegion,
  type Province,
} from '../reference/service.ts';
import type { FieldError } from './forms.ts';
import {
  channelOf,
  checkFields,
  citizenOf,
  CITIZEN,
  FormText,
  HTML_PAGE,
  pageLanguage,
  refusalOf,
  type PageKit,
  type Refusal,
} from './kit.ts';
import type { PageContext } from './layout.ts';
import { text } from './texts.ts';
import {
  bookingPage,
  CANCEL_REASONS,
  type CancelReason,
  cancelPage,
  confirmPage,
  domicilePage,
  hubsPage,
  searchQuery,
  type DomicileStage,
  type HubOption,
  type SearchValues,
} from './views.ts';

const FormList = Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 8 }));
export const SearchFields = {
  province: FormText,
  municipalityIstat: FormText,
  cap: FormText,
  date: FormText,
  time: FormText,
  accessibility: FormList,
  reschedule: FormText,
};
const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_WANTED_TIME = '09:00';

interface Deps {
  kit: PageKit;
  booking: BookingService;
  eligibility: EligibilityService;
  registry: RegistryService;
  clock: Clock;
  regionCode: string;
  db: Kysely<DB>;
}

/** Where the citizen is in choosing the domicile (BOOK-6): one question per page, each answer checked. */
export interface Domicile {
  stage: DomicileStage;
  provinces: Province[];
  municipalities: { istat: string; name: string }[];
  caps: string[];
  chosen: { province?: Province | undefined; municipality?: { istat: string; name: string } | undefined };
  refusals: Refusal[];
}

type SearchInput = {
  province?: string | undefined;
  municipalityIstat?: string | undefined;
  cap?: string | undefined;
  date?: string | undefined;
  time?: string | undefined;
  accessibility?: string[] | undefined;
  reschedule?: string | undefined;
};

export const searchValues = (input: SearchInput): SearchValues => ({
  province: input.province?.trim(),
  municipalityIstat: input.municipalityIstat?.trim(),
  cap: input.cap?.trim(),
  date: input.date?.trim(),
  time: input.time?.trim(),
  accessibility: input.accessibility ?? [],
  reschedule: input.reschedule?.trim().toUpperCase() || undefined,
});

export const isFeature = (value: string): value is AccessibilityFeature =>
  (ACCESSIBILITY_FEATURES as readonly string[]).includes(value);

/** What a cancel form posts (BOOK-8, BOOK-10), on the citizen's page and on the call center's. */
export interface CancelFormBody {
  reason?: string | undefined;
  otherReason?: string | undefined;
  secondDose?: string | undefined;
}

/**
 * BOOK-8, BOOK-10: checks a cancel form the same way for the citizen and for the call center: a known
 * reason, its own words when the reason is "other", and what to do with the second dose when there is one.
 * `unknownReason` is the code for a reason that is not one of ours: the portal says it is invalid, the call
 * center has always said it is missing, and each keeps its wording.
 */
export function checkCancelForm(
  request: FastifyRequest,
  body: CancelFormBody,
  confirmation: { secondDose?: unknown },
  unknownReason: 'REQUEST_INVALID' | 'FIELD_REQUIRED',
) {
  const values = {
    reason: body.reason,
    otherReason: body.otherReason?.trim(),
    secondDose: body.secondDose,
  };
  const reason = CANCEL_REASONS.find((known) => known === values.reason);
  const refusals: Refusal[] = [];
  if (reason === undefined) {
    refusals.push({
      code: values.reason === undefined || values.reason === '' ? 'FIELD_REQUIRED' : unknownReason,
      field: 'reason',
      params: { field: text(pageLanguage(request), 'reason') },
    });
  }
  if (reason === 'other') {
    refusals.push(
      ...checkFields(request, values, [
        { name: 'otherReason', label: 'otherReason', schema: CancelBody.properties.reason },
      ]),
    );
  }
  // BOOK-10: asked on the page itself, so the service's question never reaches the caller in API terms.
  if (confirmation.secondDose !== undefined) {
    refusals.push(
      ...checkFields(request, values, [
        { name: 'secondDose', label: 'secondDose', schema: CancelBody.properties.secondDose },
      ]),
    );
  }
  return { values, reason, refusals };
}

/** The reason a cancelled booking keeps: operators read it in Italian whatever the citizen's language. */
export const cancelReasonText = (reason: CancelReason, otherReason: string | undefined): string =>
  reason === 'other' ? (otherReason ?? '') : text('it', `reason_${reason}`);

/**
 * BOOK-6, BOOK-7: what the slot search checks once the domicile is settled, the same for every booking
 * flow so that the citizen, a caregiver and an operator are refused in the same words.
 */
export function checkSlotSearch(request: FastifyRequest, values: SearchValues): Refusal[] {
  const refusals = checkFields(request, { cap: values.cap, date: values.date, time: values.time }, [
    { name: 'cap', label: 'cap', schema: SlotSearchQuery.properties.cap },
    { name: 'date', label: 'date', schema: SlotSearchQuery.properties.date },
    { name: 'time', label: 'time', schema: SlotSearchQuery.properties.time },
  ]);
  if (!values.accessibility.every(isFeature))
    refusals.push({
      code: 'REQUEST_INVALID',
      field: 'accessibility',
      params: { field: text(pageLanguage(request), 'needs') },
    });
  return refusals;
}

/**
 * BOOK-6: the domicile chosen so far, one question per page, each answer checked; shared by every booking
 * flow (the citizen's, a caregiver's group, an operator's on a caller's behalf).
 */
export async function resolveDomicile(
  db: Kysely<DB>,
  regionCode: string,
  request: FastifyRequest,
  values: SearchValues,
): Promise<Domicile> {
  const language = pageLanguage(request);
  const provinces = await provincesOfRegion(db, regionCode);
  const domicile: Domicile = {
    stage: 'province',
    provinces,
    municipalities: [],
    caps: [],
    chosen: {},
    refusals: [],
  };
  const province = provinces.find((candidate) => candidate.code === values.province);
  if (province === undefined) {
    if (values.province !== undefined) {
      domicile.refusals.push({
        code: values.province === '' ? 'FIELD_REQUIRED' : 'REQUEST_INVALID',
        field: 'province',
        params: { field: text(language, 'province') },
      });
    }
    return domicile;
  }
  domicile.chosen.province = province;
  domicile.stage = 'municipality';
  domicile.municipalities = await municipalitiesOfProvince(db, province.code);
  const municipality = domicile.municipalities.find(
    (candidate) => candidate.istat === values.municipalityIstat,
  );
  if (municipality === undefined) {
    if (values.municipalityIstat === '')
      domicile.refusals.push({
        code: 'FIELD_REQUIRED',
        field: 'municipalityIstat',
        params: { field: text(language, 'municipality') },
      });
    else if (values.municipalityIstat !== undefined)
      domicile.refusals.push({ code: 'MUNICIPALITY_UNKNOWN', field: 'municipalityIstat', params: {} });
    return domicile;
  }
  domicile.chosen.municipality = municipality;
  domicile.stage = 'details';
  domicile.caps = (await findMunicipalityByIstat(db, municipality.istat))?.caps ?? [];
  return domicile;
}

export function registerBookingPages(portal: App, deps: Deps): void {
  const { kit, booking, registry, clock, regionCode, db } = deps;
  const { pageContext, sendPage, formFailed, sendProblemPage } = kit;

  const resolveDomicileOf = (request: FastifyRequest, values: SearchValues): Promise<Domicile> =>
    resolveDomicile(db, regionCode, request, values);

  /** What the selects show before the citizen has chosen: the domicile the registry knows, and tomorrow. */
  const suggested = async (request: FastifyRequest, values: SearchValues): Promise<SearchValues> => {
    const person = await registry.getPerson(citizenOf(request).personId);
    const place = person.domicile ?? person.residence;
    const known = place === null ? undefined : await findMunicipalityByIstat(db, place.municipalityIstat);
    const tomorrow = romeDate(new Date(clock.now().getTime() + DAY_MS));
    const province = values.province ?? known?.provinceCode;
    const municipalityIstat =
      values.municipalityIstat ?? (known?.provinceCode === province ? known?.istat : undefined);
    const cap =
      values.cap ??
      (known?.istat === municipalityIstat && person.domicile?.cap ? person.domicile.cap : undefined);
    return {
      ...values,
      province,
      municipalityIstat,
      cap,
      date: values.date ?? tomorrow,
      time: values.time ?? DEFAULT_WANTED_TIME,
    };
  };

  const renderDomicile = async (
    request: FastifyRequest,
    context: PageContext,
    domicile: Domicile,
    values: SearchValues,
    errors: readonly FieldError[],
  ) =>
    domicilePage(context, {
      stage: domicile.stage,
      values: await suggested(request, values),
      provinces: domicile.provinces,
      municipalities: domicile.municipalities,
      caps: domicile.caps,
      chosen: domicile.chosen,
      today: romeDate(clock.now()),
      errors,
    });

  const showDomicile = async (
    request: FastifyRequest,
    reply: FastifyReply,
    domicile: Domicile,
    values: SearchValues,
    refusals: readonly Refusal[],
  ): Promise<FastifyReply> => {
    const here = `/portal/book${searchQuery(values)}`;
    if (refusals.length > 0) {
      return formFailed(
        request,
        reply,
        refusals,
        'query',
        (context, errors) => renderDomicile(request, context, domicile, values, errors),
        here,
      );
    }
    const context = await pageContext(request, here);
    return sendPage(reply, 200, await renderDomicile(request, context, domicile, values, []));
  };

  /**
   * BOOK-5: whether the citizen may book is checked before any slot is shown, with the same refusal the
   * booking itself gives (the slot search alone would show every hub as full).
   */
  const requireBookable = async (request: FastifyRequest): Promise<void> => {
    await booking.entitledMember(citizenOf(request).personId, channelOf(request));
  };

  /** A booking may be made, and the one a reschedule starts from is the citizen's own and still open. */
  const checkMayBook = async (request: FastifyRequest, code: string | undefined): Promise<void> => {
    await requireBookable(request);
    if (code === undefined) return;
    const validate = request.compileValidationSchema(BookingCodeParams.properties.code);
    if (!validate(code)) throw new DomainError('BOOKING_NOT_FOUND', { pointer: '/query/reschedule' });
    const row = await booking.getBooking(code, citizenOf(request).personId);
    if (row.status === 'cancelled') throw new DomainError('BOOKING_CANCELLED');
  };

  type SearchOutcome =
    | { ok: true; hubs: HubOption[]; wanted: Date; products: string[]; municipalityName: string }
    | { ok: false; reply: FastifyReply };

  /** BOOK-6, BOOK-7 through the same service as GET /slots; a refused domicile goes back to its page. */
  const search = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: SearchValues,
  ): Promise<SearchOutcome> => {
    await checkMayBook(request, values.reschedule);
    const domicile = await resolveDomicileOf(request, values);
    if (domicile.stage !== 'details' || domicile.refusals.length > 0)
      return { ok: false, reply: await showDomicile(request, reply, domicile, values, domicile.refusals) };
    const refusals = checkSlotSearch(request, values);
    if (refusals.length > 0)
      return { ok: false, reply: await showDomicile(request, reply, domicile, values, refusals) };
    try {
      const result = await booking.searchSlots({
        municipalityIstat: values.municipalityIstat ?? '',
        cap: values.cap ?? '',
        date: values.date ?? '',
        time: values.time ?? '',
        personId: citizenOf(request).personId,
        channel: channelOf(request),
        accessibility: values.accessibility.filter(isFeature),
      });
      const catalogue = await listProducts(db);
      return {
        ok: true,
        hubs: result.hubs,
        wanted: result.wanted,
        products: (result.products ?? []).map((code) => catalogue.find((p) => p.code === code)?.name ?? code),
        municipalityName: domicile.chosen.municipality?.name ?? '',
      };
    } catch (error) {
      if (
        error instanceof DomainError &&
        ['MUNICIPALITY_UNKNOWN', 'CAP_NOT_OF_MUNICIPALITY'].includes(error.code)
      ) {
        const refusal = refusalOf(error, ['municipalityIstat', 'cap']);
        return { ok: false, reply: await showDomicile(request, reply, domicile, values, [refusal]) };
      }
      throw error;
    }
  };

  const showHubs = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: SearchValues,
    found: Extract<SearchOutcome, { ok: true }>,
    refusals: readonly Refusal[],
    chosenSlot?: string,
  ): Promise<FastifyReply> => {
    const here = `/portal/book/hubs${searchQuery(values)}`;
    const render = (context: PageContext, errors: readonly FieldError[]) =>
      hubsPage(context, {
        values,
        municipalityName: found.municipalityName,
        wanted: found.wanted,
        hubs: found.hubs,
        chosenSlot,
        errors,
      });
    if (refusals.length > 0) return formFailed(request, reply, refusals, 'query', render, here);
    return sendPage(reply, 200, render(await pageContext(request, here), []));
  };

  const searchAgain = (values: SearchValues) => ({
    href: `/portal/book/hubs${searchQuery(values)}`,
    label: 'searchAgain' as const,
  });

  // ------------------------------------------------------------------------------------------------
  // Step 1: domicile, then the wanted day and time

  portal.get(
    '/book',
    {
      schema: {
        operationId: 'portalBookDomicile',
        tags: ['portal'],
        summary: 'Citizen portal: province, municipality and CAP of the domicile, then day and time (BOOK-6)',
        querystring: Type.Object(SearchFields, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const values = searchValues(request.query);
      await checkMayBook(request, values.reschedule);
      const domicile = await resolveDomicileOf(request, values);
      return showDomicile(request, reply, domicile, values, domicile.refusals);
    },
  );

  // ------------------------------------------------------------------------------------------------
  // Step 2: the nearest hubs, each with its free time nearest to the one wanted

  portal.get(
    '/book/hubs',
    {
      schema: {
        operationId: 'portalBookHubs',
        tags: ['portal'],
        summary: 'Citizen portal: the hubs nearest to the domicile with their free times (BOOK-7)',
        querystring: Type.Object(SearchFields, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN, admission: 'booking' },
    },
    async (request, reply) => {
      const values = searchValues(request.query);
      const found = await search(request, reply, values);
      if (!found.ok) return found.reply;
      return showHubs(request, reply, values, found, []);
    },
  );

  // ------------------------------------------------------------------------------------------------
  // Step 3: check and confirm

  portal.get(
    '/book/confirm',
    {
      schema: {
        operationId: 'portalBookConfirmPage',
        tags: ['portal'],
        summary: 'Citizen portal: the chosen hub and time, to check before confirming (BOOK-7, BOOK-10)',
        querystring: Type.Object({ ...SearchFields, slotId: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN, admission: 'booking' },
    },
    async (request, reply) => {
      const values = searchValues(request.query);
      const slotId = request.query.slotId?.trim();
      const found = await search(request, reply, values);
      if (!found.ok) return found.reply;
      const refusals = checkFields(request, { slotId }, [
        { name: 'slotId', label: 'hubChoice', schema: BookBody.properties.slotId },
      ]);
      if (refusals.length > 0) return showHubs(request, reply, values, found, refusals);
      const option = found.hubs.find((candidate) => String(candidate.slot?.id) === slotId);
      if (option?.slot === undefined || option.slot === null) {
        // Taken meanwhile, or no longer the hub's nearest free time: the citizen picks again.
        const error = new DomainError('SLOT_NOT_FOUND', { pointer: '/slotId' });
        return showHubs(request, reply, values, found, [refusalOf(error, ['slotId'])]);
      }
      const context = await pageContext(request);
      return sendPage(
        reply,
        200,
        confirmPage(context, {
          values,
          option: { ...option, slot: option.slot },
          products: found.products,
          idempotencyKey: `portal-${randomUUID()}`,
        }),
      );
    },
  );

  portal.post(
    '/book/confirm',
    {
      schema: {
        operationId: 'portalBook',
        tags: ['portal'],
        summary:
          'Citizen portal: confirms the booking; a repeated submission books once (BOOK-8, BOOK-9, BOOK-10)',
        body: Type.Object(
          { ...SearchFields, slotId: FormText, idempotencyKey: FormText },
          { additionalProperties: false },
        ),
      },
      config: { access: CITIZEN, admission: 'booking' },
    },
    async (request, reply) => {
      const values = searchValues(request.body);
      const form = { slotId: request.body.slotId, idempotencyKey: request.body.idempotencyKey };
      const [invalid] = checkFields(request, form, [
        { name: 'slotId', label: 'hubChoice', schema: BookBody.properties.slotId },
        { name: 'idempotencyKey', label: 'hubChoice', schema: BookHeaders.properties['idempotency-key'] },
      ]);
      // Both are written by the confirmation page: a mistake here is a form tampered with or cut short.
      if (invalid !== undefined) throw new DomainError(invalid.code, { params: invalid.params });
      try {
        const result = await booking.book(
          {
            personId: citizenOf(request).personId,
            slotId: Number(form.slotId),
            idempotencyKey: form.idempotencyKey,
            channel: channelOf(request),
          },
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`/portal/bookings/${result.confirmation.booking.code}?done=booked`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const existing = error.code === 'BOOKING_ALREADY_OPEN' ? error.options.params?.code : undefined;
        return sendProblemPage(request, reply, error, {
          heading: 'bookingFailedTitle',
          links: [
            ...(typeof existing === 'string' && existing !== ''
              ? [
                  {
                    href: `/portal/bookings/${existing}`,
                    label: 'openExisting' as const,
                    params: { code: existing },
                  },
                ]
              : []),
            searchAgain(values),
          ],
        });
      }
    },
  );

  portal.post(
    '/bookings/:code/reschedule',
    {
      schema: {
        operationId: 'portalReschedule',
        tags: ['portal'],
        summary: 'Citizen portal: moves the booking to the chosen hub and time in one step (BOOK-8)',
        params: BookingCodeParams,
        body: Type.Object({ ...SearchFields, slotId: FormText }, { additionalProperties: false }),
      },
      config: { access: CITIZEN, admission: 'booking' },
    },
    async (request, reply) => {
      const code = request.params.code;
      const values = { ...searchValues(request.body), reschedule: code };
      const [invalid] = checkFields(request, { slotId: request.body.slotId }, [
        { name: 'slotId', label: 'hubChoice', schema: BookBody.properties.slotId },
      ]);
      if (invalid !== undefined) throw new DomainError(invalid.code, { params: invalid.params });
      try {
        await booking.reschedule(
          code,
          citizenOf(request).personId,
          Number(request.body.slotId),
          channelOf(request),
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`/portal/bookings/${code}?done=moved`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return sendProblemPage(request, reply, error, { links: [searchAgain(values)] });
      }
    },
  );

  // ------------------------------------------------------------------------------------------------
  // A booking: read, print, cancel

  const personOf = async (request: FastifyRequest) => {
    const person = await registry.getPerson(citizenOf(request).personId);
    return { name: `${person.givenName} ${person.surname}`, taxCode: person.taxCode };
  };

  portal.get(
    '/bookings/:code',
    {
      schema: {
        operationId: 'portalBookingPage',
        tags: ['portal'],
        summary: 'Citizen portal: a booking with everything the confirmation shows, printable (BOOK-8)',
        params: BookingCodeParams,
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum(['booked', 'moved', 'cancelled'])) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const row = await booking.getBooking(request.params.code, citizenOf(request).personId);
      const confirmation = await booking.confirmationOf(row);
      const context = await pageContext(request, `/portal/bookings/${row.code}`);
      return sendPage(
        reply,
        200,
        bookingPage(context, { confirmation, person: await personOf(request), done: request.query.done }),
      );
    },
  );

  const cancellable = async (request: FastifyRequest, code: string) => {
    const row = await booking.getBooking(code, citizenOf(request).personId);
    if (row.status === 'cancelled') throw new DomainError('BOOKING_CANCELLED');
    return booking.confirmationOf(row);
  };

  portal.get(
    '/bookings/:code/cancel',
    {
      schema: {
        operationId: 'portalCancelPage',
        tags: ['portal'],
        summary:
          'Citizen portal: asks why, and what to do with the second dose, before cancelling (BOOK-8, BOOK-10)',
        params: BookingCodeParams,
        response: HTML_PAGE,
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const confirmation = await cancellable(request, request.params.code);
      const context = await pageContext(request);
      return sendPage(reply, 200, cancelPage(context, { confirmation, values: {}, errors: [] }));
    },
  );

  portal.post(
    '/bookings/:code/cancel',
    {
      schema: {
        operationId: 'portalCancel',
        tags: ['portal'],
        summary: 'Citizen portal: cancels the booking; its place is free at once (BOOK-8, BOOK-10)',
        params: BookingCodeParams,
        body: Type.Object(
          { reason: FormText, otherReason: FormText, secondDose: FormText },
          { additionalProperties: false },
        ),
      },
      config: { access: CITIZEN },
    },
    async (request, reply) => {
      const code = request.params.code;
      const confirmation = await cancellable(request, code);
      const { values, reason, refusals } = checkCancelForm(
        request,
        request.body,
        confirmation,
        'REQUEST_INVALID',
      );
      const render = (context: PageContext, errors: readonly FieldError[]) =>
        cancelPage(context, { confirmation, values, errors });
      const here = `/portal/bookings/${code}/cancel`;
      if (refusals.length > 0 || reason === undefined)
        return formFailed(request, reply, refusals, 'body', render, here);
      const secondDose =
        values.secondDose === 'cancel' || values.secondDose === 'keep' ? values.secondDose : undefined;
      try {
        await booking.cancel(
          code,
          citizenOf(request).personId,
          cancelReasonText(reason, values.otherReason),
          confirmation.secondDose === undefined ? undefined : secondDose,
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (error instanceof DomainError && error.code === 'SECOND_DOSE_DECISION_REQUIRED')
          return formFailed(request, reply, [refusalOf(error, ['secondDose'])], 'body', render, here);
        throw error;
      }
      return reply.redirect(`/portal/bookings/${code}?done=cancelled`, 303);
    },
  );
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import { romeDate, romeInstant } from '../../platform/clock.ts';
import { ageOn } from '../../platform/calendar.ts';
import type { Config } from '../../platform/config.ts';
import type { Database } from '../../platform/db/database.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { Id } from '../../platform/http/schema-types.ts';
import type { App } from '../../platform/http/types.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { createNationalClient } from '../../national/client.ts';
import { RegistryService } from '../registry/service.ts';
import type { PersonViewT } from '../registry/schemas.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { VaccinationService, type ConsentInput, type InfectionInput } from '../vaccination/service.ts';
import type { InfectionRow } from '../vaccination/repo.ts';
import {
  AdministrationBody,
  AnomalyReportBody,
  CheckInListQuery,
  ConsentBody,
  ForceDoseNumberBody,
  InfectionBody,
} from '../vaccination/schemas.ts';
import {
  NO_HEALTH_CONDITION,
  RISK_CATEGORIES,
  type NonConformingFinding,
  type RiskCategory,
} from '../vaccination/rules.ts';
import { NonConformingDoseError } from '../vaccination/errors.ts';
import { findingText } from '../vaccination/finding-texts.ts';
import { listProducts, listVaccinationPoints, type ProductEntry } from '../reference/service.ts';
import type { FieldError } from '../portal/forms.ts';
import { checkFields, FormText, HTML_PAGE, pageLanguage, type PageKit, type Refusal } from '../portal/kit.ts';
import type { PageContext } from '../portal/layout.ts';
import { text } from '../portal/texts.ts';
import { staffOf } from './routes.ts';
import { registerPersonSearch } from './person-search.ts';
import { IDENTITY_ADMINS } from '../registry/identity-change.ts';
import { movedOf, registerIdentityChange } from './identity-change-pages.ts';
import {
  administrationPage,
  anomalyPage,
  doseScreenPage,
  infectionPage,
  nextDoseText,
  PAYMENT_VALUES,
  personPage,
  PROTECTION_VALUES,
  recordPage,
  refusalPage,
  ROUTE_VALUES,
  SIGNER_VALUES,
  SITE_VALUES,
  TEST_TYPE_VALUES,
  todayPage,
  VP_BASE,
  VP_IDENTITY,
  type FormValues,
  type HistoryRow,
  type PersonSummary,
} from './vaccination-point-views.ts';

/** VAX-1: the vaccination point's own staff: vaccinators, and the point's manager with them. */
const POINT_STAFF: readonly Role[] = ['vaccinator', 'point_admin'];
/** REG-7 at the point: its staff whom the registry lets link identities and move records. */
const IDENTITY_CHANGERS = POINT_STAFF.filter((role) => IDENTITY_ADMINS.includes(role));

/** CONS-1: the ministry's consent form in force since 25 March 2021. */
const CONSENT_FORM_VERSION = 'MDS-2021-03-25';
const COVID_19 = '840539006';

interface Deps {
  kit: PageKit;
  database: Database;
  config: Config;
  clock: Clock;
}

const PersonParams = Type.Object({ personId: Id });
const AdministrationParams = Type.Object({ personId: Id, id: Id });
/** What a page just did, said at its top. */
const Done = Type.Optional(
  Type.Enum([
    'imported',
    'found',
    'registered',
    'recorded',
    'infection',
    'infection-corrected',
    'refusal',
    'refusal-duty',
    'report',
    'forced',
    'forced-again',
    'obsolete',
    'moved',
    'nothing-moved',
  ]),
);
const Form = (names: readonly string[]) =>
  Type.Object(Object.fromEntries(names.map((name) => [name, FormText])), { additionalProperties: false });

const CONSENT_NAMES = [
  'formVersion',
  'informationNoteRead',
  'signerCapacity',
  'signerName',
  'protection',
  'naturalIncapacity',
  'inFacility',
  'heardNotReached',
] as const;
const RECORD_NAMES = [
  'consentMode',
  'bookingCode',
  'point',
  'productCode',
  'lot',
  'lotExpiry',
  'volumeMl',
  'site',
  'route',
  'administeredOn',
  'administeredTime',
  'riskCategory',
  'healthCondition',
  'paymentMode',
  'additionalDose',
  'override',
  'mobile',
  'email',
  'confirmed',
  'healthChanged',
  ...CONSENT_NAMES,
] as const;

/** A service's pointer names its field by the last segment; some fields have another name on the form. */
const FORM_FIELD_OF: Record<string, string> = {
  administeredAt: 'administeredTime',
  vaccinationPointId: 'point',
  personId: 'bookingCode',
};

function refusalOnForm(error: DomainError, fields: readonly string[]): Refusal {
  const named = error.options.pointer?.split('/').at(-1);
  const field = named === undefined ? undefined : (FORM_FIELD_OF[named] ?? named);
  return {
    code: error.code,
    field: field !== undefined && fields.includes(field) ? field : undefined,
    params: error.options.params ?? {},
    error,
  };
}

const trimmed = (values: Record<string, string | undefined>): FormValues =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value?.trim()]));

const isOneOf = <T extends string>(values: readonly T[], value: string | undefined): value is T =>
  value !== undefined && (values as readonly string[]).includes(value);

function summaryOf(person: PersonViewT): PersonSummary {
  return {
    id: person.id,
    name: `${person.surname} ${person.givenName}`,
    identifier: person.identifier.value ?? person.taxCode ?? '',
    birthDate: person.birthDate,
    sex: person.sex,
    status: person.status,
    healthAuthorityCode: person.healthAuthorityCode,
    mobile: person.mobile,
    email: person.email,
    provenance: person.provenance,
    supersededBy: person.supersededBy,
  };
}

/**
 * The vaccination-point console (issue 9, ADR 0018): today's bookings and the check-in, the person's
 * search in three tiers (REG-5), the person's page (VAX-5, VAX-15, CONS, VAX-19), recording a dose with
 * the certificate contacts (VAX-1, VAX-20..22, CONS-1..4), the dose-number screen (VAX-7), infections
 * (VAX-16), refusals (CONS-5) and anomaly reports (VAX-19). Every page goes through the modules' services;
 * a staff member works only for their own points (SEC-2).
 */
export function registerVaccinationPointPages(console: App, deps: Deps): void {
  const { kit, database, config, clock } = deps;
  const { pageContext, sendPage, formFailed } = kit;
  const db = database.db;
  const national = createNationalClient({
    baseUrl: config.NATIONAL_URL,
    token: config.NATIONAL_API_TOKEN,
    timeoutMs: config.NATIONAL_TIMEOUT_MS,
  });
  const registry = new RegistryService(db, clock, national, config.REGION_CODE);
  const eligibility = new EligibilityService(db, clock, config.REGION_CODE);
  const booking = new BookingService(db, clock, eligibility);
  const vaccination = new VaccinationService(db, clock, eligibility, booking, national, config.REGION_CODE);
  const acting = (request: FastifyRequest) => actingContextOf(request, clock.now());
  const roleOf = (request: FastifyRequest) => staffOf(request).role;

  /** SEC-2: the points of the signed-in staff member; one asked for must be among them. */
  const myPoints = async (request: FastifyRequest, wanted?: string) => {
    const ids = staffOf(request).vaccinationPointIds;
    const points = (await listVaccinationPoints(db)).filter((point) => ids.includes(point.id));
    const chosen =
      wanted === undefined || wanted === '' ? points[0] : points.find((point) => String(point.id) === wanted);
    if (chosen === undefined) {
      throw new DomainError('ADMINISTRATION_POINT_OUT_OF_SCOPE', { pointer: '/vaccinationPointId' });
    }
    return { points, chosen };
  };

  const personSummary = async (personId: number) => summaryOf(await registry.getPerson(personId));

  const productNames = async () => new Map((await listProducts(db)).map((p) => [p.code, p.name]));

  // ------------------------------------------------------------------------------------------------
  // Today's bookings and the check-in by booking code

  console.get(
    '/vaccination-point',
    {
      schema: {
        operationId: 'consoleVaccinationPointToday',
        tags: ['console'],
        summary:
          'Vaccination point: the day’s bookings of the operator’s point, and the check-in by booking code (VAX-1)',
        querystring: Type.Object(
          { point: FormText, day: FormText, code: FormText },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const today = romeDate(clock.now());
      const { points, chosen } = await myPoints(request, request.query.point);
      const code = request.query.code?.trim().toUpperCase() || undefined;
      const refusals: Refusal[] = [];
      const day = request.query.day?.trim() || today;
      refusals.push(
        ...checkFields(request, { day }, [
          { name: 'day', label: 'vpDay', schema: CheckInListQuery.properties.day },
        ]),
      );
      if (code !== undefined && refusals.length === 0) {
        const [invalid] = checkFields(request, { code }, [
          { name: 'code', label: 'vpCheckInCode', schema: AdministrationBody.properties.bookingCode },
        ]);
        if (invalid !== undefined) refusals.push(invalid);
        else {
          try {
            const found = await booking.getBooking(code, undefined);
            if (found.status !== 'confirmed') {
              throw new DomainError('CHECK_IN_BOOKING_CANCELLED', { pointer: '/code', params: { code } });
            }
            const query = new URLSearchParams({ bookingCode: code, point: String(chosen.id) });
            return reply.redirect(`${VP_BASE}/persons/${String(found.person_id)}/record?${query}`, 303);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            refusals.push(refusalOnForm(error, ['code']));
          }
        }
      }
      const shownDay = refusals.some((refusal) => refusal.field === 'day') ? today : day;
      const rows = (await vaccination.checkInList(chosen.id, shownDay)).map((row) => ({
        bookingCode: row.code,
        startsAt: row.starts_at,
        status: row.status,
        personId: row.person_id,
        name: `${row.surname} ${row.given_name}`,
        birthDate: row.birth_date,
        doseNumber: row.dose_number,
        productName: row.product_name,
        administrationId: row.administration_id,
      }));
      const render = (context: PageContext, errors: FieldError[]) =>
        todayPage(context, roleOf(request), {
          points: points.map((point) => ({ id: point.id, name: point.name })),
          pointId: chosen.id,
          day: shownDay,
          isToday: shownDay === today,
          rows,
          code,
          errors,
        });
      if (refusals.length > 0) return formFailed(request, reply, refusals, 'query', render, VP_BASE);
      return sendPage(reply, 200, render(await pageContext(request), []));
    },
  );

  // ------------------------------------------------------------------------------------------------
  // REG-5, REG-6: local (the point's health authority), regional, national by identifier; import; register

  registerPersonSearch(
    console,
    { kit, db, clock, registry, regionCode: config.REGION_CODE },
    {
      searchUrl: '/vaccination-point/search',
      section: '/vaccination-point',
      home: VP_BASE,
      personHref: (personId) => `${VP_BASE}/persons/${String(personId)}`,
      readers: POINT_STAFF,
      writers: POINT_STAFF,
      operationIds: {
        search: 'consoleVaccinationPointSearch',
        import: 'consoleVaccinationPointImport',
        registerForm: 'consoleVaccinationPointRegisterForm',
        register: 'consoleVaccinationPointRegister',
      },
      who: 'Vaccination point',
      intro: 'vpSearchIntro',
      healthCard: false,
      localAuthority: async (request) => (await myPoints(request)).chosen.healthAuthorityCode,
    },
  );

  registerIdentityChange(
    console,
    { kit, clock, registry, eligibility, booking, vaccination },
    {
      where: VP_IDENTITY,
      roles: IDENTITY_CHANGERS,
      operationIds: {
        replacedForm: 'consoleVaccinationPointReplacedForm',
        replaced: 'consoleVaccinationPointReplaced',
        moveForm: 'consoleVaccinationPointRecordsMoveForm',
        move: 'consoleVaccinationPointRecordsMove',
      },
      who: 'Vaccination point',
    },
  );

  // ------------------------------------------------------------------------------------------------
  // The person: identity, history here and elsewhere, the national comparison, infections, consents,
  // anomaly reports

  console.get(
    '/vaccination-point/persons/:personId',
    {
      schema: {
        operationId: 'consoleVaccinationPointPerson',
        tags: ['console'],
        summary:
          'Vaccination point: a person’s identity, vaccinations here and in other regions, the national comparison on request, infections, consents and anomaly reports (VAX-5, VAX-15, VAX-19, CONS)',
        params: PersonParams,
        querystring: Type.Object({ compare: Type.Optional(Type.Literal('1')), done: Done, moved: FormText }),
        response: HTML_PAGE,
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const person = await personSummary(personId);
      const names = await productNames();
      const points = new Map((await listVaccinationPoints(db)).map((p) => [p.id, p.name]));
      const { here, otherRegions } = await vaccination.history(personId);
      const myIds = staffOf(request).vaccinationPointIds;
      const language = pageLanguage(request);
      let comparison: Parameters<typeof personPage>[2]['comparison'];
      if (request.query.compare === '1') {
        try {
          comparison = await vaccination.checkAllRegions(personId, acting(request));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          comparison = { error: text(language, 'vpNationalUnavailable') };
        }
      }
      const done = request.query.done;
      const context = await pageContext(request);
      return sendPage(
        reply,
        200,
        personPage(context, roleOf(request), {
          person,
          history: here.map((row) => ({
            id: row.id,
            administeredAt: row.administered_at,
            productName: names.get(row.product_code) ?? row.product_code,
            doseNumber: row.dose_number,
            doseKind: row.dose_kind,
            lot: row.lot,
            pointName: points.get(row.vaccination_point_id) ?? '',
            forced: row.dose_number_forced_at !== null,
            ourPoint: myIds.includes(row.vaccination_point_id),
          })),
          otherRegions: otherRegions.map((row) => ({
            administeredOn: row.administered_on ?? '',
            productName: names.get(row.product_code ?? '') ?? row.product_code ?? '',
            doseNumber: row.dose_number ?? 0,
            regionCode: row.region_code,
          })),
          comparison,
          infections: await vaccination.checkInfections(personId),
          consents: (await vaccination.consentsOf(personId)).map((row) => ({
            decision: row.decision,
            formVersion: row.form_version,
            signerCapacity: row.signer_capacity,
            signerName: row.signer_name,
            recordedAt: row.recorded_at,
            judgeValidationDueAt: row.judge_validation_due_at,
            judgeValidatedAt: row.judge_validated_at,
          })),
          reports: (await vaccination.anomalyReportsOf(personId)).map((row) => ({
            id: row.id,
            concerns: row.concerns,
            description: row.description,
            healthAuthorityCode: row.health_authority_code,
            status: row.status,
            createdAt: row.created_at,
          })),
          done: done === 'imported' || done === 'found' ? undefined : done,
          imported: done === 'imported',
          moved: done === 'moved' ? movedOf(request.query.moved) : {},
          mayChangeIdentity: IDENTITY_CHANGERS.includes(roleOf(request)),
        }),
      );
    },
  );

  // ------------------------------------------------------------------------------------------------
  // Recording an administration

  /** What the record form shows around the values: the proposal, the products, the contacts. */
  const recordForm = async (request: FastifyRequest, personId: number) => {
    const person = await personSummary(personId);
    const today = romeDate(clock.now());
    const catalogue = await listProducts(db);
    const products = catalogue.filter((entry) => entry.effectiveFrom <= today);
    // A finding may name a product the form does not offer today (VAX-12: the pediatric one).
    const productNames = new Map(catalogue.map((entry) => [entry.code, entry.name]));
    const check = await vaccination.checkInfections(personId);
    const due = check.nextDoseDue;
    const consentMode: 'new' | 'cycle' =
      due.status === 'next_primary_dose' && due.doseNumber > 1 ? 'cycle' : 'new';
    const previous = await vaccination.previousCertificateContacts(personId);
    const { points } = await myPoints(request);
    return { person, products, productNames, check, consentMode, previous, points };
  };

  type RecordForm = Awaited<ReturnType<typeof recordForm>>;

  const renderRecord = (
    request: FastifyRequest,
    context: PageContext,
    form: RecordForm,
    values: FormValues,
    errors: readonly FieldError[],
    findings: readonly NonConformingFinding[],
    consentMode = form.consentMode,
  ) => {
    return recordPage(context, roleOf(request), {
      person: form.person,
      points: form.points.map((point) => ({ id: point.id, name: point.name })),
      products: form.products.map((product) => ({ value: product.code, label: product.name })),
      riskCategories: RISK_CATEGORIES.map((category) => ({ value: category, label: category })),
      proposal: nextDoseText(context, form.check.nextDoseDue),
      previousContacts:
        form.previous === null
          ? undefined
          : `${form.previous.administered_on.split('-').reverse().join('/')}`,
      consentMode,
      // VAX-12: the box stays while it is ticked, so that another refusal does not untick it.
      showOverride: values.override === 'yes' || findings.length > 0,
      findings: findings.map((finding) => ({
        rule: finding.rule,
        text: findingText(finding, context.language, form.productNames),
      })),
      values,
      errors,
    });
  };

  const recordHere = (personId: number) => `${VP_BASE}/persons/${String(personId)}/record`;

  console.get(
    '/vaccination-point/persons/:personId/record',
    {
      schema: {
        operationId: 'consoleVaccinationPointRecordForm',
        tags: ['console'],
        summary:
          'Vaccination point: the record form: product, lot, site, the proposed dose, the booking code, certificate contacts proposed from the previous COVID dose, consent (VAX-1, VAX-20..22, CONS-1..4)',
        params: PersonParams,
        querystring: Type.Object({ bookingCode: FormText, point: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const form = await recordForm(request, personId);
      const { chosen } = await myPoints(request, request.query.point);
      const now = clock.now();
      const bookingCode = request.query.bookingCode?.trim().toUpperCase() || undefined;
      let productCode: string | undefined;
      if (bookingCode !== undefined) {
        try {
          const found = await booking.getBooking(bookingCode, personId);
          productCode = found.product_code;
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
        }
      }
      const product = form.products.find((entry) => entry.code === productCode);
      const age = ageOn(form.person.birthDate, romeDate(now));
      const previous = form.previous;
      const values: FormValues = {
        bookingCode,
        point: String(chosen.id),
        productCode,
        volumeMl: product === undefined ? undefined : String(product.dosage.volumeMl),
        route: product?.dosage.route ?? 'intramuscular',
        site: 'left_deltoid',
        administeredOn: romeDate(now),
        administeredTime: new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/Rome',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(now),
        riskCategory: age > 60 ? 'Età > 60 anni' : undefined,
        healthCondition: NO_HEALTH_CONDITION,
        paymentMode: 'national_health_service',
        // VAX-20: the contacts given at the previous COVID dose, else those the registry knows.
        mobile: previous === null ? (form.person.mobile ?? undefined) : (previous.mobile ?? undefined),
        email: previous === null ? (form.person.email ?? undefined) : (previous.email ?? undefined),
        formVersion: CONSENT_FORM_VERSION,
        signerCapacity: age >= 18 ? 'self' : undefined,
        signerName: age >= 18 ? `${form.person.name}` : undefined,
        protection: 'none',
      };
      const context = await pageContext(request);
      return sendPage(reply, 200, renderRecord(request, context, form, values, [], []));
    },
  );

  /** CONS-1..3: the consent part of a form, checked against the API's schema. */
  const consentOf = (
    request: FastifyRequest,
    values: FormValues,
    refusals: Refusal[],
    accepted: boolean,
  ): ConsentInput | undefined => {
    const checks = checkFields(request, values, [
      { name: 'formVersion', label: 'vpFormVersion', schema: ConsentBody.properties.formVersion },
      { name: 'signerCapacity', label: 'vpSignerCapacity', schema: ConsentBody.properties.signerCapacity },
      { name: 'signerName', label: 'vpSignerName', schema: ConsentBody.properties.signerName },
    ]);
    refusals.push(...checks);
    if (!isOneOf(PROTECTION_VALUES, values.protection ?? 'none')) {
      refusals.push({
        code: 'REQUEST_INVALID',
        field: 'protection',
        params: { field: text(pageLanguage(request), 'vpProtection') },
      });
    }
    if (checks.length > 0 || !isOneOf(SIGNER_VALUES, values.signerCapacity)) return undefined;
    const protection = values.protection ?? 'none';
    return {
      formVersion: values.formVersion ?? '',
      informationNoteRead: accepted ? values.informationNoteRead === 'yes' : false,
      signerCapacity: values.signerCapacity,
      signerName: values.signerName ?? '',
      situation: {
        protection: isOneOf(PROTECTION_VALUES, protection) ? protection : 'none',
        naturalIncapacity: values.naturalIncapacity === 'yes',
        inFacility: values.inFacility === 'yes',
      },
      heardReachable: values.heardNotReached !== 'yes',
    };
  };

  console.post(
    '/vaccination-point/persons/:personId/record',
    {
      schema: {
        operationId: 'consoleVaccinationPointRecord',
        tags: ['console'],
        summary:
          'Vaccination point: records the administration (check-in by booking code, contacts tick, consent); refusals on their fields (VAX-1..13, VAX-20..22, CONS-1..4)',
        params: PersonParams,
        body: Form(RECORD_NAMES),
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const personId = request.params.personId;
      const values = trimmed(request.body);
      if (values.bookingCode) values.bookingCode = values.bookingCode.toUpperCase();
      if (values.lot) values.lot = values.lot.toUpperCase();
      const language = pageLanguage(request);
      const form = await recordForm(request, personId);
      const consentMode = values.consentMode === 'cycle' ? 'cycle' : 'new';
      const fields = RECORD_NAMES as readonly string[];
      const failed = (refusals: readonly Refusal[], mode: 'new' | 'cycle' = consentMode) =>
        formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) =>
            renderRecord(
              request,
              context,
              form,
              values,
              errors,
              refusals.flatMap((refusal) =>
                refusal.error instanceof NonConformingDoseError ? refusal.error.findings : [],
              ),
              mode,
            ),
          recordHere(personId),
        );
      const body = AdministrationBody.properties;
      const refusals = checkFields(request, values, [
        { name: 'bookingCode', label: 'vpBookingCode', schema: body.bookingCode, optional: true },
        { name: 'productCode', label: 'vpProduct', schema: body.productCode, optional: !!values.bookingCode },
        { name: 'lot', label: 'vpLot', schema: body.lot },
        { name: 'lotExpiry', label: 'vpLotExpiry', schema: body.lotExpiry },
        { name: 'site', label: 'vpSite', schema: body.site },
        { name: 'route', label: 'vpRoute', schema: body.route },
        { name: 'administeredOn', label: 'vpAdministeredOn', schema: body.lotExpiry },
        {
          name: 'administeredTime',
          label: 'vpAdministeredTime',
          schema: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
        },
        { name: 'riskCategory', label: 'vpRiskCategory', schema: body.riskCategory },
        { name: 'healthCondition', label: 'vpHealthCondition', schema: body.healthCondition },
        { name: 'paymentMode', label: 'vpPaymentMode', schema: Type.Enum(PAYMENT_VALUES) },
        {
          name: 'email',
          label: 'vpEmail',
          schema: Type.String({ format: 'email', maxLength: 254 }),
          optional: true,
        },
      ]);
      const volume = Number((values.volumeMl ?? '').replace(',', '.'));
      if (!values.volumeMl) {
        refusals.push({
          code: 'FIELD_REQUIRED',
          field: 'volumeMl',
          params: { field: text(language, 'vpVolume') },
        });
      } else if (!(Number.isFinite(volume) && volume > 0 && volume <= 5)) {
        refusals.push({
          code: 'REQUEST_INVALID',
          field: 'volumeMl',
          params: { field: text(language, 'vpVolume') },
        });
      }
      let consent: ConsentInput | undefined;
      let healthChanged: boolean | undefined;
      if (consentMode === 'new') consent = consentOf(request, values, refusals, true);
      else if (values.healthChanged === 'yes' || values.healthChanged === 'no')
        healthChanged = values.healthChanged === 'yes';
      if (refusals.length > 0) return failed(refusals);
      // SEC-2: a dose is recorded for one of the operator's own points only.
      const { chosen } = await myPoints(request, values.point);
      try {
        const row = await vaccination.record(
          {
            personId,
            bookingCode: values.bookingCode || undefined,
            productCode: values.productCode || undefined,
            administeredAt: romeInstant(values.administeredOn ?? '', values.administeredTime ?? ''),
            lot: values.lot ?? '',
            lotExpiry: values.lotExpiry ?? '',
            volumeMl: volume,
            riskCategory: values.riskCategory as RiskCategory,
            healthCondition: values.healthCondition ?? '',
            route: isOneOf(ROUTE_VALUES, values.route) ? values.route : 'intramuscular',
            site: isOneOf(SITE_VALUES, values.site) ? values.site : 'other',
            paymentMode: isOneOf(PAYMENT_VALUES, values.paymentMode)
              ? values.paymentMode
              : 'national_health_service',
            vaccinationPointId: chosen.id,
            additionalDose: values.additionalDose === 'yes',
            override: values.override === 'yes',
            certificateContacts: {
              mobile: values.mobile || null,
              email: values.email || null,
              confirmed: values.confirmed === 'yes',
            },
            consent,
            healthChanged,
          },
          acting(request),
        );
        return reply.redirect(
          `${VP_BASE}/persons/${String(personId)}/administrations/${String(row.id)}?done=recorded`,
          303,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'ADMINISTRATION_POINT_OUT_OF_SCOPE') throw error;
        const refusal = refusalOnForm(error, [...fields, 'consent']);
        if (error.code === 'DOSE_NON_CONFORMING') refusal.field = 'override';
        // CONS-4: the proposal thought the dose continued a cycle, the record says it opens one.
        const mode = error.code === 'CONSENT_REQUIRED' ? 'new' : consentMode;
        return failed([refusal], mode);
      }
    },
  );

  // ------------------------------------------------------------------------------------------------
  // After recording; the dose-number screen (VAX-7)

  const administrationOf = async (personId: number, id: number) => {
    const { here } = await vaccination.history(personId);
    const row = here.find((candidate) => candidate.id === id);
    if (row === undefined) throw new DomainError('ADMINISTRATION_NOT_FOUND', { pointer: '/id' });
    return row;
  };

  console.get(
    '/vaccination-point/persons/:personId/administrations/:id',
    {
      schema: {
        operationId: 'consoleVaccinationPointAdministration',
        tags: ['console'],
        summary:
          'Vaccination point: an administration; after recording, that the certificate will be issued and its code sent to the certificate contacts (VAX-20)',
        params: AdministrationParams,
        querystring: Type.Object({ done: Done }),
        response: HTML_PAGE,
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const { personId, id } = request.params;
      const row = await administrationOf(personId, id);
      const person = await personSummary(personId);
      const catalogue: ProductEntry[] = await listProducts(db);
      const product = catalogue.find((entry) => entry.code === row.product_code);
      const covid = product?.targetDisease.snomed === COVID_19;
      const points = new Map((await listVaccinationPoints(db)).map((p) => [p.id, p.name]));
      const contacts = covid ? await vaccination.previousCertificateContacts(personId) : null;
      const administration: HistoryRow & {
        site: string;
        route: string;
        volumeMl: number;
        lotExpiry: string;
      } = {
        id: row.id,
        administeredAt: row.administered_at,
        productName: product?.name ?? row.product_code,
        doseNumber: row.dose_number,
        doseKind: row.dose_kind,
        lot: row.lot,
        lotExpiry: row.lot_expiry,
        pointName: points.get(row.vaccination_point_id) ?? '',
        forced: row.dose_number_forced_at !== null,
        ourPoint: staffOf(request).vaccinationPointIds.includes(row.vaccination_point_id),
        site: row.site,
        route: row.route,
        volumeMl: row.volume_ml,
      };
      const context = await pageContext(request);
      return sendPage(
        reply,
        200,
        administrationPage(context, roleOf(request), {
          person,
          administration,
          covid,
          contacts,
          done: request.query.done,
        }),
      );
    },
  );

  const doseScreen = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: FormValues,
    refusals: readonly Refusal[],
    done?: string,
  ) => {
    const { personId, id } = request.params as { personId: number; id: number };
    const screen = await vaccination.doseNumberScreen(id);
    if (screen.administration.person_id !== personId)
      throw new DomainError('ADMINISTRATION_NOT_FOUND', { pointer: '/id' });
    const person = await personSummary(personId);
    const names = await productNames();
    const render = (context: PageContext, errors: FieldError[]) =>
      doseScreenPage(context, roleOf(request), {
        person,
        administrationId: id,
        administeredAt: screen.administration.administered_at,
        productName: names.get(screen.administration.product_code) ?? screen.administration.product_code,
        assigned: screen.assigned,
        current: screen.current,
        proposed: screen.proposed,
        nationalSituation: screen.nationalSituation,
        forcedBefore: screen.forcedBefore,
        values,
        errors,
        done,
      });
    const here = `${VP_BASE}/persons/${String(personId)}/administrations/${String(id)}/dose-number`;
    if (refusals.length > 0) return formFailed(request, reply, refusals, 'body', render, here);
    return sendPage(reply, status, render(await pageContext(request), []));
  };

  console.get(
    '/vaccination-point/persons/:personId/administrations/:id/dose-number',
    {
      schema: {
        operationId: 'consoleVaccinationPointDoseScreen',
        tags: ['console'],
        summary:
          'Vaccination point: the dose-number screen: assigned, current, proposed from the national situation, that situation in date order, forced before (VAX-7)',
        params: AdministrationParams,
        querystring: Type.Object({ done: Done }),
        response: HTML_PAGE,
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => doseScreen(request, reply, 200, {}, [], request.query.done),
  );

  console.post(
    '/vaccination-point/persons/:personId/administrations/:id/dose-number',
    {
      schema: {
        operationId: 'consoleVaccinationPointForceDose',
        tags: ['console'],
        summary:
          'Vaccination point: forces the dose number with a reason; admissibility checked, audited (VAX-7, VAX-8a)',
        params: AdministrationParams,
        body: Form(['doseNumber', 'reason']),
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const { personId, id } = request.params;
      const values = trimmed(request.body);
      const refusals = checkFields(request, values, [
        {
          name: 'doseNumber',
          label: 'vpDoseToSet',
          schema: Type.String({ pattern: '^(1[0-9]|20|[1-9])$' }),
        },
        { name: 'reason', label: 'vpForceReason', schema: ForceDoseNumberBody.properties.reason },
      ]);
      if (refusals.length > 0) return doseScreen(request, reply, 400, values, refusals);
      try {
        const result = await vaccination.forceDoseNumber(
          id,
          Number(values.doseNumber),
          acting(request),
          values.reason,
        );
        const done = result.forcedBefore ? 'forced-again' : 'forced';
        return reply.redirect(
          `${VP_BASE}/persons/${String(personId)}/administrations/${String(id)}/dose-number?done=${done}`,
          303,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return doseScreen(request, reply, 400, values, [refusalOnForm(error, ['doseNumber'])]);
      }
    },
  );

  // ------------------------------------------------------------------------------------------------
  // VAX-16 infections, CONS-5 refusals, VAX-19 anomaly reports

  const simpleForm = (
    path: string,
    names: readonly string[],
    operation: { form: string; post: string; formSummary: string; postSummary: string },
    render: (
      request: FastifyRequest,
      context: PageContext,
      person: PersonSummary,
      values: FormValues,
      errors: readonly FieldError[],
    ) => Promise<ReturnType<typeof infectionPage>> | ReturnType<typeof infectionPage>,
    defaults: (person: PersonSummary) => FormValues,
    submit: (
      request: FastifyRequest,
      personId: number,
      values: FormValues,
      refusals: Refusal[],
    ) => Promise<string | undefined>,
    fields: readonly string[],
  ) => {
    console.get(
      `/vaccination-point/persons/:personId/${path}`,
      {
        schema: {
          operationId: operation.form,
          tags: ['console'],
          summary: operation.formSummary,
          params: PersonParams,
          response: HTML_PAGE,
        },
        config: { access: POINT_STAFF },
      },
      async (request, reply) => {
        const person = await personSummary(request.params.personId);
        const context = await pageContext(request);
        return sendPage(reply, 200, await render(request, context, person, defaults(person), []));
      },
    );
    console.post(
      `/vaccination-point/persons/:personId/${path}`,
      {
        schema: {
          operationId: operation.post,
          tags: ['console'],
          summary: operation.postSummary,
          params: PersonParams,
          body: Form(names),
        },
        config: { access: POINT_STAFF },
      },
      async (request, reply) => {
        const personId = request.params.personId;
        const person = await personSummary(personId);
        const values = trimmed(request.body);
        const refusals: Refusal[] = [];
        let done: string | undefined;
        try {
          done = await submit(request, personId, values, refusals);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          refusals.push(refusalOnForm(error, fields));
        }
        if (refusals.length > 0 || done === undefined) {
          return formFailed(
            request,
            reply,
            refusals,
            'body',
            (context, errors) => render(request, context, person, values, errors),
            `${VP_BASE}/persons/${String(personId)}/${path}`,
          );
        }
        return reply.redirect(`${VP_BASE}/persons/${String(personId)}?done=${done}`, 303);
      },
    );
  };

  const INFECTION_DATE_NAMES = ['testType', 'sampledOn', 'resultOn', 'recoveredOn'] as const;
  const INFECTION_NAMES = [...INFECTION_DATE_NAMES, 'abroad', 'regionCode', 'countryCode'] as const;

  /** VAX-16: the test type and the dates, entered or corrected, checked against the API's schema. */
  const infectionDatesOf = (
    request: FastifyRequest,
    values: FormValues,
    refusals: Refusal[],
  ): Omit<InfectionInput, 'place'> | undefined => {
    const checks = checkFields(request, values, [
      { name: 'testType', label: 'vpTestType', schema: InfectionBody.properties.testType },
      { name: 'sampledOn', label: 'vpSampledOn', schema: InfectionBody.properties.sampledOn },
      { name: 'resultOn', label: 'vpResultOn', schema: InfectionBody.properties.resultOn },
      {
        name: 'recoveredOn',
        label: 'vpRecoveredOnLabel',
        schema: InfectionBody.properties.sampledOn,
        optional: true,
      },
    ]);
    refusals.push(...checks);
    if (checks.length > 0 || !isOneOf(TEST_TYPE_VALUES, values.testType)) return undefined;
    return {
      testType: values.testType,
      sampledOn: values.sampledOn ?? '',
      resultOn: values.resultOn ?? '',
      recoveredOn: values.recoveredOn || null,
    };
  };

  simpleForm(
    'infections',
    INFECTION_NAMES,
    {
      form: 'consoleVaccinationPointInfectionForm',
      post: 'consoleVaccinationPointEnterInfection',
      formSummary: 'Vaccination point: the form to enter an infection from another region or abroad (VAX-16)',
      postSummary:
        'Vaccination point: enters the infection; dates in order, else a specific error (VAX-14, VAX-16)',
    },
    (request, context, person, values, errors) =>
      infectionPage(context, roleOf(request), { person, mode: { kind: 'enter' }, values, errors }),
    () => ({ abroad: 'no' }),
    async (request, personId, values, refusals) => {
      const language = pageLanguage(request);
      const abroad = values.abroad === 'yes';
      const dates = infectionDatesOf(request, values, refusals);
      refusals.push(
        ...checkFields(request, values, [
          abroad
            ? { name: 'countryCode', label: 'vpCountryCode', schema: Type.String({ pattern: '^[A-Z]{2}$' }) }
            : {
                name: 'regionCode',
                label: 'vpRegionCode',
                schema: Type.String({ pattern: '^(0[1-9]|1[0-9]|20)$' }),
              },
        ]),
      );
      if (values.abroad !== 'yes' && values.abroad !== 'no')
        refusals.push({
          code: 'FIELD_REQUIRED',
          field: 'abroad',
          params: { field: text(language, 'vpTestWhere') },
        });
      if (refusals.length > 0 || dates === undefined) return undefined;
      await vaccination.enterInfection(
        personId,
        {
          ...dates,
          place: abroad
            ? { countryCode: (values.countryCode ?? '').toUpperCase() }
            : { regionCode: values.regionCode ?? '' },
        },
        acting(request),
      );
      return 'infection';
    },
    INFECTION_NAMES,
  );

  const InfectionParams = Type.Object({ personId: Id, id: Id });

  /** VAX-14: the correction form of an infection an operator entered; refusals next to their fields. */
  const infectionCorrection = async (
    request: FastifyRequest,
    reply: FastifyReply,
    infection: InfectionRow,
    values: FormValues,
    refusals: readonly Refusal[],
  ) => {
    const person = await personSummary(infection.person_id);
    const render = (context: PageContext, errors: FieldError[]) =>
      infectionPage(context, roleOf(request), {
        person,
        mode: {
          kind: 'correct',
          infectionId: infection.id,
          countryCode: infection.country_code,
          regionCode: infection.region_code,
        },
        values,
        errors,
      });
    const here = `${VP_BASE}/persons/${String(person.id)}/infections/${String(infection.id)}`;
    if (refusals.length > 0) return formFailed(request, reply, refusals, 'body', render, here);
    return sendPage(reply, 200, render(await pageContext(request), []));
  };

  console.get(
    '/vaccination-point/persons/:personId/infections/:id',
    {
      schema: {
        operationId: 'consoleVaccinationPointInfectionCorrectionForm',
        tags: ['console'],
        summary:
          'Vaccination point: the form to correct an infection an operator entered, with its current values; those from regional surveillance are not editable (VAX-14)',
        params: InfectionParams,
        response: HTML_PAGE,
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const infection = await vaccination.correctableInfection(request.params.personId, request.params.id);
      const current = {
        testType: infection.test_type,
        sampledOn: infection.sampled_on,
        resultOn: infection.result_on,
        recoveredOn: infection.recovered_on ?? undefined,
      };
      return infectionCorrection(request, reply, infection, current, []);
    },
  );

  console.post(
    '/vaccination-point/persons/:personId/infections/:id',
    {
      schema: {
        operationId: 'consoleVaccinationPointCorrectInfection',
        tags: ['console'],
        summary:
          'Vaccination point: corrects the test type and dates of an infection an operator entered; dates in order, else a specific error; audited (VAX-14, VAX-16)',
        params: InfectionParams,
        body: Form(INFECTION_DATE_NAMES),
      },
      config: { access: POINT_STAFF },
    },
    async (request, reply) => {
      const { personId, id } = request.params;
      // The infection must be this person's, so that the page returned to is the one corrected.
      const infection = await vaccination.correctableInfection(personId, id);
      const values = trimmed(request.body);
      const refusals: Refusal[] = [];
      const dates = infectionDatesOf(request, values, refusals);
      if (dates === undefined) return infectionCorrection(request, reply, infection, values, refusals);
      try {
        await vaccination.correctInfection(id, dates, acting(request));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const refusal = refusalOnForm(error, INFECTION_DATE_NAMES);
        return infectionCorrection(request, reply, infection, values, [refusal]);
      }
      return reply.redirect(`${VP_BASE}/persons/${String(personId)}?done=infection-corrected`, 303);
    },
  );

  const REFUSAL_NAMES = [...CONSENT_NAMES.filter((name) => name !== 'informationNoteRead'), 'healthWorker'];
  simpleForm(
    'refusal',
    REFUSAL_NAMES,
    {
      form: 'consoleVaccinationPointRefusalForm',
      post: 'consoleVaccinationPointRecordRefusal',
      formSummary: 'Vaccination point: the form to record a refusal of vaccination (CONS-5)',
      postSummary:
        'Vaccination point: records the refusal, never overridden; a health worker’s legal duty recalled (CONS-5)',
    },
    (request, context, person, values, errors) =>
      refusalPage(context, roleOf(request), { person, values, errors }),
    (person) => ({
      formVersion: CONSENT_FORM_VERSION,
      signerCapacity: ageOn(person.birthDate, romeDate(clock.now())) >= 18 ? 'self' : undefined,
      signerName: person.name,
      protection: 'none',
    }),
    async (request, personId, values, refusals) => {
      const consent = consentOf(request, values, refusals, false);
      if (consent === undefined || refusals.length > 0) return undefined;
      const result = await vaccination.recordRefusal(
        personId,
        consent,
        values.healthWorker === 'yes',
        acting(request),
      );
      return result.legalDuty ? 'refusal-duty' : 'refusal';
    },
    [...REFUSAL_NAMES, 'signerCapacity'],
  );

  const REPORT_NAMES = ['concerns', 'administrationId', 'description'] as const;
  simpleForm(
    'anomaly-report',
    REPORT_NAMES,
    {
      form: 'consoleVaccinationPointReportForm',
      post: 'consoleVaccinationPointFileReport',
      formSummary: 'Vaccination point: the form to report wrong registry or national data (VAX-19)',
      postSummary: 'Vaccination point: files the report, routed to the competent health authority (VAX-19)',
    },
    async (request, context, person, values, errors) => {
      const names = await productNames();
      const { here } = await vaccination.history(person.id);
      return anomalyPage(context, roleOf(request), {
        person,
        administrations: here.map((row) => ({
          value: String(row.id),
          label: `${row.administered_on.split('-').reverse().join('/')} · ${names.get(row.product_code) ?? row.product_code} · ${text(context.language, 'vpDoseN', { dose: row.dose_number })}`,
        })),
        values,
        errors,
      });
    },
    () => ({}),
    async (request, personId, values, refusals) => {
      const language = pageLanguage(request);
      refusals.push(
        ...checkFields(request, values, [
          {
            name: 'description',
            label: 'vpReportDescription',
            schema: AnomalyReportBody.properties.description,
          },
          { name: 'concerns', label: 'vpReportConcerns', schema: AnomalyReportBody.properties.concerns },
        ]),
      );
      const administrationId =
        values.administrationId === undefined || values.administrationId === 'none'
          ? null
          : Number(values.administrationId);
      if (administrationId !== null && !(Number.isInteger(administrationId) && administrationId > 0)) {
        refusals.push({
          code: 'REQUEST_INVALID',
          field: 'administrationId',
          params: { field: text(language, 'vpReportAdministration') },
        });
      }
      if (refusals.length > 0 || !isOneOf(['registry', 'national'] as const, values.concerns))
        return undefined;
      await vaccination.fileAnomalyReport(
        { personId, administrationId, concerns: values.concerns, description: values.description ?? '' },
        acting(request),
      );
      return 'report';
    },
    REPORT_NAMES,
  );
}

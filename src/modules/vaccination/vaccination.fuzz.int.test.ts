import { beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { InjectOptions } from 'fastify';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { expectCleanAnswer, mutated, nasty, serverErrors } from '../../../test/fuzz.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { STAFF_ROLES, type StaffRole } from '../../platform/auth/roles.ts';
import type { App, RouteEntry } from '../../platform/http/types.ts';
import { RISK_CATEGORIES, SIGNER_CAPACITIES } from './rules.ts';
import { PAYMENT_MODES, ROUTES_OF_ADMINISTRATION, SITES } from './tables.ts';
import { CONSENT, openHubDays } from '../../../test/registry-fixtures.ts';

/*
 * SEC-6 for the immunization registry: random strings, wrong and impossible dates and times, wrong ids,
 * oversized fields, unknown enum values, wrong types and missing fields at every route of the module,
 * as the roles the route admits. The answer is a success or a 4xx problem+json with a code, never a 5xx.
 * Bodies are either random or valid but for a few fields, so that they also reach the rules and the
 * database; ids are real ones (of records the fuzzing itself creates, too) or wrong ones.
 */

const NOW = '2022-01-20T12:00:00Z';
const RUNS = 100;

const oversized = fc.oneof(
  fc.string({ minLength: 41, maxLength: 300 }),
  fc.string({ minLength: 2001, maxLength: 2500 }),
  fc.constant('x'.repeat(1_100_000)),
);
const text = fc.oneof(nasty, oversized, fc.constantFrom('\u0000', 'a\u0000b', '\uD800', '\t\n', '\u200B'));
const wrongDate = fc.constantFrom(
  '0000-01-01',
  '0001-01-01',
  '0999-12-31',
  '1899-12-31',
  '2021-02-29',
  '2021-04-31',
  '2021-13-01',
  '2021-00-10',
  '9999-12-31',
  '12/10/1985',
  '2021-1-1',
  '20211201',
  '2021-12-01T00:00:00Z',
);
const dayBetween = (from: string, to: string) =>
  fc
    .date({ min: new Date(`${from}T00:00:00Z`), max: new Date(`${to}T00:00:00Z`), noInvalidDate: true })
    .map((date) => date.toISOString().slice(0, 10));
const date = fc.oneof(dayBetween('2020-01-01', '2022-03-31'), wrongDate, nasty);
/** Leap seconds, hour 24, no zone, far past and future, sub-microseconds, a millisecond after now. */
const impossibleTime = fc.constantFrom(
  '2021-12-31T23:59:60Z',
  '2021-06-30T23:59:60+00:00',
  '2021-12-01T24:00:00Z',
  '2021-12-01T09:60:00Z',
  '2021-12-01T09:30:00',
  '2021-12-01 09:30:00Z',
  '2021-12-01t09:30:00z',
  '2021-12-01T09:30:00+14:00',
  '2021-12-01T09:30:00-23:59',
  '0000-01-01T00:00:00Z',
  '0999-06-01T10:00:00Z',
  '1900-01-01T00:00:00+01:00',
  '9999-12-31T23:59:59Z',
  '2021-12-01T09:30:00.123456789Z',
  '2022-01-20T12:00:00.001Z',
);
const instant = fc.oneof(
  fc
    .date({ min: new Date('2020-12-01T00:00:00Z'), max: new Date(NOW), noInvalidDate: true })
    .map((d) => d.toISOString()),
  impossibleTime,
  nasty,
);
const wrongId = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 2 ** 53, 2 ** 53 - 1, 1e300, '1e3', '0x10', ' 7', '007', 'abc', '', null, true),
  fc.constantFrom([1], { id: 1 }),
  fc.integer(),
  nasty,
);
/** One of the ids in `pool` (which may grow while the property runs), or a wrong one. */
const idFrom = (pool: readonly number[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.nat().map((n) => pool[n % pool.length] ?? 1) },
    { weight: 2, arbitrary: wrongId },
  );
const pathId = (pool: readonly number[]) =>
  idFrom(pool).map((id) => encodeURIComponent(typeof id === 'string' ? id : JSON.stringify(id)));
const enumOf = (values: readonly string[]) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...values) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Over 80',
        'altro',
        'ALTRO',
        'Intramuscular',
        'deltoid',
        'booster',
        'pcr',
        'CLOSED',
        'rejected',
        'unknown',
        '',
      ),
    },
    { weight: 1, arbitrary: nasty },
  );
const bool = fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'yes', 0, 1, null, 'null'), nasty);

/** Bodies that are not JSON objects, or not JSON, or not announced as JSON. */
const rawBody: fc.Arbitrary<Pick<InjectOptions, 'payload' | 'headers'>> = fc.oneof(
  fc.constantFrom('not json', '{', '[]', '"text"', '42', 'null', '{"a":', '\u0000', '').map((payload) => ({
    payload,
    headers: { 'content-type': 'application/json' },
  })),
  fc.record({
    payload: fc.string(),
    headers: fc.constantFrom(
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/xml' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
    ),
  }),
  fc
    .dictionary(fc.constantFrom('personId', 'lot', 'doseNumber', 'status', 'testType'), fc.string())
    .map((fields) => ({
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })),
);

/** A JSON body: usually valid but for a few fields, else a random dictionary, a bare value or not JSON. */
const jsonBody = (
  valid: fc.Arbitrary<Record<string, unknown>>,
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Pick<InjectOptions, 'payload' | 'headers'>> =>
  fc
    .oneof(
      {
        weight: 6,
        arbitrary: fc.oneof(
          { weight: 4, arbitrary: mutated(valid, fields) },
          {
            weight: 1,
            arbitrary: fc.dictionary(fc.constantFrom(...Object.keys(fields), 'unknownField'), nasty),
          },
          { weight: 1, arbitrary: nasty },
        ),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
    )
    .chain((body) =>
      body === undefined
        ? fc.oneof(rawBody, fc.constant({}))
        : fc.constant({ payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    );

/** A query string that is valid but for a few parameters (or an unknown one), each as text. */
const query = (
  valid: Record<string, string>,
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, string>> =>
  mutated(fc.constant(valid), { ...fields, other: nasty }).map((parameters) =>
    Object.fromEntries(
      Object.entries(parameters).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : (JSON.stringify(value) ?? ''),
      ]),
    ),
  );

interface Pools {
  persons: number[];
  points: number[];
  administrations: number[];
  infections: number[];
  reports: number[];
  bookingCodes: string[];
  products: string[];
  consents: number[];
}

/** Every route of the module, with the requests thrown at it. */
function requestsFor(pools: Pools): Record<string, fc.Arbitrary<InjectOptions>> {
  const person = idFrom(pools.persons);
  const consent = fc.oneof(
    fc.constant(CONSENT),
    fc.record({
      formVersion: fc.oneof(fc.constant('MDS-2021-03-25'), text),
      informationNoteRead: bool,
      signerCapacity: enumOf(SIGNER_CAPACITIES),
      signerName: fc.oneof(fc.constant('Anna Bianchi'), text),
      situation: fc.oneof(
        fc.record(
          {
            protection: enumOf(['none', 'support', 'support_assistance', 'guardianship']),
            naturalIncapacity: bool,
            inFacility: bool,
          },
          { requiredKeys: [] },
        ),
        nasty,
      ),
      heardReachable: bool,
    }),
    nasty,
  );
  // By person and product, or a check-in, where the booking gives both (one booking is already fulfilled).
  const who = fc.oneof(
    fc.record({
      personId: fc.constantFrom(...pools.persons),
      productCode: fc.constantFrom(...pools.products),
    }),
    fc.record({ bookingCode: fc.constantFrom(...pools.bookingCodes) }),
  );
  const administration = fc.record({
    administeredAt: fc
      .date({ min: new Date('2021-01-01T00:00:00Z'), max: new Date(NOW), noInvalidDate: true })
      .map((d) => d.toISOString()),
    lot: fc.constant('FK1234'),
    lotExpiry: fc.constant('2022-12-31'),
    volumeMl: fc.constantFrom(0.2, 0.25, 0.3, 0.5),
    riskCategory: fc.constantFrom(...RISK_CATEGORIES),
    healthCondition: fc.constant('Nessuna condizione sanitaria a rischio'),
    route: fc.constant('intramuscular'),
    site: fc.constant('left_deltoid'),
    vaccinationPointId: fc.constant(pools.points[0]),
    override: fc.boolean(),
    certificateContacts: fc.constant({ mobile: '+393331234567', email: null, confirmed: true }),
    consent: fc.constant(CONSENT),
  });
  const administrationBody = fc
    .tuple(who, administration)
    .map(([person, fields]): Record<string, unknown> => ({ ...person, ...fields }));
  const infection = fc.record({
    testType: fc.constantFrom('molecular', 'antigen'),
    sampledOn: fc.constant('2021-03-01'),
    resultOn: fc.constant('2021-03-02'),
    recoveredOn: fc.constant('2021-03-20'),
    place: fc.constantFrom({ regionCode: '03' }, { countryCode: 'DE' }),
  });
  const infectionFields = {
    testType: enumOf(['molecular', 'antigen']),
    sampledOn: date,
    resultOn: date,
    recoveredOn: fc.oneof(fc.constant(null), date),
    place: fc.oneof(
      fc.constant({ regionCode: '03', countryCode: 'DE' }),
      fc.constant<InjectOptions>({}),
      nasty,
    ),
    'place.regionCode': fc.oneof(fc.constantFrom('00', '03', '21', '99', '3', 'LO'), nasty),
    'place.countryCode': fc.oneof(fc.constantFrom('DE', 'IT', 'XX', 'ZZ', 'de', 'DEU'), nasty),
  };
  const json = (
    method: 'POST' | 'PUT' | 'PATCH',
    url: fc.Arbitrary<string>,
    body: fc.Arbitrary<Pick<InjectOptions, 'payload' | 'headers'>>,
  ) => fc.tuple(url, body).map(([path, rest]): InjectOptions => ({ method, url: path, ...rest }));
  return {
    recordAdministration: json(
      'POST',
      fc.constant('/administrations'),
      jsonBody(administrationBody, {
        personId: person,
        bookingCode: fc.oneof(
          fc.constantFrom(...pools.bookingCodes),
          fc.constantFrom('AAAAAAAA', 'abc'),
          nasty,
        ),
        productCode: fc.oneof(
          fc.constantFrom(...pools.products, 'NOT-A-VACCINE', 'comirnaty-30', 'SPUTNIK-V'),
          nasty,
        ),
        administeredAt: instant,
        lot: text,
        lotExpiry: date,
        volumeMl: fc.oneof(fc.constantFrom(0, -0.3, 0.2, 0.3, 5, 5.0001, 1e-300, 1e300, '0.3'), nasty),
        riskCategory: enumOf(RISK_CATEGORIES),
        healthCondition: fc.oneof(fc.constantFrom('Nessuna condizione sanitaria a rischio', 'diabete'), text),
        route: enumOf(ROUTES_OF_ADMINISTRATION),
        site: enumOf(SITES),
        paymentMode: enumOf(PAYMENT_MODES),
        vaccinationPointId: idFrom(pools.points),
        additionalDose: bool,
        override: bool,
        consent,
        'consent.signerCapacity': enumOf(SIGNER_CAPACITIES),
        'consent.situation.protection': enumOf(['none', 'support', 'support_assistance', 'guardianship']),
        healthChanged: bool,
        certificateContacts: nasty,
        'certificateContacts.mobile': fc.oneof(
          fc.constantFrom(
            null,
            '+393331234567',
            '+1',
            '12345',
            '333 1234567',
            '++393331234567',
            '+3933312345678901',
          ),
          text,
        ),
        'certificateContacts.email': fc.oneof(
          fc.constantFrom(null, 'a@b.it', 'a@b', 'not-an-email', `${'a'.repeat(250)}@b.it`),
          text,
        ),
        'certificateContacts.confirmed': bool,
      }),
    ),
    forceDoseNumber: json(
      'PUT',
      pathId(pools.administrations).map((id) => `/administrations/${id}/dose-number`),
      jsonBody(fc.record({ doseNumber: fc.integer({ min: 1, max: 4 }) }), {
        doseNumber: fc.oneof(fc.constantFrom(0, 1, 2, 3, 20, 21, 1.5, -1, '2', 2 ** 53), nasty),
        reason: text,
      }),
    ),
    updateAdministration: json(
      'PATCH',
      pathId(pools.administrations).map((id) => `/administrations/${id}`),
      jsonBody(fc.record({ lot: fc.constant('FK9999') }), {
        lot: text,
        lotExpiry: date,
        site: enumOf(SITES),
        route: enumOf(ROUTES_OF_ADMINISTRATION),
        paymentMode: enumOf(PAYMENT_MODES),
        riskCategory: enumOf(RISK_CATEGORIES),
        healthCondition: text,
      }),
    ),
    enterInfection: json(
      'POST',
      pathId(pools.persons).map((id) => `/persons/${id}/infections`),
      jsonBody(infection, infectionFields),
    ),
    correctInfection: json(
      'PATCH',
      pathId(pools.infections).map((id) => `/infections/${id}`),
      jsonBody(fc.record({ recoveredOn: fc.constant('2021-03-25') }), infectionFields),
    ),
    checkInfection: pathId(pools.persons).map((id) => ({
      method: 'GET',
      url: `/persons/${id}/infections/check`,
    })),
    fileAnomalyReport: json(
      'POST',
      fc.constant('/anomaly-reports'),
      jsonBody(
        fc.record({
          personId: fc.constantFrom(...pools.persons),
          administrationId: fc.oneof(fc.constant(null), fc.constantFrom(...pools.administrations)),
          concerns: fc.constantFrom('registry', 'national'),
          description: fc.constant('The national registry shows this dose twice.'),
        }),
        {
          personId: person,
          administrationId: idFrom(pools.administrations),
          concerns: enumOf(['registry', 'national']),
          description: text,
        },
      ),
    ),
    listAnomalyReports: query({ status: 'open' }, { status: enumOf(['open', 'in_progress', 'closed']) }).map(
      (q) => ({
        method: 'GET',
        url: '/anomaly-reports',
        query: q,
      }),
    ),
    moveAnomalyReport: json(
      'POST',
      pathId(pools.reports).map((id) => `/anomaly-reports/${id}/status`),
      jsonBody(
        fc.record({
          status: fc.constantFrom('in_progress', 'closed'),
          resolution: fc.constant('Fixed at the source.'),
        }),
        { status: enumOf(['open', 'in_progress', 'closed']), resolution: text },
      ),
    ),
    recordConsentRefusal: json(
      'POST',
      pathId(pools.persons).map((id) => `/persons/${id}/consent-refusals`),
      jsonBody(
        fc.record({ consent: fc.constant({ ...CONSENT, informationNoteRead: false }), healthWorker: bool }),
        {
          consent,
          'consent.signerCapacity': enumOf(SIGNER_CAPACITIES),
          'consent.signerName': text,
          'consent.formVersion': text,
          'consent.situation': nasty,
          'consent.situation.naturalIncapacity': bool,
          'consent.situation.inFacility': bool,
          healthWorker: bool,
        },
      ),
    ),
    listPersonAdministrations: pathId(pools.persons).map((id) => ({
      method: 'GET',
      url: `/persons/${id}/administrations`,
    })),
    reportLateAdministrations: query(
      { from: '2021-12-01', to: '2022-01-31', lateAfterMinutes: '60' },
      {
        from: date,
        to: date,
        lateAfterMinutes: fc.oneof(fc.constantFrom(-1, 0, 60, 10_080, 10_081, 1.5, 2 ** 53), nasty),
      },
    ).map((q) => ({ method: 'GET', url: '/reports/late-administrations', query: q })),
    getVaccinationHistory: pathId(pools.persons).map((id) => ({
      method: 'GET',
      url: `/persons/${id}/vaccination-history`,
    })),
    checkAllRegions: pathId(pools.persons).map((id) => ({
      method: 'GET',
      url: `/persons/${id}/national-comparison`,
    })),
    getDoseNumberScreen: pathId(pools.administrations).map((id) => ({
      method: 'GET',
      url: `/administrations/${id}/dose-number`,
    })),
    deleteAdministration: json(
      'POST',
      pathId(pools.administrations).map((id) => `/administrations/${id}/deletion`),
      jsonBody(fc.record({ reason: fc.constant('Registrata sulla persona sbagliata') }), { reason: text }),
    ),
    enterAbroadVaccination: json(
      'POST',
      pathId(pools.persons).map((id) => `/persons/${id}/abroad-vaccinations`),
      jsonBody(
        fc.record({
          countryCode: fc.constant('Z112'),
          administeredOn: fc.constant('2021-06-01'),
          productCode: fc.constantFrom(...pools.products),
          doseNumber: fc.constant(1),
          doseKind: fc.constant('primary'),
        }),
        {
          countryCode: fc.oneof(fc.constantFrom('Z112', 'Z000', 'Z9999', 'DE', 'z112'), nasty),
          administeredOn: date,
          productCode: fc.oneof(fc.constantFrom('SPUTNIK-V', 'comirnaty', '-'), nasty),
          doseNumber: fc.oneof(fc.constantFrom(0, 1, 20, 21, 1.5, '1'), nasty),
          doseKind: enumOf(['primary', 'additional', 'booster']),
        },
      ),
    ),
    reportNationalFlow: fc.constant({ method: 'GET', url: '/reports/national-flow' }),
    runNationalSync: fc.oneof(rawBody, fc.constant({})).map((body) => ({
      method: 'POST',
      url: '/national-flow/runs',
      ...body,
    })),
    recordJudgeValidation: json(
      'PUT',
      pathId(pools.consents).map((id) => `/consents/${id}/judge-validation`),
      jsonBody(fc.record({ validatedAt: fc.constant('2022-01-20T11:00:00Z') }), { validatedAt: instant }),
    ),
    reportConsentsAwaitingJudge: fc.constant({ method: 'GET', url: '/reports/consents-awaiting-judge' }),
    listCheckIns: fc
      .tuple(pathId(pools.points), query({ day: '2022-01-21' }, { day: date }))
      .map(([id, q]) => ({ method: 'GET', url: `/vaccination-points/${id}/check-ins`, query: q })),
    listPersonConsents: pathId(pools.persons).map((id) => ({
      method: 'GET',
      url: `/persons/${id}/consents`,
    })),
    listPersonAnomalyReports: pathId(pools.persons).map((id) => ({
      method: 'GET',
      url: `/persons/${id}/anomaly-reports`,
    })),
    getCertificateContactsProposal: pathId(pools.persons).map((id) => ({
      method: 'GET',
      url: `/persons/${id}/certificate-contacts`,
    })),
  };
}

describeEachDatabase('Immunization registry routes under random bad input', (database) => {
  let app: App;
  let routes: RouteEntry[];
  let headersOf: Record<StaffRole, { authorization: string }>;
  let requests: Record<string, fc.Arbitrary<InjectOptions>>;
  /** The module's routes, from the OpenAPI document (tag `vaccination`). */
  let ours: RouteEntry[];
  const errors = serverErrors();
  const pools: Pools = {
    persons: [],
    points: [],
    administrations: [],
    infections: [],
    reports: [],
    bookingCodes: [],
    products: [],
    consents: [],
  };

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 300, seed: 7 });
    const usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: NOW, extraModules: [errors.module] });
    ({ app, routes } = built);
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { operationId: string; tags?: string[] }>>;
    }>();
    const tagged = new Set(
      Object.values(document.paths)
        .flatMap((operations) => Object.values(operations))
        .filter((operation) => operation.tags?.includes('vaccination'))
        .map((operation) => operation.operationId),
    );
    ours = routes.filter((route) => tagged.has(route.operationId));
    const eligibility = new EligibilityService(database().db, built.clock, '03');
    await eligibility.loadShippedPlanVersions();
    headersOf = Object.fromEntries(
      await Promise.all(STAFF_ROLES.map(async (role) => [role, await signInStaff(app, usernames[role])])),
    ) as Record<StaffRole, { authorization: string }>;
    const db = database().db;
    pools.points = (await db.selectFrom('vaccination_points').select('id').orderBy('code').execute()).map(
      (row) => Number(row.id),
    );
    pools.products = (await db.selectFrom('products').select('code').orderBy('code').execute()).map(
      (row) => row.code,
    );
    const born = async (from: string, to: string, limit: number) =>
      (
        await sql<{ id: number }>`SELECT id FROM persons WHERE birth_date BETWEEN ${from} AND ${to}
          ORDER BY id LIMIT ${limit}`.execute(db)
      ).rows.map((row) => Number(row.id));
    const elderly = await born('1930-01-01', '1951-12-31', 3);
    pools.persons = [
      ...(await born('1960-01-01', '1990-12-31', 6)),
      ...(await born('2009-01-01', '2016-12-31', 2)),
      ...elderly.slice(2),
    ];
    expect(pools.persons.length).toBeGreaterThan(6);

    // Records for the routes that take one: administrations, infections (one from surveillance), a report.
    const vaccinator = headersOf.vaccinator;
    for (const personId of pools.persons.slice(0, 3)) {
      const response = await app.inject({
        method: 'POST',
        url: '/administrations',
        headers: vaccinator,
        payload: {
          personId,
          productCode: 'COMIRNATY-30',
          administeredAt: '2021-12-01T09:30:00Z',
          lot: 'FK1234',
          lotExpiry: '2022-03-31',
          volumeMl: 0.3,
          riskCategory: 'Altro',
          healthCondition: 'Nessuna condizione sanitaria a rischio',
          route: 'intramuscular',
          site: 'left_deltoid',
          vaccinationPointId: pools.points[0],
          certificateContacts: { mobile: null, email: 'a@b.it', confirmed: true },
          consent: CONSENT,
        },
      });
      expect(response.statusCode, response.body).toBe(201);
      pools.administrations.push(response.json<{ id: number }>().id);
    }
    const infection = await app.inject({
      method: 'POST',
      url: `/persons/${pools.persons[3]}/infections`,
      headers: vaccinator,
      payload: {
        testType: 'molecular',
        sampledOn: '2021-03-01',
        resultOn: '2021-03-02',
        recoveredOn: '2021-03-20',
        place: { countryCode: 'DE' },
      },
    });
    expect(infection.statusCode, infection.body).toBe(201);
    pools.infections.push(infection.json<{ id: number }>().id);
    const surveillance = await sql<{ id: number }>`INSERT INTO infections (person_id, source, test_type,
        sampled_on, result_on, recovered_on, region_code, recorded_at)
      VALUES (${pools.persons[4]}, 'surveillance', 'antigen', '2021-10-01', '2021-10-02', '2021-10-15', '03', now())
      RETURNING id`.execute(db);
    pools.infections.push(Number(surveillance.rows[0]?.id));
    const report = await app.inject({
      method: 'POST',
      url: '/anomaly-reports',
      headers: vaccinator,
      payload: {
        personId: pools.persons[0],
        administrationId: pools.administrations[0],
        concerns: 'national',
        description: 'The national registry shows this dose twice.',
      },
    });
    expect(report.statusCode, report.body).toBe(201);
    pools.reports.push(report.json<{ id: number }>().id);

    // Check-in: two bookings at the vaccinator's hub, one of them already fulfilled.
    const booking = new BookingService(db, built.clock, eligibility);
    const setup = systemContext('test', built.clock.now());
    const hub = pools.points[0] ?? 0;
    await openHubDays(booking, hub, ['2022-01-21', '2022-02-11'], setup);
    const slot = await db
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', hub)
      .where('day', '=', '2022-01-21')
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
    for (const personId of elderly.slice(0, 2)) {
      const { confirmation } = await booking.book(
        { personId, slotId: slot.id, idempotencyKey: undefined, channel: 'call_center' },
        setup,
      );
      pools.bookingCodes.push(confirmation.booking.code);
    }
    const checkIn = await app.inject({
      method: 'POST',
      url: '/administrations',
      headers: vaccinator,
      payload: {
        bookingCode: pools.bookingCodes[0],
        administeredAt: '2022-01-20T09:00:00Z',
        lot: 'FK1234',
        lotExpiry: '2022-03-31',
        volumeMl: 0.3,
        riskCategory: 'Età > 60 anni',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: pools.points[0],
        certificateContacts: { mobile: null, email: null, confirmed: true },
        consent: CONSENT,
      },
    });
    expect(checkIn.statusCode, checkIn.body).toBe(201);
    pools.consents.push(
      ...(await db.selectFrom('consents').select('id').orderBy('id').limit(5).execute()).map((row) => row.id),
    );
    requests = requestsFor(pools);
  });

  const rolesOf = (operationId: string): StaffRole[] => {
    const access = routes.find((route) => route.operationId === operationId)?.access;
    if (!Array.isArray(access)) throw new Error(`${operationId}: no list of roles`);
    return STAFF_ROLES.filter((role) => access.includes(role));
  };

  /** Sends the request as one of the roles the route admits; keeps the ids of what it created. */
  const expectCleanAnswers = (operationId: string, runs = RUNS) =>
    fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...rolesOf(operationId)),
        requests[operationId] ?? fc.constant<InjectOptions>({}),
        async (role, request) => {
          const response = await expectCleanAnswer(
            app,
            { ...request, headers: { ...request.headers, ...headersOf[role] } },
            errors,
          );
          if (response.statusCode !== 201) return;
          const created = response.json<{ id?: number }>().id;
          if (created === undefined) return;
          const pool = {
            recordAdministration: pools.administrations,
            enterInfection: pools.infections,
            fileAnomalyReport: pools.reports,
          }[operationId];
          pool?.push(created);
        },
      ),
      { numRuns: runs },
    );

  it('SEC-6 every route of the vaccination module is fuzzed here', () => {
    const operations = ours.map((route) => route.operationId);
    expect(operations.length).toBeGreaterThanOrEqual(12);
    expect(operations.sort()).toEqual(Object.keys(requests).sort());
  });

  it('SEC-1 SEC-6 unauthenticated bad input to every route gets 401 problem+json (or the router’s 4xx for a URL naming no route)', async () => {
    const anyRoute = fc
      .constantFrom(...ours)
      .chain((route) => requests[route.operationId] ?? fc.constant<InjectOptions>({ url: route.url }));
    await fc.assert(
      fc.asyncProperty(anyRoute, async (request) => {
        const response = await expectCleanAnswer(app, request, errors);
        const { code } = response.json<{ code: string }>();
        // A URL that names no route (an empty or overlong id) is refused by the router, before anyone is identified.
        if (response.statusCode !== 401)
          expect(['ROUTE_NOT_FOUND', 'PARAMETER_TOO_LONG', 'URL_MALFORMED']).toContain(code);
        else expect(code).toBe('AUTHENTICATION_REQUIRED');
      }),
      { numRuns: 150 },
    );
  });

  it('VAX-1 VAX-2 VAX-4 VAX-6 VAX-20 VAX-21 VAX-22 CONS-1 CONS-2 CONS-3 CONS-4 SEC-6 recordAdministration: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('recordAdministration', 400);
  }, 60_000);

  it('VAX-7 VAX-8a SEC-6 forceDoseNumber: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('forceDoseNumber');
  });

  it('VAX-8a VAX-4 SEC-6 updateAdministration: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('updateAdministration');
  });

  it('VAX-14 VAX-16 SEC-6 enterInfection: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('enterInfection', 200);
  });

  it('VAX-14 VAX-16 SEC-6 correctInfection: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('correctInfection', 200);
  });

  it('VAX-15 SEC-6 checkInfection: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('checkInfection');
  });

  it('VAX-19 SEC-6 fileAnomalyReport, listAnomalyReports, moveAnomalyReport: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('fileAnomalyReport');
    await expectCleanAnswers('listAnomalyReports');
    await expectCleanAnswers('moveAnomalyReport');
  }, 60_000);

  it('CONS-1 CONS-2 CONS-3 CONS-5 SEC-6 recordConsentRefusal: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('recordConsentRefusal');
  });

  it('VAX-5 SEC-6 listPersonAdministrations: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('listPersonAdministrations');
  });

  it('VAX-3 SEC-6 reportLateAdministrations: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('reportLateAdministrations', 200);
  });

  it('CONS-3 SEC-6 recordJudgeValidation, reportConsentsAwaitingJudge: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('recordJudgeValidation');
    await expectCleanAnswers('reportConsentsAwaitingJudge', 20);
  });

  it('VAX-5 VAX-7 VAX-8 NAT-3 NAT-4 SEC-6 the national side: bad input gets a 4xx problem+json, a success, or the documented "unreachable", never another 5xx', async () => {
    await expectCleanAnswers('getVaccinationHistory');
    await expectCleanAnswers('checkAllRegions', 50);
    await expectCleanAnswers('getDoseNumberScreen', 50);
    await expectCleanAnswers('enterAbroadVaccination', 50);
    await expectCleanAnswers('reportNationalFlow', 20);
    await expectCleanAnswers('runNationalSync', 20);
  }, 60_000);

  it('VAX-1 VAX-20 VAX-19 CONS-1 SEC-6 the console’s reads (check-in list, certificate contacts, consents, reports): bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('listCheckIns', 100);
    await expectCleanAnswers('getCertificateContactsProposal', 50);
    await expectCleanAnswers('listPersonConsents', 50);
    await expectCleanAnswers('listPersonAnomalyReports', 50);
  }, 60_000);

  // Last: it deletes administrations the other properties draw from.
  it('VAX-8a NAT-1 SEC-6 deleteAdministration: bad input gets a 4xx problem+json (or a success), never a 5xx', async () => {
    await expectCleanAnswers('deleteAdministration');
  });
});

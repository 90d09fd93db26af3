import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { App } from '../../platform/http/types.ts';
import { CONSENT, openHubDays } from '../../../test/registry-fixtures.ts';

const NOW = '2021-09-01T10:00:00Z';
const SEVERE_DISABILITY = {
  category: 'severe_disability',
  conditionCode: null,
  source: 'inps_list' as const,
  evidenceStatus: 'verified' as const,
  validFrom: new Date('2021-04-01T00:00:00Z'),
  reason: null,
  sourceReference: null,
};

/** Every table that holds records of a person, with the column that names them. */
const PERSON_TABLES = [
  ['administrations', 'person_id'],
  ['infections', 'person_id'],
  ['consents', 'person_id'],
  ['bookings', 'person_id'],
  ['entitlements', 'person_id'],
  ['fragility_links', 'fragile_person_id'],
] as const;

describeEachDatabase('REG-7 moving the records of a changed tax code', (database) => {
  let app: App;
  let usernames: Record<string, string>;
  let point: number;
  let people: number[];
  let eligibility: EligibilityService;
  let booking: BookingService;
  const setup = systemContext('test', new Date(NOW));

  const as = (role: string) => signInStaff(app, usernames[role]);
  const person = (i: number): number => {
    const id = people[i];
    if (id === undefined) throw new Error(`no test person ${i}`);
    return id;
  };
  const record = async (personId: number, administeredAt: string) => {
    const response = await app.inject({
      method: 'POST',
      url: '/administrations',
      headers: await as('vaccinator'),
      payload: {
        personId,
        productCode: 'COMIRNATY-30',
        administeredAt,
        lot: 'FK1234',
        lotExpiry: '2021-12-31',
        volumeMl: 0.3,
        riskCategory: 'Età > 60 anni',
        healthCondition: 'Nessuna condizione sanitaria a rischio',
        route: 'intramuscular',
        site: 'left_deltoid',
        vaccinationPointId: point,
        certificateContacts: { mobile: null, email: null, confirmed: true },
        consent: CONSENT,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: number; doseNumber: number }>();
  };
  const link = async (obsolete: number, current: number) => {
    const response = await app.inject({
      method: 'POST',
      url: `/persons/${obsolete}/obsolete`,
      headers: await as('asl_admin'),
      payload: { currentPersonId: current },
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const move = async (obsolete: number) =>
    app.inject({ method: 'POST', url: `/persons/${obsolete}/records-move`, headers: await as('asl_admin') });
  const counts = async (ids: readonly number[]) => {
    const result: Record<string, number> = {};
    for (const [table, column] of PERSON_TABLES) {
      const { rows } = await sql<{ count: string }>`SELECT count(*) AS count FROM ${sql.table(table)}
        WHERE ${sql.ref(column)} IN (${sql.join(ids)})`.execute(database().db);
      result[table] = Number(rows[0]?.count);
    }
    return result;
  };
  const firstSlot = async (day: string) =>
    (
      await database()
        .db.selectFrom('slots')
        .select('id')
        .where('vaccination_point_id', '=', point)
        .where('day', '=', day)
        .orderBy('starts_at')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 800, seed: 77 });
    usernames = await ensureStaffOfEveryRole(database());
    ({ app } = await buildTestApp(database(), { now: NOW }));
    eligibility = new EligibilityService(database().db, { now: () => new Date(NOW) }, '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(database().db, { now: () => new Date(NOW) }, eligibility);
    point = (
      await database()
        .db.selectFrom('vaccination_points')
        .select('id')
        .orderBy('code')
        .executeTakeFirstOrThrow()
    ).id;
    await openHubDays(booking, point, ['2021-09-10', '2021-10-01'], setup);
    people = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE birth_date BETWEEN '1940-01-01' AND '1950-12-31'
        AND status = 'active' ORDER BY id LIMIT 6`.execute(database().db)
    ).rows.map((row) => Number(row.id));
    expect(people).toHaveLength(6);
  }, 120_000);

  it('REG-7 every record moves to the current identity in one transaction, dose numbers recomputed, nothing lost or duplicated; again moves nothing', async () => {
    const [obsolete, current, caregiver] = [person(0), person(1), person(2)];
    // The old identity: a first dose in June, an infection, an entitlement and a caregiver linked to it.
    const june = await record(obsolete, '2021-06-01T09:00:00Z');
    const infection = await app.inject({
      method: 'POST',
      url: `/persons/${obsolete}/infections`,
      headers: await as('vaccinator'),
      payload: {
        testType: 'molecular',
        sampledOn: '2021-02-01',
        resultOn: '2021-02-02',
        recoveredOn: '2021-02-20',
        place: { regionCode: '03' },
      },
    });
    expect(infection.statusCode, infection.body).toBe(201);
    await eligibility.grant(obsolete, SEVERE_DISABILITY, setup);
    await eligibility.addLink(
      obsolete,
      {
        person: { personId: caregiver },
        relation: 'caregiver',
        source: 'contact_center',
        evidenceStatus: 'verified',
      },
      setup,
    );
    // The new identity, unaware of the June dose: its July dose was numbered 1, and it holds the same entitlement.
    const july = await record(current, '2021-07-01T09:00:00Z');
    expect(july.doseNumber).toBe(1);
    await eligibility.grant(current, SEVERE_DISABILITY, setup);
    const { confirmation } = await booking.book(
      {
        personId: current,
        slotId: await firstSlot('2021-09-10'),
        idempotencyKey: undefined,
        channel: 'call_center',
      },
      setup,
    );
    const before = await counts([obsolete, current]);

    await link(obsolete, current);
    const moved = await move(obsolete);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      from: obsolete,
      to: current,
      moved: {
        administrations: 1,
        infections: 1,
        consents: 1,
        entitlements: 0,
        entitlementsAlreadyHeld: 1,
        links: 1,
        renumbered: 1,
      },
    });

    const after = await counts([obsolete, current]);
    // Nothing lost: every record of either identity is still there, except the one duplicate entitlement.
    expect(after).toEqual({ ...before, entitlements: (before.entitlements ?? 0) - 1 });
    expect(await counts([obsolete])).toEqual({
      administrations: 0,
      infections: 0,
      consents: 0,
      bookings: 0,
      entitlements: 0,
      fragility_links: 0,
    });
    const history = await app.inject({
      method: 'GET',
      url: `/persons/${current}/administrations`,
      headers: await as('vaccinator'),
    });
    expect(history.json<{ id: number; doseNumber: number }[]>().map((a) => [a.id, a.doseNumber])).toEqual([
      [june.id, 1],
      [july.id, 2],
    ]);
    const bookingNow = await booking.getBooking(confirmation.booking.code, current);
    expect(bookingNow.person_id).toBe(current);
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['entity_type', 'action'])
      .where((eb) =>
        eb.or([
          eb.and([eb('entity_type', '=', 'person'), eb('action', '=', 'move_records')]),
          eb('action', '=', 'renumber_after_identity_move'),
        ]),
      )
      .execute();
    expect(audit).toEqual(
      expect.arrayContaining([
        { entity_type: 'person', action: 'move_records' },
        { entity_type: 'administration', action: 'renumber_after_identity_move' },
      ]),
    );
    // NAT-1: the moved dose and the renumbered one travel to the national registry as new versions.
    const outbox = await database()
      .db.selectFrom('national_outbox')
      .select(['administration_id', 'version'])
      .where('administration_id', 'in', [june.id, july.id])
      .where('version', '=', 2)
      .orderBy('administration_id')
      .execute();
    expect(outbox.map((row) => Number(row.administration_id))).toEqual([june.id, july.id]);

    const again = await move(obsolete);
    expect(again.statusCode).toBe(200);
    expect(Object.values(again.json<{ moved: Record<string, number> }>().moved).every((n) => n === 0)).toBe(
      true,
    );
    expect(await counts([obsolete, current])).toEqual(after);
  });

  it('REG-7 two confirmed bookings of the same dose stop the move, naming both, and nothing moves', async () => {
    const [obsolete, current] = [person(3), person(4)];
    await record(obsolete, '2021-06-01T09:00:00Z');
    const slot = await firstSlot('2021-09-10');
    const first = await booking.book(
      { personId: obsolete, slotId: slot, idempotencyKey: undefined, channel: 'call_center' },
      setup,
    );
    const second = await booking.book(
      { personId: current, slotId: slot, idempotencyKey: undefined, channel: 'call_center' },
      setup,
    );
    const before = await counts([obsolete]);
    await link(obsolete, current);
    const refused = await move(obsolete);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'BOOKING_MOVE_CONFLICT' });
    expect(refused.json<{ detail: string }>().detail).toContain(first.confirmation.booking.code);
    expect(refused.json<{ detail: string }>().detail).toContain(second.confirmation.booking.code);
    expect(await counts([obsolete])).toEqual(before);
  });

  it('REG-7 records move only from an identity marked obsolete', async () => {
    const refused = await move(person(5));
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'PERSON_NOT_OBSOLETE' });
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from './service.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';

interface Person {
  id: number;
  tax_code: string;
  health_card_number: string;
  birth_date: string;
}

/** Up to five people of the fixture, destructured by the tests. */
type Crowd = [Person, Person, Person, Person, Person];

interface Eligibility {
  bookable: boolean;
  nextStep: string;
  bookableFrom: string | null;
  offer: { id: string } | null;
  products: string[];
  planVersions: { national: string; calendar: string | null };
  message: { it: string; en: string };
}

describeEachDatabase('Campaign rules', (database) => {
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let usernames: Record<string, string>;
  let adults: Person[];

  const citizen = async (person: Person) => {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/citizen/session',
      payload: { taxCode: person.tax_code, healthCardNumber: person.health_card_number },
    });
    expect(response.statusCode).toBe(201);
    return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
  };

  const people = async (where: string, count: number): Promise<Person[]> =>
    (
      await sql<Person>`SELECT id, tax_code, health_card_number, birth_date::text AS birth_date FROM persons
        WHERE health_card_number IS NOT NULL AND ${sql.raw(where)} ORDER BY id LIMIT ${count}`.execute(
        database().db,
      )
    ).rows;

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 400, seed: 21 });
    usernames = await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T09:00:00Z' });
    app = built.app;
    clock = built.clock;
    await new EligibilityService(database().db, clock, '03').loadShippedPlanVersions();
    adults = await people(`birth_date BETWEEN '1960-01-01' AND '1990-12-31'`, 40);
  });

  /** Signs in at the clock's current time: the tests move the clock by days, past any session. */
  const as = (role: string) => signInStaff(app, usernames[role]);

  const explain = async (personId: number) => {
    const response = await app.inject({
      method: 'GET',
      url: `/persons/${personId}/eligibility`,
      headers: await as('call_center'),
    });
    expect(response.statusCode).toBe(200);
    return response.json<Eligibility>();
  };

  describe('ELIG-1 plan versions', () => {
    it('ELIG-1 loading the shipped versions again changes nothing', async () => {
      const again = await new EligibilityService(database().db, clock, '03').loadShippedPlanVersions();
      expect(again.length).toBeGreaterThanOrEqual(3);
      expect(again.every((result) => !result.loaded)).toBe(true);
    });

    it('ELIG-1 a version with the same id and other content is refused', async () => {
      const service = new EligibilityService(database().db, clock, '03');
      const [shipped] = await sql<{ document: Record<string, unknown> }>`
        SELECT document FROM plan_versions WHERE id = 'IT-2021-04-10'`
        .execute(database().db)
        .then((r) => r.rows);
      const changed = { ...shipped?.document, minimumVaccinationAge: 12 };
      await expect(service.loadPlanVersion(changed, 'changed.json')).rejects.toMatchObject({
        code: 'PLAN_VERSION_CONFLICT',
      });
    });

    it('ELIG-1 the database refuses to edit or delete a loaded version', async () => {
      await expect(
        sql`UPDATE plan_versions SET effective_from = '2021-01-01' WHERE id = 'IT-2021-04-10'`.execute(
          database().db,
        ),
      ).rejects.toThrow(/never changed/);
      await expect(
        sql`DELETE FROM plan_versions WHERE id = 'IT-2021-04-10'`.execute(database().db),
      ).rejects.toThrow(/never changed/);
    });

    it('ELIG-1 the answer names the plan versions that allowed it', async () => {
      const [old] = await people(`birth_date BETWEEN '1942-01-01' AND '1946-12-31'`, 1);
      expect(old).toBeDefined();
      const answer = await explain(old?.id ?? 0);
      expect(answer.planVersions).toEqual({ national: 'IT-2021-04-10', calendar: 'LOM-2021-04-09' });
    });
  });

  describe('ELIG-3, ELIG-5 offers and explanations', () => {
    it('ELIG-3 Lombardy 75-79 (born 1942-1946) may book from 2 April 2021, and the product is the system’s choice', async () => {
      const [person] = await people(`birth_date BETWEEN '1942-01-01' AND '1946-12-31'`, 1);
      const answer = await explain(person?.id ?? 0);
      expect(answer).toMatchObject({ bookable: true, nextStep: 'BOOK', offer: { id: 'lom-75-79' } });
      // ELIG-3 / circular of 7 April: Vaxzevria is preferred from 60 on.
      expect(answer.products[0]).toBe('VAXZEVRIA');
    });

    it('ELIG-5 a 40-year-old with no entitlement is told to pre-register or ask the GP', async () => {
      const [person] = await people(`birth_date BETWEEN '1975-01-01' AND '1985-12-31'`, 1);
      const answer = await explain(person?.id ?? 0);
      expect(answer).toMatchObject({ bookable: false, nextStep: 'PRE_REGISTER_OR_ASK_GP' });
      expect(answer.message.it).toMatch(/preadesione/);
      expect(answer.message.en).toMatch(/GP/);
    });

    it('ELIG-5 a citizen asks about themselves', async () => {
      const [person] = await people(`birth_date BETWEEN '1942-01-01' AND '1946-12-31'`, 1);
      const response = await app.inject({
        method: 'GET',
        url: '/me/eligibility',
        headers: await citizen(person as Person),
      });
      expect(response.json<Eligibility>()).toMatchObject({ bookable: true, offer: { id: 'lom-75-79' } });
    });
  });

  describe('ELIG-12 self pre-registration opens booking 24 hours later', () => {
    it('ELIG-12 bookable at 24:00:00 after the pre-registration, not at 23:59:59', async () => {
      const person = adults[0] as Person;
      clock.set('2021-04-10T10:00:00Z');
      const headers = await citizen(person);
      const response = await app.inject({
        method: 'POST',
        url: '/me/pre-registration',
        headers,
        payload: { declaration: 'severe_disability', declaredBy: 'self' },
      });
      expect(response.statusCode).toBe(201);
      expect(response.json<{ bookableFrom: string }>().bookableFrom).toBe('2021-04-11T10:00:00.000Z');
      clock.set('2021-04-11T09:59:59Z');
      expect(await explain(person.id)).toMatchObject({ bookable: false, nextStep: 'WAIT_UNTIL' });
      clock.set('2021-04-11T10:00:00Z');
      expect(await explain(person.id)).toMatchObject({
        bookable: true,
        nextStep: 'BOOK',
        offer: { id: 'lom-severe-disability' },
      });
    });

    it('ELIG-12 pre-registering twice does not push booking back', async () => {
      const person = adults[1] as Person;
      clock.set('2021-04-10T10:00:00Z');
      const headers = await citizen(person);
      const body = {
        declaration: 'extremely_vulnerable',
        conditionCode: 'transplant_solid_organ',
        declaredBy: 'self',
      };
      await app.inject({ method: 'POST', url: '/me/pre-registration', headers, payload: body });
      clock.set('2021-04-10T20:00:00Z');
      const second = await app.inject({
        method: 'POST',
        url: '/me/pre-registration',
        headers: await citizen(person),
        payload: body,
      });
      expect(second.json<{ bookableFrom: string }>().bookableFrom).toBe('2021-04-11T10:00:00.000Z');
    });

    it('ELIG-12 extreme vulnerability needs a Table 1 condition', async () => {
      const headers = await citizen(adults[2] as Person);
      const missing = await app.inject({
        method: 'POST',
        url: '/me/pre-registration',
        headers,
        payload: { declaration: 'extremely_vulnerable', declaredBy: 'self' },
      });
      expect(missing.json()).toMatchObject({ code: 'CONDITION_REQUIRED' });
      const unknown = await app.inject({
        method: 'POST',
        url: '/me/pre-registration',
        headers,
        payload: {
          declaration: 'extremely_vulnerable',
          conditionCode: 'not_a_condition',
          declaredBy: 'self',
        },
      });
      expect(unknown.json()).toMatchObject({ code: 'CONDITION_UNKNOWN' });
    });
  });

  describe('ELIG-8, ELIG-13..15 links', () => {
    const link = async (fragileId: number, linked: Person, relation: string) =>
      app.inject({
        method: 'POST',
        url: `/persons/${fragileId}/links`,
        headers: await as('call_center'),
        payload: { person: { personId: linked.id }, relation },
      });

    const grant = async (personId: number, category: string, conditionCode?: string) =>
      app.inject({
        method: 'POST',
        url: `/persons/${personId}/gp-reports`,
        headers: await as('gp'),
        payload: { category, ...(conditionCode ? { conditionCode } : {}), note: 'seen in surgery' },
      });

    it('ELIG-8 a non-immune Table 1 condition brings no cohabitant; an immune-related one does', async () => {
      clock.set('2021-04-12T08:00:00Z');
      const [fragile, other, cohabitant] = adults.slice(3, 6) as Crowd;
      expect((await grant(fragile.id, 'extremely_vulnerable', 'diabetes_type_1')).statusCode).toBe(201);
      const refused = await link(fragile.id, cohabitant, 'cohabitant');
      expect(refused.json()).toMatchObject({ code: 'LINK_RELATION_NOT_ALLOWED' });
      expect((await grant(other.id, 'extremely_vulnerable', 'transplant_solid_organ')).statusCode).toBe(201);
      expect((await link(other.id, cohabitant, 'cohabitant')).statusCode).toBe(201);
      expect((await link(other.id, adults[6] as Person, 'caregiver')).json()).toMatchObject({
        code: 'LINK_RELATION_NOT_ALLOWED',
      });
      // ELIG-8: the linked cohabitant has the priority of category 1 and books under its offer.
      expect(await explain(cohabitant.id)).toMatchObject({
        bookable: true,
        offer: { id: 'lom-extremely-vulnerable' },
      });
    });

    it('ELIG-16 a person recognised by age only cannot link caregivers: call the contact center', async () => {
      const [eighty] = await people(`birth_date < '1941-01-01'`, 1);
      const refused = await link(eighty?.id ?? 0, adults[7] as Person, 'caregiver');
      expect(refused.json()).toMatchObject({ code: 'LINK_FRAGILE_ONLY_BY_AGE' });
      const change = await app.inject({
        method: 'POST',
        url: `/persons/${eighty?.id}/category-changes`,
        headers: await as('contact_center_supervisor'),
        payload: {
          category: 'severe_disability',
          evidenceStatus: 'self_declared',
          reason: 'L.104 certificate read on the phone',
        },
      });
      expect(change.statusCode).toBe(201);
      expect((await link(eighty?.id ?? 0, adults[7] as Person, 'caregiver')).statusCode).toBe(201);
      const audit = await database()
        .db.selectFrom('audit_log')
        .select(['action', 'actor_role'])
        .where('entity_type', '=', 'entitlement')
        .where('entity_id', '=', String(change.json<{ id: number }>().id))
        .execute();
      expect(audit).toEqual([{ action: 'grant', actor_role: 'contact_center_supervisor' }]);
    });

    it('ELIG-15 at most 3 links; removing one without a booking frees its place', async () => {
      const [fragile, a, b, c, d] = adults.slice(8, 13) as Crowd;
      await grant(fragile.id, 'severe_disability');
      for (const linked of [a, b, c])
        expect((await link(fragile.id, linked, 'caregiver')).statusCode).toBe(201);
      const fourth = await link(fragile.id, d, 'caregiver');
      expect(fourth.statusCode).toBe(409);
      expect(fourth.json()).toMatchObject({ code: 'LINK_LIMIT_REACHED' });
      const list = await app.inject({
        method: 'GET',
        url: `/persons/${fragile.id}/links`,
        headers: await as('call_center'),
      });
      const [first] = list.json<{ items: { id: number }[] }>().items;
      const removed = await app.inject({
        method: 'DELETE',
        url: `/persons/${fragile.id}/links/${first?.id}`,
        headers: await as('call_center'),
        payload: { reason: 'caregiver changed' },
      });
      expect(removed.statusCode).toBe(200);
      expect((await link(fragile.id, d, 'caregiver')).statusCode).toBe(201);
    });

    it('ELIG-15 two requests racing for the last place: exactly one wins', async () => {
      const [fragile, a, b, c, d] = adults.slice(13, 18) as Crowd;
      await grant(fragile.id, 'severe_disability');
      await link(fragile.id, a, 'caregiver');
      await link(fragile.id, b, 'caregiver');
      const results = await Promise.all([
        link(fragile.id, c, 'caregiver'),
        link(fragile.id, d, 'cohabitant'),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      const count = await database()
        .db.selectFrom('fragility_links')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('fragile_person_id', '=', fragile.id)
        .where('removed_at', 'is', null)
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(3);
    });

    it('ELIG-15 the database itself refuses a 4th active link', async () => {
      const [fragile, a, b, c, d] = adults.slice(18, 23) as Crowd;
      const insert = (linked: Person, place: number) =>
        sql`INSERT INTO fragility_links (fragile_person_id, linked_person_id, relation, place, source, evidence_status,
          created_at, created_by_kind) VALUES (${fragile.id}, ${linked.id}, 'caregiver', ${place}, 'contact_center',
          'verified', now(), 'system')`.execute(database().db);
      await insert(a, 1);
      await insert(b, 2);
      await insert(c, 3);
      await expect(insert(d, 4)).rejects.toThrow(/check/i);
      await expect(insert(d, 3)).rejects.toThrow(/unique|duplicate/i);
    });

    it('ELIG-13 a caregiver signed in with the fragile person’s card links themselves by CF + TS', async () => {
      const [fragile, caregiver] = adults.slice(23, 25) as Crowd;
      await grant(fragile.id, 'severe_disability');
      const headers = await citizen(fragile);
      const wrong = await app.inject({
        method: 'POST',
        url: '/me/links',
        headers,
        payload: {
          person: { taxCode: caregiver.tax_code, healthCardNumber: '80380000000000000000' },
          relation: 'caregiver',
        },
      });
      expect(wrong.json()).toMatchObject({ code: 'LINKED_PERSON_NOT_FOUND' });
      const right = await app.inject({
        method: 'POST',
        url: '/me/links',
        headers,
        payload: {
          person: { taxCode: caregiver.tax_code, healthCardNumber: caregiver.health_card_number },
          relation: 'caregiver',
        },
      });
      expect(right.statusCode).toBe(201);
      expect(right.json()).toMatchObject({
        source: 'self_service',
        evidenceStatus: 'self_declared',
        place: 1,
      });
    });

    it('ELIG-14 a caregiver pre-registers an unrecognised fragile person; links book 24 hours later', async () => {
      const [fragile, caregiver] = adults.slice(25, 27) as Crowd;
      clock.set('2021-04-13T15:30:00Z');
      const headers = await citizen(fragile);
      await app.inject({
        method: 'POST',
        url: '/me/pre-registration',
        headers,
        payload: { declaration: 'severe_disability', declaredBy: 'caregiver' },
      });
      const linked = await app.inject({
        method: 'POST',
        url: '/me/links',
        headers,
        payload: {
          person: { taxCode: caregiver.tax_code, healthCardNumber: caregiver.health_card_number },
          relation: 'caregiver',
        },
      });
      expect(linked.statusCode).toBe(201);
      clock.set('2021-04-14T15:29:59Z');
      expect(await explain(caregiver.id)).toMatchObject({ bookable: false, nextStep: 'WAIT_UNTIL' });
      clock.set('2021-04-14T15:30:00Z');
      expect(await explain(caregiver.id)).toMatchObject({
        bookable: true,
        offer: { id: 'lom-severe-disability' },
      });
    });
  });

  describe('Decisions by people', () => {
    it('ELIG-9 a pharmacist certifies severe obesity only above BMI 35', async () => {
      clock.set('2021-04-15T08:00:00Z');
      const person = adults[27] as Person;
      const certify = async (bmi: number) =>
        app.inject({
          method: 'POST',
          url: `/persons/${person.id}/obesity-certifications`,
          headers: await as('pharmacist'),
          payload: { bmi },
        });
      expect((await certify(35)).json()).toMatchObject({ code: 'OBESITY_BMI_NOT_SEVERE' });
      const certified = await certify(35.1);
      expect(certified.json()).toMatchObject({
        category: 'extremely_vulnerable',
        conditionCode: 'obesity_severe',
        source: 'pharmacy',
        evidenceStatus: 'verified',
      });
      expect(await explain(person.id)).toMatchObject({
        bookable: true,
        offer: { id: 'lom-extremely-vulnerable' },
      });
    });

    it('ELIG-20 a GP report is a verified entitlement with the GP as verifier', async () => {
      const person = adults[28] as Person;
      const report = await app.inject({
        method: 'POST',
        url: `/persons/${person.id}/gp-reports`,
        headers: await as('gp'),
        payload: {
          category: 'extremely_vulnerable',
          conditionCode: 'renal_chronic_dialysis',
          note: 'dialysis 3x week',
        },
      });
      expect(report.json()).toMatchObject({ source: 'gp_report', evidenceStatus: 'verified' });
      expect(report.json<{ sourceReference: string }>().sourceReference).toMatch(/^\d+$/);
    });

    it('ELIG-10 health workers pre-register themselves', async () => {
      const person = adults[29] as Person;
      const response = await app.inject({
        method: 'POST',
        url: '/me/health-worker-pre-registration',
        headers: await citizen(person),
        payload: { profession: 'infermiere', employer: 'ASST Cremona' },
      });
      expect(response.json()).toMatchObject({
        category: 'health_worker',
        source: 'health_worker_pre_registration',
        evidenceStatus: 'self_declared',
      });
    });

    it('ELIG-4 the vaccination point confirms or rejects a self-declaration, once', async () => {
      const person = adults[30] as Person;
      const created = await app.inject({
        method: 'POST',
        url: '/me/pre-registration',
        headers: await citizen(person),
        payload: { declaration: 'severe_disability', declaredBy: 'self' },
      });
      const id = created.json<{ entitlement: { id: number } }>().entitlement.id;
      const check = async () =>
        app.inject({
          method: 'POST',
          url: `/entitlements/${id}/evidence-check`,
          headers: await as('vaccinator'),
          payload: { confirmed: false, note: 'declaration not signed' },
        });
      expect((await check()).json()).toMatchObject({ evidenceStatus: 'rejected' });
      expect((await check()).json()).toMatchObject({ code: 'EVIDENCE_ALREADY_CHECKED' });
      clock.set('2021-04-20T08:00:00Z');
      expect(await explain(person.id)).toMatchObject({ bookable: false, nextStep: 'EVIDENCE_REJECTED' });
    });

    it('ELIG-11 a non-resident applies, the health authority approves, the person can book by category', async () => {
      const [old] = await people(`birth_date BETWEEN '1942-01-01' AND '1946-12-31' AND id > 300`, 1);
      const person = old as Person;
      await sql`UPDATE persons SET status = 'out_of_region' WHERE id = ${person.id}`.execute(database().db);
      expect(await explain(person.id)).toMatchObject({ bookable: false, nextStep: 'APPLY_AS_NON_RESIDENT' });
      const applied = await app.inject({
        method: 'POST',
        url: `/persons/${person.id}/non-resident-applications`,
        headers: await as('call_center'),
        payload: {
          reason: 'family_care',
          details: 'assists her mother in Cremona',
          domicileMunicipalityIstat: '019036',
        },
      });
      expect(applied.statusCode).toBe(201);
      const again = await app.inject({
        method: 'POST',
        url: `/persons/${person.id}/non-resident-applications`,
        headers: await as('call_center'),
        payload: { reason: 'work', details: 'second try', domicileMunicipalityIstat: '019036' },
      });
      expect(again.json()).toMatchObject({ code: 'APPLICATION_ALREADY_OPEN' });
      const decided = await app.inject({
        method: 'POST',
        url: `/non-resident-applications/${applied.json<{ id: number }>().id}/decision`,
        headers: await as('asl_admin'),
        payload: { approve: true, reason: 'documented family care' },
      });
      expect(decided.json()).toMatchObject({ status: 'approved' });
      expect(await explain(person.id)).toMatchObject({ bookable: true, offer: { id: 'lom-75-79' } });
    });

    it('ELIG-17 the contact center inserts an AIRE person entitled by age', async () => {
      const [, old] = await people(`birth_date BETWEEN '1942-01-01' AND '1946-12-31' AND id > 300`, 2);
      const person = old as Person;
      await sql`UPDATE persons SET status = 'aire' WHERE id = ${person.id}`.execute(database().db);
      const inserted = await app.inject({
        method: 'POST',
        url: `/persons/${person.id}/booking-list-insertions`,
        headers: await as('contact_center_supervisor'),
        payload: { reason: 'aire', note: 'back in Italy until June' },
      });
      expect(inserted.statusCode).toBe(201);
      expect(await explain(person.id)).toMatchObject({ bookable: true });
      const resident = adults[31] as Person;
      const refused = await app.inject({
        method: 'POST',
        url: `/persons/${resident.id}/booking-list-insertions`,
        headers: await as('contact_center_supervisor'),
        payload: { reason: 'other', note: 'not needed' },
      });
      expect(refused.json()).toMatchObject({ code: 'ADMISSION_NOT_NEEDED' });
    });
  });
});

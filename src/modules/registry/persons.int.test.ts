import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, TEST_PASSWORD } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import type { App } from '../../platform/http/types.ts';

interface Person {
  id: number;
  identifier: { type: string; value: string | null; pending: boolean };
  surname: string;
  status: string;
  version: number;
  mobile: string | null;
}

const newPerson = {
  identifier: { type: 'CF', value: 'RSSMRA85T10A562S' },
  status: 'ACTIVE_REGION',
  surname: 'Rossi',
  givenName: 'Mario',
  sex: 'M',
  birthDate: '1985-12-10',
  birthPlaceCode: 'A562',
  domicile: { municipalityIstat: '019036', cap: '26100', address: 'Via Roma 1' },
  mobile: '+39 333 1234567',
};

describeEachDatabase('Registry: people', (database) => {
  let app: App;
  let operator: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 200, seed: 11 });
    await ensureStaffOfEveryRole(database());
    ({ app } = await buildTestApp(database()));
    const signIn = async (username: string) => {
      const response = await app.inject({
        method: 'POST',
        url: '/auth/staff/session',
        payload: { username, password: TEST_PASSWORD },
      });
      return { authorization: `Bearer ${response.json<{ token: string }>().token}` };
    };
    operator = await signIn('test.vaccinator');
    reader = await signIn('test.call-center');
  });

  const create = (body: object, headers = operator) =>
    app.inject({ method: 'POST', url: '/persons', payload: body, headers });

  it('REG-6 an operator inserts a person not found anywhere, and REG-11 the insertion is audited', async () => {
    const response = await create(newPerson);
    expect(response.statusCode).toBe(201);
    const person = response.json<Person>();
    expect(person).toMatchObject({
      identifier: { type: 'CF', value: 'RSSMRA85T10A562S' },
      status: 'ACTIVE_REGION',
      version: 1,
    });
    const audit = await database()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('entity_type', '=', 'person')
      .where('entity_id', '=', String(person.id))
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'create',
      actor_role: 'vaccinator',
      channel: 'vaccination_point',
    });
  });

  it('REG-5 a search by identifier returns at most one person', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/persons?identifier=rssmra85t10a562s',
      headers: reader,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<{ items: Person[] }>().items).toHaveLength(1);
    const none = await app.inject({
      method: 'GET',
      url: '/persons?identifier=VRDGPP13R10B293P',
      headers: reader,
    });
    expect(none.json<{ items: Person[] }>().items).toEqual([]);
  });

  it('REG-5 a search by surname and birth date is case-insensitive and paginated', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/persons?surname=ROSSI&birthDate=1985-12-10',
      headers: reader,
    });
    const page = response.json<{ items: Person[]; hasMore: boolean; page: number }>();
    expect(page.items.map((p) => p.surname)).toContain('Rossi');
    const sample = await database()
      .db.selectFrom('persons')
      .select('surname')
      .where('id', '<', 200)
      .groupBy('surname')
      .having((eb) => eb.fn.countAll(), '>', 2)
      .limit(1)
      .executeTakeFirst();
    if (sample) {
      const first = await app.inject({
        method: 'GET',
        url: `/persons?surname=${encodeURIComponent(sample.surname)}&pageSize=2`,
        headers: reader,
      });
      const second = await app.inject({
        method: 'GET',
        url: `/persons?surname=${encodeURIComponent(sample.surname)}&pageSize=2&page=2`,
        headers: reader,
      });
      expect(first.json<{ hasMore: boolean }>().hasMore).toBe(true);
      const ids = [
        ...first.json<{ items: Person[] }>().items,
        ...second.json<{ items: Person[] }>().items,
      ].map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('REG-5 a search needs an identifier or a surname', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/persons?birthDate=1985-12-10',
      headers: reader,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'PERSON_SEARCH_CRITERIA' });
  });

  it('REG-6 the same identifier cannot be inserted twice', async () => {
    const response = await create(newPerson);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'PERSON_IDENTIFIER_EXISTS' });
  });

  it('REG-2 a tax code that does not match the data is a warning the operator must confirm', async () => {
    const body = {
      ...newPerson,
      identifier: { type: 'CF', value: 'RSSMRA80A01H501U' },
      birthDate: '1980-01-02',
      birthPlaceCode: 'H501',
      domicile: undefined,
    };
    const unconfirmed = await create(body);
    expect(unconfirmed.statusCode).toBe(422);
    const problem = unconfirmed.json<{ code: string; warnings: { code: string }[] }>();
    expect(problem.code).toBe('PERSON_WARNINGS_UNCONFIRMED');
    const confirmed = await create({ ...body, confirmedWarnings: problem.warnings.map((w) => w.code) });
    expect(confirmed.statusCode).toBe(201);
  });

  it('REG-2 an invalid tax code is refused with its own code', async () => {
    const response = await create({ ...newPerson, identifier: { type: 'CF', value: 'RSSMRA85T10A562X' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'TAX_CODE_CHECK_CHARACTER',
      pointer: '/body/identifier/value',
    });
  });

  it('REG-10 the CAP must belong to the municipality', async () => {
    const response = await create({
      ...newPerson,
      identifier: { type: 'CF', value: 'VRDGPP13R10B293P' },
      surname: 'Verdi',
      givenName: 'Giuseppe',
      birthDate: '1913-10-10',
      birthPlaceCode: 'B293',
      domicile: { municipalityIstat: '019036', cap: '20121' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'PERSON_CAP_NOT_OF_MUNICIPALITY',
      pointer: '/body/domicile/cap',
    });
  });

  it('REG-8 an Ordinance-7 foreigner is registered with a contact; REG-9 a pending TS identifier too', async () => {
    const ord7 = await create({
      identifier: { type: 'ORD7', value: 'ORD7AB12CD34EF56' },
      status: 'FOREIGN',
      ord7Category: 'diplomatic',
      surname: 'Smith',
      givenName: 'Anna',
      sex: 'F',
      birthDate: '1979-03-04',
      email: 'anna.smith@embassy.example',
    });
    expect(ord7.statusCode).toBe(201);
    const pending = await create({
      identifier: { type: 'TS_FOREIGN', pending: true },
      status: 'FOREIGN',
      surname: 'Nowak',
      givenName: 'Piotr',
      sex: 'M',
      birthDate: '1990-07-08',
    });
    expect(pending.statusCode).toBe(201);
    expect(pending.json<Person>().identifier).toEqual({ type: 'TS_FOREIGN', value: null, pending: true });
  });

  /** The person the creation tests above made, as the search finds them now. */
  const findRossi = async (): Promise<Person> => {
    const found = (
      await app.inject({ method: 'GET', url: '/persons?identifier=RSSMRA85T10A562S', headers: reader })
    ).json<{ items: Person[] }>();
    const person = found.items[0];
    if (!person) throw new Error('person not found');
    return person;
  };

  it('REG-10 REG-11 an update changes contacts, bumps the version and records before → after', async () => {
    const person = await findRossi();
    const response = await app.inject({
      method: 'PATCH',
      url: `/persons/${person.id}`,
      payload: { version: person.version, mobile: '+39 340 7654321' },
      headers: operator,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<Person>()).toMatchObject({ mobile: '+39 340 7654321', version: 2 });
    const stale = await app.inject({
      method: 'PATCH',
      url: `/persons/${person.id}`,
      payload: { version: 1, mobile: '+39 340 0000000' },
      headers: operator,
    });
    expect(stale.json()).toMatchObject({ code: 'PERSON_VERSION_CONFLICT' });
    const audit = await database()
      .db.selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity_id', '=', String(person.id))
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({ mobile: '+39 333 1234567' });
    expect(audit.after).toMatchObject({ mobile: '+39 340 7654321' });
  });

  it('REG-11 null clears a contact or an address: it is stored as null, never turned into an empty string', async () => {
    const person = await findRossi();
    const response = await app.inject({
      method: 'PATCH',
      url: `/persons/${person.id}`,
      payload: {
        version: person.version,
        mobile: null,
        email: null,
        residence: { address: null, municipalityIstat: '015146', cap: '20121' },
      },
      headers: operator,
    });
    expect(response.statusCode, response.body).toBe(200);
    const read = await app.inject({ method: 'GET', url: `/persons/${person.id}`, headers: reader });
    expect(read.json<Person & { residence: unknown }>()).toMatchObject({
      mobile: null,
      email: null,
      residence: { address: null, municipalityIstat: '015146' },
    });
  });

  it('SEC-1 a call-center operator reads but does not insert', async () => {
    const response = await create(
      { ...newPerson, identifier: { type: 'CF', value: 'MRTMTT25D09F205Z' } },
      reader,
    );
    expect(response.statusCode).toBe(403);
  });

  it('REG-7 an old identity is marked obsolete and shown flagged with the current one beside it', async () => {
    const supervisor = {
      authorization: `Bearer ${(await app.inject({ method: 'POST', url: '/auth/staff/session', payload: { username: 'test.point-admin', password: TEST_PASSWORD } })).json<{ token: string }>().token}`,
    };
    const [old, current] = await database()
      .db.selectFrom('persons')
      .select(['id', 'tax_code'])
      .where('provenance', '=', 'region')
      .orderBy('id')
      .limit(2)
      .execute();
    if (!old || !current) throw new Error('population missing');
    const link = () =>
      app.inject({
        method: 'POST',
        url: `/persons/${old.id}/obsolete`,
        payload: { currentPersonId: current.id },
        headers: supervisor,
      });
    const response = await link();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'OBSOLETE',
      supersededBy: { id: current.id, identifier: current.tax_code },
    });
    expect((await link()).statusCode).toBe(200);
    const audits = await database()
      .db.selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'mark_obsolete')
      .where('entity_id', '=', String(old.id))
      .execute();
    expect(audits).toHaveLength(1);
    const found = await app.inject({
      method: 'GET',
      url: `/persons?identifier=${old.tax_code ?? ''}`,
      headers: reader,
    });
    expect(
      found.json<{ items: { status: string; supersededBy: { identifier: string } }[] }>().items[0],
    ).toMatchObject({
      status: 'OBSOLETE',
      supersededBy: { identifier: current.tax_code },
    });
    const edit = await app.inject({
      method: 'PATCH',
      url: `/persons/${old.id}`,
      payload: { version: 2, mobile: '3330000000' },
      headers: operator,
    });
    expect(edit.json()).toMatchObject({ code: 'PERSON_OBSOLETE' });
    const self = await app.inject({
      method: 'POST',
      url: `/persons/${current.id}/obsolete`,
      payload: { currentPersonId: current.id },
      headers: supervisor,
    });
    expect(self.json()).toMatchObject({ code: 'PERSON_SUPERSEDE_SELF' });
    const vaccinator = await app.inject({
      method: 'POST',
      url: `/persons/${current.id}/obsolete`,
      payload: { currentPersonId: old.id },
      headers: operator,
    });
    expect(vaccinator.statusCode).toBe(403);
  });
});

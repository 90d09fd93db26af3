import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { App } from '../../platform/http/types.ts';
import { importSurveillance, parseSurveillanceRow } from './surveillance.ts';

const row = (changes: Record<string, string> = {}) => ({
  id_caso: 'LOM-2021-000123',
  codice_fiscale: 'RSSMRA85T10H501O',
  tipo_test: 'molecolare',
  data_prelievo: '2021-03-01',
  data_esito: '2021-03-02',
  data_guarigione: '2021-03-20',
  ...changes,
});

describe('VAX-14 VAX-16 a row of the surveillance file', () => {
  it.each([
    ['a case without id', { id_caso: '' }, 'id_caso'],
    ['an unknown test type', { tipo_test: 'sierologico' }, 'tipo_test'],
    ['a sample date in another format', { data_prelievo: '01/03/2021' }, 'data_prelievo'],
    ['an impossible result date', { data_esito: '2021-02-30' }, 'data_esito'],
    ['a result before the sample', { data_esito: '2021-02-28' }, 'INFECTION_RESULT_BEFORE_SAMPLE'],
    [
      'a recovery on the result day',
      { data_guarigione: '2021-03-02' },
      'INFECTION_RECOVERY_NOT_AFTER_RESULT',
    ],
  ])('VAX-16 %s is rejected, saying why', (_what, changes, reason) => {
    const parsed = parseSurveillanceRow(row(changes));
    expect('reason' in parsed && parsed.reason).toContain(reason);
  });

  it('VAX-14 a complete row is a case; an empty recovery means not recovered yet', () => {
    expect(parseSurveillanceRow(row({ data_guarigione: '', tipo_test: 'Antigenico' }))).toEqual({
      caseId: 'LOM-2021-000123',
      taxCode: 'RSSMRA85T10H501O',
      testType: 'antigen',
      sampledOn: '2021-03-01',
      resultOn: '2021-03-02',
      recoveredOn: null,
    });
  });
});

describeEachDatabase('VAX-14 the surveillance feed', (database) => {
  let app: App;
  let usernames: Record<string, string>;
  let taxCode: string;
  let personId: number;
  const context = systemContext('surveillance-import', new Date('2021-04-01T06:00:00Z'));

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 100, seed: 91 });
    usernames = await ensureStaffOfEveryRole(database());
    ({ app } = await buildTestApp(database(), { now: '2021-04-02T08:00:00Z' }));
    const person = await database()
      .db.selectFrom('persons')
      .select(['id', 'tax_code'])
      .where('status', '=', 'active')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    taxCode = person.tax_code ?? '';
    personId = person.id;
  });

  it('VAX-14 cases load once, a changed case is updated, unknown people and bad rows are reported, and the cases are read-only', async () => {
    const first = await importSurveillance(
      database().db,
      [
        row({ codice_fiscale: taxCode, data_guarigione: '' }),
        row({ id_caso: 'LOM-2021-000124', codice_fiscale: 'XXXXXX00X00X000X' }),
        row({ id_caso: 'LOM-2021-000125', tipo_test: 'sierologico' }),
      ],
      '03',
      context,
    );
    expect(first).toEqual([
      { line: 2, outcome: 'created' },
      { line: 3, outcome: 'unknown_person' },
      { line: 4, outcome: 'rejected', reason: 'tipo_test is neither "molecolare" nor "antigenico"' },
    ]);
    expect(
      await importSurveillance(
        database().db,
        [row({ codice_fiscale: taxCode, data_guarigione: '' })],
        '03',
        context,
      ),
    ).toEqual([{ line: 2, outcome: 'unchanged' }]);
    expect(
      await importSurveillance(database().db, [row({ codice_fiscale: taxCode })], '03', context),
    ).toEqual([{ line: 2, outcome: 'updated' }]);
    const check = await app.inject({
      method: 'GET',
      url: `/persons/${personId}/infections/check`,
      headers: await signInStaff(app, usernames.vaccinator),
    });
    expect(check.json()).toMatchObject({
      recorded: true,
      infections: [{ since: '2021-03-01', recoveredOn: '2021-03-20', editable: false }],
    });
    const infections = await database()
      .db.selectFrom('infections')
      .selectAll()
      .where('person_id', '=', personId)
      .execute();
    expect(infections).toHaveLength(1);
    const edit = await app.inject({
      method: 'PATCH',
      url: `/infections/${infections[0]?.id}`,
      headers: await signInStaff(app, usernames.vaccinator),
      payload: { recoveredOn: '2021-03-25' },
    });
    expect(edit.statusCode).toBe(409);
    expect(edit.json()).toMatchObject({ code: 'INFECTION_NOT_EDITABLE' });
  });
});

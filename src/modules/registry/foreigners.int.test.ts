import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeEachDatabase } from '../../../test/databases.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { loadReferenceData } from '../reference/service.ts';
import {
  ANSWER_IDENTIFIER_COLUMN,
  REQUEST_COLUMNS,
  importAnswer,
  pendingForeignersRequestRows,
  readTable,
  writeTable,
} from './foreigners.ts';

const context = systemContext('test-foreigners', new Date('2021-05-03T09:00:00Z'));
const isTsIdentifier = (value: string) => /^[A-Z0-9]{8,20}$/.test(value);

describeEachDatabase('REG-9 foreigners waiting for a TS identifier', (database) => {
  const folder = mkdtempSync(path.join(tmpdir(), 'vaxhub-foreigners-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  beforeAll(async () => {
    await loadReferenceData(database());
    const pending = (surname: string, givenName: string, birthDate: string) => ({
      identifier_type: 'TS_FOREIGN' as const,
      identifier_pending: true,
      status: 'foreign' as const,
      surname,
      given_name: givenName,
      sex: 'F' as const,
      birth_date: birthDate,
      provenance: 'manual' as const,
    });
    await database()
      .db.insertInto('persons')
      .values([
        pending('Kowalska', 'Anna', '1980-02-03'),
        pending('Nguyen', 'Lan', '1975-11-30'),
        pending('Ivanova', 'Olga', '1990-06-01'),
        pending('Ivanova', 'Olga', '1990-06-01'),
      ])
      .execute();
  });

  it.each(['request.csv', 'request.xlsx'])(
    'REG-9 the request file %s lists every pending person with the procedure’s columns',
    async (name) => {
      const file = path.join(folder, name);
      const rows = await pendingForeignersRequestRows(database().db, 'Lombardia');
      await writeTable(file, REQUEST_COLUMNS, rows);
      const read = await readTable(file);
      expect(read).toHaveLength(4);
      expect(Object.keys(read[0] ?? {})).toEqual([...REQUEST_COLUMNS]);
      expect(read.find((r) => r.Cognome === 'Kowalska')).toMatchObject({
        Nome: 'Anna',
        'Data di nascita': '03/02/1980',
        Regione: 'Lombardia',
      });
    },
  );

  it('REG-9 the answer attaches identifiers; unmatched and ambiguous rows are reported, never guessed; a re-run changes nothing', async () => {
    const request = await pendingForeignersRequestRows(database().db, 'Lombardia');
    const kowalska = request.find((r) => r.Cognome === 'Kowalska');
    const nguyen = request.find((r) => r.Cognome === 'Nguyen');
    if (!kowalska || !nguyen) throw new Error('request rows missing');
    const answer = [
      { ...kowalska, [ANSWER_IDENTIFIER_COLUMN]: 'TSF0000000001' },
      { ...nguyen, 'Identificativo regionale': '', [ANSWER_IDENTIFIER_COLUMN]: 'TSF0000000002' },
      {
        Nome: 'Olga',
        Cognome: 'Ivanova',
        'Data di nascita': '01/06/1990',
        'Identificativo regionale': '',
        Regione: 'Lombardia',
        [ANSWER_IDENTIFIER_COLUMN]: 'TSF0000000003',
      },
      {
        Nome: 'Mario',
        Cognome: 'Sconosciuto',
        'Data di nascita': '01/01/1970',
        'Identificativo regionale': '',
        Regione: 'Lombardia',
        [ANSWER_IDENTIFIER_COLUMN]: 'TSF0000000004',
      },
      { ...nguyen, [ANSWER_IDENTIFIER_COLUMN]: 'bad id' },
    ];
    const file = path.join(folder, 'answer.xlsx');
    await writeTable(file, [...REQUEST_COLUMNS, ANSWER_IDENTIFIER_COLUMN], answer);
    const rows = await readTable(file);
    const first = await importAnswer(database().db, rows, isTsIdentifier, context);
    expect(first.map((o) => o.outcome)).toEqual([
      'attached',
      'attached',
      'ambiguous',
      'unmatched',
      'identifier_invalid',
    ]);
    const attached = await database()
      .db.selectFrom('persons')
      .select(['surname', 'other_identifier', 'identifier_pending'])
      .where('other_identifier', 'in', ['TSF0000000001', 'TSF0000000002'])
      .orderBy('other_identifier')
      .execute();
    expect(attached).toEqual([
      { surname: 'Kowalska', other_identifier: 'TSF0000000001', identifier_pending: false },
      { surname: 'Nguyen', other_identifier: 'TSF0000000002', identifier_pending: false },
    ]);
    const again = await importAnswer(database().db, rows.slice(0, 1), isTsIdentifier, context);
    expect(again.map((o) => o.outcome)).toEqual(['already_attached']);
    const audits = await database()
      .db.selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'attach_ts_identifier')
      .execute();
    expect(audits).toHaveLength(2);
  });
});

import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { dayFromIsoDate, isoDateFromDay } from '../../platform/calendar.ts';
import { infectionEntryRefusal } from './rules.ts';

/**
 * VAX-14: the regional surveillance feed, as the file the surveillance system exports (CSV with ";" or
 * XLSX): one row per case. Its infections are read-only in the registry; reading the same file again,
 * or a newer one with a case's recovery, updates the case's row instead of adding one.
 */
export const SURVEILLANCE_COLUMNS = [
  'id_caso',
  'codice_fiscale',
  'tipo_test',
  'data_prelievo',
  'data_esito',
  'data_guarigione',
] as const;

const TEST_TYPES: Record<string, 'molecular' | 'antigen'> = {
  molecolare: 'molecular',
  antigenico: 'antigen',
};
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** A real calendar day written YYYY-MM-DD (no 30 February). */
const isCalendarDate = (text: string): boolean =>
  ISO_DATE.test(text) && isoDateFromDay(dayFromIsoDate(text)) === text;
const CASE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export type SurveillanceOutcome =
  | { line: number; outcome: 'created' | 'updated' | 'unchanged' }
  | { line: number; outcome: 'rejected'; reason: string }
  | { line: number; outcome: 'unknown_person' };

interface Case {
  caseId: string;
  taxCode: string;
  testType: 'molecular' | 'antigen';
  sampledOn: string;
  resultOn: string;
  recoveredOn: string | null;
}

/** A row of the file as a case, or why it is not one. Pure. */
export function parseSurveillanceRow(row: Readonly<Record<string, string>>): Case | { reason: string } {
  const value = (column: (typeof SURVEILLANCE_COLUMNS)[number]) => (row[column] ?? '').trim();
  const caseId = value('id_caso');
  if (!CASE_ID.test(caseId)) return { reason: 'id_caso missing or not 1-64 letters, digits, . _ -' };
  const testType = TEST_TYPES[value('tipo_test').toLowerCase()];
  if (testType === undefined) return { reason: 'tipo_test is neither "molecolare" nor "antigenico"' };
  const [sampledOn, resultOn, recovered] = [
    value('data_prelievo'),
    value('data_esito'),
    value('data_guarigione'),
  ];
  for (const [name, date] of [
    ['data_prelievo', sampledOn],
    ['data_esito', resultOn],
  ] as const) {
    if (!isCalendarDate(date)) return { reason: `${name} is not a date YYYY-MM-DD` };
  }
  if (recovered !== '' && !isCalendarDate(recovered))
    return { reason: 'data_guarigione is not a date YYYY-MM-DD' };
  const recoveredOn = recovered === '' ? null : recovered;
  const refusal = infectionEntryRefusal({ sampledOn, resultOn, recoveredOn });
  if (refusal !== null) return { reason: refusal };
  return {
    caseId,
    taxCode: value('codice_fiscale').toUpperCase(),
    testType,
    sampledOn,
    resultOn,
    recoveredOn,
  };
}

/** Loads the rows of a surveillance file; each row's outcome, with its line in the file (header = 1). */
export async function importSurveillance(
  db: Kysely<DB>,
  rows: readonly Readonly<Record<string, string>>[],
  regionCode: string,
  context: ActingContext,
): Promise<SurveillanceOutcome[]> {
  const outcomes: SurveillanceOutcome[] = [];
  for (const [index, row] of rows.entries()) {
    const line = index + 2;
    const parsed = parseSurveillanceRow(row);
    if ('reason' in parsed) {
      outcomes.push({ line, outcome: 'rejected', reason: parsed.reason });
      continue;
    }
    const outcome = await db.transaction().execute(async (trx) => {
      const person = await trx
        .selectFrom('persons')
        .select('id')
        .where('tax_code', '=', parsed.taxCode)
        .where('status', '<>', 'obsolete')
        .executeTakeFirst();
      if (person === undefined) return 'unknown_person' as const;
      const facts = {
        person_id: person.id,
        test_type: parsed.testType,
        sampled_on: parsed.sampledOn,
        result_on: parsed.resultOn,
        recovered_on: parsed.recoveredOn,
      };
      const before = await trx
        .selectFrom('infections')
        .selectAll()
        .where('surveillance_case_id', '=', parsed.caseId)
        .forUpdate()
        .executeTakeFirst();
      if (
        before !== undefined &&
        before.person_id === facts.person_id &&
        before.test_type === facts.test_type &&
        before.sampled_on === facts.sampled_on &&
        before.result_on === facts.result_on &&
        before.recovered_on === facts.recovered_on
      )
        return 'unchanged' as const;
      const after =
        before === undefined
          ? await trx
              .insertInto('infections')
              .values({
                ...facts,
                source: 'surveillance',
                surveillance_case_id: parsed.caseId,
                region_code: regionCode,
                country_code: null,
                recorded_at: context.now,
                recorded_by: context.actorId,
              })
              .returningAll()
              .executeTakeFirstOrThrow()
          : await trx
              .updateTable('infections')
              .set(facts)
              .where('id', '=', before.id)
              .returningAll()
              .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'infection',
        entityId: after.id,
        action: before === undefined ? 'surveillance_case' : 'surveillance_update',
        ...(before === undefined ? {} : { before }),
        after,
      });
      return before === undefined ? ('created' as const) : ('updated' as const);
    });
    outcomes.push({ line, outcome });
  }
  return outcomes;
}

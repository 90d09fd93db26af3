import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { ListFileFormat } from './reader.ts';
import { writeListFile } from './writer.ts';

/** The columns of the fragile lists this file writes: what Lombardy's ATS exports looked like. */
export const FRAGILE_LIST_HEADER = [
  'codice_fiscale',
  'numero_tessera_sanitaria',
  'cognome',
  'nome',
  'data_nascita',
  'condizione',
] as const;

export interface SyntheticListOptions {
  /** Rows to write; people are taken in id order, with their own conditions first. */
  rows: number;
  /** Every n-th row is unusable (no valid CF nor TS) or names nobody, to exercise the rejection report. */
  badEvery?: number;
  /** Conditions given to people of the population who have none (a list larger than the fragile population). */
  fillConditions?: readonly string[];
  /** Only the people the population made fragile, as a health authority's real list would hold. */
  onlyFragile?: boolean;
}

const PAGE = 20_000;

/**
 * A fragile list (ELIG-18) drawn from the registry: people with Table 1 conditions or severe
 * disability as the population generated them, then, when more rows are asked for, other people
 * with a condition assigned in turn (the benchmark needs 577,000 rows from a smaller population).
 * Streams page by page: flat memory whatever the size.
 */
export async function writeSyntheticFragileList(
  db: Kysely<DB>,
  path: string,
  format: ListFileFormat,
  options: SyntheticListOptions,
): Promise<number> {
  const fill = options.fillConditions ?? [
    'diabetes_type_1',
    'L104',
    '021',
    'transplant_solid_organ',
    'oncology_on_therapy',
  ];
  async function* rows(): AsyncGenerator<string[]> {
    let written = 0;
    let afterId = 0;
    while (written < options.rows) {
      const page = await sql<{
        id: number;
        tax_code: string;
        health_card_number: string | null;
        surname: string;
        given_name: string;
        birth_date: string;
        table1_conditions: string[];
        severe_disability: boolean;
      }>`SELECT id, tax_code, health_card_number, surname, given_name, birth_date::text AS birth_date,
            table1_conditions, severe_disability
          FROM persons WHERE id > ${afterId} AND tax_code IS NOT NULL
            AND (${options.onlyFragile !== true} OR cardinality(table1_conditions) > 0 OR severe_disability)
          ORDER BY id LIMIT ${PAGE}`.execute(db);
      if (page.rows.length === 0) return;
      for (const person of page.rows) {
        afterId = Number(person.id);
        const conditions = [...person.table1_conditions, ...(person.severe_disability ? ['L104'] : [])];
        const condition = conditions[0] ?? fill[written % fill.length] ?? 'L104';
        const row = [
          person.tax_code,
          person.health_card_number ?? '',
          person.surname,
          person.given_name,
          person.birth_date,
          condition,
        ];
        written += 1;
        const badEvery = options.badEvery;
        if (badEvery !== undefined && written % badEvery === 0) {
          // Alternate the two commonest faults: a mistyped code with no card, and an unknown condition.
          yield (written / badEvery) % 2 === 0
            ? [`${person.tax_code.slice(0, 15)}0`, '', ...row.slice(2)]
            : [...row.slice(0, 5), 'not_a_condition'];
        } else {
          yield row;
        }
        if (written >= options.rows) return;
      }
    }
  }
  return writeListFile(path, format, FRAGILE_LIST_HEADER, rows());
}

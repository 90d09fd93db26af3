import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BelfiorePlace, PopulationMunicipality, PopulationReference } from './reference.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export class PopulationReferenceError extends Error {}

interface TableFile {
  columns: string[];
  rows: unknown[][];
}

interface Table {
  rows: unknown[][];
  get(row: unknown[], column: string): unknown;
}

async function readTable(root: string, name: string, needed: readonly string[]): Promise<Table> {
  const file = path.join(root, 'reference', `${name}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new PopulationReferenceError(
      `cannot read reference/${name}.json (${error instanceof Error ? error.message : String(error)}): run scripts/build-reference.ts`,
    );
  }
  const table = parsed as Partial<TableFile>;
  if (!Array.isArray(table.columns) || !Array.isArray(table.rows)) {
    throw new PopulationReferenceError(`reference/${name}.json has no columns/rows`);
  }
  const index = new Map(table.columns.map((column, i) => [column, i]));
  for (const column of needed) {
    if (!index.has(column))
      throw new PopulationReferenceError(`reference/${name}.json lacks the column "${column}"`);
  }
  return { rows: (table as TableFile).rows, get: (row, column) => row[index.get(column)!] };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const nullableText = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The generator's view of the committed reference files (reference/municipalities.json,
 * provinces.json, belfiore-codes.json, written by scripts/build-reference.ts). Columns are found by
 * name, so a reordering of the files does not break it.
 */
export async function loadPopulationReference(root: string = PROJECT_ROOT): Promise<PopulationReference> {
  const [provinces, municipalities, belfiore] = await Promise.all([
    readTable(root, 'provinces', ['code', 'abbreviation', 'regionCode']),
    readTable(root, 'municipalities', [
      'istat',
      'name',
      'belfioreCode',
      'provinceCode',
      'population',
      'caps',
    ]),
    readTable(root, 'belfiore-codes', [
      'code',
      'name',
      'provinceOrCountry',
      'validFrom',
      'validTo',
      'foreign',
    ]),
  ]);
  const provinceByCode = new Map(
    provinces.rows.map((row) => [
      text(provinces.get(row, 'code')),
      {
        abbreviation: text(provinces.get(row, 'abbreviation')),
        regionCode: text(provinces.get(row, 'regionCode')),
      },
    ]),
  );
  const municipalityList: PopulationMunicipality[] = municipalities.rows.map((row) => {
    const istat = text(municipalities.get(row, 'istat'));
    const province = provinceByCode.get(text(municipalities.get(row, 'provinceCode')));
    if (!province)
      throw new PopulationReferenceError(`reference/municipalities.json: ${istat} has an unknown province`);
    const caps = municipalities.get(row, 'caps');
    const population = municipalities.get(row, 'population');
    return {
      istat,
      name: text(municipalities.get(row, 'name')),
      belfiore: text(municipalities.get(row, 'belfioreCode')),
      provinceAbbr: province.abbreviation,
      regionCode: province.regionCode,
      caps: Array.isArray(caps) ? caps.filter((cap): cap is string => typeof cap === 'string') : [],
      population: typeof population === 'number' ? population : 0,
    };
  });
  const belfiorePlaces: BelfiorePlace[] = belfiore.rows.map((row) => ({
    code: text(belfiore.get(row, 'code')),
    name: text(belfiore.get(row, 'name')),
    provinceOrCountry: nullableText(belfiore.get(row, 'provinceOrCountry')),
    validFrom: nullableText(belfiore.get(row, 'validFrom')),
    validTo: nullableText(belfiore.get(row, 'validTo')),
    foreign: belfiore.get(row, 'foreign') === true,
  }));
  return { municipalities: municipalityList, belfiore: belfiorePlaces };
}

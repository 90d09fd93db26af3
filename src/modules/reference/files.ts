import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { parseProductsFile, type ProductEntry } from './products.ts';
import type { Insertable } from 'kysely';
import type {
  BelfioreCodesTable,
  DccValueSetEntriesTable,
  HealthAuthoritiesTable,
  MunicipalitiesTable,
  MunicipalityCapsTable,
  ProvincesTable,
  RegionsTable,
  VaccinationPointsTable,
} from './tables.ts';

/**
 * Reads the committed reference files (`reference/`, built by scripts/build-reference.ts) and the
 * plan's product catalogue (`plan/products.json`), checks their shape, and hashes their content:
 * the hash tells the loader whether the database already holds exactly this content.
 */

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Part of the content hash: bump it when the loader writes the same files differently. */
const LOADER_VERSION = 'reference-loader/1';

/** Guidance for encoding certificates, kept beside the value sets but not a value set itself. */
const NOT_VALUE_SETS = new Set(['vaccine-encoding-instructions.json']);

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Code = (pattern: string) => Type.String({ pattern });
const Text = Type.String({ minLength: 1 });
const Latitude = Type.Number({ minimum: -90, maximum: 90 });
const Longitude = Type.Number({ minimum: -180, maximum: 180 });

function tableFile<Row extends TSchema>(columns: string[], row: Row) {
  return Type.Object({
    source: Type.String(),
    columns: Type.Tuple(columns.map((c) => Type.Literal(c))),
    rows: Type.Array(row),
  });
}

const TABLE_FILES = {
  regions: tableFile(['code', 'name'], Type.Tuple([Code('^\\d{2}$'), Text])),
  provinces: tableFile(
    ['code', 'abbreviation', 'name', 'regionCode'],
    Type.Tuple([Code('^\\d{3}$'), Code('^[A-Z]{2}$'), Text, Code('^\\d{2}$')]),
  ),
  municipalities: tableFile(
    ['istat', 'name', 'belfioreCode', 'provinceCode', 'lat', 'lng', 'population', 'caps'],
    Type.Tuple([
      Code('^\\d{6}$'),
      Text,
      Code('^[A-Z]\\d{3}$'),
      Code('^\\d{3}$'),
      Latitude,
      Longitude,
      Nullable(Type.Integer({ minimum: 0 })),
      Type.Array(Code('^\\d{5}$'), { minItems: 1 }),
    ]),
  ),
  'belfiore-codes': tableFile(
    ['code', 'name', 'provinceOrCountry', 'validFrom', 'validTo', 'foreign'],
    Type.Tuple([
      Code('^[A-Z]\\d{3}$'),
      Text,
      Nullable(Code('^[A-Z]{2}$')),
      Nullable(IsoDate),
      Nullable(IsoDate),
      Type.Boolean(),
    ]),
  ),
  'health-authorities': tableFile(
    ['code', 'name', 'kind', 'parentCode', 'regionCode'],
    Type.Tuple([Text, Text, Type.Enum(['ATS', 'ASST', 'ASL', 'AUSL']), Nullable(Text), Code('^\\d{2}$')]),
  ),
  'vaccination-points': tableFile(
    ['code', 'name', 'address', 'municipalityIstat', 'lat', 'lng', 'healthAuthorityCode', 'kind'],
    Type.Tuple([
      Text,
      Text,
      Text,
      Code('^\\d{6}$'),
      Latitude,
      Longitude,
      Text,
      Type.Enum(['hub', 'hospital', 'clinic', 'pharmacy']),
    ]),
  ),
};

const ValueSetFile = Type.Object({
  valueSetId: Text,
  valueSetDate: Type.String(),
  valueSetValues: Type.Record(
    Type.String(),
    Type.Object({ display: Type.String(), active: Type.Boolean(), system: Type.Optional(Type.String()) }),
  ),
});

type TableName = keyof typeof TABLE_FILES;
type Rows<Name extends TableName> = Static<(typeof TABLE_FILES)[Name]>['rows'];

/** A row of each file is a row of its table, as inserted (identities are the database's). */
export type RegionRow = Insertable<RegionsTable>;
export type ProvinceRow = Insertable<ProvincesTable>;
export type MunicipalityRow = Insertable<MunicipalitiesTable>;
export type MunicipalityCapRow = Insertable<MunicipalityCapsTable>;
export type BelfioreRow = Insertable<BelfioreCodesTable>;
export type HealthAuthorityRow = Insertable<HealthAuthoritiesTable>;
export type VaccinationPointRow = Omit<Insertable<VaccinationPointsTable>, 'id'>;
export type DccValueSetEntryRow = Insertable<DccValueSetEntriesTable>;

/** The reference content, as rows named like the columns they go to. */
export interface ReferenceContent {
  contentHash: string;
  regions: RegionRow[];
  provinces: ProvinceRow[];
  municipalities: MunicipalityRow[];
  municipalityCaps: MunicipalityCapRow[];
  belfioreCodes: BelfioreRow[];
  healthAuthorities: HealthAuthorityRow[];
  vaccinationPoints: VaccinationPointRow[];
  products: ProductEntry[];
  dccValueSetEntries: DccValueSetEntryRow[];
}

export class ReferenceFileError extends Error {}

const validators = Object.fromEntries(
  Object.entries(TABLE_FILES).map(([name, schema]) => [name, Compile(schema)]),
) as { [Name in TableName]: ReturnType<typeof Compile<(typeof TABLE_FILES)[Name]>> };
const valueSetValidator = Compile(ValueSetFile);

export async function readReferenceContent(root: string = PROJECT_ROOT): Promise<ReferenceContent> {
  const referenceDir = path.join(root, 'reference');
  const productsPath = path.join(root, 'plan', 'products.json');
  const files = (await listFiles(referenceDir)).sort();
  const texts = new Map<string, Buffer>();
  for (const file of files) texts.set(file, await readFile(path.join(referenceDir, file)));
  const productsText = await readFile(productsPath).catch((error: unknown) => {
    throw new ReferenceFileError(`cannot read plan/products.json: ${error instanceof Error ? error.message : String(error)}`);
  });

  const hash = createHash('sha256').update(LOADER_VERSION);
  for (const [file, text] of texts) hash.update(`\0reference/${file}\0`).update(text);
  hash.update('\0plan/products.json\0').update(productsText);

  const table = <Name extends TableName>(name: Name): Rows<Name> => {
    const file = `${name}.json`;
    const text = texts.get(file);
    if (!text) throw new ReferenceFileError(`reference/${file} is missing: run scripts/build-reference.ts`);
    const value = parseJson(text, `reference/${file}`);
    const validator = validators[name];
    if (!validator.Check(value)) {
      const first = [...validator.Errors(value)].slice(0, 5).map((e) => `${e.instancePath || '(file)'}: ${e.message}`);
      throw new ReferenceFileError(`reference/${file} has an unexpected shape:\n  ${first.join('\n  ')}`);
    }
    return value.rows;
  };

  const provinces = table('provinces').map(([code, abbreviation, name, regionCode]) => ({
    code,
    abbreviation,
    name,
    region_code: regionCode,
  }));
  const regionOfProvince = new Map(provinces.map((p) => [p.code, p.region_code]));
  const municipalities: MunicipalityRow[] = [];
  const municipalityCaps: MunicipalityCapRow[] = [];
  for (const [istat, name, belfioreCode, provinceCode, lat, lng, population, caps] of table('municipalities')) {
    const regionCode = regionOfProvince.get(provinceCode);
    if (!regionCode) throw new ReferenceFileError(`reference/municipalities.json: ${istat} has unknown province ${provinceCode}`);
    municipalities.push({
      istat,
      name,
      belfiore_code: belfioreCode,
      province_code: provinceCode,
      region_code: regionCode,
      lat,
      lng,
      population,
    });
    for (const cap of caps) municipalityCaps.push({ municipality_istat: istat, cap });
  }

  const dccValueSetEntries: DccValueSetEntryRow[] = [];
  for (const [file, text] of texts) {
    if (!file.startsWith('eu-dcc/valuesets/') || NOT_VALUE_SETS.has(path.basename(file))) continue;
    const value = parseJson(text, `reference/${file}`);
    if (!valueSetValidator.Check(value)) {
      throw new ReferenceFileError(`reference/${file} is not an EU DCC value set (valueSetId, valueSetValues)`);
    }
    for (const [code, entry] of Object.entries(value.valueSetValues)) {
      dccValueSetEntries.push({
        value_set_id: value.valueSetId,
        code,
        display: entry.display,
        active: entry.active,
        system: entry.system ?? null,
      });
    }
  }

  return {
    contentHash: hash.digest('hex'),
    regions: table('regions').map(([code, name]) => ({ code, name })),
    provinces,
    municipalities,
    municipalityCaps,
    belfioreCodes: table('belfiore-codes').map(([code, name, provinceOrCountry, validFrom, validTo, foreign]) => ({
      code,
      name,
      province_or_country: provinceOrCountry,
      valid_from: validFrom,
      valid_to: validTo,
      is_foreign: foreign,
    })),
    healthAuthorities: table('health-authorities').map(([code, name, kind, parentCode, regionCode]) => ({
      code,
      name,
      kind,
      parent_code: parentCode,
      region_code: regionCode,
    })),
    vaccinationPoints: table('vaccination-points').map(
      ([code, name, address, municipalityIstat, lat, lng, healthAuthorityCode, kind]) => ({
        code,
        name,
        address,
        municipality_istat: municipalityIstat,
        lat,
        lng,
        health_authority_code: healthAuthorityCode,
        kind,
      }),
    ),
    products: parseProductsFile(parseJson(productsText, 'plan/products.json')).products,
    dccValueSetEntries,
  };
}

function parseJson(text: Buffer, file: string): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch (error) {
    throw new ReferenceFileError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function listFiles(directory: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(directory, prefix), { withFileTypes: true });
  } catch {
    throw new ReferenceFileError(`${path.join(directory, prefix)} is missing: run scripts/build-reference.ts`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(directory, relative)));
    else if (entry.name.endsWith('.json')) files.push(relative);
  }
  return files;
}

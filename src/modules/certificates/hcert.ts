import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { PROJECT_ROOT } from '../reference/files.ts';

/**
 * The HCERT payload (DCC-1): the JSON object a certificate carries under CWT claim -260, key 1, checked
 * against the official EU DCC schema (1.3.3, `data/DCC.combined-schema.json`) and against the EU value
 * sets the schema names through its `valueset-uri` keyword.
 */

export interface PersonName {
  /** Surname(s) as written. */
  fn?: string;
  /** Surname(s) transliterated by ICAO 9303 (A-Z and `<`). */
  fnt?: string;
  gn?: string;
  gnt?: string;
}

export interface VaccinationEntry {
  tg: string;
  vp: string;
  mp: string;
  ma: string;
  dn: number;
  sd: number;
  dt: string;
  co: string;
  is: string;
  ci: string;
}

export interface TestEntry {
  tg: string;
  tt: string;
  nm?: string;
  ma?: string;
  sc: string;
  tr: string;
  tc?: string;
  co: string;
  is: string;
  ci: string;
}

export interface RecoveryEntry {
  tg: string;
  fr: string;
  co: string;
  is: string;
  df: string;
  du: string;
  ci: string;
}

export interface Hcert {
  ver: string;
  nam: PersonName;
  dob: string;
  v?: VaccinationEntry[];
  t?: TestEntry[];
  r?: RecoveryEntry[];
}

/** The certificate's kind, by its one group: vaccination, test or recovery. */
export type HcertGroup = 'v' | 't' | 'r';

export type DccEntry =
  ({ group: 'v' } & VaccinationEntry) | ({ group: 't' } & TestEntry) | ({ group: 'r' } & RecoveryEntry);

/** The schema version payloads are written in: that of the schema they are validated with. */
export const HCERT_VERSION = '1.3.3';

/** SNOMED CT 840539006: COVID-19, the only disease of the value set. */
export const COVID_19 = '840539006';

export const SCHEMA_FILE = fileURLToPath(new URL('./data/DCC.combined-schema.json', import.meta.url));
const VALUE_SETS_DIR = path.join(PROJECT_ROOT, 'reference', 'eu-dcc', 'valuesets');

/**
 * The schema names value sets by the path they have in the EU repository. The test-manufacturer list
 * we hold is its 2021-07-01 snapshot ("example"): the live list is the JRC's database, which moved on.
 * The encoding instructions are guidance, declared by the schema but used by no field.
 */
const VALUE_SET_FILES: Record<string, string | null> = {
  'valuesets/disease-agent-targeted.json': 'disease-agent-targeted.json',
  'valuesets/vaccine-prophylaxis.json': 'vaccine-prophylaxis.json',
  'valuesets/vaccine-medicinal-product.json': 'vaccine-medicinal-product.json',
  'valuesets/vaccine-mah-manf.json': 'vaccine-mah-manf.json',
  'valuesets/country-2-codes.json': 'country-2-codes.json',
  'valuesets/test-manf.json': 'test-manf-example.json',
  'valuesets/test-result.json': 'test-result.json',
  'valuesets/test-type.json': 'test-type.json',
  'valuesets/vaccine-encoding-instructions.json': null,
};

export interface ValueSet {
  id: string;
  codes: ReadonlySet<string>;
}

let valueSetCache: Map<string, ValueSet> | undefined;

/** The EU value sets of `reference/eu-dcc/valuesets`, by the URI the schema names them with. */
export function dccValueSets(): Map<string, ValueSet> {
  if (valueSetCache) return valueSetCache;
  const sets = new Map<string, ValueSet>();
  for (const [uri, file] of Object.entries(VALUE_SET_FILES)) {
    if (file === null) continue;
    const content = JSON.parse(readFileSync(path.join(VALUE_SETS_DIR, file), 'utf8')) as {
      valueSetId: string;
      valueSetValues: Record<string, unknown>;
    };
    // Inactive codes stay members: a certificate issued while a code was active stays readable.
    sets.set(uri, { id: content.valueSetId, codes: new Set(Object.keys(content.valueSetValues)) });
  }
  valueSetCache = sets;
  return sets;
}

export type HcertCheck =
  | { valid: true; hcert: Hcert; group: HcertGroup; valueSetProblems: string[] }
  | { valid: false; problems: string[]; valueSetProblems: string[] };

let validator: ValidateFunction | undefined;

/**
 * Compiles the schema now instead of at the first check, which costs about 0.4 s: an issuer calls it when it
 * starts, so that its first certificate is as quick as the next (a caller's timeout does not catch it).
 */
export function prepareHcertChecks(): void {
  compiledSchema();
}

function compiledSchema(): ValidateFunction {
  if (validator) return validator;
  const sets = dccValueSets();
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  addFormats.default(ajv, ['date', 'date-time']);
  ajv.addKeyword({
    keyword: 'valueset-uri',
    type: 'string',
    schemaType: 'string',
    validate: (uri: string, data: string) => {
      if (!(uri in VALUE_SET_FILES)) throw new Error(`the DCC schema names an unknown value set ${uri}`);
      const set = sets.get(uri);
      return set === undefined || set.codes.has(data);
    },
  });
  validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  return validator;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(payload)' : error.instancePath;
  if (error.keyword === 'valueset-uri') {
    const set = dccValueSets().get(String(error.schema));
    return `${where}: ${JSON.stringify(error.data)} is not in the EU value set ${set?.id ?? String(error.schema)}`;
  }
  return `${where}: ${error.message ?? error.keyword}`;
}

/**
 * DCC-1: the payload against the schema, and exactly one of v, t, r (the schema's `oneOf` over
 * `required` lets a payload with two groups through; the specification allows one). Codes outside the
 * EU value sets are reported apart: the schema only names the value sets (its `valueset-uri` is an
 * annotation, not an assertion), and real certificates carry such codes (an empty `ma` on a molecular
 * test, a national product name). The issuer refuses them; a verifier decides by its own rules.
 */
export function checkHcert(value: unknown): HcertCheck {
  const validate = compiledSchema();
  const problems: string[] = [];
  const valueSetProblems: string[] = [];
  if (!validate(value)) {
    for (const error of validate.errors ?? []) {
      // The oneOf's own failure repeats what the branches said.
      if (error.keyword === 'oneOf') continue;
      (error.keyword === 'valueset-uri' ? valueSetProblems : problems).push(describeError(error));
    }
  }
  const groups =
    typeof value === 'object' && value !== null
      ? (['v', 't', 'r'] as const).filter((group) => group in value)
      : [];
  if (groups.length !== 1) {
    const found = groups.length === 0 ? 'none' : groups.join(', ');
    problems.push(`(payload): a certificate holds exactly one of v, t, r; found ${found}`);
  }
  if (problems.length > 0) return { valid: false, problems: [...new Set(problems)], valueSetProblems };
  return { valid: true, hcert: value as Hcert, group: groups[0]!, valueSetProblems };
}

/**
 * Payloads built and checked here, deep-frozen: they cannot change after the check, so issuing one
 * does not check it again (PERF-6: the check is a tenth of an issuance).
 */
const checkedPayloads = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/** The schema and the value sets: what an issuer must meet before it signs. */
export function issuableProblems(value: unknown): string[] {
  if (typeof value === 'object' && value !== null && checkedPayloads.has(value)) return [];
  const check = checkHcert(value);
  return check.valid ? check.valueSetProblems : [...check.problems, ...check.valueSetProblems];
}

/** The one entry of a checked payload, with its group. */
export function entryOf(hcert: Hcert): DccEntry | null {
  const v = hcert.v?.[0];
  if (v) return { group: 'v', ...v };
  const t = hcert.t?.[0];
  if (t) return { group: 't', ...t };
  const r = hcert.r?.[0];
  if (r) return { group: 'r', ...r };
  return null;
}

export interface Holder {
  /** Surname first, as on the certificate: `fn`, `fnt`, `gn`, `gnt`. */
  names: PersonName;
  /** `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty: the schema allows a partial date of birth. */
  dob: string;
}

export interface VaccinationHcertInput {
  holder: Holder;
  vaccination: Omit<VaccinationEntry, 'tg'> & { tg?: string };
}

/**
 * DCC-1: the payload of a vaccination certificate. The caller passes dn/sd as the cycle gives them
 * (DCC-2) and the UVCI; a payload the schema or the value sets refuse is an error, never issued. The
 * payload comes back frozen.
 */
export function vaccinationHcert(input: VaccinationHcertInput): Hcert {
  const nam: PersonName = {};
  for (const key of ['fn', 'fnt', 'gn', 'gnt'] as const) {
    const value = input.holder.names[key];
    if (value !== undefined) nam[key] = value;
  }
  const { tg = COVID_19, vp, mp, ma, dn, sd, dt, co, is, ci } = input.vaccination;
  const hcert: Hcert = {
    ver: HCERT_VERSION,
    nam,
    dob: input.holder.dob,
    v: [{ tg, vp, mp, ma, dn, sd, dt, co, is, ci }],
  };
  const problems = issuableProblems(hcert);
  if (problems.length > 0) throw new HcertError(problems);
  checkedPayloads.add(deepFreeze(hcert));
  return hcert;
}

export class HcertError extends Error {
  override readonly name = 'HcertError';
  constructor(readonly problems: string[]) {
    super(`not a valid DCC payload: ${problems.join('; ')}`);
  }
}

/**
 * ICAO 9303 transliteration of a name for `fnt`/`gnt`: Latin letters without diacritics, upper case,
 * `<` between words. Letters 9303 spells with two (Ä → AE, ß → SS …) follow its table.
 */
export function icaoTransliteration(name: string): string {
  const TWO_LETTERS: Record<string, string> = {
    Ä: 'AE',
    Ö: 'OE',
    Ü: 'UE',
    ß: 'SS',
    Æ: 'AE',
    Ø: 'OE',
    Å: 'AA',
  };
  return name
    .toUpperCase()
    .replace(/[ÄÖÜÆØÅ]|ß/g, (ch) => TWO_LETTERS[ch] ?? ch)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/['’`]/g, '')
    .replace(/[^A-Z]+/g, '<')
    .replace(/^<+|<+$/g, '')
    .slice(0, 80);
}

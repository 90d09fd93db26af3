import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { romeDate } from '../../platform/clock.ts';
import { schemaProblems } from '../../platform/schema-problems.ts';
import type { Hcert, RecoveryEntry, TestEntry, VaccinationEntry } from './hcert.ts';

/**
 * DCC-3: whether a certificate is valid in Italy on a date, by the rules of the national verification
 * app. The numbers (days from the vaccination, hours from the test) are plan data: one version per
 * capture of the app's settings in `data/it-validity-rules.json`, in force from its `effectiveFrom`.
 * The functions below are pure: the instant and the rules come in as arguments.
 */

export const RULES_FILE = fileURLToPath(new URL('./data/it-validity-rules.json', import.meta.url));

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
const SettingSchema = Type.Object(
  { name: Type.String({ minLength: 1 }), type: Type.String({ minLength: 1 }), value: Type.String() },
  { additionalProperties: false },
);
const VersionSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,63}$' }),
    effectiveFrom: IsoDate,
    source: Type.String({ minLength: 1 }),
    settings: Type.Array(SettingSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);
const RulesFileSchema = Type.Object(
  { description: Type.String(), versions: Type.Array(VersionSchema, { minItems: 1 }) },
  { additionalProperties: false },
);
const validator = Compile(RulesFileSchema);

export type ValiditySetting = Static<typeof SettingSchema>;

/** Days counted from the vaccination date: valid from day `startDay` to day `endDay`, both included. */
export interface DayWindow {
  startDay: number;
  endDay: number;
}

export interface HourWindow {
  startHours: number;
  endHours: number;
}

type ByOrigin<T> = { it: T; notIt: T };

export interface ValidityRules {
  id: string;
  effectiveFrom: string;
  source: string;
  /** Per EU product code (`mp`): the windows of an incomplete and of a complete cycle. */
  products: ReadonlyMap<string, { notComplete: DayWindow; complete: DayWindow }>;
  /**
   * From 2022 the app splits complete cycles and boosters by country of vaccination; a version
   * without the split (undefined) uses the per-product complete window for both.
   */
  complete: ByOrigin<DayWindow> | undefined;
  booster: ByOrigin<DayWindow> | undefined;
  /** Products the app takes as EMA-authorised (or equivalent); undefined: every product it lists. */
  emaProducts: ReadonlySet<string> | undefined;
  recovery: ByOrigin<DayWindow>;
  rapidTest: HourWindow;
  molecularTest: HourWindow;
  /** Settings of the version these rules do not apply (see the module's README). */
  unused: string[];
}

export class ValidityRulesError extends Error {
  override readonly name = 'ValidityRulesError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid set of Italian validity rules:\n  ${problems.join('\n  ')}`);
  }
}

const GENERIC = 'GENERIC';

function rulesOf(version: Static<typeof VersionSchema>, problems: string[]): ValidityRules {
  const read = new Set<string>();
  const where = `version ${version.id}`;
  const lookup = (name: string, type = GENERIC): number | undefined => {
    const setting = version.settings.find((s) => s.name === name && s.type === type);
    if (setting === undefined) return undefined;
    read.add(`${name}/${type}`);
    if (!/^\d{1,4}$/.test(setting.value)) {
      problems.push(`${where}: ${name} (${type}) is ${JSON.stringify(setting.value)}, not a whole number`);
      return 0;
    }
    return Number(setting.value);
  };
  const required = (name: string, type = GENERIC): number => {
    const value = lookup(name, type);
    if (value === undefined) problems.push(`${where}: ${name} (${type}) is missing`);
    return value ?? 0;
  };
  const window = (start: number, end: number, what: string): DayWindow => {
    if (end < start) problems.push(`${where}: ${what} ends (day ${end}) before it starts (day ${start})`);
    return { startDay: start, endDay: end };
  };
  const optionalByOrigin = (kind: 'complete' | 'booster'): ByOrigin<DayWindow> | undefined => {
    const names = [`vaccine_start_day_${kind}_IT`, `vaccine_end_day_${kind}_IT`];
    if (names.every((name) => lookup(name) === undefined)) return undefined;
    return {
      it: window(required(names[0]!), required(names[1]!), `${kind} (IT)`),
      notIt: window(
        required(`vaccine_start_day_${kind}_NOT_IT`),
        required(`vaccine_end_day_${kind}_NOT_IT`),
        `${kind} (not IT)`,
      ),
    };
  };

  const products = new Map<string, { notComplete: DayWindow; complete: DayWindow }>();
  const productCodes = new Set(
    version.settings.filter((s) => s.name.startsWith('vaccine_') && s.type !== GENERIC).map((s) => s.type),
  );
  for (const mp of productCodes) {
    products.set(mp, {
      notComplete: window(
        required('vaccine_start_day_not_complete', mp),
        required('vaccine_end_day_not_complete', mp),
        `${mp} incomplete cycle`,
      ),
      complete: window(
        required('vaccine_start_day_complete', mp),
        required('vaccine_end_day_complete', mp),
        `${mp} complete cycle`,
      ),
    });
  }
  const ema = version.settings.find((s) => s.name === 'EMA_vaccines' && s.type === GENERIC);
  if (ema) read.add(`EMA_vaccines/${GENERIC}`);
  const recoveryGeneric = window(
    required('recovery_cert_start_day'),
    required('recovery_cert_end_day'),
    'recovery',
  );
  const recoveryOf = (suffix: string): DayWindow =>
    window(
      lookup(`recovery_cert_start_day_${suffix}`) ?? recoveryGeneric.startDay,
      lookup(`recovery_cert_end_day_${suffix}`) ?? recoveryGeneric.endDay,
      `recovery (${suffix})`,
    );
  const rules: ValidityRules = {
    id: version.id,
    effectiveFrom: version.effectiveFrom,
    source: version.source,
    products,
    complete: optionalByOrigin('complete'),
    booster: optionalByOrigin('booster'),
    emaProducts: ema ? new Set(ema.value.split(';').filter((code) => code !== '')) : undefined,
    recovery: { it: recoveryOf('IT'), notIt: recoveryOf('NOT_IT') },
    rapidTest: { startHours: required('rapid_test_start_hours'), endHours: required('rapid_test_end_hours') },
    molecularTest: {
      startHours: required('molecular_test_start_hours'),
      endHours: required('molecular_test_end_hours'),
    },
    unused: [],
  };
  rules.unused = version.settings.filter((s) => !read.has(`${s.name}/${s.type}`)).map((s) => s.name);
  return rules;
}

/** Reads and checks the versions of a rules file; they must come in order of `effectiveFrom`. */
export function parseValidityRulesFile(value: unknown, file: string): ValidityRules[] {
  if (!validator.Check(value)) throw new ValidityRulesError(file, schemaProblems(validator, value));
  const problems: string[] = [];
  const versions = value.versions.map((version) => rulesOf(version, problems));
  versions.forEach((version, index) => {
    const previous = versions[index - 1];
    if (previous && previous.effectiveFrom >= version.effectiveFrom) {
      problems.push(`version ${version.id}: effectiveFrom must come after ${previous.id}'s`);
    }
    if (versions.findIndex((other) => other.id === version.id) !== index) {
      problems.push(`version ${version.id}: the id is used twice`);
    }
  });
  if (problems.length > 0) throw new ValidityRulesError(file, problems);
  return versions;
}

let committed: ValidityRules[] | undefined;

/** The committed versions of `data/it-validity-rules.json`, read once per process. */
export function italianValidityRules(): ValidityRules[] {
  committed ??= parseValidityRulesFile(JSON.parse(readFileSync(RULES_FILE, 'utf8')), RULES_FILE);
  return committed;
}

/** The version in force on the Rome calendar day of `at`: the latest one effective on or before it. */
export function rulesInForce(versions: readonly ValidityRules[], at: Date): ValidityRules | undefined {
  const day = romeDate(at);
  let found: ValidityRules | undefined;
  for (const version of versions) if (version.effectiveFrom <= day) found = version;
  return found;
}

export type ValidityStatus = 'valid' | 'not_yet_valid' | 'expired' | 'invalid';

export interface Reason {
  /** Stable, for programs: e.g. `IT_VALIDITY_WINDOW`, `SIGNATURE_INVALID`. */
  code: string;
  /** For people, in English. */
  detail: string;
}

export type CycleKind = 'incomplete' | 'complete' | 'booster';

export interface ItalianValidity {
  status: ValidityStatus;
  reasons: Reason[];
  /** The rules version applied. */
  rules: string;
  /** The validity, as dates (vaccination, recovery) or instants (tests); absent when there is none. */
  validFrom?: string;
  validUntil?: string;
  cycle?: CycleKind;
}

/** The one single-dose product of the Italian rules: its second dose is a booster (the app's code). */
const SINGLE_DOSE_PRODUCTS: ReadonlySet<string> = new Set(['EU/1/20/1525']);
/**
 * Products the app accepts only from some countries of vaccination, whatever the settings list
 * (hard-wired in the app's code, not in its settings): Sputnik V only from San Marino.
 */
const ONLY_FROM_COUNTRIES: ReadonlyMap<string, readonly string[]> = new Map([['Sputnik-V', ['SM']]]);

const TEST_DETECTED = '260373001';
const TEST_MOLECULAR = 'LP6464-4';
const TEST_RAPID = 'LP217198-3';

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** DCC-2 as Italy read it: incomplete if dn < sd; a booster if dn > sd, or dn ≥ 3 (≥ 2 after a single-dose product). */
export function cycleKind(entry: Pick<VaccinationEntry, 'dn' | 'sd' | 'mp'>): CycleKind {
  if (entry.dn < entry.sd) return 'incomplete';
  const boosterFrom = SINGLE_DOSE_PRODUCTS.has(entry.mp) ? 2 : 3;
  return entry.dn > entry.sd || entry.dn >= boosterFrom ? 'booster' : 'complete';
}

function byDates(
  today: string,
  from: string,
  until: string,
  base: Omit<ItalianValidity, 'status' | 'reasons'>,
  what: string,
): ItalianValidity {
  const window = `${from} to ${until}`;
  const result = { ...base, validFrom: from, validUntil: until };
  if (today < from) {
    return {
      ...result,
      status: 'not_yet_valid',
      reasons: [
        {
          code: 'IT_NOT_YET_VALID',
          detail: `${what}: valid in Italy from ${from} (${window}), not on ${today}`,
        },
      ],
    };
  }
  if (today > until) {
    return {
      ...result,
      status: 'expired',
      reasons: [
        { code: 'IT_EXPIRED', detail: `${what}: valid in Italy until ${until} (${window}), not on ${today}` },
      ],
    };
  }
  return {
    ...result,
    status: 'valid',
    reasons: [{ code: 'IT_VALID', detail: `${what}: valid in Italy ${window}` }],
  };
}

function invalid(rules: ValidityRules, code: string, detail: string): ItalianValidity {
  return { status: 'invalid', reasons: [{ code, detail }], rules: rules.id };
}

export function vaccinationValidity(
  entry: VaccinationEntry,
  at: Date,
  rules: ValidityRules,
): ItalianValidity {
  const product = rules.products.get(entry.mp);
  if (product === undefined) {
    return invalid(
      rules,
      'IT_PRODUCT_NOT_ACCEPTED',
      `${entry.mp} is not a vaccine the Italian rules (${rules.id}) accept`,
    );
  }
  const countries = ONLY_FROM_COUNTRIES.get(entry.mp);
  if (countries && !countries.includes(entry.co)) {
    return invalid(
      rules,
      'IT_PRODUCT_NOT_ACCEPTED',
      `${entry.mp} is accepted in Italy only when given in ${countries.join(', ')}, not in ${entry.co}`,
    );
  }
  // A product accepted from some countries only counts, from them, as EMA-equivalent (the app's code).
  if (rules.emaProducts && !rules.emaProducts.has(entry.mp) && !countries) {
    return invalid(
      rules,
      'IT_PRODUCT_NOT_EMA',
      `${entry.mp} is not authorised by EMA or recognised as equivalent (${rules.id}): not valid for the basic pass`,
    );
  }
  const cycle = cycleKind(entry);
  const origin = entry.co === 'IT' ? 'it' : 'notIt';
  let window: DayWindow;
  if (cycle === 'incomplete') window = product.notComplete;
  else if (cycle === 'booster' && rules.booster) window = rules.booster[origin];
  else if (rules.complete) {
    // The product's own start still applies (a single-dose product counts from day 15).
    window = {
      startDay: rules.complete[origin].startDay + product.complete.startDay,
      endDay: rules.complete[origin].endDay,
    };
  } else window = product.complete;
  const what = `dose ${entry.dn}/${entry.sd} of ${entry.mp} on ${entry.dt} (${cycle} cycle, ${rules.id})`;
  return byDates(
    romeDate(at),
    addDays(entry.dt, window.startDay),
    addDays(entry.dt, window.endDay),
    { rules: rules.id, cycle },
    what,
  );
}

/** Recovery: from `df` (plus the start days), until `du` or the rules' days after the first positive test, whichever is first. */
export function recoveryValidity(entry: RecoveryEntry, at: Date, rules: ValidityRules): ItalianValidity {
  const window = entry.co === 'IT' ? rules.recovery.it : rules.recovery.notIt;
  const from = addDays(entry.df, window.startDay);
  const byRules = addDays(entry.fr, window.endDay);
  const until = entry.du.slice(0, 10) < byRules ? entry.du.slice(0, 10) : byRules;
  return byDates(romeDate(at), from, until, { rules: rules.id }, `recovery from ${entry.fr} (${rules.id})`);
}

export function testValidity(entry: TestEntry, at: Date, rules: ValidityRules): ItalianValidity {
  if (entry.tr === TEST_DETECTED) return invalid(rules, 'IT_TEST_POSITIVE', 'the test result is "detected"');
  const hours =
    entry.tt === TEST_MOLECULAR ? rules.molecularTest : entry.tt === TEST_RAPID ? rules.rapidTest : undefined;
  if (hours === undefined)
    return invalid(rules, 'IT_TEST_TYPE_NOT_ACCEPTED', `test type ${entry.tt} is not accepted`);
  const collected = Date.parse(entry.sc);
  if (Number.isNaN(collected))
    return invalid(rules, 'IT_TEST_DATE_INVALID', `sample time ${entry.sc} is not a date-time`);
  const from = new Date(collected + hours.startHours * 3_600_000);
  const until = new Date(collected + hours.endHours * 3_600_000);
  const result = { rules: rules.id, validFrom: from.toISOString(), validUntil: until.toISOString() };
  const what = `${entry.tt === TEST_MOLECULAR ? 'molecular' : 'rapid antigen'} test of ${entry.sc} (${rules.id})`;
  if (at < from) {
    return {
      ...result,
      status: 'not_yet_valid',
      reasons: [{ code: 'IT_NOT_YET_VALID', detail: `${what}: valid from ${result.validFrom}` }],
    };
  }
  if (at > until) {
    return {
      ...result,
      status: 'expired',
      reasons: [{ code: 'IT_EXPIRED', detail: `${what}: valid until ${result.validUntil}` }],
    };
  }
  return {
    ...result,
    status: 'valid',
    reasons: [{ code: 'IT_VALID', detail: `${what}: valid until ${result.validUntil}` }],
  };
}

/** DCC-3: the Italian verdict on a checked payload at an instant, under the given rules version. */
export function italianValidity(hcert: Hcert, at: Date, rules: ValidityRules): ItalianValidity {
  const v = hcert.v?.[0];
  if (v) return vaccinationValidity(v, at, rules);
  const t = hcert.t?.[0];
  if (t) return testValidity(t, at, rules);
  const r = hcert.r?.[0];
  if (r) return recoveryValidity(r, at, rules);
  return invalid(rules, 'PAYLOAD_EMPTY', 'the certificate holds no vaccination, test or recovery');
}

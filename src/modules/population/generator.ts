/**
 * The synthetic population (issue "Foundation", item 10): deterministic people in households, with
 * tax codes consistent with their data, health-card numbers, domicile, contacts and the fragility
 * facts of the national plan (ELIG-6, ELIG-7). Pure: the same reference data, count, seed and
 * region give the same people in the same order, and a smaller count gives a prefix of a larger one.
 *
 * Figures and their sources are data (./data/*.json); ./README.md explains the model.
 */
import pyramidData from './data/lombardy-age-sex-2021.json' with { type: 'json' };
import parametersData from './data/population-parameters.json' with { type: 'json' };
import prevalenceData from './data/fragility-prevalence.json' with { type: 'json' };
import surnamesData from './data/italian-surnames.json' with { type: 'json' };
import givenNamesData from './data/italian-given-names.json' with { type: 'json' };
import foreignData from './data/foreign-origins.json' with { type: 'json' };
import {
  encodeGivenName,
  encodeSurname,
  MONTH_LETTERS,
  taxCodeCheckCharacter,
  type Sex,
} from '../registry/tax-code.ts';
import { AliasTable, Random } from './random.ts';
import { civilFromDay, dayFromCivil, dayFromIsoDate, isoDateFromDay } from '../../platform/calendar.ts';
import type { BelfiorePlace, PopulationMunicipality, PopulationReference } from './reference.ts';

export interface PopulationOptions {
  people: number;
  seed: number;
  /** ISTAT region code of the domiciles, '01'..'20'; default '03' (Lombardy). */
  regionCode?: string;
}

export type PersonStatus = 'active';

export interface SyntheticPerson {
  taxCode: string;
  healthCardNumber: string;
  surname: string;
  givenName: string;
  sex: Sex;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  /** Belfiore code valid on the birth date: a municipality (maybe since abolished) or a country (Z-code). */
  birthPlaceCode: string;
  residenceMunicipalityIstat: string;
  domicileMunicipalityIstat: string;
  domicileCap: string;
  householdId: number;
  phone: string | null;
  email: string | null;
  status: PersonStatus;
  /** Codes of fragility-prevalence.json (Table 1 of the national plan), in that file's order. */
  table1Conditions: readonly string[];
  /** L.104/1992 art. 3 c. 3. */
  severeDisability: boolean;
}

export const DEFAULT_REGION_CODE = '03';
/** Ages are those on this date (the pyramid's date); birth dates follow from it. */
export const POPULATION_REFERENCE_DATE = pyramidData.referenceDate;
/** Health-card (TEAM) numbers: 80 = health sector, 380 = Italy. */
export const HEALTH_CARD_PREFIX = '80380';
/** The card-number permutation is exact up to this many people (see healthCardNumber). */
export const MAX_PEOPLE = 100_000_000;

export interface AgeBand {
  from: number;
  to: number;
  male: number;
  female: number;
}

export const AGE_BANDS: readonly AgeBand[] = pyramidData.bands;

export interface Table1Condition {
  code: string;
  area: string;
  labelIt: string;
  labelEn: string;
  /** Marked * in the plan: the person's cohabitants are entitled too (ELIG-8). */
  cohabitantsEntitled: boolean;
  per100k: readonly number[];
  disabilityIfPresent?: number;
}

export const TABLE1_CONDITIONS: readonly Table1Condition[] = prevalenceData.conditions;

const DISABILITY_IF_PRESENT = new Map(
  TABLE1_CONDITIONS.flatMap((c) =>
    c.disabilityIfPresent === undefined ? [] : [[c.code, c.disabilityIfPresent] as const],
  ),
);

/** Index into the prevalence arrays: 0-15, 16-39, 40-59, 60-79, 80+. */
export function prevalenceAgeGroup(age: number): number {
  return age < 16 ? 0 : age < 40 ? 1 : age < 60 ? 2 : age < 80 ? 3 : 4;
}

// ---------------------------------------------------------------------------------------------
// Names

interface NameEntry {
  name: string;
  /** Lower-case ASCII letters, for e-mail addresses. */
  ascii: string;
  code: string;
  /** The 3-letter code as a base-26 number, for the uniqueness key. */
  key: number;
}

function codeKey(code: string): number {
  return ((code.charCodeAt(0) - 65) * 26 + (code.charCodeAt(1) - 65)) * 26 + (code.charCodeAt(2) - 65);
}

class NamePool {
  private readonly entries: NameEntry[];
  private readonly table: AliasTable;

  /** Names ordered by frequency: rank r weighs 1/(r + offset), a Zipf-like tail. */
  constructor(names: readonly string[], encode: (name: string) => string, offset: number) {
    this.entries = names.map((name) => {
      const code = encode(name);
      return { name, ascii: asciiLower(name), code, key: codeKey(code) };
    });
    this.table = new AliasTable(names.map((_, rank) => 1 / (rank + offset)));
  }

  pick(random: Random): NameEntry {
    return this.entries[this.table.sample(random)]!;
  }

  at(index: number): NameEntry {
    return this.entries[index % this.entries.length]!;
  }

  get length(): number {
    return this.entries.length;
  }
}

interface GivenNamePools {
  male: NamePool;
  female: NamePool;
}

interface OriginGroup {
  id: string;
  surnames: NamePool;
  given: GivenNamePools;
  countries: PlacePool;
}

// ---------------------------------------------------------------------------------------------
// Places

const NEVER = Number.MAX_SAFE_INTEGER;
const ALWAYS = Number.MIN_SAFE_INTEGER;

interface PlaceEntry {
  code: string;
  /** Letter and digits of the code as one number, for the uniqueness key. */
  key: number;
  validFrom: number;
  validTo: number;
  provinceOrCountry: string | null;
  foreign: boolean;
}

function toPlaceEntry(place: BelfiorePlace): PlaceEntry {
  const code = place.code.toUpperCase();
  if (!/^[A-Z]\d{3}$/.test(code)) throw new RangeError(`not a Belfiore code: "${place.code}"`);
  return {
    code,
    key: (code.charCodeAt(0) - 65) * 1000 + Number(code.slice(1)),
    validFrom: place.validFrom ? dayFromIsoDate(place.validFrom) : ALWAYS,
    validTo: place.validTo ? dayFromIsoDate(place.validTo) : NEVER,
    provinceOrCountry: place.provinceOrCountry,
    foreign: place.foreign,
  };
}

function validOn(place: PlaceEntry, day: number): boolean {
  return place.validFrom <= day && day < place.validTo;
}

/** Weighted places (countries of a group) with a fallback to any of them valid on the day. */
class PlacePool {
  private readonly table: AliasTable;

  constructor(
    private readonly places: readonly PlaceEntry[],
    weights: readonly number[],
  ) {
    this.table = new AliasTable(weights);
  }

  pick(random: Random, day: number): PlaceEntry | undefined {
    const chosen = this.places[this.table.sample(random)]!;
    if (validOn(chosen, day)) return chosen;
    return this.places.find((place) => validOn(place, day));
  }
}

interface Municipality extends PopulationMunicipality {
  place: PlaceEntry;
}

// ---------------------------------------------------------------------------------------------
// Ages: a quota sampler keeps the running age-sex distribution on the pyramid while households
// constrain each member's age (a child is 18-45 years younger than the mother, and so on).

const QUOTA_SLACK = 1000;

class AgeQuota {
  readonly maxAge: number;
  private readonly bands: readonly AgeBand[];
  private readonly target: Float64Array;
  private readonly counts: Float64Array;
  private readonly weights: Float64Array;
  private picked = 0;
  sex: 0 | 1 = 0;

  constructor(bands: readonly AgeBand[]) {
    this.bands = bands;
    const total = bands.reduce((sum, band) => sum + band.male + band.female, 0);
    this.target = new Float64Array(bands.length * 2);
    bands.forEach((band, b) => {
      this.target[b] = band.male / total;
      this.target[bands.length + b] = band.female / total;
    });
    this.counts = new Float64Array(bands.length * 2);
    this.weights = new Float64Array(bands.length * 2);
    this.maxAge = bands[bands.length - 1]!.to;
  }

  /**
   * An age in [lo, hi] (clamped to the pyramid) and a sex (given, or chosen with the age when -1):
   * each band weighs what it still lacks against the target, so the marginal stays on the pyramid
   * whatever the household constraints. `prior` (per band) tilts the choice for a role.
   */
  pick(random: Random, lo: number, hi: number, sex: -1 | 0 | 1, prior?: Float64Array): number {
    const bandCount = this.bands.length;
    let low = Math.max(0, Math.min(lo, this.maxAge));
    let high = Math.max(0, Math.min(hi, this.maxAge));
    if (high < low) [low, high] = [high, low];
    let total = 0;
    for (let pass = 0; pass < 2 && total === 0; pass++) {
      for (let s = 0; s < 2; s++) {
        for (let b = 0; b < bandCount; b++) {
          const i = s * bandCount + b;
          this.weights[i] = 0;
          if (sex !== -1 && sex !== s) continue;
          const band = this.bands[b]!;
          const overlap = Math.min(high, band.to) - Math.max(low, band.from) + 1;
          if (overlap <= 0) continue;
          const share = overlap / (band.to - band.from + 1);
          const room =
            pass === 0 ? this.target[i]! * (this.picked + QUOTA_SLACK) - this.counts[i]! : this.target[i]!;
          if (room <= 0) continue;
          const weight = room * share * (prior ? prior[b]! : 1);
          this.weights[i] = weight;
          total += weight;
        }
      }
    }
    let u = random.float() * total;
    let chosen = -1;
    for (let i = 0; i < bandCount * 2; i++) {
      const weight = this.weights[i]!;
      if (weight === 0) continue;
      chosen = i;
      if (u < weight) break;
      u -= weight;
    }
    if (chosen < 0) throw new Error('age quota: no band available');
    this.counts[chosen]!++;
    this.picked++;
    this.sex = chosen >= bandCount ? 1 : 0;
    const band = this.bands[chosen % bandCount]!;
    const from = Math.max(low, band.from);
    const to = Math.min(high, band.to);
    return from + random.below(to - from + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Uniqueness of the 15-character prefix (the check character follows from it): the prefix packs
// exactly into 63 bits, kept in an open-addressing hash set of two Uint32Arrays sized once for the
// run (8 bytes a slot, at most 70% full): about 134 MB for 10 million people, no per-row objects.

class PrefixSet {
  private high: Uint32Array;
  private low: Uint32Array;
  private mask: number;
  private size = 0;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity * 0.7 < expected) capacity *= 2;
    this.high = new Uint32Array(capacity);
    this.low = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  private static slot(high: number, low: number): number {
    let h = Math.imul(high ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(low, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return h >>> 0;
  }

  /** Adds the key; false when it was already there. `high` must be below 2^31. */
  add(high: number, low: number): boolean {
    const stored = high + 1; // 0 marks an empty slot
    let i = PrefixSet.slot(high, low) & this.mask;
    for (;;) {
      const current = this.high[i]!;
      if (current === 0) {
        this.high[i] = stored;
        this.low[i] = low;
        if (++this.size > (this.mask + 1) * 0.7) this.grow();
        return true;
      }
      if (current === stored && this.low[i] === low) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldHigh = this.high;
    const oldLow = this.low;
    this.high = new Uint32Array(oldHigh.length * 2);
    this.low = new Uint32Array(oldLow.length * 2);
    this.mask = this.high.length - 1;
    for (let j = 0; j < oldHigh.length; j++) {
      const stored = oldHigh[j]!;
      if (stored === 0) continue;
      let i = PrefixSet.slot(stored - 1, oldLow[j]!) & this.mask;
      while (this.high[i] !== 0) i = (i + 1) & this.mask;
      this.high[i] = stored;
      this.low[i] = oldLow[j]!;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Health-card numbers: 80380, a 14-digit body, a Luhn digit. The body is an affine permutation of
// the person's index modulo 10^14, so numbers are unique by construction and look scattered.

const CARD_MODULUS = 1e14;
const CARD_MULTIPLIER = 48_271_934_871_213; // odd and not a multiple of 5: coprime with 10^14

function cardBody(index: number, offset: number): number {
  // (multiplier * index) mod 10^14 in exact double arithmetic: every product stays below 2^53.
  const high = Math.floor(CARD_MULTIPLIER / 1e7);
  const low = CARD_MULTIPLIER % 1e7;
  const product = (((high * index) % 1e7) * 1e7 + low * index) % CARD_MODULUS;
  return (product + offset) % CARD_MODULUS;
}

export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let digit = payload.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

export function healthCardNumber(index: number, offset: number): string {
  const payload = HEALTH_CARD_PREFIX + String(cardBody(index, offset)).padStart(14, '0');
  return payload + String(luhnCheckDigit(payload));
}

// ---------------------------------------------------------------------------------------------
// Contacts

const MOBILE_PREFIXES = [
  '320',
  '324',
  '327',
  '328',
  '329',
  '330',
  '331',
  '333',
  '334',
  '335',
  '336',
  '338',
  '339',
  '340',
  '342',
  '345',
  '346',
  '347',
  '348',
  '349',
  '350',
  '351',
  '366',
  '368',
  '371',
  '377',
  '380',
  '388',
  '389',
  '391',
  '392',
  '393',
];
// Reserved top-level domain (RFC 2606): synthetic addresses can never reach a real mailbox.
const EMAIL_DOMAINS = ['mail.example', 'posta.example', 'libero.example', 'gmail.example', 'outlook.example'];

function asciiLower(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

// ---------------------------------------------------------------------------------------------
// The generator

interface Household {
  id: number;
  origin: OriginGroup | null;
  domicile: Municipality;
  cap: string;
  residenceIstat: string;
  phone: string | null;
}

interface MemberPlan {
  sex: Sex;
  age: number;
  surname: NameEntry;
  child: boolean;
}

const SEXES: readonly Sex[] = ['M', 'F'];
const REFERENCE_DAY = dayFromIsoDate(POPULATION_REFERENCE_DATE);
const REFERENCE = civilFromDay(REFERENCE_DAY);

function cumulativeByAge(table: readonly { fromAge: number }[], age: number): number {
  let index = 0;
  for (let i = 0; i < table.length; i++) if (age >= table[i]!.fromAge) index = i;
  return index;
}

function regionHash(regionCode: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < regionCode.length; i++) h = Math.imul(h ^ regionCode.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Everything prepared once per run from the reference data and the data files. */
class PopulationModel {
  readonly region: Municipality[];
  readonly regionTable: AliasTable;
  readonly elsewhere: Municipality[];
  readonly elsewhereTable: AliasTable;
  readonly regionAbolished: PlaceEntry[];
  private readonly placesByProvince = new Map<string, PlaceEntry[]>();
  private readonly predecessors = new Map<string, PlaceEntry[]>();
  readonly surnames: NamePool;
  readonly givenByEra: { bornBefore: number; pools: GivenNamePools }[];
  readonly groups: OriginGroup[];
  readonly groupTable: AliasTable;
  readonly italiansAbroad: PlacePool;
  readonly sizeTable: AliasTable;
  readonly singlePrior: Float64Array;
  readonly firstConditionTables: { pAny: number; cumulative: Float64Array }[];
  readonly conditionProbabilities: Float64Array[];
  readonly disabilityBase: readonly number[];
  readonly dateText: string[] = [];
  readonly dateSexPart: string[] = [];
  readonly dateSexKey: Int32Array;
  readonly firstDay: number;
  /** Per age: the birth days that give that age on the reference date, and 1 January within them. */
  readonly birthWindows: { start: number; length: number; newYear: number }[] = [];

  constructor(reference: PopulationReference, regionCode: string) {
    const places = new Map<string, PlaceEntry>();
    for (const place of reference.belfiore) {
      const entry = toPlaceEntry(place);
      places.set(entry.code, entry);
      if (!entry.foreign && entry.provinceOrCountry) {
        const list = this.placesByProvince.get(entry.provinceOrCountry) ?? [];
        list.push(entry);
        this.placesByProvince.set(entry.provinceOrCountry, list);
      }
    }
    const municipalities: Municipality[] = [];
    for (const m of reference.municipalities) {
      if (m.caps.length === 0 || !(m.population > 0)) continue;
      const place =
        places.get(m.belfiore.toUpperCase()) ??
        toPlaceEntry({
          code: m.belfiore,
          name: m.name,
          provinceOrCountry: m.provinceAbbr,
          validFrom: null,
          validTo: null,
          foreign: false,
        });
      municipalities.push({ ...m, place });
    }
    this.region = municipalities.filter((m) => m.regionCode === regionCode);
    if (this.region.length === 0) {
      throw new RangeError(`no municipalities with population and CAPs in region "${regionCode}"`);
    }
    this.regionTable = new AliasTable(this.region.map((m) => m.population));
    this.elsewhere = municipalities.filter((m) => m.regionCode !== regionCode);
    if (this.elsewhere.length === 0) this.elsewhere = this.region;
    this.elsewhereTable = new AliasTable(this.elsewhere.map((m) => m.population));
    const regionProvinces = new Set(this.region.map((m) => m.provinceAbbr));
    this.regionAbolished = [...places.values()].filter(
      (p) =>
        !p.foreign &&
        p.validTo !== NEVER &&
        p.provinceOrCountry !== null &&
        regionProvinces.has(p.provinceOrCountry),
    );

    this.surnames = new NamePool(surnamesData.surnames, encodeSurname, 10);
    this.givenByEra = givenNamesData.eras.map((era) => ({
      bornBefore: era.bornBefore,
      pools: {
        male: new NamePool(era.male, encodeGivenName, 8),
        female: new NamePool(era.female, encodeGivenName, 8),
      },
    }));
    const countryPool = (list: readonly (readonly (string | number)[])[]): PlacePool => {
      const entries = list.map(([code]) => {
        const place = places.get(String(code));
        if (!place?.foreign) {
          throw new RangeError(`country code ${String(code)} is not in the Belfiore reference`);
        }
        return place;
      });
      return new PlacePool(
        entries,
        list.map(([, weight]) => Number(weight)),
      );
    };
    this.groups = foreignData.groups.map((group) => ({
      id: group.id,
      surnames: new NamePool(group.surnames, encodeSurname, 4),
      given: {
        male: new NamePool(group.male, encodeGivenName, 4),
        female: new NamePool(group.female, encodeGivenName, 4),
      },
      countries: countryPool(group.countries),
    }));
    this.groupTable = new AliasTable(foreignData.groups.map((group) => group.weight));
    this.italiansAbroad = countryPool(foreignData.italiansBornAbroad.countries);
    this.sizeTable = new AliasTable(parametersData.householdSizeShares.shares);
    // People living alone are mostly old: tilt the quota towards 65+ for them.
    this.singlePrior = new Float64Array(
      AGE_BANDS.map((band) => (band.from >= 75 ? 3 : band.from >= 65 ? 2 : 1)),
    );

    this.conditionProbabilities = [0, 1, 2, 3, 4].map(
      (group) => new Float64Array(TABLE1_CONDITIONS.map((c) => (c.per100k[group] ?? 0) / 100_000)),
    );
    this.firstConditionTables = this.conditionProbabilities.map((p) => {
      // P(first present condition is k | at least one): sampled exactly, then the later ones independently.
      const cumulative = new Float64Array(p.length);
      let none = 1;
      let sum = 0;
      for (let k = 0; k < p.length; k++) {
        sum += none * p[k]!;
        cumulative[k] = sum;
        none *= 1 - p[k]!;
      }
      for (let k = 0; k < p.length; k++) cumulative[k] = cumulative[k]! / sum;
      return { pAny: 1 - none, cumulative };
    });
    this.disabilityBase = prevalenceData.severeDisability.per100k.map((n) => n / 100_000);

    const maxAge = AGE_BANDS[AGE_BANDS.length - 1]!.to;
    for (let age = 0; age <= maxAge; age++) {
      // Aged `age` on the reference date: born after that date age + 1 years earlier, up to it age years earlier.
      const end = dayFromCivil(REFERENCE.year - age, REFERENCE.month, REFERENCE.day);
      const start = dayFromCivil(REFERENCE.year - age - 1, REFERENCE.month, REFERENCE.day) + 1;
      this.birthWindows.push({
        start,
        length: end - start + 1,
        newYear: dayFromCivil(REFERENCE.year - age, 1, 1),
      });
    }
    this.firstDay = dayFromCivil(REFERENCE.year - maxAge - 2, 1, 1);
    const span = REFERENCE_DAY - this.firstDay + 1;
    this.dateSexKey = new Int32Array(span * 2);
    for (let d = 0; d < span; d++) {
      const day = this.firstDay + d;
      const { year, month, day: dom } = civilFromDay(day);
      this.dateText.push(isoDateFromDay(day));
      const yy = String(year % 100).padStart(2, '0');
      for (let s = 0; s < 2; s++) {
        const dayPart = s === 1 ? dom + 40 : dom;
        this.dateSexPart.push(`${yy}${MONTH_LETTERS[month - 1]!}${String(dayPart).padStart(2, '0')}`);
        this.dateSexKey[d * 2 + s] = (year % 100) * 864 + (month - 1) * 72 + dayPart;
      }
    }
  }

  /** Places of a province valid on a day, for births before a municipality existed. */
  provinceFallback(province: string, day: number, random: Random): PlaceEntry | undefined {
    const list = this.placesByProvince.get(province);
    if (!list) return undefined;
    const valid = list.filter((p) => validOn(p, day));
    return valid.length > 0 ? valid[random.below(valid.length)] : undefined;
  }

  /** The municipalities merged into a newer one: abolished, same province, ending when it began. */
  predecessorsOf(municipality: Municipality): PlaceEntry[] {
    const cached = this.predecessors.get(municipality.belfiore);
    if (cached) return cached;
    const start = municipality.place.validFrom;
    const list = (this.placesByProvince.get(municipality.provinceAbbr) ?? []).filter(
      (p) => p.validTo !== NEVER && Math.abs(p.validTo - start) <= 3,
    );
    this.predecessors.set(municipality.belfiore, list);
    return list;
  }

  givenPools(birthYear: number): GivenNamePools {
    for (const era of this.givenByEra) if (birthYear < era.bornBefore) return era.pools;
    return this.givenByEra[this.givenByEra.length - 1]!.pools;
  }
}

const parameters = parametersData;

/**
 * The people, one at a time: memory stays flat whatever the count (besides the fixed-size prefix
 * set). Throws RangeError on options it cannot honour.
 */
export function generatePopulation(
  reference: PopulationReference,
  options: PopulationOptions,
): Generator<SyntheticPerson> {
  const regionCode = options.regionCode ?? DEFAULT_REGION_CODE;
  if (!Number.isInteger(options.people) || options.people < 0 || options.people > MAX_PEOPLE) {
    throw new RangeError(`people must be a whole number from 0 to ${MAX_PEOPLE}, got ${options.people}`);
  }
  if (!Number.isInteger(options.seed))
    throw new RangeError(`seed must be a whole number, got ${options.seed}`);
  if (!/^\d{2}$/.test(regionCode))
    throw new RangeError(`region must be an ISTAT region code like 03, got "${regionCode}"`);
  // Checked here, not at the first person: a wrong region fails before any output is written.
  const model = new PopulationModel(reference, regionCode);
  return new PopulationRun(model, options.people, options.seed, regionCode).people();
}

interface Parents {
  mother: MemberPlan;
  father: MemberPlan | null;
  familyName: NameEntry;
}

/** One run's state. Methods rather than closures: nothing is allocated per person but the person. */
class PopulationRun {
  private readonly random: Random;
  private readonly cardOffset: number;
  private readonly quota = new AgeQuota(AGE_BANDS);
  private readonly prefixes: PrefixSet;
  private emitted = 0;
  private householdId = 0;
  private lastSex: Sex = 'M';

  constructor(
    private readonly model: PopulationModel,
    private readonly count: number,
    seed: number,
    regionCode: string,
  ) {
    this.random = new Random(seed, regionHash(regionCode));
    this.cardOffset = (this.random.uint32() * 23_283 + this.random.below(23_283)) % CARD_MODULUS;
    this.prefixes = new PrefixSet(count);
  }

  *people(): Generator<SyntheticPerson> {
    const model = this.model;
    const random = this.random;
    while (this.emitted < this.count) {
      this.householdId++;
      const origin = random.chance(parameters.foreignHouseholdShare.value)
        ? model.groups[model.groupTable.sample(random)]!
        : null;
      const domicile = model.region[model.regionTable.sample(random)]!;
      const household: Household = {
        id: this.householdId,
        origin,
        domicile,
        cap: domicile.caps[random.below(domicile.caps.length)]!,
        residenceIstat: random.chance(parameters.residenceInOtherRegion.value)
          ? model.elsewhere[model.elsewhereTable.sample(random)]!.istat
          : domicile.istat,
        phone: null,
      };
      for (const plan of this.planHousehold(household)) {
        if (this.emitted >= this.count) return;
        const person = this.makePerson(household, plan);
        this.emitted++;
        yield person;
      }
    }
  }

  private pickAge(lo: number, hi: number, sex: Sex | null, prior?: Float64Array): number {
    const age = this.quota.pick(this.random, lo, hi, sex === null ? -1 : sex === 'M' ? 0 : 1, prior);
    this.lastSex = SEXES[this.quota.sex]!;
    return age;
  }

  private surnamePool(household: Household): NamePool {
    return household.origin?.surnames ?? this.model.surnames;
  }

  /** Ages, sexes and surnames of one household; ages respect who can be whose child. */
  private planHousehold(household: Household): MemberPlan[] {
    const random = this.random;
    const types = parameters.householdTypes;
    const size = this.model.sizeTable.sample(random) + 1;
    const plans: MemberPlan[] = [];
    switch (size) {
      case 1: {
        const age = this.pickAge(18, this.quota.maxAge, null, this.model.singlePrior);
        this.adult(plans, age, this.lastSex, this.surnamePool(household).pick(random));
        break;
      }
      case 2:
        if (random.chance(types.twoPeopleCouple)) this.couple(plans, household, 20, this.quota.maxAge);
        else this.children(plans, this.singleParent(plans, household, 36, 95), 1, this.quota.maxAge);
        break;
      case 3:
        if (random.chance(types.threePeopleCoupleWithChild))
          this.children(plans, this.couple(plans, household, 24, 70), 1, 35);
        else this.children(plans, this.singleParent(plans, household, 28, 70), 2, 35);
        break;
      case 4:
        this.children(plans, this.couple(plans, household, 26, 62), 2, 32);
        break;
      default: {
        const parents = this.couple(plans, household, 28, 58);
        if (random.chance(types.fivePeopleWithGrandparent)) {
          this.children(plans, parents, 2, 30);
          const eldest = Math.max(parents.mother.age, parents.father?.age ?? 0);
          const age = this.pickAge(eldest + 20, eldest + 40, null);
          const sex = this.lastSex;
          const surname =
            sex === 'M' && parents.father ? parents.father.surname : this.surnamePool(household).pick(random);
          plans.push({ sex, age, surname, child: false });
        } else this.children(plans, parents, 3, 30);
      }
    }
    return plans;
  }

  private adult(plans: MemberPlan[], age: number, sex: Sex, surname: NameEntry): MemberPlan {
    const plan = { sex, age, surname, child: false };
    plans.push(plan);
    return plan;
  }

  private couple(plans: MemberPlan[], household: Household, lo: number, hi: number): Parents {
    const random = this.random;
    const pool = this.surnamePool(household);
    const headAge = this.pickAge(lo, hi, null);
    const headSex = this.lastSex;
    const partnerSex: Sex = random.chance(parameters.householdTypes.sameSexCouple)
      ? headSex
      : headSex === 'M'
        ? 'F'
        : 'M';
    const partnerAge = this.pickAge(Math.max(18, headAge - 10), headAge + 10, partnerSex);
    const a = this.adult(plans, headAge, headSex, pool.pick(random));
    const b = this.adult(plans, partnerAge, partnerSex, pool.pick(random));
    const father = a.sex === 'M' ? a : b.sex === 'M' ? b : null;
    const mother = a.sex === 'F' ? a : b.sex === 'F' ? b : a.age < b.age ? a : b;
    return { mother, father, familyName: (father ?? a).surname };
  }

  private singleParent(plans: MemberPlan[], household: Household, lo: number, hi: number): Parents {
    const random = this.random;
    const pool = this.surnamePool(household);
    const sex: Sex = random.chance(parameters.householdTypes.singleParentIsMother) ? 'F' : 'M';
    const plan = this.adult(plans, this.pickAge(lo, hi, sex), sex, pool.pick(random));
    // Most children of a mother alone carry their (absent) father's surname.
    const familyName = sex === 'M' || random.chance(0.35) ? plan.surname : pool.pick(random);
    return { mother: plan, father: null, familyName };
  }

  private children(plans: MemberPlan[], parents: Parents, count: number, oldest: number): void {
    const m = parents.mother.age;
    for (let i = 0; i < count; i++) {
      const age = this.pickAge(Math.max(0, m - 45), Math.min(m - 18, oldest), null);
      plans.push({ sex: this.lastSex, age, surname: parents.familyName, child: true });
    }
  }

  private birthPlace(household: Household, age: number, day: number, child: boolean): PlaceEntry {
    const model = this.model;
    const random = this.random;
    const origin = household.origin;
    const bornAbroad = parameters.bornAbroad;
    const abroadShare = origin
      ? age >= 18
        ? bornAbroad.foreignOriginAdult
        : age >= 10
          ? bornAbroad.foreignOriginChild10to17
          : bornAbroad.foreignOriginChildUnder10
      : bornAbroad.italianOrigin;
    if (random.chance(abroadShare)) {
      const country = (origin?.countries ?? model.italiansAbroad).pick(random, day);
      if (country) return country;
    }
    if (random.chance(parameters.bornInAbolishedMunicipality.value) && model.regionAbolished.length > 0) {
      const candidate = model.regionAbolished[random.below(model.regionAbolished.length)]!;
      if (validOn(candidate, day)) return candidate;
    }
    const byAge = parameters.bornInOtherRegion.byAge;
    const otherRegion = origin === null && random.chance(byAge[cumulativeByAge(byAge, age)]!.share);
    const municipality = otherRegion
      ? model.elsewhere[model.elsewhereTable.sample(random)]!
      : child || random.chance(parameters.bornInDomicileMunicipality.value)
        ? household.domicile
        : model.region[model.regionTable.sample(random)]!;
    if (validOn(municipality.place, day)) return municipality.place;
    // Born before the municipality existed (a merger): one of the municipalities merged into it.
    const predecessors = model.predecessorsOf(municipality).filter((p) => validOn(p, day));
    if (predecessors.length > 0) return predecessors[random.below(predecessors.length)]!;
    return (
      model.provinceFallback(municipality.provinceAbbr, day, random) ??
      model.region.map((m) => m.place).find((p) => validOn(p, day)) ??
      municipality.place
    );
  }

  private conditionsFor(age: number): string[] {
    const random = this.random;
    const group = prevalenceAgeGroup(age);
    const table = this.model.firstConditionTables[group]!;
    if (!(random.float() < table.pAny)) return [];
    const probabilities = this.model.conditionProbabilities[group]!;
    const u = random.float();
    let first = 0;
    while (first < probabilities.length - 1 && table.cumulative[first]! <= u) first++;
    const found = [TABLE1_CONDITIONS[first]!.code];
    for (let k = first + 1; k < probabilities.length; k++) {
      if (random.float() < probabilities[k]!) found.push(TABLE1_CONDITIONS[k]!.code);
    }
    return found;
  }

  private disabilityFor(age: number, conditions: readonly string[]): boolean {
    let p = this.model.disabilityBase[prevalenceAgeGroup(age)]!;
    for (const code of conditions) {
      const likelihood = DISABILITY_IF_PRESENT.get(code);
      if (likelihood !== undefined) p = 1 - (1 - p) * (1 - likelihood);
    }
    return this.random.chance(p);
  }

  private phoneNumber(): string {
    const random = this.random;
    return `+39${MOBILE_PREFIXES[random.below(MOBILE_PREFIXES.length)]!}${String(random.below(10_000_000)).padStart(7, '0')}`;
  }

  private emailFor(givenName: NameEntry, surname: NameEntry, birthYear: number): string {
    const random = this.random;
    const style = random.below(10);
    const suffix =
      style < 4 ? '' : style < 7 ? String(birthYear % 100).padStart(2, '0') : String(1 + random.below(999));
    const separator = style % 2 === 0 ? '.' : '';
    const domain = EMAIL_DOMAINS[random.below(EMAIL_DOMAINS.length)]!;
    return `${givenName.ascii}${separator}${surname.ascii}${suffix}@${domain}`;
  }

  private givenPool(household: Household, plan: MemberPlan, birthYear: number, bornHere: boolean): NamePool {
    const origin = household.origin;
    // Children of immigrants born here often get Italian names.
    const pools =
      origin && !(bornHere && plan.age < 18 && this.random.chance(0.35))
        ? origin.given
        : this.model.givenPools(birthYear);
    return plan.sex === 'M' ? pools.male : pools.female;
  }

  private makePerson(household: Household, plan: MemberPlan): SyntheticPerson {
    const model = this.model;
    const random = this.random;
    const window = model.birthWindows[plan.age]!;
    const day = window.start + random.below(window.length);
    const birthYear = day >= window.newYear ? REFERENCE.year - plan.age : REFERENCE.year - plan.age - 1;
    const dayIndex = day - model.firstDay;
    const s = plan.sex === 'M' ? 0 : 1;
    const place = this.birthPlace(household, plan.age, day, plan.child);
    const pool = this.givenPool(household, plan, birthYear, !place.foreign);
    let surname = plan.surname;
    let given = pool.pick(random);
    const low = model.dateSexKey[dayIndex * 2 + s]! * 26_000 + place.key;
    // Another person already has this prefix: choose another given name, then another surname too;
    // last, walk deterministically through the Italian lists (never reached in practice).
    for (let attempt = 0; !this.prefixes.add(surname.key * 17_576 + given.key, low); attempt++) {
      if (attempt < 30) given = pool.pick(random);
      else if (attempt < 60) {
        surname = this.surnamePool(household).pick(random);
        given = pool.pick(random);
      } else if (attempt < 60 + model.surnames.length * 50) {
        const k = attempt - 60;
        const italian = model.givenPools(birthYear);
        surname = model.surnames.at(k);
        given = (plan.sex === 'M' ? italian.male : italian.female).at(Math.floor(k / model.surnames.length));
      } else
        throw new Error(`could not find a unique tax code for a person born ${model.dateText[dayIndex]!}`);
    }
    const first15 = surname.code + given.code + model.dateSexPart[dayIndex * 2 + s]! + place.code;
    const table1Conditions = this.conditionsFor(plan.age);
    const severeDisability = this.disabilityFor(plan.age, table1Conditions);
    const contacts = parameters.contacts;
    const rates = contacts.byAge[cumulativeByAge(contacts.byAge, plan.age)]!;
    let phone = random.chance(rates.phone) ? this.phoneNumber() : null;
    if (phone === null && household.phone !== null) {
      const shares =
        plan.age < 14
          ? random.chance(contacts.childUsesHouseholdPhone)
          : plan.age >= 75 && random.chance(contacts.elderlyUsesHouseholdPhone);
      if (shares) phone = household.phone;
    }
    if (household.phone === null && plan.age >= 18) household.phone = phone;
    const email = random.chance(rates.email) ? this.emailFor(given, surname, birthYear) : null;
    return {
      taxCode: first15 + taxCodeCheckCharacter(first15),
      healthCardNumber: healthCardNumber(this.emitted, this.cardOffset),
      surname: surname.name,
      givenName: given.name,
      sex: plan.sex,
      birthDate: model.dateText[dayIndex]!,
      birthPlaceCode: place.code,
      residenceMunicipalityIstat: household.residenceIstat,
      domicileMunicipalityIstat: household.domicile.istat,
      domicileCap: household.cap,
      householdId: household.id,
      phone,
      email,
      status: 'active',
      table1Conditions,
      severeDisability,
    };
  }
}

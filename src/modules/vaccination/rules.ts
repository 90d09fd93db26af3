import { ageOn, dayFromIsoDate } from '../../platform/calendar.ts';

/*
 * The immunization registry's rules as pure functions (spec 40-vaccination.md): dose numbers, which
 * dose is admissible, prior infections, certificate contacts. No I/O; every date is a Europe/Rome
 * calendar date passed in. The thresholds are a policy object, read from versioned plan data.
 */

/** VAX-2: the risk categories the registry records. */
export const RISK_CATEGORIES = [
  'Soggetto vulnerabile per patologia',
  'Età > 60 anni',
  'Operatore sanitario',
  'Ospite in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale',
  'Operatore non sanitario in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale',
  'Altro',
] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];
export const NO_HEALTH_CONDITION = 'Nessuna condizione sanitaria a rischio';

export type DoseKind = 'primary' | 'additional' | 'booster';

/** What the rules need to know of a product (from the catalogue, or of a product given abroad). */
export interface ProductFacts {
  code: string;
  primaryCycleDoses: number;
  /** False for products not authorised by EMA, given abroad (Sputnik V, Sinovac, …): VAX-11. */
  emaAuthorised: boolean;
  platform: string;
  /** Days after dose 1 before dose 2 may be given (VAX-13), when the product has two doses. */
  minDaysToSecondDose: number | null;
}

export interface PastDose {
  date: string;
  product: ProductFacts;
  doseNumber: number;
  kind: DoseKind;
}

/** A COVID-19 infection: the first positive test's sample date, whether molecular, the recovery. */
export interface Infection {
  positiveOn: string;
  molecular: boolean;
  recoveredOn: string | null;
}

/** The registry's thresholds: plan data, versioned in plan/registry-policies.json (policy-file.ts). */
export interface VaccinationPolicy {
  /** VAX-9: the one category, with a health condition, that may have an additional dose. */
  additionalDoseCategory: RiskCategory;
  /** VAX-10: the categories that may have a booster. */
  boosterCategories: readonly RiskCategory[];
  /** VAX-10: the category "Età > 60 anni" holds from this age in completed years. */
  over60FromAge: number;
  /** VAX-10: a single Janssen dose at least this many days ago allows a booster to anyone. */
  janssen: { product: string; boosterAfterDays: number };
  /** VAX-11: after a non-EMA cycle, an mRNA booster from day `from` to day `to`; later, a new cycle. */
  nonEmaBoosterDays: { from: number; to: number };
  /** VAX-11: the mRNA boosters allowed after a non-EMA cycle, with their booster volume. */
  nonEmaBoosterProducts: readonly { product: string; volumeMl: number }[];
  /** VAX-12: children of these ages (at the cycle's first dose) get this product and volume. */
  pediatric: { minAge: number; maxAge: number; product: string; volumeMl: number };
  /** VAX-17: an infection within this many days of dose 1 leaves the cycle open; the second dose
   *  then falls within `secondDoseWithinDays` of the positive test. */
  infectionAfterFirstDose: { withinDays: number; secondDoseWithinDays: number };
  /** VAX-13: a second dose of another product than the first is allowed (heterologous cycle). */
  heterologousAllowed: boolean;
}

const daysBetween = (from: string, to: string): number => dayFromIsoDate(to) - dayFromIsoDate(from);

/** The primary cycle the person is in: its doses so far, what completes it, and when it completed. */
export interface CycleState {
  /** Doses of the current cycle (primary, additional, boosters), in date order. */
  doses: PastDose[];
  product: ProductFacts | null;
  /** Primary doses that complete it: the product's, or 1 after a prior infection (VAX-18). */
  dosesNeeded: number;
  completedOn: string | null;
  /** VAX-17: the infection after dose 1 that changed the cycle, if any. */
  infectionAfterFirstDose: Infection | null;
}

/**
 * VAX-6, VAX-11, VAX-17, VAX-18: where the person stands. A primary dose after a completed cycle
 * starts a new one (VAX-11, after day 180 of a non-EMA cycle); a documented infection before the
 * cycle's first dose makes one dose complete it; a molecular positive more than 14 days after dose 1
 * of a two-dose product completes it at the recovery, within 14 days it leaves it open.
 */
export function cycleState(
  history: readonly PastDose[],
  infections: readonly Infection[],
  policy: VaccinationPolicy,
): CycleState {
  const sorted = [...history].sort((a, b) => a.date.localeCompare(b.date) || a.doseNumber - b.doseNumber);
  let start = 0;
  sorted.forEach((dose, index) => {
    if (index > 0 && dose.kind === 'primary' && dose.doseNumber === 1) start = index;
  });
  const doses = sorted.slice(start);
  const first = doses[0];
  if (first === undefined) {
    return { doses, product: null, dosesNeeded: 0, completedOn: null, infectionAfterFirstDose: null };
  }
  const priorInfection = infections.some((i) => i.positiveOn < first.date);
  const dosesNeeded = priorInfection ? 1 : first.product.primaryCycleDoses;
  const primaries = doses.filter((d) => d.kind === 'primary');
  const completing = primaries[dosesNeeded - 1];
  const afterFirst =
    dosesNeeded === 2
      ? (infections.find(
          (i) =>
            i.molecular &&
            i.positiveOn > first.date &&
            (completing === undefined || i.positiveOn < completing.date),
        ) ?? null)
      : null;
  if (
    afterFirst !== null &&
    daysBetween(first.date, afterFirst.positiveOn) > policy.infectionAfterFirstDose.withinDays
  ) {
    return {
      doses,
      product: first.product,
      dosesNeeded: 1,
      completedOn: afterFirst.recoveredOn ?? afterFirst.positiveOn,
      infectionAfterFirstDose: afterFirst,
    };
  }
  return {
    doses,
    product: first.product,
    dosesNeeded,
    completedOn: completing?.date ?? null,
    infectionAfterFirstDose: afterFirst,
  };
}

export type Proposal =
  { doseNumber: number; kind: DoseKind } | { refusal: 'NON_EMA_BOOSTER_TOO_EARLY'; allowedFrom: string };

/**
 * VAX-6 (and VAX-11): the dose number and kind a new administration on `on` gets from the history.
 * In an open cycle, the next primary dose; after a completed cycle, a booster numbered after every dose
 * of the cycle; after a non-EMA cycle, a booster only from day 28 to day 180, and after day 180 dose 1 of
 * a new primary cycle.
 */
export function proposeDose(
  history: readonly PastDose[],
  infections: readonly Infection[],
  on: string,
  policy: VaccinationPolicy,
): Proposal {
  const cycle = cycleState(history, infections, policy);
  const next = cycle.doses.length + 1;
  if (cycle.product === null) return { doseNumber: 1, kind: 'primary' };
  if (cycle.completedOn === null) return { doseNumber: next, kind: 'primary' };
  if (!cycle.product.emaAuthorised) {
    const days = daysBetween(cycle.completedOn, on);
    if (days < policy.nonEmaBoosterDays.from) {
      return {
        refusal: 'NON_EMA_BOOSTER_TOO_EARLY',
        allowedFrom: isoAfter(cycle.completedOn, policy.nonEmaBoosterDays.from),
      };
    }
    if (days > policy.nonEmaBoosterDays.to) return { doseNumber: 1, kind: 'primary' };
  }
  return { doseNumber: next, kind: 'booster' };
}

const isoAfter = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export interface DoseRequest {
  date: string;
  kind: DoseKind;
  product: ProductFacts;
  volumeMl: number;
}

export interface PersonAtDose {
  birthDate: string;
  riskCategory: RiskCategory;
  healthCondition: string;
}

/** VAX-9, VAX-10, VAX-11: what refuses a dose; each code is also a problem of errors.ts. */
export const REFUSAL_CODES = [
  'ADDITIONAL_DOSE_BEFORE_PRIMARY_CYCLE',
  'ADDITIONAL_DOSE_NOT_ADMISSIBLE',
  'BOOSTER_BEFORE_PRIMARY_CYCLE',
  'BOOSTER_NOT_ADMISSIBLE',
  'NON_EMA_BOOSTER_TOO_EARLY',
  'NON_EMA_NEW_PRIMARY_CYCLE',
  'NON_EMA_BOOSTER_PRODUCT',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** VAX-12, VAX-13, VAX-17: what makes a dose non-conforming; each has its words in finding-texts.ts. */
export const NON_CONFORMING_CODES = [
  'PEDIATRIC_NON_CONFORMING',
  'HETEROLOGOUS_DOSE',
  'DOSE_TOO_EARLY',
  'SECOND_DOSE_AFTER_INFECTION_WINDOW',
] as const;
export type NonConformingCode = (typeof NON_CONFORMING_CODES)[number];

/** A refusal cannot be recorded; a non-conforming dose only with the operator's audited override. */
export type Finding = RefusalFinding | NonConformingFinding;

interface FindingOf<Severity extends string, Code extends string> {
  rule: string;
  code: Code;
  severity: Severity;
  params?: Record<string, string | number>;
}
export type RefusalFinding = FindingOf<'refusal', RefusalCode>;
export type NonConformingFinding = FindingOf<'non_conforming', NonConformingCode>;

/**
 * VAX-9 … VAX-13, VAX-17: what stands against recording this dose. Empty when it is admissible.
 */
export function doseFindings(
  request: DoseRequest,
  person: PersonAtDose,
  history: readonly PastDose[],
  infections: readonly Infection[],
  policy: VaccinationPolicy,
): Finding[] {
  const findings: Finding[] = [];
  const cycle = cycleState(
    history.filter((d) => d.date <= request.date),
    infections,
    policy,
  );
  const complete = cycle.completedOn !== null && cycle.completedOn <= request.date;
  const refuse = (rule: string, code: RefusalCode, params?: Finding['params']) =>
    findings.push({ rule, code, severity: 'refusal', ...(params === undefined ? {} : { params }) });
  const flag = (rule: string, code: NonConformingCode, params?: Finding['params']) =>
    findings.push({ rule, code, severity: 'non_conforming', ...(params === undefined ? {} : { params }) });

  if (request.kind === 'additional') {
    if (!complete) refuse('VAX-9', 'ADDITIONAL_DOSE_BEFORE_PRIMARY_CYCLE');
    const byCategory = categoryRefusal('additional', person, request.date, policy);
    if (byCategory !== null) findings.push(byCategory);
  }

  if (request.kind === 'booster') {
    if (!complete || cycle.completedOn === null || cycle.product === null) {
      refuse('VAX-10', 'BOOSTER_BEFORE_PRIMARY_CYCLE');
    } else if (!cycle.product.emaAuthorised) {
      const days = daysBetween(cycle.completedOn, request.date);
      if (days < policy.nonEmaBoosterDays.from) refuse('VAX-11', 'NON_EMA_BOOSTER_TOO_EARLY', { days });
      if (days > policy.nonEmaBoosterDays.to) refuse('VAX-11', 'NON_EMA_NEW_PRIMARY_CYCLE', { days });
      const allowed = policy.nonEmaBoosterProducts.find((p) => p.product === request.product.code);
      if (allowed === undefined || allowed.volumeMl !== request.volumeMl) {
        refuse('VAX-11', 'NON_EMA_BOOSTER_PRODUCT', { product: request.product.code });
      }
    } else {
      const singleJanssen =
        cycle.product.code === policy.janssen.product &&
        cycle.doses.length === 1 &&
        daysBetween(cycle.completedOn, request.date) >= policy.janssen.boosterAfterDays;
      const byCategory = singleJanssen ? null : categoryRefusal('booster', person, request.date, policy);
      if (byCategory !== null) findings.push(byCategory);
    }
  }

  if (request.kind === 'primary') {
    const primaries = complete ? [] : cycle.doses.filter((d) => d.kind === 'primary');
    const firstOfCycle = primaries[0];
    // VAX-12: a child is pediatric by the age at the cycle's first dose, even if 12 by the second.
    const age = ageOn(person.birthDate, firstOfCycle?.date ?? request.date);
    const { pediatric } = policy;
    if (age >= pediatric.minAge && age <= pediatric.maxAge) {
      if (request.product.code !== pediatric.product || request.volumeMl !== pediatric.volumeMl) {
        flag('VAX-12', 'PEDIATRIC_NON_CONFORMING', {
          age,
          product: request.product.code,
          minAge: pediatric.minAge,
          maxAge: pediatric.maxAge,
          pediatricProduct: pediatric.product,
          volumeMl: pediatric.volumeMl,
        });
      }
    }
    const previous = primaries.at(-1);
    if (previous !== undefined && firstOfCycle !== undefined) {
      if (request.product.code !== firstOfCycle.product.code && !policy.heterologousAllowed) {
        flag('VAX-13', 'HETEROLOGOUS_DOSE', { first: firstOfCycle.product.code });
      }
      const minDays = firstOfCycle.product.minDaysToSecondDose;
      const days = daysBetween(previous.date, request.date);
      if (minDays !== null && days < minDays) flag('VAX-13', 'DOSE_TOO_EARLY', { days, minDays });
      const infection = cycle.infectionAfterFirstDose;
      if (infection !== null) {
        const since = daysBetween(infection.positiveOn, request.date);
        if (since > policy.infectionAfterFirstDose.secondDoseWithinDays) {
          flag('VAX-17', 'SECOND_DOSE_AFTER_INFECTION_WINDOW', {
            days: since,
            ...policy.infectionAfterFirstDose,
          });
        }
      }
    }
  }
  return findings;
}

/**
 * VAX-9, VAX-10: whether the person's risk category (and condition, and age for "Età > 60 anni") allows
 * an additional dose or a booster on a day. The part of admissibility that does not depend on the
 * history, which is what VAX-7 checks when a number is forced because the history here is incomplete.
 */
export function categoryRefusal(
  kind: DoseKind,
  person: PersonAtDose,
  on: string,
  policy: VaccinationPolicy,
): RefusalFinding | null {
  const category = person.riskCategory;
  if (
    kind === 'additional' &&
    (category !== policy.additionalDoseCategory || person.healthCondition === NO_HEALTH_CONDITION)
  ) {
    return {
      rule: 'VAX-9',
      code: 'ADDITIONAL_DOSE_NOT_ADMISSIBLE',
      severity: 'refusal',
      params: { category },
    };
  }
  const holds =
    policy.boosterCategories.includes(category) &&
    (category !== 'Età > 60 anni' || ageOn(person.birthDate, on) >= policy.over60FromAge);
  if (kind === 'booster' && !holds) {
    return { rule: 'VAX-10', code: 'BOOSTER_NOT_ADMISSIBLE', severity: 'refusal', params: { category } };
  }
  return null;
}

/**
 * VAX-7: the kind a dose number means in a cycle that `dosesNeeded` primary doses complete: within
 * them a primary dose, beyond them a booster; an additional dose stays additional.
 */
export function kindOfDoseNumber(doseNumber: number, dosesNeeded: number, current: DoseKind): DoseKind {
  if (current === 'additional') return 'additional';
  return doseNumber <= dosesNeeded ? 'primary' : 'booster';
}

/** VAX-16: the dates of an infection entered by an operator, in order. */
export function infectionEntryRefusal(entry: {
  sampledOn: string;
  resultOn: string;
  recoveredOn: string | null;
}): 'INFECTION_RESULT_BEFORE_SAMPLE' | 'INFECTION_RECOVERY_NOT_AFTER_RESULT' | null {
  if (entry.resultOn < entry.sampledOn) return 'INFECTION_RESULT_BEFORE_SAMPLE';
  if (entry.recoveredOn !== null && entry.recoveredOn <= entry.resultOn)
    return 'INFECTION_RECOVERY_NOT_AFTER_RESULT';
  return null;
}

/** VAX-21: a mobile number is digits only, but for a leading + of the international prefix. */
export const isCertificateMobile = (mobile: string): boolean => /^\+?[0-9]{6,15}$/.test(mobile);

/**
 * VAX-22: a COVID administration is saved only when the operator ticked that the contacts are
 * confirmed or that the person gave none; other vaccinations ignore the tick.
 */
export function contactsTickRefusal(
  covid: boolean,
  ticked: boolean,
): 'CERTIFICATE_CONTACTS_NOT_CONFIRMED' | null {
  return covid && !ticked ? 'CERTIFICATE_CONTACTS_NOT_CONFIRMED' : null;
}

/** CONS-2, CONS-3: in which capacity someone signs the consent. */
export const SIGNER_CAPACITIES = [
  'self',
  'support_administrator',
  'support_administrator_with_person',
  'guardian',
  'parental_responsibility',
  'trustee',
  'facility_medical_director',
  'health_director',
] as const;
export type SignerCapacity = (typeof SIGNER_CAPACITIES)[number];

/** What decides who signs: age, legal protection measure, natural incapacity, living in a facility. */
export interface ConsentSituation {
  age: number;
  /** `support_assistance`: the decree gives the support administrator assistance only (signs with the person). */
  protection: 'none' | 'support' | 'support_assistance' | 'guardianship';
  naturalIncapacity: boolean;
  inFacility: boolean;
}

/**
 * CONS-2, CONS-3: who may sign the consent. The adult without protection measures signs; for a minor,
 * whoever holds parental responsibility or the guardian; under a measure, the support administrator
 * (with the person when the decree says assistance only) or the guardian; a person in natural
 * incapacity outside a facility, the health director; inside one, the guardian, support administrator
 * or trustee, failing them the facility's medical director, failing that the health director.
 */
export function allowedSigners(situation: ConsentSituation): readonly SignerCapacity[] {
  if (situation.age < 18) return ['parental_responsibility', 'guardian'];
  if (situation.protection === 'guardianship') return ['guardian'];
  if (situation.protection === 'support') return ['support_administrator'];
  if (situation.protection === 'support_assistance') return ['support_administrator_with_person'];
  if (situation.naturalIncapacity) {
    return situation.inFacility
      ? ['guardian', 'support_administrator', 'trustee', 'facility_medical_director', 'health_director']
      : ['health_director'];
  }
  return ['self'];
}

/**
 * CONS-3: a director's consent for a person in natural incapacity goes to the tutelary judge, who
 * validates it within 48 hours, when the people to be heard could not be reached.
 */
export const needsJudgeValidation = (capacity: SignerCapacity, heardReachable: boolean): boolean =>
  (capacity === 'health_director' || capacity === 'facility_medical_director') && !heardReachable;

/** A COVID dose as one side of the national comparison knows it. */
export interface ComparedDose {
  date: string;
  productCode: string;
  doseNumber: number;
  /** ISTAT code of the region that gave it; null for a dose given abroad. */
  regionCode: string | null;
  countryCode: string | null;
}

export type ComparisonStatus = 'same' | 'dose_number_differs' | 'only_registry' | 'only_national';

export interface ComparisonRow {
  status: ComparisonStatus;
  registry: ComparedDose | null;
  national: ComparedDose | null;
  /** A registry dose whose latest change has not yet been acknowledged by the national registry. */
  inTransit: boolean;
}

/**
 * VAX-5, NAT-4: the registry's COVID doses (given here and, by mobility, elsewhere) beside the
 * health-card system's, matched by day and product, in date order, differences named. VAX-8: the
 * national system shows fewer doses than the registry when a registry dose that should have arrived
 * (not still in transit) is missing there.
 */
export function compareWithNational(
  registry: readonly (ComparedDose & { inTransit: boolean })[],
  national: readonly ComparedDose[],
): { rows: ComparisonRow[]; nationalShowsFewer: boolean } {
  const unmatched = [...national];
  const rows: ComparisonRow[] = registry.map(({ inTransit, ...dose }) => {
    const at = unmatched.findIndex(
      (other) => other.date === dose.date && other.productCode === dose.productCode,
    );
    const match = at < 0 ? null : (unmatched.splice(at, 1)[0] ?? null);
    const status: ComparisonStatus =
      match === null
        ? 'only_registry'
        : match.doseNumber === dose.doseNumber
          ? 'same'
          : 'dose_number_differs';
    return { status, registry: dose, national: match, inTransit };
  });
  for (const dose of unmatched)
    rows.push({ status: 'only_national', registry: null, national: dose, inTransit: false });
  rows.sort((a, b) => {
    const dateOf = (row: ComparisonRow) => (row.registry ?? row.national)?.date ?? '';
    return dateOf(a).localeCompare(dateOf(b));
  });
  const settled = registry.filter((dose) => !dose.inTransit).length;
  const nationalFromRegistries = national.filter((dose) => dose.regionCode !== null).length;
  return { rows, nationalShowsFewer: nationalFromRegistries < settled };
}

/**
 * VAX-7: the dose number the national situation suggests for a dose given on `date`: one after the
 * doses given before that day anywhere (every region and abroad), itself excepted.
 */
export function proposedDoseNumber(national: readonly ComparedDose[], date: string): number {
  return national.filter((other) => other.date < date).length + 1;
}

/**
 * How an infection bears on the person's doses: `prior` (before the cycle's first dose: one dose completes
 * it, VAX-18); `after_first_dose` (a molecular positive between dose 1 and the completing dose of a
 * two-dose cycle, VAX-17); `kept_aside` (after a dose otherwise: not a prior infection, ignored for dose
 * numbers and certificates).
 */
export type InfectionStanding = 'prior' | 'after_first_dose' | 'kept_aside';

export function infectionStanding(
  infection: Infection,
  history: readonly PastDose[],
  infections: readonly Infection[],
  policy: VaccinationPolicy,
): InfectionStanding {
  const cycle = cycleState(history, infections, policy);
  const first = cycle.doses[0];
  if (first === undefined || infection.positiveOn < first.date) return 'prior';
  return cycle.infectionAfterFirstDose?.positiveOn === infection.positiveOn
    ? 'after_first_dose'
    : 'kept_aside';
}

export type NextDoseDue =
  | { status: 'first_dose'; completesWithOneDose: boolean }
  | { status: 'next_primary_dose'; doseNumber: number; from: string | null; until: string | null }
  | { status: 'cycle_complete'; completedOn: string };

/**
 * VAX-17, VAX-18: the person's next dose as the rules see it: the first (one dose completes the cycle
 * after a prior infection); the next primary dose, from the product's interval, and after an infection
 * within 14 days of dose 1 within the policy's days of the positive test; or a completed cycle (a
 * booster then follows the plan and VAX-10).
 */
export function nextDoseDue(
  history: readonly PastDose[],
  infections: readonly Infection[],
  policy: VaccinationPolicy,
): NextDoseDue {
  const cycle = cycleState(history, infections, policy);
  const last = cycle.doses.at(-1);
  if (cycle.product === null || last === undefined) {
    return { status: 'first_dose', completesWithOneDose: infections.length > 0 };
  }
  if (cycle.completedOn !== null) return { status: 'cycle_complete', completedOn: cycle.completedOn };
  const interval = cycle.product.minDaysToSecondDose;
  const infection = cycle.infectionAfterFirstDose;
  return {
    status: 'next_primary_dose',
    doseNumber: cycle.doses.length + 1,
    from: interval === null ? null : isoAfter(last.date, interval),
    until:
      infection === null
        ? null
        : isoAfter(infection.positiveOn, policy.infectionAfterFirstDose.secondDoseWithinDays),
  };
}

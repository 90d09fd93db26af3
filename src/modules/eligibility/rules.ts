import { ageOn } from '../../platform/calendar.ts';
import { romeDate, romeInstant } from '../../platform/clock.ts';
import type { PersonStatus } from '../registry/tables.ts';
import type { BookingChannel, PlanCategory, PlanFile, PlanOffer } from './plan-file.ts';
import type { EntitlementSource, EvidenceStatus, LinkRelation } from './tables.ts';

/*
 * The campaign rules as pure functions (spec 20-eligibility.md): no I/O, the instant passed in.
 * Everything that changed during 2021 (categories, calendars, product limits) comes in as plan data.
 */

/** The categories a fragile person holds that can bring linked people (ELIG-8). */
export const FRAGILITY_CATEGORIES = ['extremely_vulnerable', 'severe_disability'] as const;
export type FragilityCategory = (typeof FRAGILITY_CATEGORIES)[number];
export const isFragilityCategory = (category: string): category is FragilityCategory =>
  (FRAGILITY_CATEGORIES as readonly string[]).includes(category);

/** ELIG-12, ELIG-14: booking opens 24 hours after a self pre-registration. */
export const PRE_REGISTRATION_DELAY_MS = 24 * 60 * 60 * 1000;
/** ELIG-15: links per fragile person, whoever created them. */
export const MAX_LINKS_PER_FRAGILE_PERSON = 3;

export interface EntitlementFact {
  id: number;
  category: string;
  /** The Table 1 condition of an `extremely_vulnerable` entitlement; null otherwise. */
  conditionCode: string | null;
  source: EntitlementSource;
  evidenceStatus: EvidenceStatus;
  validFrom: Date;
}

/** A link from this person to a fragile person, with what is known of the fragile person. */
export interface LinkFact {
  id: number;
  relation: LinkRelation;
  fragilePersonId: number;
  fragile: { birthDate: string; entitlements: readonly EntitlementFact[] };
}

export interface PersonFacts {
  birthDate: string;
  status: PersonStatus;
  /** ELIG-11, ELIG-17: taken in charge by the region although not one of its residents. */
  admitted: boolean;
  entitlements: readonly EntitlementFact[];
  linksToFragilePeople: readonly LinkFact[];
}

/** Answers "is this Table 1 condition immune-related (marked \*)?" from the fragility tables. */
export type ImmuneRelated = (conditionCode: string) => boolean;

export interface PlanInForce {
  national: PlanFile;
  calendar: PlanFile | null;
}

/** ELIG-1: the latest national version and the latest calendar of the region in force on a date. */
export function planInForce(
  versions: readonly PlanFile[],
  region: string,
  date: string,
): PlanInForce | undefined {
  const latest = (candidates: PlanFile[]): PlanFile | undefined =>
    candidates
      .filter((version) => version.effectiveFrom <= date)
      .reduce<PlanFile | undefined>(
        (best, version) =>
          best === undefined || version.effectiveFrom > best.effectiveFrom ? version : best,
        undefined,
      );
  const national = latest(versions.filter((version) => version.kind === 'national'));
  if (national === undefined) return undefined;
  const calendar = latest(
    versions.filter((version) => version.kind === 'regional' && version.region === region),
  );
  return { national, calendar: calendar ?? null };
}

export type Basis =
  | { kind: 'age' }
  | { kind: 'entitlement'; entitlement: EntitlementFact }
  | { kind: 'link'; link: LinkFact; entitlement: EntitlementFact };

/** A reason the person belongs to a category of the plan, and from when it counts. */
export interface Qualification {
  category: PlanCategory;
  basis: Basis;
  /** Booking through this qualification is possible from this instant (ELIG-12: 24 h after pre-registration). */
  from: Date;
}

/** An age qualification holds from birth: only the offer's opening limits it. */
const ALWAYS = new Date(0);

const inAgeRange = (age: number, from: number | null, to: number | null): boolean =>
  (from === null || age >= from) && (to === null || age <= to);

const counts = (entitlement: EntitlementFact): boolean => entitlement.evidenceStatus !== 'rejected';

/**
 * ELIG-8: which relations a fragile person's entitlements allow. Immune-related Table 1 conditions
 * (\*) bring cohabitants; severe disability brings cohabitants and caregivers; an extremely
 * vulnerable minor for whom no vaccine is indicated brings parents, guardians, foster parents.
 */
export function allowedRelations(
  fragile: { birthDate: string; entitlements: readonly EntitlementFact[] },
  national: PlanFile,
  immuneRelated: ImmuneRelated,
  today: string,
): Map<LinkRelation, EntitlementFact> {
  const allowed = new Map<LinkRelation, EntitlementFact>();
  const grant = (relation: LinkRelation, entitlement: EntitlementFact): void => {
    if (!allowed.has(relation)) allowed.set(relation, entitlement);
  };
  const minimumAge = national.minimumVaccinationAge ?? 0;
  // The plan says which categories may bring linked people at all (ELIG-8, ELIG-16).
  const linking = new Set(national.categories.filter((c) => c.linksAllowed).map((c) => c.code));
  for (const entitlement of fragile.entitlements.filter((e) => counts(e) && linking.has(e.category))) {
    if (entitlement.category === 'severe_disability') {
      grant('cohabitant', entitlement);
      grant('caregiver', entitlement);
    } else if (entitlement.category === 'extremely_vulnerable') {
      if (entitlement.conditionCode !== null && immuneRelated(entitlement.conditionCode)) {
        grant('cohabitant', entitlement);
      }
      if (ageOn(fragile.birthDate, today) < minimumAge) grant('parent_guardian_foster', entitlement);
    }
  }
  return allowed;
}

/** Everything that puts the person in a category of the plan on this day, pending ones included. */
export function qualifications(
  person: PersonFacts,
  plan: PlanInForce,
  immuneRelated: ImmuneRelated,
  now: Date,
): Qualification[] {
  const today = romeDate(now);
  const age = ageOn(person.birthDate, today);
  const result: Qualification[] = [];
  const categoryOf = new Map(plan.national.categories.map((category) => [category.code, category]));
  for (const category of plan.national.categories) {
    if (category.basis === 'age' && inAgeRange(age, category.ageFrom, category.ageTo)) {
      result.push({ category, basis: { kind: 'age' }, from: ALWAYS });
    }
  }
  for (const entitlement of person.entitlements.filter(counts)) {
    const category = categoryOf.get(entitlement.category);
    if (category === undefined || category.basis !== 'entitlement') continue;
    if (!inAgeRange(age, category.ageFrom, category.ageTo)) continue;
    result.push({ category, basis: { kind: 'entitlement', entitlement }, from: entitlement.validFrom });
  }
  for (const link of person.linksToFragilePeople) {
    const granted = allowedRelations(link.fragile, plan.national, immuneRelated, today).get(link.relation);
    const category = granted && categoryOf.get(granted.category);
    if (granted === undefined || category === undefined) continue;
    result.push({ category, basis: { kind: 'link', link, entitlement: granted }, from: granted.validFrom });
  }
  return result;
}

/** The qualification through which an offer reaches the person, if any. */
export function qualificationForOffer(
  offer: PlanOffer,
  person: PersonFacts,
  found: readonly Qualification[],
  today: string,
): Qualification | undefined {
  if (offer.category !== null) {
    const eligible = found.filter(
      (q) => q.category.code === offer.category && (q.basis.kind !== 'link' || offer.includesLinkedPeople),
    );
    // The earliest-starting qualification decides when the person may book.
    return eligible.sort((a, b) => a.from.getTime() - b.from.getTime())[0];
  }
  const age = ageOn(person.birthDate, today);
  const birthYear = Number(person.birthDate.slice(0, 4));
  const inCohort =
    offer.ageFrom !== null || offer.ageTo !== null
      ? inAgeRange(age, offer.ageFrom, offer.ageTo)
      : inAgeRange(birthYear, offer.bornFrom, offer.bornTo);
  if (!inCohort) return undefined;
  // An age cohort needs no list: the registry's birth date is the evidence (ELIG-4 source "age").
  const ageCategory = found.find((q) => q.basis.kind === 'age');
  return (
    ageCategory ?? {
      category: {
        code: 'age_cohort',
        priority: 99,
        label: offer.label,
        basis: 'age',
        ageFrom: offer.ageFrom,
        ageTo: offer.ageTo,
        linksAllowed: false,
      },
      basis: { kind: 'age' },
      from: ALWAYS,
    }
  );
}

export interface ProductCatalogueEntry {
  code: string;
  ages: { minYears: number; maxYears: number | null };
}

/**
 * The products the system offers a person under an offer (BOOK-7: never chosen by the citizen):
 * the offer's products, within the catalogue's ages and the plan's limits; products the plan
 * prefers for the person's age come first, and a preferred product is dropped outside its ages
 * whenever another one remains.
 */
export function allowedProducts(
  offer: PlanOffer,
  national: PlanFile,
  catalogue: readonly ProductCatalogueEntry[],
  age: number,
  categories: readonly string[],
): string[] {
  const byCode = new Map(catalogue.map((product) => [product.code, product]));
  const limitsOf = (product: string) => national.productLimits.filter((limit) => limit.product === product);
  const candidates = offer.products.filter((code) => {
    const product = byCode.get(code);
    if (product === undefined || !inAgeRange(age, product.ages.minYears, product.ages.maxYears)) return false;
    return limitsOf(code).every(
      (limit) =>
        !limit.excludedCategories.some((excluded) => categories.includes(excluded)) &&
        (limit.strength !== 'only' || inAgeRange(age, limit.ageFrom, limit.ageTo)),
    );
  });
  const outsidePreference = (code: string): boolean =>
    limitsOf(code).some(
      (limit) => limit.strength === 'preferred' && !inAgeRange(age, limit.ageFrom, limit.ageTo),
    );
  const preferredHere = (code: string): boolean =>
    limitsOf(code).some(
      (limit) => limit.strength === 'preferred' && inAgeRange(age, limit.ageFrom, limit.ageTo),
    );
  const withinPreference = candidates.filter((code) => !outsidePreference(code));
  const kept = withinPreference.length > 0 ? withinPreference : candidates;
  return [...kept.filter(preferredHere), ...kept.filter((code) => !preferredHere(code))];
}

export type NextStep =
  | 'BOOK'
  | 'WAIT_UNTIL'
  | 'NOT_BOOKABLE_STATUS'
  | 'APPLY_AS_NON_RESIDENT'
  | 'TOO_YOUNG'
  | 'EVIDENCE_REJECTED'
  | 'USE_ANOTHER_CHANNEL'
  | 'PRE_REGISTER_OR_ASK_GP'
  | 'WAIT_FOR_CALENDAR';

export interface OfferMatch {
  offer: PlanOffer;
  qualification: Qualification;
  /** When the person may book under this offer: the later of its opening and the qualification's start. */
  bookableFrom: Date;
  products: string[];
}

export interface Explanation {
  bookable: boolean;
  nextStep: NextStep;
  qualifications: Qualification[];
  /** The open offer the person may book under now, or the one opening soonest. */
  match: OfferMatch | null;
  planVersions: { national: string; calendar: string | null };
  age: number;
  minimumVaccinationAge: number | null;
}

/** The instant a calendar date starts in Italy (booking opens at midnight Rome time). */
export const romeMidnight = (date: string): Date => romeInstant(date);

/**
 * ELIG-5: why the person can or cannot book, under which offer and plan versions, and what to do
 * next. `channel` narrows the offers to those open on the channel asking.
 */
export function explainEligibility(
  person: PersonFacts,
  plan: PlanInForce,
  catalogue: readonly ProductCatalogueEntry[],
  immuneRelated: ImmuneRelated,
  now: Date,
  channel?: BookingChannel,
): Explanation {
  const today = romeDate(now);
  const age = ageOn(person.birthDate, today);
  const found = qualifications(person, plan, immuneRelated, now);
  const base = {
    qualifications: found,
    planVersions: { national: plan.national.id, calendar: plan.calendar?.id ?? null },
    age,
    minimumVaccinationAge: plan.national.minimumVaccinationAge,
  };
  const refuse = (nextStep: NextStep, match: OfferMatch | null = null): Explanation => ({
    ...base,
    bookable: false,
    nextStep,
    match,
  });
  if (person.status === 'deceased' || person.status === 'obsolete') return refuse('NOT_BOOKABLE_STATUS');
  if (person.status !== 'active' && !person.admitted) return refuse('APPLY_AS_NON_RESIDENT');
  if (plan.national.minimumVaccinationAge !== null && age < plan.national.minimumVaccinationAge) {
    return refuse('TOO_YOUNG');
  }
  // Product limits follow the person's own categories: a cohabitant of a transplant patient is
  // not extremely vulnerable, and may get any product of their age.
  const categories = found.filter((q) => q.basis.kind !== 'link').map((q) => q.category.code);
  const matches: OfferMatch[] = [];
  let onOtherChannels = false;
  for (const offer of plan.calendar?.offers ?? []) {
    const qualification = qualificationForOffer(offer, person, found, today);
    if (qualification === undefined) continue;
    const products = allowedProducts(offer, plan.national, catalogue, age, categories);
    if (products.length === 0) continue;
    if (channel !== undefined && !offer.channels.includes(channel)) {
      onOtherChannels = true;
      continue;
    }
    const opens = romeMidnight(offer.bookingOpensOn);
    const bookableFrom = new Date(Math.max(opens.getTime(), qualification.from.getTime()));
    matches.push({ offer, qualification, bookableFrom, products });
  }
  // Open offers first, by priority of the category; then the offer the person can book soonest.
  matches.sort((a, b) => {
    const aOpen = a.bookableFrom <= now;
    const bOpen = b.bookableFrom <= now;
    if (aOpen !== bOpen) return aOpen ? -1 : 1;
    if (aOpen) return a.qualification.category.priority - b.qualification.category.priority;
    return a.bookableFrom.getTime() - b.bookableFrom.getTime();
  });
  const best = matches[0];
  if (best !== undefined && best.bookableFrom <= now)
    return { ...base, bookable: true, nextStep: 'BOOK', match: best };
  if (best !== undefined) return refuse('WAIT_UNTIL', best);
  if (onOtherChannels) return refuse('USE_ANOTHER_CHANNEL');
  const recognised = found.some((q) => q.basis.kind !== 'age');
  if (recognised) return refuse('WAIT_FOR_CALENDAR');
  if (person.entitlements.some((entitlement) => entitlement.evidenceStatus === 'rejected')) {
    return refuse('EVIDENCE_REJECTED');
  }
  const fragilityOfferOpen = (plan.calendar?.offers ?? []).some(
    (offer) =>
      offer.category !== null && isFragilityCategory(offer.category) && offer.bookingOpensOn <= today,
  );
  return refuse(fragilityOfferOpen ? 'PRE_REGISTER_OR_ASK_GP' : 'WAIT_FOR_CALENDAR');
}

export type LinkRefusal =
  'LINK_TO_SELF' | 'LINK_PERSON_NOT_FRAGILE' | 'LINK_FRAGILE_ONLY_BY_AGE' | 'LINK_RELATION_NOT_ALLOWED';

/**
 * ELIG-8, ELIG-16: whether a link of this relation may be made to this fragile person. The limit of
 * 3 (ELIG-15) is the database's to enforce, not this function's.
 */
export function linkRefusal(
  fragile: { id: number; birthDate: string; entitlements: readonly EntitlementFact[] },
  linkedPersonId: number,
  relation: LinkRelation,
  plan: PlanInForce,
  immuneRelated: ImmuneRelated,
  now: Date,
): { code: LinkRefusal; allowed: LinkRelation[] } | null {
  const today = romeDate(now);
  const allowed = allowedRelations(fragile, plan.national, immuneRelated, today);
  const allowedList = [...allowed.keys()];
  if (fragile.id === linkedPersonId) return { code: 'LINK_TO_SELF', allowed: allowedList };
  if (allowed.has(relation)) return null;
  const fragility = fragile.entitlements.filter((e) => counts(e) && isFragilityCategory(e.category));
  if (fragility.length > 0) return { code: 'LINK_RELATION_NOT_ALLOWED', allowed: allowedList };
  const ageCategory = plan.national.categories.find(
    (category) =>
      category.basis === 'age' &&
      inAgeRange(ageOn(fragile.birthDate, today), category.ageFrom, category.ageTo),
  );
  return {
    code:
      ageCategory !== undefined && ageCategory.priority === 1
        ? 'LINK_FRAGILE_ONLY_BY_AGE'
        : 'LINK_PERSON_NOT_FRAGILE',
    allowed: allowedList,
  };
}

/** ELIG-19: a list type closed from a date refuses uploads on and after that date. */
export function listClosed(closedFrom: string | null, today: string): boolean {
  return closedFrom !== null && today >= closedFrom;
}

/** ELIG-12: when booking opens after a self pre-registration made at `registeredAt`. */
export function bookableAfterPreRegistration(registeredAt: Date): Date {
  return new Date(registeredAt.getTime() + PRE_REGISTRATION_DELAY_MS);
}

/** The category and evidence a decision or declaration creates (ELIG-9, ELIG-10, ELIG-12, ELIG-16, ELIG-20). */
export const DECISION_ENTITLEMENTS = {
  gp_report: { source: 'gp_report', evidenceStatus: 'verified' },
  pharmacy_obesity: { source: 'pharmacy', evidenceStatus: 'verified' },
  self_declaration: { source: 'self_declaration', evidenceStatus: 'self_declared' },
  health_worker: { source: 'health_worker_pre_registration', evidenceStatus: 'self_declared' },
} as const satisfies Record<string, { source: EntitlementSource; evidenceStatus: EvidenceStatus }>;

import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../platform/schema-problems.ts';

/**
 * One version of the plan (ELIG-1): a file under `plan/versions/`, loaded into the database and
 * never edited once loaded. Two kinds share one shape:
 * - `national`: the priority categories in order (ELIG-2), product limits by age, intervals, and
 *   the youngest age any vaccine is indicated for (ELIG-8, parents of fragile minors);
 * - `regional`: a region's calendar, the offers it opens (ELIG-3).
 * The plan in force on a date is the latest national version and the latest calendar of the region
 * whose `effectiveFrom` is on or before that date.
 */

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Localized = Type.Object(
  { it: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
const CategoryCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,49}$' });
const ProductCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' });
const Age = Type.Integer({ minimum: 0, maximum: 130 });
const Year = Type.Integer({ minimum: 1880, maximum: 2100 });

export const BOOKING_CHANNELS = ['web', 'atm', 'postman', 'call_center', 'pharmacy', 'gp'] as const;
export type BookingChannel = (typeof BOOKING_CHANNELS)[number];

const CategorySchema = Type.Object(
  {
    code: CategoryCode,
    /** ELIG-2: 1 is served first; categories of equal priority are served in parallel. */
    priority: Type.Integer({ minimum: 1, maximum: 99 }),
    label: Localized,
    /**
     * `age`: everyone whose age on the date that matters is in [ageFrom, ageTo] (from the
     * registry, no list needed); `entitlement`: people holding an entitlement of this category
     * (ELIG-4), from ageFrom on when it is set (Table 1 is from 16, ELIG-6).
     */
    basis: Type.Enum(['age', 'entitlement']),
    ageFrom: Nullable(Age),
    ageTo: Nullable(Age),
    /** ELIG-8: whether cohabitants, caregivers or parents may be linked to a person of this category. */
    linksAllowed: Type.Boolean(),
  },
  { additionalProperties: false },
);

const ProductLimitSchema = Type.Object(
  {
    product: ProductCode,
    ageFrom: Nullable(Age),
    ageTo: Nullable(Age),
    /**
     * `only`: the product may not be offered outside the ages; `preferred`: the system offers it
     * inside the ages and other products outside them, an operator may still use it.
     */
    strength: Type.Enum(['only', 'preferred']),
    /** Categories that never get this product (e.g. mRNA only for the extremely vulnerable). */
    excludedCategories: Type.Array(CategoryCode),
    note: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

const IntervalSchema = Type.Object(
  {
    product: ProductCode,
    afterDose: Type.Integer({ minimum: 1 }),
    minDays: Type.Integer({ minimum: 1 }),
    recommendedDays: Type.Integer({ minimum: 1 }),
    maxDays: Nullable(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const OfferSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,63}$' }),
    label: Localized,
    /** Who the offer is for: a category, an age band on the booking date, or years of birth (ELIG-2). */
    category: Nullable(CategoryCode),
    ageFrom: Nullable(Age),
    ageTo: Nullable(Age),
    bornFrom: Nullable(Year),
    bornTo: Nullable(Year),
    /** ELIG-8: linked cohabitants, caregivers and parents of a person of the category may book too. */
    includesLinkedPeople: Type.Boolean(),
    bookingOpensOn: IsoDate,
    vaccinationsStartOn: IsoDate,
    products: Type.Array(ProductCode, { minItems: 1 }),
    channels: Type.Array(Type.Enum(BOOKING_CHANNELS), { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const PlanFileSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Z]{2,4}-\\d{4}-\\d{2}-\\d{2}[a-z]?$' }),
    kind: Type.Enum(['national', 'regional']),
    /** ISTAT region code of a regional calendar; null for the national plan. */
    region: Nullable(Type.String({ pattern: '^\\d{2}$' })),
    effectiveFrom: IsoDate,
    title: Localized,
    /** The acts the version transcribes (decree, ordinance, circular, regional note), with dates. */
    sources: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    categories: Type.Array(CategorySchema),
    /** ELIG-8: no vaccine is indicated below this age, so a fragile minor's parents are vaccinated. */
    minimumVaccinationAge: Nullable(Age),
    productLimits: Type.Array(ProductLimitSchema),
    intervals: Type.Array(IntervalSchema),
    offers: Type.Array(OfferSchema),
  },
  { additionalProperties: false },
);

export type PlanFile = Static<typeof PlanFileSchema>;
export type PlanCategory = Static<typeof CategorySchema>;
export type PlanOffer = Static<typeof OfferSchema>;
export type PlanProductLimit = Static<typeof ProductLimitSchema>;
export type PlanInterval = Static<typeof IntervalSchema>;

const validator = Compile(PlanFileSchema);

export class PlanFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid plan version:\n  ${problems.join('\n  ')}`);
  }
}

const inOrder = (from: number | null, to: number | null): boolean =>
  from === null || to === null || from <= to;

/** The pattern lets 2021-02-30 through; a real date survives a round trip through Date. */
const isRealDate = (date: string): boolean => {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
};

/**
 * Validates a plan version against its schema, then what a schema cannot say: a national version
 * has categories and no offers, a calendar the reverse; codes are unique; ranges are in order; dates
 * are real; a product limit excludes only categories of the version; an offer names exactly one kind
 * of target; vaccinations never start before booking opens.
 */
export function parsePlanFile(value: unknown, file: string): PlanFile {
  if (!validator.Check(value)) throw new PlanFileError(file, schemaProblems(validator, value));
  const problems: string[] = [];
  const problem = (message: string): void => void problems.push(message);
  if (value.kind === 'national') {
    if (value.region !== null) problem('a national version has region null');
    if (value.offers.length > 0) problem('offers belong to a regional calendar, not to the national plan');
    if (value.categories.length === 0) problem('a national version lists the priority categories');
    if (value.minimumVaccinationAge === null) problem('a national version sets minimumVaccinationAge');
  } else {
    if (value.region === null) problem('a regional calendar names its region');
    if (value.categories.length > 0 || value.productLimits.length > 0 || value.intervals.length > 0) {
      problem('categories, product limits and intervals belong to the national plan, not to a calendar');
    }
    if (value.offers.length === 0) problem('a regional calendar opens at least one offer');
  }
  if (!isRealDate(value.effectiveFrom)) problem(`effectiveFrom ${value.effectiveFrom} is not a real date`);
  const seen = new Set<string>();
  for (const category of value.categories) {
    if (seen.has(category.code)) problem(`categories "${category.code}": the code is used twice`);
    seen.add(category.code);
    if (!inOrder(category.ageFrom, category.ageTo)) problem(`categories "${category.code}": ageFrom > ageTo`);
    if (category.basis === 'age' && category.ageFrom === null) {
      problem(`categories "${category.code}": an age category needs ageFrom`);
    }
  }
  value.productLimits.forEach((limit, index) => {
    if (!inOrder(limit.ageFrom, limit.ageTo))
      problem(`productLimits[${index}] "${limit.product}": ageFrom > ageTo`);
    for (const code of limit.excludedCategories) {
      if (!seen.has(code))
        problem(`productLimits[${index}] "${limit.product}": excluded category "${code}" is not a category`);
    }
  });
  value.intervals.forEach((interval, index) => {
    const where = `intervals[${index}] "${interval.product}"`;
    if (interval.recommendedDays < interval.minDays) problem(`${where}: recommendedDays < minDays`);
    if (interval.maxDays !== null && interval.maxDays < interval.recommendedDays) {
      problem(`${where}: maxDays < recommendedDays`);
    }
  });
  const offerIds = new Set<string>();
  for (const offer of value.offers) {
    const where = `offers "${offer.id}"`;
    if (offerIds.has(offer.id)) problem(`${where}: the id is used twice`);
    offerIds.add(offer.id);
    const targets = [
      offer.category !== null,
      offer.ageFrom !== null || offer.ageTo !== null,
      offer.bornFrom !== null || offer.bornTo !== null,
    ].filter(Boolean).length;
    if (targets !== 1) problem(`${where}: name exactly one of category, age band or years of birth`);
    if (!inOrder(offer.ageFrom, offer.ageTo)) problem(`${where}: ageFrom > ageTo`);
    if (!inOrder(offer.bornFrom, offer.bornTo)) problem(`${where}: bornFrom > bornTo`);
    for (const date of [offer.bookingOpensOn, offer.vaccinationsStartOn]) {
      if (!isRealDate(date)) problem(`${where}: ${date} is not a real date`);
    }
    if (offer.vaccinationsStartOn < offer.bookingOpensOn)
      problem(`${where}: vaccinations start before booking opens`);
    if (offer.includesLinkedPeople && offer.category === null) {
      problem(`${where}: only an offer to a category can include the people linked to it`);
    }
  }
  if (problems.length > 0) throw new PlanFileError(file, problems);
  return value;
}

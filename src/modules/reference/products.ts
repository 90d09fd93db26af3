import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../platform/schema-problems.ts';

/**
 * The product catalogue of the plan (`plan/products.json`). Every COVID rule that depends on a
 * product (doses in the cycle, intervals, dosage, ages) reads it from here: the plan changed month
 * by month in 2021, so these are data with an effective date, not code.
 */

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const DosageSchema = Type.Object(
  {
    volumeMl: Type.Number({ exclusiveMinimum: 0, maximum: 5 }),
    antigenMicrograms: Nullable(Type.Number({ exclusiveMinimum: 0 })),
    route: Type.Enum(['intramuscular', 'subcutaneous', 'intranasal', 'oral']),
    description: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

const IntervalSchema = Type.Object(
  {
    /** The interval runs from this dose of the primary cycle to the next one. */
    afterDose: Type.Integer({ minimum: 1 }),
    minDays: Type.Integer({ minimum: 1 }),
    recommendedDays: Type.Integer({ minimum: 1 }),
    maxDays: Nullable(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const ProductEntrySchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' }),
    name: Type.String({ minLength: 1 }),
    covid: Type.Boolean(),
    targetDisease: Type.Object(
      { snomed: Type.String({ pattern: '^\\d{6,18}$' }), display: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    /** Union Register number of a centrally authorised product; also the DCC `mp` value. */
    euProductCode: Nullable(Type.String({ pattern: '^EU/\\d/\\d{2}/\\d{3,4}$' })),
    /** Italian marketing-authorisation code (AIC), 9 digits; null where not known for sure. */
    aic: Nullable(Type.String({ pattern: '^\\d{9}$' })),
    atc: Type.String({ pattern: '^[A-Z]\\d{2}[A-Z]{2}\\d{2}$' }),
    /** Marketing-authorisation holder as in the DCC value set (`ma`). */
    manufacturerCode: Nullable(Type.String({ minLength: 1 })),
    manufacturerName: Type.String({ minLength: 1 }),
    platform: Type.Enum(['mRNA', 'viral-vector', 'protein-subunit', 'inactivated', 'live-attenuated']),
    /** DCC `vp` (vaccine or prophylaxis) as Italy encoded it at the time. */
    dccProphylaxisCode: Nullable(Type.String({ minLength: 1 })),
    /** The `fornitore` column of the Italian open data (EXP-2). */
    openDataSupplier: Nullable(Type.String({ minLength: 1 })),
    primaryCycleDoses: Type.Integer({ minimum: 1, maximum: 3 }),
    intervals: Type.Array(IntervalSchema),
    dosage: DosageSchema,
    boosterDosage: Nullable(DosageSchema),
    ages: Type.Object(
      {
        minYears: Type.Integer({ minimum: 0, maximum: 120 }),
        /** Months on top of minYears (6 months = 0 years 6 months). */
        minMonths: Type.Integer({ minimum: 0, maximum: 11 }),
        /** Inclusive: 11 means "up to the day before the 12th birthday". */
        maxYears: Nullable(Type.Integer({ minimum: 0, maximum: 120 })),
        /** The plan prefers the product from this age on, without forbidding it below. */
        preferredMinYears: Nullable(Type.Integer({ minimum: 0, maximum: 120 })),
      },
      { additionalProperties: false },
    ),
    effectiveFrom: IsoDate,
    notes: Type.Array(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export type ProductEntry = Static<typeof ProductEntrySchema>;

export const ProductsFileSchema = Type.Object(
  {
    description: Type.Optional(Type.String()),
    products: Type.Array(ProductEntrySchema, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type ProductsFile = Static<typeof ProductsFileSchema>;

const validator = Compile(ProductsFileSchema);

export class ProductsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid product catalogue:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Validates the catalogue against its schema, then the rules a schema cannot say (unique codes,
 * intervals matching the cycle, ranges in order). Every problem names the entry it is in.
 */
export function parseProductsFile(value: unknown, file = 'plan/products.json'): ProductsFile {
  if (!validator.Check(value)) {
    throw new ProductsFileError(file, schemaProblems(validator, value, describeProductPointer(value)));
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  value.products.forEach((product, index) => {
    const where = `products[${index}] "${product.code}"`;
    const problem = (message: string): void => void problems.push(`${where}: ${message}`);
    if (seen.has(product.code)) problem('the code is used by an earlier entry');
    seen.add(product.code);
    if (product.intervals.length !== product.primaryCycleDoses - 1) {
      problem(
        `${product.primaryCycleDoses} doses in the primary cycle need ${product.primaryCycleDoses - 1} interval(s), found ${product.intervals.length}`,
      );
    }
    product.intervals.forEach((interval, i) => {
      if (interval.afterDose !== i + 1) problem(`intervals[${i}].afterDose must be ${i + 1}`);
      if (interval.recommendedDays < interval.minDays) problem(`intervals[${i}]: recommendedDays < minDays`);
      if (interval.maxDays !== null && interval.maxDays < interval.recommendedDays) {
        problem(`intervals[${i}]: maxDays < recommendedDays`);
      }
    });
    const { minYears, maxYears, preferredMinYears } = product.ages;
    if (maxYears !== null && maxYears < minYears) problem('ages: maxYears < minYears');
    if (preferredMinYears !== null && preferredMinYears < minYears) problem('ages: preferredMinYears < minYears');
    if (product.covid && (product.euProductCode === null || product.manufacturerCode === null)) {
      problem('a COVID-19 product needs euProductCode and manufacturerCode (the certificate carries them)');
    }
    if (Number.isNaN(Date.parse(`${product.effectiveFrom}T00:00:00Z`))) problem('effectiveFrom is not a real date');
  });
  if (problems.length > 0) throw new ProductsFileError(file, problems);
  return value;
}

function describeProductPointer(value: unknown): (pointer: string) => string {
  const products = isRecord(value) && Array.isArray(value.products) ? (value.products as unknown[]) : [];
  return (pointer) => {
    const match = /^\/products\/(\d+)(\/.*)?$/.exec(pointer);
    if (!match) return pointer === '' ? '(file)' : pointer.slice(1);
    const index = Number(match[1]);
    const entry = products[index];
    const code = isRecord(entry) && typeof entry.code === 'string' ? ` "${entry.code}"` : '';
    return `products[${index}]${code}${match[2] ? ` ${match[2].slice(1)}` : ''}`;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a person of this age (whole years and months) is within the entry's allowed ages. */
export function ageAllowed(product: ProductEntry, years: number, months = 0): boolean {
  const { minYears, minMonths, maxYears } = product.ages;
  if (years < minYears || (years === minYears && months < minMonths)) return false;
  return maxYears === null || years <= maxYears;
}

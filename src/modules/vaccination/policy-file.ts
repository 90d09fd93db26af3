import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../platform/schema-problems.ts';
import { PROJECT_ROOT } from '../reference/files.ts';
import { RISK_CATEGORIES, type VaccinationPolicy } from './rules.ts';

/**
 * The registry's thresholds as plan data (`plan/registry-policies.json`): versions with the date each
 * takes effect, so that a change of the rules is a new version of a file, not a change of code.
 */

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
const ProductCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' });
const Days = Type.Integer({ minimum: 0, maximum: 3650 });
const Age = Type.Integer({ minimum: 0, maximum: 130 });
const Volume = Type.Number({ exclusiveMinimum: 0, maximum: 5 });
const Category = Type.Enum(RISK_CATEGORIES);

const PolicySchema = Type.Object(
  {
    additionalDoseCategory: Category,
    boosterCategories: Type.Array(Category, { uniqueItems: true }),
    over60FromAge: Age,
    janssen: Type.Object({ product: ProductCode, boosterAfterDays: Days }, { additionalProperties: false }),
    nonEmaBoosterDays: Type.Object({ from: Days, to: Days }, { additionalProperties: false }),
    nonEmaBoosterProducts: Type.Array(
      Type.Object({ product: ProductCode, volumeMl: Volume }, { additionalProperties: false }),
    ),
    pediatric: Type.Object(
      { minAge: Age, maxAge: Age, product: ProductCode, volumeMl: Volume },
      { additionalProperties: false },
    ),
    infectionAfterFirstDose: Type.Object(
      { withinDays: Days, secondDoseWithinDays: Days },
      { additionalProperties: false },
    ),
    heterologousAllowed: Type.Boolean(),
  },
  { additionalProperties: false },
);

const PoliciesFileSchema = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    versions: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Za-z0-9.-]{1,40}$' }),
          effectiveFrom: IsoDate,
          policy: PolicySchema,
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type RegistryPolicyVersion = Static<typeof PoliciesFileSchema>['versions'][number];

const validator = Compile(PoliciesFileSchema);
export const REGISTRY_POLICIES_FILE = path.join(PROJECT_ROOT, 'plan', 'registry-policies.json');

/** Checks a policies document; the versions sorted by effective date, or every problem found. */
export function parseRegistryPolicies(value: unknown, fileName: string): RegistryPolicyVersion[] {
  if (!validator.Check(value)) {
    throw new Error(
      `${fileName} is not a valid registry policies file:\n  ${schemaProblems(validator, value).join('\n  ')}`,
    );
  }
  const versions = [...value.versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  for (const [i, version] of versions.entries()) {
    if (versions[i - 1]?.effectiveFrom === version.effectiveFrom)
      throw new Error(`${fileName}: two versions take effect on ${version.effectiveFrom}`);
    const { from, to } = version.policy.nonEmaBoosterDays;
    if (from > to) throw new Error(`${fileName}: ${version.id} nonEmaBoosterDays.from is after .to`);
    if (version.policy.pediatric.minAge > version.policy.pediatric.maxAge)
      throw new Error(`${fileName}: ${version.id} pediatric.minAge is above .maxAge`);
  }
  return versions;
}

/** The shipped policies file, read once per process (it is part of the release). */
let shipped: RegistryPolicyVersion[] | undefined;
export function shippedRegistryPolicies(): RegistryPolicyVersion[] {
  shipped ??= parseRegistryPolicies(
    JSON.parse(readFileSync(REGISTRY_POLICIES_FILE, 'utf8')),
    REGISTRY_POLICIES_FILE,
  );
  return shipped;
}

/** The policy in force on `date`: the latest version effective on or before it (the first before any). */
export function policyInForce(versions: readonly RegistryPolicyVersion[], date: string): VaccinationPolicy {
  const inForce = versions.filter((version) => version.effectiveFrom <= date).at(-1) ?? versions[0];
  if (inForce === undefined) throw new Error('no registry policy version');
  return inForce.policy;
}

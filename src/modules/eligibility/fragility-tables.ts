import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../platform/schema-problems.ts';
import { PROJECT_ROOT } from '../reference/files.ts';

/**
 * Category 1 of the plan as data (`plan/fragility-tables.json`): Table 1 (the extremely vulnerable,
 * ELIG-6), each condition mapped to the chronic- and rare-disease exemption codes that identify it in
 * the regions' databases, and Table 2 (severe disability, ELIG-7). The `immuneRelated` flag is the
 * table's `*`: the person's cohabitants are entitled too (ELIG-8).
 */

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
const Localized = Type.Object(
  { it: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]{1,59}$' });
const Note = Type.String({ minLength: 1 });

/**
 * `chronic`: DPCM 12 January 2017 Allegato 8 (ex DM 329/1999); `rare`: Allegato 7 (ex DM 279/2001);
 * `chronic_dm329` and `rare_dm279`: codes of the earlier lists that older certificates still carry.
 */
export const EXEMPTION_SYSTEMS = ['chronic', 'rare', 'chronic_dm329', 'rare_dm279'] as const;
export type ExemptionSystem = (typeof EXEMPTION_SYSTEMS)[number];

const ExemptionCodeSchema = Type.Object(
  {
    /** As written on the exemption certificate, normalized: upper case, no dots or spaces. */
    code: Type.String({ pattern: '^[0-9A-Z]{3,8}$' }),
    system: Type.Enum(EXEMPTION_SYSTEMS),
    /** The code and its meaning were checked on a public page (the note says which); else from memory. */
    confirmed: Type.Boolean(),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);

const AreaSchema = Type.Object({ code: Code, label: Localized }, { additionalProperties: false });

const ConditionSchema = Type.Object(
  {
    code: Code,
    area: Code,
    label: Localized,
    /** The `*` of Table 1: the condition compromises the immune response, so cohabitants are entitled (ELIG-8). */
    immuneRelated: Type.Boolean(),
    exemptionCodes: Type.Array(ExemptionCodeSchema),
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);

const SevereDisabilitySchema = Type.Object(
  {
    code: Type.Literal('severe_disability'),
    label: Localized,
    law: Type.Literal('L.104/1992 art. 3 c. 3'),
    kinds: Type.Array(Type.Enum(['physical', 'sensory', 'intellectual', 'psychic']), { minItems: 1 }),
    sources: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const FragilityTablesSchema = Type.Object(
  {
    effectiveFrom: IsoDate,
    sources: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    /** Table 1 applies from this age (ELIG-6); younger fragile people's parents are vaccinated instead (ELIG-8). */
    minAge: Type.Integer({ minimum: 0, maximum: 130 }),
    /** The areas of pathology of Table 1, in the table's order. */
    areas: Type.Array(AreaSchema, { minItems: 1 }),
    conditions: Type.Array(ConditionSchema, { minItems: 1 }),
    severeDisability: SevereDisabilitySchema,
  },
  { additionalProperties: false },
);

export type FragilityTables = Static<typeof FragilityTablesSchema>;
export type Table1Condition = Static<typeof ConditionSchema>;
export type Table1Area = Static<typeof AreaSchema>;
export type ExemptionCode = Static<typeof ExemptionCodeSchema>;

const validator = Compile(FragilityTablesSchema);

export const FRAGILITY_TABLES_FILE = 'plan/fragility-tables.json';

export class FragilityTablesError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid fragility table:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Validates the tables against their schema, then what a schema cannot say: area and condition codes
 * are unique, every condition is in a declared area and every area has a condition, a condition lists
 * an exemption code once, and a code not confirmed from a public source says why in a note.
 */
export function parseFragilityTables(value: unknown, file: string = FRAGILITY_TABLES_FILE): FragilityTables {
  if (!validator.Check(value)) throw new FragilityTablesError(file, schemaProblems(validator, value));
  const problems: string[] = [];
  const problem = (message: string): void => void problems.push(message);
  const areas = new Set<string>();
  for (const area of value.areas) {
    if (areas.has(area.code)) problem(`areas "${area.code}": the code is used twice`);
    areas.add(area.code);
  }
  const seen = new Set<string>();
  const usedAreas = new Set<string>();
  for (const condition of value.conditions) {
    const where = `conditions "${condition.code}"`;
    if (seen.has(condition.code)) problem(`${where}: the code is used twice`);
    if (condition.code === value.severeDisability.code)
      problem(`${where}: the code is the severe-disability code`);
    seen.add(condition.code);
    if (!areas.has(condition.area)) problem(`${where}: area "${condition.area}" is not in areas`);
    usedAreas.add(condition.area);
    const codes = new Set<string>();
    for (const exemption of condition.exemptionCodes) {
      if (codes.has(exemption.code)) problem(`${where}: exemption code ${exemption.code} is listed twice`);
      codes.add(exemption.code);
      if (!exemption.confirmed && exemption.note === undefined) {
        problem(`${where}: exemption code ${exemption.code} is not confirmed and needs a note saying so`);
      }
    }
    if (condition.exemptionCodes.length === 0 && condition.note === undefined) {
      problem(`${where}: a condition without exemption codes needs a note saying how it is identified`);
    }
  }
  for (const area of areas)
    if (!usedAreas.has(area)) problem(`areas "${area}": no condition is in this area`);
  if (new Set(value.severeDisability.kinds).size !== value.severeDisability.kinds.length) {
    problem('severeDisability: a kind is listed twice');
  }
  if (problems.length > 0) throw new FragilityTablesError(file, problems);
  return value;
}

/** Reads and validates `plan/fragility-tables.json` (from the project root unless told otherwise). */
export async function loadFragilityTables(root: string = PROJECT_ROOT): Promise<FragilityTables> {
  const text = await readFile(path.join(root, FRAGILITY_TABLES_FILE), 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FragilityTablesError(FRAGILITY_TABLES_FILE, [
      `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  return parseFragilityTables(value, FRAGILITY_TABLES_FILE);
}

export function findCondition(tables: FragilityTables, code: string): Table1Condition | undefined {
  return tables.conditions.find((condition) => condition.code === code);
}

/** An exemption code as certificates and lists write it ("048", " 048.174 ", "rfg101") in the tables' form. */
export function normalizeExemptionCode(code: string): string {
  return code.trim().toUpperCase().replace(/[.\s]/g, '');
}

const CHRONIC_SYSTEMS: ReadonlySet<ExemptionSystem> = new Set(['chronic', 'chronic_dm329']);

/**
 * The Table 1 conditions an exemption code may stand for, in the tables' order. The code is
 * normalized first. A chronic-disease code is often written with the ICD-9-CM diagnosis after the
 * group ("013.250", "002.437"): when nothing matches exactly, a chronic group code that starts the
 * code and is followed by a diagnosis (digits, or V/E and digits) matches too.
 */
export function conditionsForExemptionCode(
  tables: FragilityTables,
  exemptionCode: string,
): Table1Condition[] {
  const wanted = normalizeExemptionCode(exemptionCode);
  if (wanted === '') return [];
  const exact = tables.conditions.filter((condition) =>
    condition.exemptionCodes.some((exemption) => exemption.code === wanted),
  );
  if (exact.length > 0) return exact;
  return tables.conditions.filter((condition) =>
    condition.exemptionCodes.some(
      (exemption) =>
        CHRONIC_SYSTEMS.has(exemption.system) &&
        wanted.startsWith(exemption.code) &&
        /^[VE]?\d+$/.test(wanted.slice(exemption.code.length)),
    ),
  );
}

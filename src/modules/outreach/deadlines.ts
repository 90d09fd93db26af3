import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { schemaProblems } from '../../platform/schema-problems.ts';

/*
 * ELIG-21 deadlines as plan data (ADR 0008): plan/outreach-deadlines.json, one version per region and
 * the date it takes effect; the version in force on a date is the region's latest with effectiveFrom on
 * or before it, and it replaces the region's whole list.
 */

const CalendarDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Texts = Type.Object({ it: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) });

const DeadlineSchema = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9-]{3,80}$' }), label: Texts, contactBy: CalendarDate },
  { additionalProperties: false },
);

const VersionSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Z0-9-]{3,80}$' }),
    region: Type.String({ pattern: '^(0[1-9]|1[0-9]|20)$' }),
    effectiveFrom: CalendarDate,
    source: Type.String({ minLength: 1 }),
    deadlines: Type.Array(DeadlineSchema),
  },
  { additionalProperties: false },
);

const FileSchema = Type.Object(
  { description: Type.String(), versions: Type.Array(VersionSchema) },
  { additionalProperties: false },
);

export type DeadlineVersion = Static<typeof VersionSchema>;
export type PlannedDeadline = Static<typeof DeadlineSchema> & { version: string };

const checkFile = Compile(FileSchema);

const realDate = (value: string): boolean =>
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

/** The file's versions, checked: the schema, real dates, one version per region and date, unique ids. */
export function parseDeadlineFile(value: unknown): DeadlineVersion[] {
  if (!checkFile.Check(value))
    throw new Error(`outreach-deadlines.json: ${schemaProblems(checkFile, value).join('; ')}`);
  const seen = new Set<string>();
  for (const version of value.versions) {
    const key = `${version.region}/${version.effectiveFrom}`;
    if (seen.has(key)) throw new Error(`outreach-deadlines.json: two versions of region ${key}`);
    seen.add(key);
    if (!realDate(version.effectiveFrom))
      throw new Error(`outreach-deadlines.json: ${version.id}: effectiveFrom is not a date`);
    for (const deadline of version.deadlines) {
      if (!realDate(deadline.contactBy))
        throw new Error(`outreach-deadlines.json: ${version.id}/${deadline.id}: contactBy is not a date`);
    }
  }
  return value.versions;
}

/** ELIG-21: the deadline `id` of the region's version in force on `date`, or undefined. */
export function deadlineInForce(
  versions: readonly DeadlineVersion[],
  region: string,
  id: string,
  date: string,
): PlannedDeadline | undefined {
  const version = versions
    .filter((candidate) => candidate.region === region && candidate.effectiveFrom <= date)
    .reduce<DeadlineVersion | undefined>(
      (best, candidate) =>
        best === undefined || candidate.effectiveFrom > best.effectiveFrom ? candidate : best,
      undefined,
    );
  const found = version?.deadlines.find((deadline) => deadline.id === id);
  return found === undefined || version === undefined ? undefined : { ...found, version: version.id };
}

const SHIPPED = fileURLToPath(new URL('../../../plan/outreach-deadlines.json', import.meta.url));
let shipped: Promise<DeadlineVersion[]> | undefined;

/** The shipped file, read once per process (it is data of the release, like plan/products.json). */
export function shippedDeadlines(file = SHIPPED): Promise<DeadlineVersion[]> {
  if (file !== SHIPPED)
    return readFile(path.resolve(file), 'utf8').then((text) => parseDeadlineFile(JSON.parse(text)));
  shipped ??= readFile(SHIPPED, 'utf8').then((text) => parseDeadlineFile(JSON.parse(text)));
  return shipped;
}

import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { PlanFile } from './plan-file.ts';
import type { EntitlementFact, LinkFact, PersonFacts } from './rules.ts';
import type { EntitlementsTable, FragilityLinksTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type EntitlementRow = Selectable<EntitlementsTable>;
export type LinkRow = Selectable<FragilityLinksTable>;

export async function allPlanVersions(db: Db): Promise<PlanFile[]> {
  const rows = await db.selectFrom('plan_versions').select('document').orderBy('effective_from').execute();
  return rows.map((row) => row.document);
}

export const toEntitlementFact = (row: EntitlementRow): EntitlementFact => ({
  id: row.id,
  category: row.category,
  conditionCode: row.condition_code === '' ? null : row.condition_code,
  source: row.source,
  evidenceStatus: row.evidence_status,
  validFrom: row.valid_from,
});

export async function entitlementsOf(db: Db, personIds: readonly number[]): Promise<EntitlementRow[]> {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('entitlements')
    .selectAll()
    .where('person_id', 'in', personIds)
    .orderBy('valid_from')
    .orderBy('id')
    .execute();
}

export async function activeLinksOfFragilePerson(db: Db, fragilePersonId: number): Promise<LinkRow[]> {
  return db
    .selectFrom('fragility_links')
    .selectAll()
    .where('fragile_person_id', '=', fragilePersonId)
    .where('removed_at', 'is', null)
    .orderBy('place')
    .execute();
}

/** What the rules need to know of a person: status, birth date, entitlements, links to fragile people. */
export async function loadPersonFacts(
  db: Db,
  personId: number,
): Promise<(PersonFacts & { id: number; healthAuthorityCode: string | null }) | undefined> {
  const person = await db
    .selectFrom('persons')
    .leftJoin('regional_admissions', 'regional_admissions.person_id', 'persons.id')
    .select([
      'persons.id',
      'persons.birth_date',
      'persons.status',
      'persons.health_authority_code',
      'regional_admissions.person_id as admitted_person_id',
    ])
    .where('persons.id', '=', personId)
    .executeTakeFirst();
  if (person === undefined) return undefined;
  const links = await db
    .selectFrom('fragility_links as l')
    .innerJoin('persons as fragile', 'fragile.id', 'l.fragile_person_id')
    .select(['l.id', 'l.relation', 'l.fragile_person_id', 'fragile.birth_date'])
    .where('l.linked_person_id', '=', personId)
    .where('l.removed_at', 'is', null)
    .execute();
  const entitlements = await entitlementsOf(db, [personId, ...links.map((link) => link.fragile_person_id)]);
  const factsOf = (id: number) => entitlements.filter((row) => row.person_id === id).map(toEntitlementFact);
  const linksToFragilePeople: LinkFact[] = links.map((link) => ({
    id: link.id,
    relation: link.relation,
    fragilePersonId: link.fragile_person_id,
    fragile: { birthDate: link.birth_date, entitlements: factsOf(link.fragile_person_id) },
  }));
  return {
    id: person.id,
    healthAuthorityCode: person.health_authority_code,
    birthDate: person.birth_date,
    status: person.status,
    admitted: person.admitted_person_id !== null,
    entitlements: factsOf(personId),
    linksToFragilePeople,
  };
}

/**
 * Locks the fragile person's row so that link changes for one fragile person queue up across
 * processes. NO KEY UPDATE: rows elsewhere that reference the person (bookings, links) can still be
 * written while the lock is held.
 */
export async function lockPersonForLinks(trx: Transaction<DB>, personId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('persons')
    .select('id')
    .where('id', '=', personId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** The lowest of the places 1..3 no active link holds, or undefined when all are taken. */
export async function freeLinkPlace(
  trx: Transaction<DB>,
  fragilePersonId: number,
): Promise<number | undefined> {
  const row = await sql<{ place: number | null }>`
    SELECT min(place)::int AS place FROM generate_series(1, 3) AS place
    WHERE place NOT IN (
      SELECT l.place FROM fragility_links l WHERE l.fragile_person_id = ${fragilePersonId} AND l.removed_at IS NULL
    )`.execute(trx);
  return row.rows[0]?.place ?? undefined;
}

/** A person matching both identifiers of a health card (ELIG-13: caregivers give CF and TS). */
export async function findPersonByCard(
  db: Db,
  taxCode: string,
  healthCardNumber: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('persons')
    .select('id')
    .where('tax_code', '=', taxCode)
    .where('health_card_number', '=', healthCardNumber)
    .executeTakeFirst();
  return row?.id;
}

import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { PlanFile } from './plan-file.ts';
import type { EntitlementFact, LinkFact, PersonFacts } from './rules.ts';
import type { EntitlementsTable, FragilityLinksTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type EntitlementRow = Selectable<EntitlementsTable>;
export type LinkRow = Selectable<FragilityLinksTable>;

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

/** A person's entitlement row as `json_agg` writes it: instants are ISO strings. */
type EntitlementJson = Omit<EntitlementRow, 'valid_from' | 'created_at' | 'updated_at'> & {
  valid_from: string;
  created_at: string;
  updated_at: string;
};

const entitlementFromJson = (row: EntitlementJson): EntitlementRow => ({
  ...row,
  valid_from: new Date(row.valid_from),
  created_at: new Date(row.created_at),
  updated_at: new Date(row.updated_at),
});

export type PersonFactsRow = PersonFacts & { id: number; healthAuthorityCode: string | null };

/**
 * What the rules need to know of a person (status, birth date, entitlements, links to fragile people
 * and theirs), with the ids of the plan versions loaded and a stamp of the product catalogue, so that
 * the caller can reuse the immutable documents it already parsed: one round trip, as this runs on
 * every search and booking.
 */
export async function loadPersonSnapshot(
  db: Db,
  personId: number,
): Promise<{
  facts: PersonFactsRow | undefined;
  entitlements: EntitlementRow[];
  planVersionIds: string[];
  productsStamp: string;
}> {
  // One round trip, planned once per connection: migrations/0010_hot_reads.sql.
  const result = await sql<{
    snapshot: {
      person: {
        id: number;
        birth_date: string;
        status: PersonFacts['status'];
        health_authority_code: string | null;
        admitted: boolean;
      } | null;
      links: { id: number; relation: LinkFact['relation']; fragile_person_id: number; birth_date: string }[];
      entitlements: EntitlementJson[];
      plan_version_ids: string[];
      products_stamp: string;
    };
  }>`SELECT person_snapshot(${personId}) AS snapshot`.execute(db);
  const row = result.rows[0]?.snapshot;
  if (row === undefined) throw new Error('person_snapshot returned no row');
  const entitlements = row.entitlements.map(entitlementFromJson);
  const factsOf = (id: number) => entitlements.filter((e) => e.person_id === id).map(toEntitlementFact);
  const person = row.person;
  return {
    facts:
      person === null
        ? undefined
        : {
            id: person.id,
            healthAuthorityCode: person.health_authority_code,
            birthDate: person.birth_date,
            status: person.status,
            admitted: person.admitted,
            entitlements: factsOf(person.id),
            linksToFragilePeople: row.links.map((link) => ({
              id: link.id,
              relation: link.relation,
              fragilePersonId: link.fragile_person_id,
              fragile: { birthDate: link.birth_date, entitlements: factsOf(link.fragile_person_id) },
            })),
          },
    entitlements: entitlements.filter((e) => e.person_id === personId),
    planVersionIds: row.plan_version_ids,
    productsStamp: row.products_stamp,
  };
}

export async function loadPersonFacts(db: Db, personId: number): Promise<PersonFactsRow | undefined> {
  return (await loadPersonSnapshot(db, personId)).facts;
}

export async function planVersionIds(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('plan_versions')
    .select('id')
    .orderBy('effective_from')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function planVersionDocuments(db: Db, ids: readonly string[]): Promise<PlanFile[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('plan_versions').select('document').where('id', 'in', ids).execute();
  return rows.map((row) => row.document);
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

import {
  sql,
  type Insertable,
  type Kysely,
  type Selectable,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { AdministrationsTable, CertificateContactsTable, InfectionsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type AdministrationRow = Selectable<AdministrationsTable>;
export type InfectionRow = Selectable<InfectionsTable>;

/**
 * Locks the person's row so that two administrations recorded at once for one person get their dose
 * numbers one after the other, in any number of processes. Undefined when there is no such person.
 */
export async function lockPersonForDose(
  trx: Transaction<DB>,
  personId: number,
): Promise<{ birth_date: string } | undefined> {
  return trx
    .selectFrom('persons')
    .select('birth_date')
    .where('id', '=', personId)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

export async function administrationsOf(db: Db, personId: number): Promise<AdministrationRow[]> {
  return db
    .selectFrom('administrations')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('administered_at')
    .orderBy('id')
    .execute();
}

export async function lockAdministration(
  trx: Transaction<DB>,
  id: number,
): Promise<AdministrationRow | undefined> {
  return trx.selectFrom('administrations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateAdministration(
  trx: Transaction<DB>,
  id: number,
  changes: Updateable<AdministrationsTable>,
): Promise<AdministrationRow> {
  return trx
    .updateTable('administrations')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertAdministration(
  trx: Transaction<DB>,
  administration: Insertable<AdministrationsTable>,
  contacts: Omit<CertificateContactsTable, 'administration_id'> | null,
): Promise<AdministrationRow> {
  const row = await trx
    .insertInto('administrations')
    .values(administration)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (contacts !== null) {
    await trx
      .insertInto('certificate_contacts')
      .values({ administration_id: row.id, ...contacts })
      .execute();
  }
  return row;
}

/** VAX-3: administrations recorded more than `lateAfterMinutes` after they were given, per point and operator. */
export async function lateRecordCounts(
  db: Db,
  filter: { from: string; to: string; lateAfterMinutes: number; pointIds: readonly number[] | null },
) {
  const rows = await sql<{
    vaccination_point_id: number;
    operator_account_id: number;
    operator: string;
    recorded: number;
    late: number;
    latest_delay_minutes: number | null;
  }>`
    SELECT a.vaccination_point_id, a.operator_account_id, s.username AS operator,
      count(*)::int AS recorded,
      count(*) FILTER (WHERE a.recorded_at - a.administered_at > make_interval(mins => ${filter.lateAfterMinutes}))::int AS late,
      round(max(extract(epoch FROM a.recorded_at - a.administered_at) / 60)
        FILTER (WHERE a.recorded_at - a.administered_at > make_interval(mins => ${filter.lateAfterMinutes})))::int
        AS latest_delay_minutes
    FROM administrations a JOIN staff_accounts s ON s.id = a.operator_account_id
    WHERE a.administered_on BETWEEN ${filter.from}::date AND ${filter.to}::date
      AND (${filter.pointIds === null} OR a.vaccination_point_id = ANY(${filter.pointIds ?? []}::bigint[]))
    GROUP BY a.vaccination_point_id, a.operator_account_id, s.username
    ORDER BY late DESC, a.vaccination_point_id, s.username`.execute(db);
  return rows.rows;
}

export async function infectionsOf(db: Db, personId: number): Promise<InfectionRow[]> {
  return db
    .selectFrom('infections')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('sampled_on')
    .orderBy('id')
    .execute();
}

export async function insertInfection(db: Db, infection: Insertable<InfectionsTable>): Promise<InfectionRow> {
  return db.insertInto('infections').values(infection).returningAll().executeTakeFirstOrThrow();
}

export async function lockInfection(trx: Transaction<DB>, id: number): Promise<InfectionRow | undefined> {
  return trx.selectFrom('infections').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateInfection(
  trx: Transaction<DB>,
  id: number,
  changes: Updateable<InfectionsTable>,
): Promise<InfectionRow> {
  return trx
    .updateTable('infections')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whether the person is served by the regional health service (VAX-15 words its answer by it). */
export async function personStatus(db: Db, personId: number): Promise<string | undefined> {
  const row = await db.selectFrom('persons').select('status').where('id', '=', personId).executeTakeFirst();
  return row?.status;
}

import {
  sql,
  type Insertable,
  type Kysely,
  type Selectable,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type {
  AdministrationsTable,
  AnomalyReportsTable,
  CertificateContactsTable,
  ConsentsTable,
  InfectionsTable,
} from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type AdministrationRow = Selectable<AdministrationsTable>;
export type InfectionRow = Selectable<InfectionsTable>;
export type AnomalyReportRow = Selectable<AnomalyReportsTable>;
export type ConsentRow = Selectable<ConsentsTable>;

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
    .where('deleted_at', 'is', null)
    .orderBy('administered_at')
    .orderBy('id')
    .execute();
}

export async function lockAdministration(
  trx: Transaction<DB>,
  id: number,
): Promise<AdministrationRow | undefined> {
  return trx
    .selectFrom('administrations')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
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

/** VAX-19: the authority competent for a report: the recording point's, else the person's own. */
export async function competentAuthority(
  db: Db,
  personId: number,
  administrationId: number | null,
): Promise<{ personFound: boolean; administrationOfPerson: boolean; authority: string | null }> {
  const row = await sql<{
    person_authority: string | null;
    point_authority: string | null;
    administration_person: number | null;
  }>`
    SELECT p.health_authority_code AS person_authority, v.health_authority_code AS point_authority,
      a.person_id AS administration_person
    FROM persons p
    LEFT JOIN administrations a ON a.id = ${administrationId}
    LEFT JOIN vaccination_points v ON v.id = a.vaccination_point_id
    WHERE p.id = ${personId}`.execute(db);
  const found = row.rows[0];
  if (found === undefined) return { personFound: false, administrationOfPerson: false, authority: null };
  return {
    personFound: true,
    administrationOfPerson: administrationId === null || Number(found.administration_person) === personId,
    authority: found.point_authority ?? found.person_authority,
  };
}

export async function insertAnomalyReport(
  db: Db,
  report: Insertable<AnomalyReportsTable>,
): Promise<AnomalyReportRow> {
  return db.insertInto('anomaly_reports').values(report).returningAll().executeTakeFirstOrThrow();
}

export async function lockAnomalyReport(
  trx: Transaction<DB>,
  id: number,
): Promise<AnomalyReportRow | undefined> {
  return trx.selectFrom('anomaly_reports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateAnomalyReport(
  trx: Transaction<DB>,
  id: number,
  changes: Updateable<AnomalyReportsTable>,
): Promise<AnomalyReportRow> {
  return trx
    .updateTable('anomaly_reports')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function anomalyReports(
  db: Db,
  filter: {
    authorities: readonly string[] | null;
    status: AnomalyReportRow['status'] | undefined;
    personId?: number;
    concerns?: AnomalyReportRow['concerns'];
  },
): Promise<AnomalyReportRow[]> {
  let query = db.selectFrom('anomaly_reports').selectAll().orderBy('created_at').orderBy('id').limit(500);
  if (filter.authorities !== null) {
    if (filter.authorities.length === 0) return [];
    query = query.where('health_authority_code', 'in', filter.authorities);
  }
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.personId !== undefined) query = query.where('person_id', '=', filter.personId);
  if (filter.concerns !== undefined) query = query.where('concerns', '=', filter.concerns);
  return query.execute();
}

export async function insertConsent(db: Db, consent: Insertable<ConsentsTable>): Promise<ConsentRow> {
  return db.insertInto('consents').values(consent).returningAll().executeTakeFirstOrThrow();
}

/** A live (not deleted) administration. */
export async function findAdministration(db: Db, id: number): Promise<AdministrationRow | undefined> {
  return db
    .selectFrom('administrations')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function lockConsent(trx: Transaction<DB>, id: number): Promise<ConsentRow | undefined> {
  return trx.selectFrom('consents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function setJudgeValidation(trx: Transaction<DB>, id: number, at: Date): Promise<ConsentRow> {
  return trx
    .updateTable('consents')
    .set({ judge_validated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** CONS-3: consents still waiting for the judge, at some points (null: all), soonest deadline first. */
export async function consentsAwaitingJudge(db: Db, pointIds: readonly number[] | null) {
  let query = db
    .selectFrom('consents as c')
    .innerJoin('administrations as a', 'a.id', 'c.administration_id')
    .select([
      'c.id',
      'c.person_id',
      'c.administration_id',
      'c.judge_validation_due_at',
      'a.vaccination_point_id',
    ])
    .where('c.judge_validation_due_at', 'is not', null)
    .where('c.judge_validated_at', 'is', null)
    .orderBy('c.judge_validation_due_at')
    .limit(500);
  if (pointIds !== null) {
    if (pointIds.length === 0) return [];
    query = query.where('a.vaccination_point_id', 'in', pointIds);
  }
  return query.execute();
}

/** VAX-1 check-in: the live administration that fulfilled each of these bookings, by booking id. */
export async function administrationsOfBookings(
  db: Db,
  bookingIds: readonly number[],
): Promise<Map<number, number>> {
  if (bookingIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('administrations')
    .select(['id', 'booking_id'])
    .where('booking_id', 'in', bookingIds)
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((row) => [Number(row.booking_id), Number(row.id)]));
}

/** CONS-1..5: the person's consents and refusals, oldest first. */
export async function consentsOf(db: Db, personId: number): Promise<ConsentRow[]> {
  return db
    .selectFrom('consents')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('recorded_at')
    .orderBy('id')
    .execute();
}

/** VAX-20: the certificate contacts given with the person's latest administration that has them. */
export async function latestCertificateContacts(db: Db, personId: number) {
  return db
    .selectFrom('certificate_contacts as c')
    .innerJoin('administrations as a', 'a.id', 'c.administration_id')
    .select(['c.mobile', 'c.email', 'c.none_given', 'a.administered_on'])
    .where('a.person_id', '=', personId)
    .where('a.deleted_at', 'is', null)
    .orderBy('a.administered_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

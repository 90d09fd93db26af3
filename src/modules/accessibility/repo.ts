import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type {
  DedicatedSessionBookingsTable,
  DedicatedSessionsTable,
  HomeStatus,
  HomeVaccinationRequestsTable,
  Need,
  SessionKind,
} from './tables.ts';

/* The accessibility module's SQL (migrations/0023_accessibility.sql). */

type Db = Kysely<DB> | Transaction<DB>;

export type HomeRequestRow = Selectable<HomeVaccinationRequestsTable>;
export type SessionRow = Selectable<DedicatedSessionsTable>;
export type SessionBookingRow = Selectable<DedicatedSessionBookingsTable>;

/** What the lists show of a person: who, how to reach them, where to pick them up or visit them. */
export interface PersonContact {
  given_name: string;
  surname: string;
  birth_date: string;
  phone: string | null;
  address: string | null;
  municipality_istat: string | null;
  municipality_name: string | null;
}

/**
 * The facts about a person that home vaccination needs: the authority of the health domicile and where
 * they live (read-only from the registry's table, as messaging does for contacts).
 */
export async function personPlace(db: Db, personId: number) {
  return db
    .selectFrom('persons as p')
    .leftJoin('municipalities as m', (join) =>
      join.on(
        sql<boolean>`m.istat = coalesce(p.domicile_municipality_istat, p.residence_municipality_istat)`,
      ),
    )
    .select([
      'p.id',
      'p.health_authority_code',
      'p.status',
      'm.istat as municipality_istat',
      'm.lat',
      'm.lng',
      (eb) => eb.fn.coalesce('p.domicile_address', 'p.residence_address').as('address'),
    ])
    .where('p.id', '=', personId)
    .executeTakeFirst();
}

/** Every vaccination point's place and authority: the nearest one's authority is a domicile's fallback. */
export async function pointsWithAuthority(db: Db) {
  return db
    .selectFrom('vaccination_points')
    .select(['id', 'code', 'name', 'address', 'municipality_istat', 'lat', 'lng', 'health_authority_code'])
    .orderBy('code')
    .execute();
}

/** The authorities an ASL administrator manages: their own and the ones under them (an ATS and its ASSTs). */
export async function authoritiesUnder(db: Db, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('health_authorities')
    .select('code')
    .where((eb) => eb.or([eb('code', 'in', codes), eb('parent_code', 'in', codes)]))
    .execute();
  return rows.map((row) => row.code);
}

export async function point(db: Db, pointId: number) {
  return db
    .selectFrom('vaccination_points as p')
    .innerJoin('municipalities as m', 'm.istat', 'p.municipality_istat')
    .select([
      'p.id',
      'p.code',
      'p.name',
      'p.address',
      'm.name as municipality',
      'm.province_code',
      'p.health_authority_code',
    ])
    .where('p.id', '=', pointId)
    .executeTakeFirst();
}

// ----------------------------------------------------------------------------------------------------
// BOOK-14: the home-vaccination list

export async function latestHomeRequest(db: Db, personId: number): Promise<HomeRequestRow | undefined> {
  return db
    .selectFrom('home_vaccination_requests')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function openHomeRequest(db: Db, personId: number): Promise<HomeRequestRow | undefined> {
  return db
    .selectFrom('home_vaccination_requests')
    .selectAll()
    .where('person_id', '=', personId)
    .where('status', 'in', ['requested', 'planned'])
    .executeTakeFirst();
}

export async function lockHomeRequest(trx: Transaction<DB>, id: number) {
  return trx
    .selectFrom('home_vaccination_requests')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export interface HomeListFilter {
  authorityCodes: readonly string[] | null;
  status?: HomeStatus | undefined;
  municipalityIstat?: string | undefined;
  /** A GP's code, or part of their name. */
  gp?: string | undefined;
  visitFrom?: string | undefined;
  visitTo?: string | undefined;
  limit: number;
  offset: number;
}

/** BOOK-14: the authority's list, open requests first by visit day, then by when they were asked. */
export async function homeList(db: Db, filter: HomeListFilter) {
  let query = db
    .selectFrom('home_vaccination_requests as h')
    .innerJoin('persons as p', 'p.id', 'h.person_id')
    .leftJoin('municipalities as m', 'm.istat', 'h.municipality_istat')
    .selectAll('h')
    .select([
      'p.given_name',
      'p.surname',
      'p.birth_date',
      'p.phone',
      'm.name as municipality_name',
      sql<number>`count(*) OVER ()`.as('total'),
    ]);
  if (filter.authorityCodes !== null) {
    if (filter.authorityCodes.length === 0) return [];
    query = query.where('h.health_authority_code', 'in', filter.authorityCodes);
  }
  if (filter.status !== undefined) query = query.where('h.status', '=', filter.status);
  if (filter.municipalityIstat !== undefined)
    query = query.where('h.municipality_istat', '=', filter.municipalityIstat);
  if (filter.gp !== undefined) {
    const gp = filter.gp;
    query = query.where((eb) =>
      eb.or([
        eb('h.gp_code', '=', gp.toUpperCase()),
        eb(eb.fn('lower', ['h.gp_name']), 'like', `%${gp.toLowerCase()}%`),
      ]),
    );
  }
  if (filter.visitFrom !== undefined) query = query.where('h.visit_day', '>=', filter.visitFrom);
  if (filter.visitTo !== undefined) query = query.where('h.visit_day', '<=', filter.visitTo);
  return query
    .orderBy(sql`CASE WHEN h.status IN ('requested', 'planned') THEN 0 ELSE 1 END`)
    .orderBy(sql`h.visit_day NULLS FIRST`)
    .orderBy('h.created_at')
    .orderBy('h.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

// ----------------------------------------------------------------------------------------------------
// BOOK-15: dedicated sessions

export interface SessionFilter {
  authorityCodes: readonly string[] | null;
  from: string;
  to: string;
  kind?: SessionKind | undefined;
  pointId?: number | undefined;
  provinceCode?: string | undefined;
  /** Only open sessions not started yet, with room for one more person. */
  bookableAfter?: Date | undefined;
}

export async function sessions(db: Db, filter: SessionFilter) {
  let query = db
    .selectFrom('dedicated_sessions as s')
    .innerJoin('vaccination_points as p', 'p.id', 's.vaccination_point_id')
    .innerJoin('municipalities as m', 'm.istat', 'p.municipality_istat')
    .selectAll('s')
    .select([
      'p.code as point_code',
      'p.name as point_name',
      'p.address as point_address',
      'm.name as point_municipality',
      'm.province_code',
    ])
    .where('s.day', '>=', filter.from)
    .where('s.day', '<=', filter.to);
  if (filter.authorityCodes !== null) {
    if (filter.authorityCodes.length === 0) return [];
    query = query.where('s.health_authority_code', 'in', filter.authorityCodes);
  }
  if (filter.kind !== undefined) query = query.where('s.kind', '=', filter.kind);
  if (filter.pointId !== undefined) query = query.where('s.vaccination_point_id', '=', filter.pointId);
  if (filter.provinceCode !== undefined) query = query.where('m.province_code', '=', filter.provinceCode);
  if (filter.bookableAfter !== undefined) {
    query = query
      .where('s.status', '=', 'open')
      .where('s.starts_at', '>', filter.bookableAfter)
      .whereRef('s.people_booked', '<', 's.group_size')
      .whereRef('s.places_taken', '<', 's.places');
  }
  return query.orderBy('s.starts_at').orderBy('s.id').limit(500).execute();
}

export type SessionWithPlace = Awaited<ReturnType<typeof sessions>>[number];

export async function sessionWithPlace(db: Db, id: number): Promise<SessionWithPlace | undefined> {
  return db
    .selectFrom('dedicated_sessions as s')
    .innerJoin('vaccination_points as p', 'p.id', 's.vaccination_point_id')
    .innerJoin('municipalities as m', 'm.istat', 'p.municipality_istat')
    .selectAll('s')
    .select([
      'p.code as point_code',
      'p.name as point_name',
      'p.address as point_address',
      'm.name as point_municipality',
      'm.province_code',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

/**
 * BOOK-15: takes `places` places and one person of the group, or nothing: the session's row lock decides
 * between concurrent bookers (ADR 0010), and the CHECKs refuse an over-booking from any statement.
 */
export async function takeSessionPlaces(
  trx: Transaction<DB>,
  sessionId: number,
  places: number,
  now: Date,
): Promise<SessionRow | undefined> {
  return trx
    .updateTable('dedicated_sessions')
    .set((eb) => ({
      places_taken: eb('places_taken', '+', places),
      people_booked: eb('people_booked', '+', 1),
    }))
    .where('id', '=', sessionId)
    .where('status', '=', 'open')
    .where('starts_at', '>', now)
    .where(sql<boolean>`places_taken + ${places} <= places`)
    .whereRef('people_booked', '<', 'group_size')
    .returningAll()
    .executeTakeFirst();
}

export async function releaseSessionPlaces(trx: Transaction<DB>, sessionId: number, places: number) {
  await trx
    .updateTable('dedicated_sessions')
    .set((eb) => ({
      places_taken: eb('places_taken', '-', places),
      people_booked: eb('people_booked', '-', 1),
    }))
    .where('id', '=', sessionId)
    .execute();
}

export async function sessionBookingByCode(db: Db, code: string, personId: number | undefined) {
  let query = db.selectFrom('dedicated_session_bookings').selectAll().where('code', '=', code);
  if (personId !== undefined) query = query.where('person_id', '=', personId);
  return query.executeTakeFirst();
}

export async function lockSessionBooking(trx: Transaction<DB>, code: string, personId: number | undefined) {
  let query = trx.selectFrom('dedicated_session_bookings').selectAll().where('code', '=', code);
  if (personId !== undefined) query = query.where('person_id', '=', personId);
  return query.forUpdate().executeTakeFirst();
}

export async function openSessionBookingOf(db: Db, personId: number, doseNumber: number) {
  return db
    .selectFrom('dedicated_session_bookings')
    .select(['code'])
    .where('person_id', '=', personId)
    .where('dose_number', '=', doseNumber)
    .where('status', '=', 'confirmed')
    .executeTakeFirst();
}

/** A person's open session bookings that have not ended, soonest first. */
export async function upcomingSessionBookingsOf(db: Db, personId: number, now: Date) {
  return db
    .selectFrom('dedicated_session_bookings as b')
    .innerJoin('dedicated_sessions as s', 's.id', 'b.session_id')
    .selectAll('b')
    .where('b.person_id', '=', personId)
    .where('b.status', '=', 'confirmed')
    .where('s.ends_at', '>', now)
    .orderBy('s.starts_at')
    .execute();
}

/** A session's people (its roster), or those of several sessions, with how to reach and fetch them. */
export async function sessionBookingsWithPeople(
  db: Db,
  filter: { sessionIds: readonly number[]; withTransportOnly?: boolean },
) {
  if (filter.sessionIds.length === 0) return [];
  let query = db
    .selectFrom('dedicated_session_bookings as b')
    .innerJoin('persons as p', 'p.id', 'b.person_id')
    .selectAll('b')
    .select(['p.given_name', 'p.surname', 'p.birth_date', 'p.phone'])
    .where('b.session_id', 'in', filter.sessionIds)
    .where('b.status', '=', 'confirmed');
  if (filter.withTransportOnly === true) query = query.where('b.transport', 'is not', null);
  return query.orderBy('b.session_id').orderBy('b.created_at').execute();
}

/** Who, how to reach and where to fetch: for the transport list (BOOK-16). */
export async function contactsOf(db: Db, personIds: readonly number[]) {
  if (personIds.length === 0) return new Map<number, PersonContact>();
  const rows = await db
    .selectFrom('persons as p')
    .leftJoin('municipalities as m', (join) =>
      join.on(
        sql<boolean>`m.istat = coalesce(p.domicile_municipality_istat, p.residence_municipality_istat)`,
      ),
    )
    .select([
      'p.id',
      'p.given_name',
      'p.surname',
      'p.birth_date',
      'p.phone',
      (eb) => eb.fn.coalesce('p.domicile_address', 'p.residence_address').as('address'),
      'm.istat as municipality_istat',
      'm.name as municipality_name',
    ])
    .where('p.id', 'in', personIds)
    .execute();
  return new Map<number, PersonContact>(rows.map((row) => [Number(row.id), row]));
}

export const needsArray = (needs: readonly Need[]): Need[] => [...new Set(needs)].sort();

/** ADR 0017: a message to the person in the transaction of its cause (dedupe key: one per cause). */
export async function enqueueMessage(
  trx: Transaction<DB>,
  message: {
    personId: number;
    template: string;
    causeKind: string;
    causeId: number;
    key: string;
    params: object;
  },
): Promise<void> {
  await sql`SELECT messaging_enqueue(${message.personId}::bigint, ${message.template}, ${message.causeKind},
    ${message.causeId}::bigint, ${message.key}, ${JSON.stringify(message.params)}::jsonb)`.execute(trx);
}

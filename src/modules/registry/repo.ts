import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { PersonsTable } from './tables.ts';

export type PersonRow = Selectable<PersonsTable> & { superseded_by_identifier: string | null };
type Db = Kysely<DB> | Transaction<DB>;

function selectPersons(db: Db) {
  return db
    .selectFrom('persons as p')
    .leftJoin('persons as current', 'current.id', 'p.superseded_by')
    .selectAll('p')
    .select((eb) =>
      eb.fn.coalesce('current.tax_code', 'current.other_identifier').as('superseded_by_identifier'),
    );
}

export async function findPersonById(db: Db, id: number): Promise<PersonRow | undefined> {
  return selectPersons(db).where('p.id', '=', id).executeTakeFirst();
}

/** Locks the row for the rest of the transaction: concurrent updates of one person queue up. */
export async function lockPerson(trx: Transaction<DB>, id: number): Promise<PersonRow | undefined> {
  await trx.selectFrom('persons').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  return findPersonById(trx, id);
}

/** REG-5: an identifier of any type names at most one person. */
export async function findPersonByIdentifier(db: Db, identifier: string): Promise<PersonRow | undefined> {
  return selectPersons(db)
    .where((eb) => eb.or([eb('p.tax_code', '=', identifier), eb('p.other_identifier', '=', identifier)]))
    .executeTakeFirst();
}

export interface PersonSearch {
  surname: string;
  givenName?: string | undefined;
  birthDate?: string | undefined;
  healthAuthorityCode?: string | undefined;
  offset: number;
  limit: number;
}

/** Surname search uses the (lower(surname), birth_date) index; names compare without case. */
export async function searchPersonsBySurname(db: Db, search: PersonSearch): Promise<PersonRow[]> {
  let query = selectPersons(db).where((eb) =>
    eb(eb.fn('lower', ['p.surname']), '=', search.surname.toLowerCase()),
  );
  if (search.birthDate) query = query.where('p.birth_date', '=', search.birthDate);
  if (search.givenName) {
    const givenName = search.givenName.toLowerCase();
    query = query.where((eb) => eb(eb.fn('lower', ['p.given_name']), '=', givenName));
  }
  if (search.healthAuthorityCode)
    query = query.where('p.health_authority_code', '=', search.healthAuthorityCode);
  return query
    .orderBy('p.given_name')
    .orderBy('p.birth_date')
    .orderBy('p.id')
    .offset(search.offset)
    .limit(search.limit)
    .execute();
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}

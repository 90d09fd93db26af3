import type { Kysely, Selectable } from 'kysely';
import type { NationalDB } from '../db.ts';
import type { NationalPersonsTable } from './tables.ts';

export type NationalPersonRow = Selectable<NationalPersonsTable>;

export class NationalPersonsRepo {
  constructor(private readonly db: Kysely<NationalDB>) {}

  findByIdentifier(identifier: string): Promise<NationalPersonRow | undefined> {
    return this.db.selectFrom('persons').selectAll().where('identifier', '=', identifier).executeTakeFirst();
  }
}

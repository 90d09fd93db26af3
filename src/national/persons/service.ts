import type { Kysely } from 'kysely';
import { DomainError } from '../../platform/http/problem.ts';
import type { NationalDB } from '../db.ts';
import { NationalPersonsRepo, type NationalPersonRow } from './repo.ts';
import type { NationalPerson } from './schemas.ts';

/** The health-card system's registry as the regions see it: by identifier only, one person or none (REG-5). */
export class NationalPersonsService {
  private readonly repo: NationalPersonsRepo;

  constructor(db: Kysely<NationalDB>) {
    this.repo = new NationalPersonsRepo(db);
  }

  async getPerson(identifier: string): Promise<NationalPerson> {
    const row = await this.repo.findByIdentifier(identifier);
    if (!row) throw new DomainError('NATIONAL_PERSON_NOT_FOUND', { pointer: '/params/identifier' });
    return toNationalPerson(row);
  }
}

export function toNationalPerson(row: NationalPersonRow): NationalPerson {
  return {
    identifier: { type: row.identifier_type, value: row.identifier },
    surname: row.surname,
    givenName: row.given_name,
    sex: row.sex,
    birthDate: row.birth_date,
    birthPlaceCode: row.birth_place_code,
    status: row.status,
    regionOfAssistance: row.region_code,
    residence: {
      municipalityIstat: row.residence_municipality_istat,
      countryCode: row.residence_country_code,
    },
    domicile: row.domicile_municipality_istat
      ? { municipalityIstat: row.domicile_municipality_istat, cap: row.domicile_cap }
      : null,
    healthCardNumber: row.health_card_number,
    contacts: { mobile: row.mobile, email: row.email },
  };
}

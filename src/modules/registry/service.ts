import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { belfioreEntries, findMunicipalityByIstat, isCapOfMunicipality } from '../reference/service.ts';
import { apiStatus, newPersonRefusals, ord7CategoryOf, storedStatus, type RuleRefusal } from './rules.ts';
import {
  findPersonById,
  findPersonByIdentifier,
  isUniqueViolation,
  lockPerson,
  searchPersonsBySurname,
  type PersonRow,
} from './repo.ts';
import type { CreatePersonBodyT, PersonViewT, SearchPersonsQueryT, UpdatePersonBodyT } from './schemas.ts';
import {
  normalizeIdentifier,
  validateHealthCardNumber,
  validateIdentifier,
  validateTaxCode,
  type KnownSubject,
  type RegistryRefusalCode,
  type Refusal,
} from './identifiers.ts';
import './errors.ts';
import './person-errors.ts';
import { NationalUnavailableError, type NationalClient, type NationalPerson } from '../../national/client.ts';
import type { Localized } from '../../platform/i18n.ts';

type PlaceInput = {
  address?: string | null | undefined;
  municipalityIstat: string;
  cap?: string | null | undefined;
};

/** One module's part of REG-7: moves its records of `fromId` to `toId` in the given transaction; counts. */
export type PersonRecordsMover = (
  trx: Transaction<DB>,
  fromId: number,
  toId: number,
  context: ActingContext,
) => Promise<Record<string, number>>;

export function toPersonView(row: PersonRow): PersonViewT {
  const place = (address: string | null, istat: string | null, cap: string | null) =>
    istat ? { address, municipalityIstat: istat, cap } : null;
  const identifierValue = row.identifier_type === 'CF' ? row.tax_code : row.other_identifier;
  return {
    id: row.id,
    identifier: { type: row.identifier_type, value: identifierValue, pending: row.identifier_pending },
    taxCode: row.tax_code,
    status: apiStatus(row.status),
    supersededBy:
      row.superseded_by !== null
        ? { id: row.superseded_by, identifier: row.superseded_by_identifier ?? '' }
        : null,
    surname: row.surname,
    givenName: row.given_name,
    sex: row.sex,
    birthDate: row.birth_date,
    birthPlaceCode: row.birth_place_code,
    healthCardNumber: row.health_card_number,
    residence: place(row.residence_address, row.residence_municipality_istat, null),
    domicile: place(row.domicile_address, row.domicile_municipality_istat, row.domicile_cap),
    healthAuthorityCode: row.health_authority_code,
    mobile: row.phone,
    landline: row.landline,
    email: row.email,
    ord7Category: row.ord7_category,
    provenance: row.provenance,
    version: row.version,
  };
}

const refuse = (refusal: RuleRefusal): DomainError =>
  new DomainError(refusal.code, {
    pointer: refusal.pointer,
    ...(refusal.params ? { params: refusal.params } : {}),
  });

const refuseAt = (pointer: string, refusal: Refusal<RegistryRefusalCode>): DomainError =>
  new DomainError(refusal.code, { pointer, params: refusal.params });

const OMOCODIA_DIGITS = 'LMNPQRSTUV';

/** The Belfiore code a tax code names (characters 12-15), with omocodia letters read as digits. */
function placeCodeOf(normalizedTaxCode: string): string {
  const digits = [...normalizedTaxCode.slice(12, 15)].map((c) => {
    const index = OMOCODIA_DIGITS.indexOf(c);
    return index >= 0 ? String(index) : c;
  });
  return `${normalizedTaxCode.slice(11, 12)}${digits.join('')}`;
}

/** The subject registry's use cases (REG-4 … REG-11): every change in one transaction with its audit record. */
export class RegistryService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly national: NationalClient,
    private readonly regionCode: string,
  ) {}

  /**
   * REG-5, third tier: the national registry, by identifier only. Its outages are bounded by the
   * client's timeout and become a clear "unreachable, try again"; local work is not affected.
   */
  async findNational(identifier: string): Promise<{ person: NationalPerson; localPersonId: number | null }> {
    const normalized = normalizeIdentifier(identifier);
    let lookup;
    try {
      lookup = await this.national.getPerson(normalized);
    } catch (error) {
      if (error instanceof NationalUnavailableError) {
        throw new DomainError('NATIONAL_REGISTRY_UNREACHABLE', { headers: { 'retry-after': '30' } });
      }
      throw error;
    }
    if (!lookup.found) {
      throw new DomainError('PERSON_NOT_FOUND_NATIONALLY', {
        pointer: '/params/identifier',
        params: { identifier: normalized },
      });
    }
    const local = await findPersonByIdentifier(this.db, normalized);
    return { person: lookup.person, localPersonId: local?.id ?? null };
  }

  /** REG-5: an out-of-region person found nationally is copied here with provenance; idempotent. */
  async importFromNational(
    identifier: string,
    context: ActingContext,
  ): Promise<{ person: PersonViewT; imported: boolean; hint: Localized | null }> {
    const { person: national, localPersonId } = await this.findNational(identifier);
    const hint = (view: PersonViewT): Localized | null =>
      view.mobile || view.email
        ? null
        : {
            it: 'Registri almeno un cellulare o un indirizzo e-mail: servono per conferme, promemoria e certificato.',
            en: 'Record at least a mobile phone or an e-mail address: they are needed for confirmations, reminders and the certificate.',
          };
    if (localPersonId !== null) {
      const existing = await this.getPerson(localPersonId);
      return { person: existing, imported: false, hint: hint(existing) };
    }
    if (national.status === 'DECEASED') throw new DomainError('PERSON_NOT_IMPORTABLE');
    const status =
      national.status === 'ACTIVE_REGION' && national.regionOfAssistance !== this.regionCode
        ? 'OUT_OF_REGION'
        : national.status;
    const domicile =
      national.domicile && (await findMunicipalityByIstat(this.db, national.domicile.municipalityIstat))
        ? national.domicile
        : null;
    const isCf = national.identifier.type === 'CF';
    try {
      const view = await this.db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('persons')
          .values({
            identifier_type: national.identifier.type,
            tax_code: isCf ? national.identifier.value : null,
            other_identifier: isCf ? null : national.identifier.value,
            status: storedStatus(status),
            surname: national.surname,
            given_name: national.givenName,
            sex: national.sex,
            birth_date: national.birthDate,
            birth_place_code: national.birthPlaceCode,
            health_card_number: national.healthCardNumber,
            residence_municipality_istat: national.residence.municipalityIstat,
            domicile_municipality_istat: domicile?.municipalityIstat ?? null,
            domicile_cap: domicile?.cap ?? null,
            phone: national.contacts.mobile,
            email: national.contacts.email,
            ord7_category: national.identifier.type === 'ORD7' ? (status === 'AIRE' ? 'aire' : null) : null,
            provenance: 'national_import',
            created_at: context.now,
            updated_at: context.now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const created = await findPersonById(trx, id);
        if (!created) throw new Error('person just imported is not readable');
        const imported = toPersonView(created);
        await recordAudit(trx, context, {
          entityType: 'person',
          entityId: id,
          action: 'import_national',
          after: imported,
        });
        return imported;
      });
      return { person: view, imported: true, hint: hint(view) };
    } catch (error) {
      // Two operators importing the same person at once: the second gets the first one's record.
      if (!isUniqueViolation(error)) throw error;
      const existing = await findPersonByIdentifier(this.db, national.identifier.value);
      if (!existing) throw error;
      const view = toPersonView(existing);
      return { person: view, imported: false, hint: hint(view) };
    }
  }

  /** REG-2 with the Belfiore history from the database: the pure rule gets the entries of its place code. */
  private async checkTaxCode(value: string, subject: KnownSubject, today: string) {
    const normalized = normalizeIdentifier(value);
    const entries = await belfioreEntries(this.db, placeCodeOf(normalized));
    return validateTaxCode(normalized, { lookupPlace: () => entries, referenceDate: today, subject });
  }

  /** REG-5: by identifier at most one person; otherwise by surname, with name, birth date, authority. */
  async searchPersons(query: SearchPersonsQueryT): Promise<{ items: PersonViewT[]; hasMore: boolean }> {
    if (query.identifier) {
      const found = await findPersonByIdentifier(this.db, normalizeIdentifier(query.identifier));
      return { items: found ? [toPersonView(found)] : [], hasMore: false };
    }
    if (!query.surname || query.surname.trim().length < 2) {
      throw new DomainError('PERSON_SEARCH_CRITERIA', { pointer: '/querystring/surname' });
    }
    const rows = await searchPersonsBySurname(this.db, {
      surname: query.surname.trim(),
      givenName: query.givenName?.trim(),
      birthDate: query.birthDate,
      healthAuthorityCode: query.healthAuthority,
      offset: (query.page - 1) * query.pageSize,
      limit: query.pageSize + 1,
    });
    return { items: rows.slice(0, query.pageSize).map(toPersonView), hasMore: rows.length > query.pageSize };
  }

  async getPerson(id: number): Promise<PersonViewT> {
    const row = await findPersonById(this.db, id);
    if (!row) throw new DomainError('PERSON_NOT_FOUND', { pointer: '/params/personId' });
    return toPersonView(row);
  }

  private async checkPlace(
    place: PlaceInput | null | undefined,
    pointer: string,
    needsCap: boolean,
  ): Promise<void> {
    if (!place) return;
    const municipality = await findMunicipalityByIstat(this.db, place.municipalityIstat);
    if (!municipality) {
      throw new DomainError('PERSON_MUNICIPALITY_UNKNOWN', {
        pointer: `${pointer}/municipalityIstat`,
        params: { istat: place.municipalityIstat },
      });
    }
    if (place.cap && !(await isCapOfMunicipality(this.db, place.municipalityIstat, place.cap))) {
      throw new DomainError('PERSON_CAP_NOT_OF_MUNICIPALITY', {
        pointer: `${pointer}/cap`,
        params: { cap: place.cap },
      });
    }
    if (needsCap && !place.cap) {
      throw new DomainError('FIELD_REQUIRED', {
        pointer: `${pointer}/cap`,
        params: { field: 'domicile.cap' },
      });
    }
  }

  /** REG-6, REG-8, REG-9, REG-10: a person inserted by hand, after every rule of their status. */
  async createPerson(input: CreatePersonBodyT, context: ActingContext): Promise<PersonViewT> {
    const today = romeDate(this.clock.now());
    const pending = input.identifier.pending ?? false;
    const [first] = newPersonRefusals(
      {
        status: input.status,
        identifierType: input.identifier.type,
        identifierValue: input.identifier.value,
        identifierPending: pending,
        ord7Category: input.ord7Category,
        birthDate: input.birthDate,
        mobile: input.mobile,
        email: input.email,
      },
      today,
    );
    if (first) throw refuse(first);

    const subject = {
      surname: input.surname,
      givenName: input.givenName,
      sex: input.sex,
      birthDate: input.birthDate,
      birthPlaceCode: input.birthPlaceCode,
    };
    const taxCodeInput = input.identifier.type === 'CF' ? input.identifier.value : input.taxCode;
    const taxCodePointer = input.identifier.type === 'CF' ? '/body/identifier/value' : '/body/taxCode';
    let taxCode: string | null = null;
    if (taxCodeInput) {
      const verdict = await this.checkTaxCode(taxCodeInput, subject, today);
      if (!verdict.valid) throw refuseAt(taxCodePointer, verdict);
      const unconfirmed = verdict.warnings.filter((w) => !(input.confirmedWarnings ?? []).includes(w.code));
      if (unconfirmed.length > 0) {
        throw new DomainError('PERSON_WARNINGS_UNCONFIRMED', {
          pointer: taxCodePointer,
          params: { parts: unconfirmed.map((w) => w.field).join(', ') },
          extensions: { warnings: unconfirmed },
        });
      }
      taxCode = verdict.normalized;
    }
    let otherIdentifier: string | null = null;
    if (input.identifier.type !== 'CF' && input.identifier.value && !pending) {
      const verdict = validateIdentifier(input.identifier.type, input.identifier.value);
      if (!verdict.valid) throw refuseAt('/body/identifier/value', verdict);
      otherIdentifier = verdict.normalized;
    }
    let healthCardNumber: string | null = null;
    if (input.healthCardNumber) {
      const verdict = validateHealthCardNumber(input.healthCardNumber);
      if (!verdict.valid) throw refuseAt('/body/healthCardNumber', verdict);
      healthCardNumber = verdict.normalized;
    }
    await this.checkPlace(input.residence, '/body/residence', false);
    await this.checkPlace(input.domicile, '/body/domicile', true);

    const now = this.clock.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('persons')
          .values({
            identifier_type: input.identifier.type,
            tax_code: taxCode,
            other_identifier: otherIdentifier,
            identifier_pending: pending,
            status: storedStatus(input.status),
            surname: input.surname.trim(),
            given_name: input.givenName.trim(),
            sex: input.sex,
            birth_date: input.birthDate,
            birth_place_code: input.birthPlaceCode ?? null,
            health_card_number: healthCardNumber,
            residence_address: input.residence?.address ?? null,
            residence_municipality_istat: input.residence?.municipalityIstat ?? null,
            domicile_address: input.domicile?.address ?? null,
            domicile_municipality_istat: input.domicile?.municipalityIstat ?? null,
            domicile_cap: input.domicile?.cap ?? null,
            health_authority_code: input.healthAuthorityCode ?? null,
            phone: input.mobile ?? null,
            landline: input.landline ?? null,
            email: input.email ?? null,
            ord7_category: ord7CategoryOf(input.status, input.ord7Category, input.identifier.type),
            provenance: 'manual',
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const created = await findPersonById(trx, id);
        if (!created) throw new Error('person just inserted is not readable');
        const view = toPersonView(created);
        await recordAudit(trx, context, {
          entityType: 'person',
          entityId: id,
          action: 'create',
          after: view,
        });
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('PERSON_IDENTIFIER_EXISTS', {
          pointer: '/body/identifier/value',
          params: { identifier: taxCode ?? otherIdentifier ?? healthCardNumber ?? '' },
        });
      }
      throw error;
    }
  }

  /**
   * REG-7: the person's tax code changed; the old identity becomes obsolete and points to the current
   * one. Both rows are locked in id order (two operators linking the same pair cannot deadlock), the
   * change is audited, and linking an already linked pair again changes nothing.
   */
  async markObsolete(obsoleteId: number, currentId: number, context: ActingContext): Promise<PersonViewT> {
    if (obsoleteId === currentId) {
      throw new DomainError('PERSON_SUPERSEDE_SELF', { pointer: '/body/currentPersonId' });
    }
    return this.db.transaction().execute(async (trx) => {
      const [firstId, secondId] = obsoleteId < currentId ? [obsoleteId, currentId] : [currentId, obsoleteId];
      const locked = {
        [firstId]: await lockPerson(trx, firstId),
        [secondId]: await lockPerson(trx, secondId),
      };
      const obsolete = locked[obsoleteId];
      const current = locked[currentId];
      if (!obsolete) throw new DomainError('PERSON_NOT_FOUND', { pointer: '/params/personId' });
      if (!current) throw new DomainError('PERSON_NOT_FOUND', { pointer: '/body/currentPersonId' });
      if (obsolete.superseded_by === currentId) return toPersonView(obsolete);
      if (obsolete.status === 'obsolete') {
        throw new DomainError('PERSON_OBSOLETE', {
          params: { identifier: obsolete.superseded_by_identifier ?? '' },
        });
      }
      if (current.status === 'obsolete') {
        throw new DomainError('PERSON_OBSOLETE', {
          pointer: '/body/currentPersonId',
          params: { identifier: current.superseded_by_identifier ?? '' },
        });
      }
      await trx
        .updateTable('persons')
        .set({
          status: 'obsolete',
          superseded_by: currentId,
          version: obsolete.version + 1,
          updated_at: context.now,
        })
        .where('id', '=', obsoleteId)
        .execute();
      const after = await findPersonById(trx, obsoleteId);
      if (!after) throw new Error('person just updated is not readable');
      const view = toPersonView(after);
      await recordAudit(trx, context, {
        entityType: 'person',
        entityId: obsoleteId,
        action: 'mark_obsolete',
        before: toPersonView(obsolete),
        after: view,
      });
      return view;
    });
  }

  /**
   * REG-7: moves every record of an obsolete identity (administrations, infections, bookings,
   * entitlements, links, …) to the current one in one transaction, audited. Each module moves its own
   * records (`movers`, from their services); running it again moves nothing.
   */
  async movePersonRecords(
    obsoleteId: number,
    movers: readonly PersonRecordsMover[],
    context: ActingContext,
  ): Promise<{ from: number; to: number; moved: Record<string, number> }> {
    return this.db.transaction().execute(async (trx) => {
      const obsolete = await lockPerson(trx, obsoleteId);
      if (!obsolete) throw new DomainError('PERSON_NOT_FOUND', { pointer: '/params/personId' });
      const currentId = obsolete.superseded_by;
      if (obsolete.status !== 'obsolete' || currentId === null) {
        throw new DomainError('PERSON_NOT_OBSOLETE', { pointer: '/params/personId' });
      }
      await lockPerson(trx, currentId);
      const moved: Record<string, number> = {};
      for (const move of movers) Object.assign(moved, await move(trx, obsoleteId, currentId, context));
      await recordAudit(trx, context, {
        entityType: 'person',
        entityId: currentId,
        action: 'move_records',
        before: { from: obsoleteId },
        after: { from: obsoleteId, to: currentId, moved },
      });
      return { from: obsoleteId, to: currentId, moved };
    });
  }

  /** REG-10, REG-11: changes of names, status, places and contacts; optimistic on `version`. */
  async updatePerson(id: number, input: UpdatePersonBodyT, context: ActingContext): Promise<PersonViewT> {
    await this.checkPlace(input.residence, '/body/residence', false);
    await this.checkPlace(input.domicile, '/body/domicile', true);
    let healthCardNumber: string | null | undefined = input.healthCardNumber;
    if (input.healthCardNumber) {
      const verdict = validateHealthCardNumber(input.healthCardNumber);
      if (!verdict.valid) throw refuseAt('/body/healthCardNumber', verdict);
      healthCardNumber = verdict.normalized;
    }
    try {
      return await this.db.transaction().execute(async (trx) => {
        const before = await lockPerson(trx, id);
        if (!before) throw new DomainError('PERSON_NOT_FOUND', { pointer: '/params/personId' });
        if (before.status === 'obsolete') {
          throw new DomainError('PERSON_OBSOLETE', {
            params: { identifier: before.superseded_by_identifier ?? '' },
          });
        }
        if (before.version !== input.version)
          throw new DomainError('PERSON_VERSION_CONFLICT', { pointer: '/body/version' });
        const changes = {
          ...(input.surname !== undefined ? { surname: input.surname.trim() } : {}),
          ...(input.givenName !== undefined ? { given_name: input.givenName.trim() } : {}),
          ...(input.status !== undefined ? { status: storedStatus(input.status) } : {}),
          ...(healthCardNumber !== undefined ? { health_card_number: healthCardNumber } : {}),
          ...(input.residence !== undefined
            ? {
                residence_address: input.residence?.address ?? null,
                residence_municipality_istat: input.residence?.municipalityIstat ?? null,
              }
            : {}),
          ...(input.domicile !== undefined
            ? {
                domicile_address: input.domicile?.address ?? null,
                domicile_municipality_istat: input.domicile?.municipalityIstat ?? null,
                domicile_cap: input.domicile?.cap ?? null,
              }
            : {}),
          ...(input.healthAuthorityCode !== undefined
            ? { health_authority_code: input.healthAuthorityCode }
            : {}),
          ...(input.mobile !== undefined ? { phone: input.mobile } : {}),
          ...(input.landline !== undefined ? { landline: input.landline } : {}),
          ...(input.email !== undefined ? { email: input.email } : {}),
        };
        await trx
          .updateTable('persons')
          .set({ ...changes, version: before.version + 1, updated_at: context.now })
          .where('id', '=', id)
          .execute();
        const after = await findPersonById(trx, id);
        if (!after) throw new Error('person just updated is not readable');
        const view = toPersonView(after);
        await recordAudit(trx, context, {
          entityType: 'person',
          entityId: id,
          action: 'update',
          before: toPersonView(before),
          after: view,
        });
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError('PERSON_IDENTIFIER_EXISTS', {
          pointer: '/body/healthCardNumber',
          params: { identifier: healthCardNumber ?? '' },
        });
      }
      throw error;
    }
  }
}

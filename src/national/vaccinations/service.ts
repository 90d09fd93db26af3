import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { DomainError } from '../../platform/http/problem.ts';
import type { NationalDB } from '../db.ts';
import type {
  AbroadVaccinationInput,
  AdministrationChange,
  AdministrationReceiptT,
  HealthCardVaccinationsT,
  MobilityPageT,
} from './schemas.ts';
import type { HealthCardVaccinationsTable } from './tables.ts';
import { revokeCertificatesOf, type CertificatePlatform } from '../certificates/service.ts';

/** Serialises AVN's writes so that feed positions become visible in the order they were drawn. */
const FEED_LOCK = 50_2021_2;

type Db = Kysely<NationalDB>;

/**
 * AVN and Sistema TS as the regions see them (NAT-1..4): administrations arrive by sender id and
 * version and are applied at most once; COVID ones go on to the health-card system in the same
 * transaction; the regions read their residents' administrations given elsewhere from a feed.
 */
export class NationalVaccinationsService {
  constructor(
    private readonly db: Db,
    /** DCC-1: the certificate platform, when the simulator runs one (it needs signing keys). */
    private readonly certificates: CertificatePlatform | undefined,
  ) {}

  /** NAT-1: applies one change unless this version (or a newer one) is already there. */
  async applyChange(
    regionCode: string,
    sourceId: string,
    change: AdministrationChange,
    now: Date,
  ): Promise<AdministrationReceiptT> {
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${FEED_LOCK})`.execute(trx);
      const values = change.deleted
        ? {
            deleted: true,
            administered_on: null,
            product_code: null,
            aic: null,
            lot: null,
            dose_number: null,
            dose_kind: null,
            covid: null,
            cycle_doses: null,
          }
        : {
            deleted: false,
            administered_on: change.administeredOn,
            product_code: change.productCode,
            aic: change.aic,
            lot: change.lot,
            dose_number: change.doseNumber,
            dose_kind: change.doseKind,
            covid: change.covid,
            cycle_doses: change.cycleDoses ?? null,
          };
      const applied = await trx
        .insertInto('administrations')
        .values({
          region_code: regionCode,
          source_id: sourceId,
          version: change.version,
          person_identifier: change.personIdentifier,
          received_at: now,
          ...values,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['region_code', 'source_id'])
            .doUpdateSet({
              ...values,
              version: change.version,
              person_identifier: change.personIdentifier,
              received_at: now,
              change_sequence: sql<string>`nextval('administration_changes')`,
            })
            .where('administrations.version', '<', change.version),
        )
        .returning('version')
        .executeTakeFirst();
      if (applied === undefined) {
        const stored = await trx
          .selectFrom('administrations')
          .select('version')
          .where('region_code', '=', regionCode)
          .where('source_id', '=', sourceId)
          .executeTakeFirstOrThrow();
        return {
          outcome: stored.version === change.version ? 'duplicate' : 'superseded',
          version: stored.version,
        };
      }
      await this.mirrorToHealthCard(trx, regionCode, sourceId, change, now);
      return { outcome: 'applied', version: change.version };
    });
  }

  /** NAT-3: the health-card system holds all and only the COVID administrations of AVN. */
  private async mirrorToHealthCard(
    trx: Transaction<NationalDB>,
    regionCode: string,
    sourceId: string,
    change: AdministrationChange,
    now: Date,
  ): Promise<void> {
    if (change.deleted || !change.covid) {
      const held = await trx
        .selectFrom('health_card_vaccinations')
        .select('id')
        .where('region_code', '=', regionCode)
        .where('source_id', '=', sourceId)
        .execute();
      // DCC-3: a deleted vaccination's certificate is revoked, none issued in its place; revoked first,
      // because a certificate in force must belong to a vaccination (the table's check).
      await revokeCertificatesOf(
        trx,
        held.map((row) => row.id),
        now,
      );
      await trx
        .deleteFrom('health_card_vaccinations')
        .where('region_code', '=', regionCode)
        .where('source_id', '=', sourceId)
        .execute();
      return;
    }
    const values = {
      person_identifier: change.personIdentifier,
      administered_on: change.administeredOn,
      product_code: change.productCode,
      aic: change.aic,
      dose_number: change.doseNumber,
      dose_kind: change.doseKind,
      cycle_doses: change.cycleDoses ?? null,
      recorded_at: now,
    };
    const row = await trx
      .insertInto('health_card_vaccinations')
      .values({ ...values, source: 'registry', region_code: regionCode, source_id: sourceId })
      .onConflict((conflict) => conflict.columns(['region_code', 'source_id']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.certificates?.issue(trx, row, now);
  }

  /**
   * NAT-2: the administrations given in other regions to the people `region` assists, changes
   * included (a deletion arrives as `deleted`), after a position of the feed, oldest first.
   */
  async mobility(region: string, after: string, limit: number): Promise<MobilityPageT> {
    const rows = await this.db
      .selectFrom('administrations as a')
      .innerJoin('persons as p', 'p.identifier', 'a.person_identifier')
      .selectAll('a')
      .where('p.region_code', '=', region)
      .where('a.region_code', '<>', region)
      .where('a.change_sequence', '>', after)
      .orderBy('a.change_sequence')
      .limit(limit)
      .execute();
    return {
      items: rows.map((row) => ({
        regionCode: row.region_code,
        sourceId: row.source_id,
        version: row.version,
        deleted: row.deleted,
        personIdentifier: row.person_identifier,
        administeredOn: row.administered_on,
        productCode: row.product_code,
        aic: row.aic,
        lot: row.lot,
        doseNumber: row.dose_number,
        doseKind: row.dose_kind,
      })),
      next: rows.at(-1)?.change_sequence ?? after,
    };
  }

  /** NAT-4 "check all regions": the person's COVID vaccinations in the health-card system. */
  async healthCardVaccinations(identifier: string): Promise<HealthCardVaccinationsT> {
    const rows = await this.db
      .selectFrom('health_card_vaccinations')
      .selectAll()
      .where('person_identifier', '=', identifier)
      .orderBy('administered_on')
      .orderBy('id')
      .execute();
    return { identifier, vaccinations: rows.map(toHealthCardVaccination) };
  }

  /** NAT-3: a vaccination given abroad, entered by the local health authority; it stays here. */
  async enterAbroad(identifier: string, input: AbroadVaccinationInput, now: Date) {
    const person = await this.db
      .selectFrom('persons')
      .select('identifier')
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    if (person === undefined)
      throw new DomainError('NATIONAL_PERSON_NOT_FOUND', { pointer: '/params/identifier' });
    const row = await this.db.transaction().execute(async (trx) => {
      const entered = await trx
        .insertInto('health_card_vaccinations')
        .values({
          person_identifier: identifier,
          source: 'abroad',
          region_code: null,
          source_id: null,
          country_code: input.countryCode,
          administered_on: input.administeredOn,
          product_code: input.productCode,
          aic: null,
          dose_number: input.doseNumber,
          dose_kind: input.doseKind,
          entered_by: input.enteredBy,
          recorded_at: now,
          cycle_doses: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await this.certificates?.issue(trx, entered, now);
      return entered;
    });
    return toHealthCardVaccination(row);
  }
}

function toHealthCardVaccination(row: Selectable<HealthCardVaccinationsTable>) {
  return {
    source: row.source,
    regionCode: row.region_code,
    countryCode: row.country_code,
    administeredOn: row.administered_on,
    productCode: row.product_code,
    aic: row.aic,
    doseNumber: row.dose_number,
    doseKind: row.dose_kind,
  };
}

import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { romeDate, type Clock } from '../../platform/clock.ts';
import { ageOn } from '../../platform/calendar.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { listProducts, type ProductEntry } from '../reference/service.ts';
import type { BookingService } from '../booking/service.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import {
  administrationsOf,
  anomalyReports,
  competentAuthority,
  infectionsOf,
  insertAdministration,
  insertAnomalyReport,
  insertConsent,
  insertInfection,
  lateRecordCounts,
  lockAdministration,
  lockAnomalyReport,
  lockInfection,
  lockPersonForDose,
  personStatus,
  updateAdministration,
  updateAnomalyReport,
  updateInfection,
  type AdministrationRow,
  type AnomalyReportRow,
  type InfectionRow,
} from './repo.ts';
import {
  allowedSigners,
  categoryRefusal,
  contactsTickRefusal,
  cycleState,
  infectionEntryRefusal,
  kindOfDoseNumber,
  needsJudgeValidation,
  doseFindings,
  GIAVA_2021_POLICY,
  isCertificateMobile,
  proposeDose,
  type ConsentSituation,
  type DoseKind,
  type Infection,
  type PastDose,
  type ProductFacts,
  type RiskCategory,
  type SignerCapacity,
  type VaccinationPolicy,
} from './rules.ts';
import type { AdministrationsTable, InfectionsTable } from './tables.ts';
import './errors.ts';

/** SNOMED CT 840539006: COVID-19, the disease the COVID-only rules apply to. */
const COVID_19 = '840539006';

export interface InfectionInput {
  testType: InfectionsTable['test_type'];
  sampledOn: string;
  resultOn: string;
  recoveredOn: string | null;
  /** VAX-16: a test abroad names the country, otherwise the region. */
  place: { countryCode: string } | { regionCode: string };
}

/** The rules' view of recorded infections: VAX-17 counts only molecular tests. */
const infectionFacts = (rows: readonly InfectionRow[]): Infection[] =>
  rows.map((row) => ({
    positiveOn: row.sampled_on,
    molecular: row.test_type === 'molecular',
    recoveredOn: row.recovered_on,
  }));

export interface AdministrationInput {
  personId: number | undefined;
  /** Check-in: the booking being fulfilled gives the person and, when not given, the product. */
  bookingCode: string | undefined;
  productCode: string | undefined;
  administeredAt: Date;
  lot: string;
  lotExpiry: string;
  volumeMl: number;
  riskCategory: RiskCategory;
  healthCondition: string;
  route: AdministrationsTable['route'];
  site: AdministrationsTable['site'];
  paymentMode: AdministrationsTable['payment_mode'];
  vaccinationPointId: number;
  /** Only "additional" is the operator's to choose (VAX-9); otherwise the kind follows the history. */
  additionalDose: boolean;
  /** VAX-12, VAX-13: "I confirm this dose was actually given", for a non-conforming dose. */
  override: boolean;
  /** VAX-20..22: the certificate contacts and the operator's tick. */
  certificateContacts: { mobile: string | null; email: string | null; confirmed: boolean };
  /** CONS-1..3: the consent given for this dose; required when it opens a cycle or is a booster. */
  consent: ConsentInput | undefined;
  /** CONS-4: at a later dose of a cycle, whether the person's health changed since the consent. */
  healthChanged: boolean | undefined;
}

export interface ConsentInput {
  formVersion: string;
  informationNoteRead: boolean;
  signerCapacity: SignerCapacity;
  signerName: string;
  situation: Omit<ConsentSituation, 'age'>;
  /** CONS-3: whether the people a director must hear could be reached. */
  heardReachable: boolean;
}

const productFacts = (entry: ProductEntry): ProductFacts => ({
  code: entry.code,
  primaryCycleDoses: entry.primaryCycleDoses,
  // Centrally authorised products carry their Union Register number; products given abroad do not.
  emaAuthorised: entry.euProductCode !== null,
  platform: entry.platform,
  minDaysToSecondDose: entry.intervals.find((i) => i.afterDose === 1)?.minDays ?? null,
});

/** The rules' view of the catalogue's products against the same disease as `product`, by code. */
const productsAgainst = (
  catalogue: readonly ProductEntry[],
  product: ProductEntry,
): ReadonlyMap<string, ProductFacts> =>
  new Map(
    catalogue
      .filter((entry) => entry.targetDisease.snomed === product.targetDisease.snomed)
      .map((entry) => [entry.code, productFacts(entry)]),
  );

/** The rules' view of the administrations of one disease (the products in `sameDisease`). */
const pastDoses = (
  rows: readonly AdministrationRow[],
  sameDisease: ReadonlyMap<string, ProductFacts>,
): PastDose[] =>
  rows.flatMap((row) => {
    const facts = sameDisease.get(row.product_code);
    return facts === undefined
      ? []
      : [{ date: row.administered_on, product: facts, doseNumber: row.dose_number, kind: row.dose_kind }];
  });

/**
 * The immunization registry's use cases (spec 40-vaccination.md), first slice: recording an
 * administration with its dose number and admissibility, the person's history here, late records.
 */
export class VaccinationService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly eligibility: EligibilityService,
    private readonly booking: BookingService,
    private readonly policy: VaccinationPolicy = GIAVA_2021_POLICY,
  ) {}

  /**
   * VAX-1..4, VAX-6, VAX-9..13, VAX-20..22: records an administration. The dose number and kind come
   * from the person's history (read under a lock on the person, so two records at once are numbered one
   * after the other); a refusal is never recorded, a non-conforming dose only with the override.
   */
  async record(input: AdministrationInput, context: ActingContext): Promise<AdministrationRow> {
    let personId = input.personId;
    let productCode = input.productCode;
    let bookingId: number | null = null;
    if (input.bookingCode !== undefined) {
      const booking = await this.booking.getBooking(input.bookingCode, undefined);
      if (personId !== undefined && personId !== booking.person_id) {
        throw new DomainError('CHECK_IN_BOOKING_OF_ANOTHER_PERSON', {
          pointer: '/bookingCode',
          params: { code: input.bookingCode },
        });
      }
      personId = booking.person_id;
      productCode ??= booking.product_code;
      bookingId = booking.id;
    }
    if (personId === undefined)
      throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
    const on = romeDate(input.administeredAt);
    // A product not yet in the catalogue on the day (not authorised then) is as unknown as a wrong code.
    const catalogue = (await listProducts(this.db)).filter((entry) => entry.effectiveFrom <= on);
    const product = catalogue.find((entry) => entry.code === productCode);
    if (product === undefined) {
      throw new DomainError('ADMINISTRATION_PRODUCT_UNKNOWN', {
        pointer: '/productCode',
        params: { product: productCode ?? '' },
      });
    }
    if (input.administeredAt > this.clock.now()) {
      throw new DomainError('ADMINISTRATION_IN_THE_FUTURE', { pointer: '/administeredAt' });
    }
    if (input.lotExpiry < on) {
      throw new DomainError('LOT_EXPIRED', {
        pointer: '/lotExpiry',
        params: { expiry: input.lotExpiry, date: on },
      });
    }
    const covid = product.targetDisease.snomed === COVID_19;
    const contacts = input.certificateContacts;
    if (contactsTickRefusal(covid, contacts.confirmed) !== null) {
      throw new DomainError('CERTIFICATE_CONTACTS_NOT_CONFIRMED', {
        pointer: '/certificateContacts/confirmed',
      });
    }
    if (covid && contacts.mobile !== null && !isCertificateMobile(contacts.mobile)) {
      throw new DomainError('CERTIFICATE_MOBILE_INVALID', { pointer: '/certificateContacts/mobile' });
    }
    const planVersion = covid ? (await this.eligibility.planInForce(on)).national.id : null;
    const sameDisease = productsAgainst(catalogue, product);
    const forPerson = personId;
    return this.db.transaction().execute(async (trx) => {
      const person = await lockPersonForDose(trx, forPerson);
      if (person === undefined)
        throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
      const history = pastDoses(await administrationsOf(trx, forPerson), sameDisease);
      const infections = covid ? infectionFacts(await infectionsOf(trx, forPerson)) : [];
      const facts = productFacts(product);
      let doseNumber = history.length + 1;
      let kind: DoseKind = 'primary';
      let overridden: ReturnType<typeof doseFindings> = [];
      if (covid) {
        const proposal = proposeDose(history, infections, on, this.policy);
        if ('refusal' in proposal) {
          throw new DomainError(proposal.refusal, { params: { allowedFrom: proposal.allowedFrom } });
        }
        doseNumber = proposal.doseNumber;
        kind = input.additionalDose ? 'additional' : proposal.kind;
        const findings = doseFindings(
          { date: on, kind, product: facts, volumeMl: input.volumeMl },
          {
            birthDate: person.birth_date,
            riskCategory: input.riskCategory,
            healthCondition: input.healthCondition,
          },
          history,
          infections,
          this.policy,
        );
        const refusal = findings.find((finding) => finding.severity === 'refusal');
        if (refusal !== undefined) throw new DomainError(refusal.code, { params: refusal.params ?? {} });
        if (findings.length > 0 && !input.override) {
          throw new DomainError('DOSE_NON_CONFORMING', {
            params: { findings: findings.map((finding) => `${finding.rule} ${finding.code}`).join(', ') },
            extensions: { findings },
          });
        }
        overridden = findings;
      }
      // CONS-4: a dose that opens a cycle (or a booster, or any non-COVID vaccination) needs its own
      // consent; a later dose of a cycle relies on the first one's and records whether health changed.
      const opensConsent = !covid || kind === 'booster' || doseNumber === 1;
      const consent = input.consent;
      if (consent === undefined && opensConsent)
        throw new DomainError('CONSENT_REQUIRED', { pointer: '/consent' });
      if (consent === undefined && input.healthChanged === undefined) {
        throw new DomainError('CONSENT_HEALTH_CHANGE_REQUIRED', { pointer: '/healthChanged' });
      }
      if (consent !== undefined) this.checkConsent(consent, ageOn(person.birth_date, on), true);
      const row = await insertAdministration(
        trx,
        {
          person_id: forPerson,
          administered_at: input.administeredAt,
          administered_on: on,
          recorded_at: context.now,
          product_code: product.code,
          aic: product.aic,
          lot: input.lot,
          lot_expiry: input.lotExpiry,
          volume_ml: input.volumeMl,
          risk_category: input.riskCategory,
          health_condition: input.healthCondition,
          route: input.route,
          site: input.site,
          payment_mode: input.paymentMode,
          vaccination_point_id: input.vaccinationPointId,
          dose_number: doseNumber,
          assigned_dose_number: doseNumber,
          dose_kind: kind,
          operator_account_id: Number(context.actorId),
          booking_id: bookingId,
          plan_national_version: planVersion,
          overridden_findings: JSON.stringify(overridden),
          health_changed_since_consent: consent === undefined ? (input.healthChanged ?? null) : null,
        },
        covid
          ? {
              mobile: contacts.mobile,
              email: contacts.email,
              none_given: contacts.mobile === null && contacts.email === null,
            }
          : null,
      );
      await recordAudit(trx, context, {
        entityType: 'administration',
        entityId: row.id,
        action: overridden.length > 0 ? 'record_with_override' : 'record',
        after: row,
      });
      if (consent !== undefined) {
        await this.storeConsent(trx, forPerson, row.id, 'accepted', consent, context);
      }
      return row;
    });
  }

  /**
   * VAX-7, VAX-8a: any registry user may correct the dose number. The number gives the dose its kind in
   * the person's cycle (primary within it, booster beyond), and the admissibility that does not hang on
   * the history here (category, condition, age: VAX-9, VAX-10) is checked, since a number is forced
   * precisely when the history here is incomplete. Audited before → after; a second forcing is flagged.
   */
  async forceDoseNumber(
    id: number,
    doseNumber: number,
    context: ActingContext,
  ): Promise<{ administration: AdministrationRow; forcedBefore: boolean }> {
    const catalogue = await listProducts(this.db);
    return this.db.transaction().execute(async (trx) => {
      const before = await lockAdministration(trx, id);
      if (before === undefined) throw new DomainError('ADMINISTRATION_NOT_FOUND', { pointer: '/id' });
      const person = await lockPersonForDose(trx, before.person_id);
      const product = catalogue.find((entry) => entry.code === before.product_code);
      if (person === undefined || product === undefined)
        throw new Error(`administration ${id} lost its person or product`);
      const sameDisease = productsAgainst(catalogue, product);
      const history = pastDoses(await administrationsOf(trx, before.person_id), sameDisease);
      const cycle = cycleState(
        history,
        infectionFacts(await infectionsOf(trx, before.person_id)),
        this.policy,
      );
      const kind = kindOfDoseNumber(doseNumber, cycle.dosesNeeded, before.dose_kind);
      if (product.targetDisease.snomed === COVID_19) {
        const refusal = categoryRefusal(
          kind,
          {
            birthDate: person.birth_date,
            riskCategory: before.risk_category,
            healthCondition: before.health_condition,
          },
          before.administered_on,
          this.policy,
        );
        if (refusal !== null) throw new DomainError(refusal.code, { params: refusal.params ?? {} });
      }
      const after = await updateAdministration(trx, id, {
        dose_number: doseNumber,
        dose_kind: kind,
        dose_number_forced_at: context.now,
        dose_number_forced_by: Number(context.actorId),
      });
      await recordAudit(trx, context, {
        entityType: 'administration',
        entityId: id,
        action: 'force_dose_number',
        before,
        after,
      });
      return { administration: after, forcedBefore: before.dose_number_forced_at !== null };
    });
  }

  /** VAX-8a: the fields of an administration are changed only by users of the point that recorded it. */
  async updateFields(
    id: number,
    changes: Partial<
      Pick<
        AdministrationInput,
        'lot' | 'lotExpiry' | 'site' | 'route' | 'paymentMode' | 'riskCategory' | 'healthCondition'
      >
    >,
    actorPointIds: readonly number[],
    context: ActingContext,
  ): Promise<AdministrationRow> {
    return this.db.transaction().execute(async (trx) => {
      const before = await lockAdministration(trx, id);
      if (before === undefined) throw new DomainError('ADMINISTRATION_NOT_FOUND', { pointer: '/id' });
      if (!actorPointIds.includes(before.vaccination_point_id)) {
        throw new DomainError('ADMINISTRATION_EDIT_OUT_OF_SCOPE');
      }
      const lotExpiry = changes.lotExpiry ?? before.lot_expiry;
      if (lotExpiry < before.administered_on) {
        throw new DomainError('LOT_EXPIRED', {
          pointer: '/lotExpiry',
          params: { expiry: lotExpiry, date: before.administered_on },
        });
      }
      const after = await updateAdministration(trx, id, {
        lot: changes.lot ?? before.lot,
        lot_expiry: lotExpiry,
        site: changes.site ?? before.site,
        route: changes.route ?? before.route,
        payment_mode: changes.paymentMode ?? before.payment_mode,
        risk_category: changes.riskCategory ?? before.risk_category,
        health_condition: changes.healthCondition ?? before.health_condition,
      });
      await recordAudit(trx, context, {
        entityType: 'administration',
        entityId: id,
        action: 'update',
        before,
        after,
      });
      return after;
    });
  }

  /** VAX-16: an operator enters an infection from another region, from abroad or missing from surveillance. */
  async enterInfection(
    personId: number,
    input: InfectionInput,
    context: ActingContext,
  ): Promise<InfectionRow> {
    this.checkInfectionDates(input, context.now);
    if ((await personStatus(this.db, personId)) === undefined) {
      throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
    }
    return this.db.transaction().execute(async (trx) => {
      const row = await insertInfection(trx, {
        person_id: personId,
        source: 'operator',
        test_type: input.testType,
        sampled_on: input.sampledOn,
        result_on: input.resultOn,
        recovered_on: input.recoveredOn,
        country_code: 'countryCode' in input.place ? input.place.countryCode : null,
        region_code: 'regionCode' in input.place ? input.place.regionCode : null,
        recorded_at: context.now,
        recorded_by: context.actorId,
      });
      await recordAudit(trx, context, {
        entityType: 'infection',
        entityId: row.id,
        action: 'enter',
        after: row,
      });
      return row;
    });
  }

  /** VAX-14: operators' entries can be corrected; infections from regional surveillance cannot. */
  async correctInfection(
    id: number,
    changes: Partial<Omit<InfectionInput, 'place'>>,
    context: ActingContext,
  ): Promise<InfectionRow> {
    return this.db.transaction().execute(async (trx) => {
      const before = await lockInfection(trx, id);
      if (before === undefined) throw new DomainError('INFECTION_NOT_FOUND', { pointer: '/id' });
      if (before.source === 'surveillance') throw new DomainError('INFECTION_NOT_EDITABLE');
      const merged = {
        testType: changes.testType ?? before.test_type,
        sampledOn: changes.sampledOn ?? before.sampled_on,
        resultOn: changes.resultOn ?? before.result_on,
        recoveredOn: changes.recoveredOn === undefined ? before.recovered_on : changes.recoveredOn,
      };
      this.checkInfectionDates(merged, context.now);
      const after = await updateInfection(trx, id, {
        test_type: merged.testType,
        sampled_on: merged.sampledOn,
        result_on: merged.resultOn,
        recovered_on: merged.recoveredOn,
      });
      await recordAudit(trx, context, {
        entityType: 'infection',
        entityId: id,
        action: 'correct',
        before,
        after,
      });
      return after;
    });
  }

  private checkInfectionDates(
    dates: { sampledOn: string; resultOn: string; recoveredOn: string | null },
    now: Date,
  ): void {
    const refusal = infectionEntryRefusal({
      sampledOn: dates.sampledOn,
      resultOn: dates.resultOn,
      recoveredOn: dates.recoveredOn,
    });
    if (refusal !== null) {
      throw new DomainError(refusal, {
        pointer: refusal === 'INFECTION_RESULT_BEFORE_SAMPLE' ? '/resultOn' : '/recoveredOn',
      });
    }
    const today = romeDate(now);
    if ([dates.sampledOn, dates.resultOn, dates.recoveredOn ?? ''].some((date) => date > today)) {
      throw new DomainError('INFECTION_IN_THE_FUTURE');
    }
  }

  /**
   * VAX-15 "check infection": none recorded (with the warning, for a person outside the regional
   * health service, that the information may be incomplete), or each infection since its first positive
   * sample, its recovery, and whether it can be edited here (VAX-14).
   */
  async checkInfections(personId: number) {
    const status = await personStatus(this.db, personId);
    if (status === undefined)
      throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
    const rows = await infectionsOf(this.db, personId);
    return {
      recorded: rows.length > 0,
      // Outside the regional health service the registry may not know: ask during the anamnesis.
      mayBeIncomplete: status !== 'active',
      infections: rows.map((row) => ({
        id: row.id,
        since: row.sampled_on,
        recoveredOn: row.recovered_on,
        testType: row.test_type,
        editable: row.source === 'operator',
      })),
    };
  }

  /** VAX-19: a report of wrong registry or national data, routed to the competent health authority. */
  async fileAnomalyReport(
    input: {
      personId: number;
      administrationId: number | null;
      concerns: 'registry' | 'national';
      description: string;
    },
    context: ActingContext,
  ): Promise<AnomalyReportRow> {
    const routing = await competentAuthority(this.db, input.personId, input.administrationId);
    if (!routing.personFound)
      throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
    if (!routing.administrationOfPerson) {
      throw new DomainError('ANOMALY_ADMINISTRATION_OF_ANOTHER_PERSON', { pointer: '/administrationId' });
    }
    if (routing.authority === null) throw new DomainError('ANOMALY_NO_COMPETENT_AUTHORITY');
    const authority = routing.authority;
    return this.db.transaction().execute(async (trx) => {
      const row = await insertAnomalyReport(trx, {
        person_id: input.personId,
        administration_id: input.administrationId,
        concerns: input.concerns,
        description: input.description,
        health_authority_code: authority,
        status: 'open',
        created_at: context.now,
        created_by: context.actorId,
        updated_at: context.now,
      });
      await recordAudit(trx, context, {
        entityType: 'anomaly_report',
        entityId: row.id,
        action: 'file',
        after: row,
      });
      return row;
    });
  }

  /** VAX-19: the reports of some authorities (null: all), optionally by status, oldest first. */
  async anomalyReports(filter: {
    authorities: readonly string[] | null;
    status: AnomalyReportRow['status'] | undefined;
  }) {
    return anomalyReports(this.db, filter);
  }

  /** VAX-19: the competent office takes a report in hand or closes it with its resolution. */
  async moveAnomalyReport(
    id: number,
    change: { status: 'in_progress' | 'closed'; resolution: string | undefined },
    authorities: readonly string[] | null,
    context: ActingContext,
  ): Promise<AnomalyReportRow> {
    return this.db.transaction().execute(async (trx) => {
      const before = await lockAnomalyReport(trx, id);
      if (before === undefined) throw new DomainError('ANOMALY_REPORT_NOT_FOUND', { pointer: '/id' });
      if (authorities !== null && !authorities.includes(before.health_authority_code)) {
        throw new DomainError('ANOMALY_REPORT_OUT_OF_SCOPE');
      }
      if (before.status === 'closed') throw new DomainError('ANOMALY_REPORT_CLOSED');
      if (change.status === 'closed' && change.resolution === undefined) {
        throw new DomainError('ANOMALY_RESOLUTION_REQUIRED', { pointer: '/resolution' });
      }
      const after = await updateAnomalyReport(trx, id, {
        status: change.status,
        resolution: change.status === 'closed' ? (change.resolution ?? null) : null,
        updated_at: context.now,
      });
      await recordAudit(trx, context, {
        entityType: 'anomaly_report',
        entityId: id,
        action: change.status,
        before,
        after,
      });
      return after;
    });
  }

  /**
   * CONS-1..3: the consent must follow the information note (unless it is a refusal), and be signed in a
   * capacity the person's situation allows.
   */
  private checkConsent(consent: ConsentInput, age: number, accepted: boolean): void {
    if (accepted && !consent.informationNoteRead) {
      throw new DomainError('CONSENT_INFORMATION_NOT_READ', { pointer: '/consent/informationNoteRead' });
    }
    const signers = allowedSigners({ ...consent.situation, age });
    if (!signers.includes(consent.signerCapacity)) {
      throw new DomainError('CONSENT_SIGNER_NOT_ALLOWED', {
        pointer: '/consent/signerCapacity',
        params: { allowed: signers.join(', ') },
      });
    }
  }

  private async storeConsent(
    trx: Transaction<DB>,
    personId: number,
    administrationId: number | null,
    decision: 'accepted' | 'refused',
    consent: ConsentInput,
    context: ActingContext,
  ) {
    const row = await insertConsent(trx, {
      person_id: personId,
      administration_id: administrationId,
      decision,
      form_version: consent.formVersion,
      information_note_read: consent.informationNoteRead,
      signer_capacity: consent.signerCapacity,
      signer_name: consent.signerName,
      // CONS-3: the judge validates a director's consent within 48 hours when those heard were not reached.
      judge_validation_due_at: needsJudgeValidation(consent.signerCapacity, consent.heardReachable)
        ? new Date(context.now.getTime() + 48 * 60 * 60 * 1000)
        : null,
      recorded_at: context.now,
      recorded_by: context.actorId,
    });
    await recordAudit(trx, context, {
      entityType: 'consent',
      entityId: row.id,
      action: decision,
      after: row,
    });
    return row;
  }

  /**
   * CONS-5: a refusal is recorded, never overridden. For a health worker vaccination is a legal duty
   * (DL 44/2021): the answer says so, for the authority's procedure.
   */
  async recordRefusal(
    personId: number,
    consent: ConsentInput,
    healthWorker: boolean,
    context: ActingContext,
  ) {
    const refusal = await this.db.transaction().execute(async (trx) => {
      const found = await lockPersonForDose(trx, personId);
      if (found === undefined)
        throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
      this.checkConsent(consent, ageOn(found.birth_date, romeDate(context.now)), false);
      return this.storeConsent(trx, personId, null, 'refused', consent, context);
    });
    return { consent: refusal, legalDuty: healthWorker };
  }

  /** VAX-5: the person's administrations recorded here, in date order. */
  async history(personId: number): Promise<AdministrationRow[]> {
    return administrationsOf(this.db, personId);
  }

  /** VAX-3: records made later than `lateAfterMinutes` after the administration, by point and operator. */
  async lateRecords(filter: {
    from: string;
    to: string;
    lateAfterMinutes: number;
    pointIds: readonly number[] | null;
  }) {
    return lateRecordCounts(this.db, filter);
  }
}

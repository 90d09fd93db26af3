import { sql, type Kysely, type Transaction } from 'kysely';
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
  administrationsOfBookings,
  consentsOf,
  latestCertificateContacts,
  anomalyReports,
  competentAuthority,
  consentsAwaitingJudge,
  lockConsent,
  setJudgeValidation,
  findAdministration,
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
  isCertificateMobile,
  proposeDose,
  infectionStanding,
  nextDoseDue,
  compareWithNational,
  proposedDoseNumber,
  type ComparedDose,
  type ConsentSituation,
  type DoseKind,
  type Infection,
  type NonConformingFinding,
  type PastDose,
  type ProductFacts,
  type RiskCategory,
  type SignerCapacity,
} from './rules.ts';
import type { AdministrationsTable, InfectionsTable } from './tables.ts';
import {
  NationalUnavailableError,
  type AbroadVaccinationInput,
  type NationalClient,
} from '../../national/client.ts';
import { policyInForce, shippedRegistryPolicies, type RegistryPolicyVersion } from './policy-file.ts';
import { mobilityOf, personIdentifierOf, pendingAdministrationIds } from './national-repo.ts';
import { NonConformingDoseError } from './errors.ts';

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

/** VAX-14: operators' entries are corrected here; surveillance's only at their source. */
function correctable(row: InfectionRow | undefined): InfectionRow {
  if (row === undefined) throw new DomainError('INFECTION_NOT_FOUND', { pointer: '/id' });
  if (row.source === 'surveillance') throw new DomainError('INFECTION_NOT_EDITABLE');
  return row;
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

/**
 * The rules' view of a person's administrations of one disease (the products in `sameDisease`), those
 * recorded here and those given in other regions (NAT-2), in date order.
 */
async function pastDoses(
  db: Kysely<DB>,
  personId: number,
  sameDisease: ReadonlyMap<string, ProductFacts>,
): Promise<PastDose[]> {
  const here = await administrationsOf(db, personId);
  const elsewhere = await mobilityOf(db, personId);
  return [...here, ...elsewhere]
    .flatMap((row) => {
      const facts = sameDisease.get(row.product_code ?? '');
      return facts === undefined || row.administered_on === null || row.dose_number === null
        ? []
        : [
            {
              date: row.administered_on,
              product: facts,
              doseNumber: row.dose_number,
              kind: row.dose_kind ?? 'primary',
            },
          ];
    })
    .sort((a, b) => a.date.localeCompare(b.date));
}

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
    private readonly national: NationalClient,
    private readonly regionCode: string,
    private readonly policies: readonly RegistryPolicyVersion[] = shippedRegistryPolicies(),
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
      if (booking.status !== 'confirmed') {
        throw new DomainError('CHECK_IN_BOOKING_CANCELLED', {
          pointer: '/bookingCode',
          params: { code: input.bookingCode },
        });
      }
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
    const products = await listProducts(this.db);
    const catalogue = products.filter((entry) => entry.effectiveFrom <= on);
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
    const planVersion = covid ? await this.nationalPlanOn(on) : null;
    const sameDisease = productsAgainst(catalogue, product);
    const forPerson = personId;
    return this.db.transaction().execute(async (trx) => {
      const person = await lockPersonForDose(trx, forPerson);
      if (person === undefined)
        throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
      const history = await pastDoses(trx, forPerson, sameDisease);
      const infections = covid ? infectionFacts(await infectionsOf(trx, forPerson)) : [];
      const facts = productFacts(product);
      let doseNumber = history.length + 1;
      let kind: DoseKind = 'primary';
      let cycleDoses: number | null = null;
      let overridden: ReturnType<typeof doseFindings> = [];
      if (covid) {
        const proposal = proposeDose(history, infections, on, policyInForce(this.policies, on));
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
          policyInForce(this.policies, on),
        );
        const refusal = findings.find((finding) => finding.severity === 'refusal');
        if (refusal !== undefined) throw new DomainError(refusal.code, { params: refusal.params ?? {} });
        const nonConforming = findings.filter(
          (finding): finding is NonConformingFinding => finding.severity === 'non_conforming',
        );
        if (nonConforming.length > 0 && !input.override) {
          throw new NonConformingDoseError(
            nonConforming,
            // VAX-12 names the product due, which may not be in the day's catalogue.
            new Map(products.map((entry) => [entry.code, entry.name])),
          );
        }
        overridden = findings;
        cycleDoses = cycleState(
          [...history, { date: on, product: facts, doseNumber, kind }],
          infections,
          policyInForce(this.policies, on),
        ).dosesNeeded;
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
          cycle_doses: cycleDoses,
        },
        covid
          ? {
              mobile: contacts.mobile,
              email: contacts.email,
              none_given: contacts.mobile === null && contacts.email === null,
            }
          : null,
      ).catch((error: unknown) => {
        // Check-in: the booking is fulfilled by a record already (booking_id is unique).
        if (
          typeof error === 'object' &&
          error !== null &&
          'constraint' in error &&
          error.constraint === 'administrations_booking_id_key'
        ) {
          throw new DomainError('CHECK_IN_BOOKING_ALREADY_FULFILLED', {
            pointer: '/bookingCode',
            params: { code: input.bookingCode ?? '' },
          });
        }
        throw error;
      });
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
    reason?: string,
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
      const history = await pastDoses(trx, before.person_id, sameDisease);
      const cycle = cycleState(
        history,
        infectionFacts(await infectionsOf(trx, before.person_id)),
        policyInForce(this.policies, before.administered_on),
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
          policyInForce(this.policies, before.administered_on),
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
        after: reason === undefined ? after : { ...after, forcing_reason: reason },
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
      const before = correctable(await lockInfection(trx, id));
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

  /** VAX-14: one of the person's infections, as the form that corrects it shows it. */
  async correctableInfection(personId: number, id: number): Promise<InfectionRow> {
    return correctable((await infectionsOf(this.db, personId)).find((row) => row.id === id));
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
    const covid = new Map(
      (await listProducts(this.db))
        .filter((entry) => entry.targetDisease.snomed === COVID_19)
        .map((entry) => [entry.code, productFacts(entry)]),
    );
    const history = await pastDoses(this.db, personId, covid);
    const facts = infectionFacts(rows);
    const policy = policyInForce(this.policies, romeDate(this.clock.now()));
    return {
      recorded: rows.length > 0,
      // Outside the regional health service the registry may not know: ask during the anamnesis.
      mayBeIncomplete: status !== 'active',
      infections: rows.map((row, index) => ({
        id: row.id,
        since: row.sampled_on,
        recoveredOn: row.recovered_on,
        testType: row.test_type,
        editable: row.source === 'operator',
        // VAX-17, VAX-18: how it bears on the doses; one after a dose is otherwise kept aside.
        standing: infectionStanding(facts[index] as Infection, history, facts, policy),
      })),
      nextDoseDue: nextDoseDue(history, facts, policy),
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

  /** VAX-19: one report of some authorities (null: all) and its history (its audit records, oldest first). */
  async anomalyReportWithHistory(id: number, authorities: readonly string[] | null) {
    const report = await this.db
      .selectFrom('anomaly_reports')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (report === undefined) throw new DomainError('ANOMALY_REPORT_NOT_FOUND', { pointer: '/id' });
    if (authorities !== null && !authorities.includes(report.health_authority_code)) {
      throw new DomainError('ANOMALY_REPORT_OUT_OF_SCOPE');
    }
    const history = await this.db
      .selectFrom('audit_log')
      .select(['occurred_at', 'actor_id', 'actor_role', 'action'])
      .where('entity_type', '=', 'anomaly_report')
      .where('entity_id', '=', String(id))
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    return { report, history };
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
   * CONS-3: records that the tutelary judge validated a director's consent. Recording it again changes
   * nothing; a consent that needed no validation is refused.
   */
  async recordJudgeValidation(id: number, validatedAt: Date, context: ActingContext) {
    if (validatedAt > context.now)
      throw new DomainError('CONSENT_JUDGE_IN_THE_FUTURE', { pointer: '/validatedAt' });
    return this.db.transaction().execute(async (trx) => {
      const before = await lockConsent(trx, id);
      if (before === undefined) throw new DomainError('CONSENT_NOT_FOUND', { pointer: '/id' });
      if (before.judge_validation_due_at === null) throw new DomainError('CONSENT_JUDGE_NOT_REQUIRED');
      if (before.judge_validated_at !== null) return before;
      const after = await setJudgeValidation(trx, id, validatedAt);
      await recordAudit(trx, context, {
        entityType: 'consent',
        entityId: id,
        action: 'judge_validation',
        before,
        after,
      });
      return after;
    });
  }

  /** CONS-3: the consents waiting for the judge at some points (null: all), the late ones flagged. */
  async consentsAwaitingJudge(pointIds: readonly number[] | null) {
    const now = this.clock.now();
    return (await consentsAwaitingJudge(this.db, pointIds)).map((row) => ({
      ...row,
      overdue: row.judge_validation_due_at !== null && row.judge_validation_due_at < now,
    }));
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

  /**
   * The national plan version in force on the day of a COVID dose, kept on the record; null for a dose
   * given before the first version loaded (the campaign began in December 2020, the shipped plan data in
   * March 2021): such a dose is still recorded, not refused with the plan's 503.
   */
  private async nationalPlanOn(on: string): Promise<string | null> {
    try {
      return (await this.eligibility.planInForce(on)).national.id;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PLAN_NOT_IN_FORCE') return null;
      throw error;
    }
  }

  /**
   * REG-7: moves the registry's records of an obsolete identity to the current one, inside the caller's
   * transaction, then renumbers the current identity's COVID doses from its whole history (VAX-6; numbers
   * forced by hand stay). Each renumbered dose is audited before → after, and every change of an
   * administration reaches the national outbox through its trigger (NAT-1).
   */
  async moveRecords(trx: Transaction<DB>, fromId: number, toId: number, context: ActingContext) {
    const moved: Record<string, number> = {};
    for (const [table, key] of [
      ['administrations', 'administrations'],
      ['infections', 'infections'],
      ['consents', 'consents'],
      ['anomaly_reports', 'anomalyReports'],
      ['mobility_administrations', 'mobilityAdministrations'],
    ] as const) {
      const result =
        await sql`UPDATE ${sql.table(table)} SET person_id = ${toId} WHERE person_id = ${fromId}`.execute(
          trx,
        );
      moved[key] = Number(result.numAffectedRows ?? 0n);
    }
    moved.renumbered =
      moved.administrations === 0 && moved.mobilityAdministrations === 0
        ? 0
        : await this.renumber(trx, toId, context);
    return moved;
  }

  /** VAX-6 over a merged history: each COVID dose not forced by hand gets the number its past gives it. */
  private async renumber(trx: Transaction<DB>, personId: number, context: ActingContext): Promise<number> {
    const catalogue = await listProducts(trx);
    const covid = new Map(
      catalogue
        .filter((entry) => entry.targetDisease.snomed === COVID_19)
        .map((entry) => [entry.code, productFacts(entry)]),
    );
    const infections = infectionFacts(await infectionsOf(trx, personId));
    const here = (await administrationsOf(trx, personId)).filter((row) => covid.has(row.product_code));
    const elsewhere = (await mobilityOf(trx, personId)).flatMap((row) => {
      const product = covid.get(row.product_code ?? '');
      return product && row.administered_on !== null && row.dose_number !== null
        ? [
            {
              date: row.administered_on,
              product,
              doseNumber: row.dose_number,
              kind: row.dose_kind ?? 'primary',
            },
          ]
        : [];
    });
    const timeline = [
      ...here.map((row) => ({ date: row.administered_on, row })),
      ...elsewhere.map((dose) => ({ date: dose.date, dose })),
    ].sort((a, b) => a.date.localeCompare(b.date));
    const history: PastDose[] = [];
    let renumbered = 0;
    for (const entry of timeline) {
      if ('dose' in entry) {
        history.push(entry.dose);
        continue;
      }
      const { row } = entry;
      const product = covid.get(row.product_code);
      if (product === undefined) continue;
      let doseNumber = row.dose_number;
      let kind = row.dose_kind;
      if (row.dose_number_forced_at === null) {
        const proposal = proposeDose(
          history,
          infections,
          row.administered_on,
          policyInForce(this.policies, row.administered_on),
        );
        // A dose the rules would refuse today was still given: it keeps its number.
        if (!('refusal' in proposal)) {
          doseNumber = proposal.doseNumber;
          kind = row.dose_kind === 'additional' ? 'additional' : proposal.kind;
        }
      }
      if (doseNumber !== row.dose_number || kind !== row.dose_kind) {
        const after = await updateAdministration(trx, row.id, {
          dose_number: doseNumber,
          assigned_dose_number: doseNumber,
          dose_kind: kind,
        });
        await recordAudit(trx, context, {
          entityType: 'administration',
          entityId: row.id,
          action: 'renumber_after_identity_move',
          before: row,
          after,
        });
        renumbered++;
      }
      history.push({ date: row.administered_on, product, doseNumber, kind });
    }
    return renumbered;
  }

  /**
   * VAX-1 check-in (console, issue 9): a vaccination point's bookings of a day with the person and the
   * product, each with the administration that fulfilled it (null while the person is still to come).
   */
  async checkInList(pointId: number, day: string) {
    const bookings = await this.booking.pointDayBookings(pointId, day);
    const fulfilled = await administrationsOfBookings(
      this.db,
      bookings.map((row) => row.id),
    );
    return bookings.map((row) => ({ ...row, administration_id: fulfilled.get(row.id) ?? null }));
  }

  /** CONS-1..5: the person's consents and refusals, oldest first. */
  async consentsOf(personId: number) {
    return consentsOf(this.db, personId);
  }

  /** VAX-19: the anomaly reports filed about the person, oldest first, whatever their authority. */
  async anomalyReportsOf(personId: number) {
    return anomalyReports(this.db, { authorities: null, status: undefined, personId });
  }

  /** VAX-20: what the system proposes: the certificate contacts given at the previous COVID dose. */
  async previousCertificateContacts(personId: number) {
    return (await latestCertificateContacts(this.db, personId)) ?? null;
  }

  /** VAX-5: the person's administrations recorded here, and those given in other regions (NAT-2). */
  async history(personId: number) {
    return {
      here: await administrationsOf(this.db, personId),
      otherRegions: await mobilityOf(this.db, personId),
    };
  }

  /** VAX-8a, NAT-1: only users of the recording point delete a record; the mark goes to the nation. */
  async deleteAdministration(
    id: number,
    reason: string,
    actorPointIds: readonly number[],
    context: ActingContext,
  ): Promise<AdministrationRow> {
    return this.db.transaction().execute(async (trx) => {
      const before = await lockAdministration(trx, id);
      if (before === undefined) throw new DomainError('ADMINISTRATION_NOT_FOUND', { pointer: '/id' });
      if (!actorPointIds.includes(before.vaccination_point_id)) {
        throw new DomainError('ADMINISTRATION_EDIT_OUT_OF_SCOPE');
      }
      // The booking it fulfilled can be checked in again by a correct record.
      const after = await updateAdministration(trx, id, {
        deleted_at: context.now,
        deleted_by: Number(context.actorId),
        deletion_reason: reason,
        booking_id: null,
      });
      await recordAudit(trx, context, {
        entityType: 'administration',
        entityId: id,
        action: 'delete',
        before,
        after,
      });
      return after;
    });
  }

  /**
   * VAX-5, NAT-4 "check all regions": the registry's COVID doses beside the health-card system's,
   * differences named. VAX-8: when the national system shows fewer, the registry's numbers stand and
   * an anomaly report goes to the competent authority (one open report per person is enough).
   */
  async checkAllRegions(personId: number, context: ActingContext) {
    const identifier = await personIdentifierOf(this.db, personId);
    if (identifier === undefined)
      throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
    if (identifier === null) throw new DomainError('ADMINISTRATION_PERSON_WITHOUT_IDENTIFIER');
    const national = await this.nationalDoses(identifier);
    const covidCodes = new Set(
      (await listProducts(this.db))
        .filter((entry) => entry.targetDisease.snomed === COVID_19)
        .map((entry) => entry.code),
    );
    const { here, otherRegions } = await this.history(personId);
    const inTransit = await pendingAdministrationIds(this.db, personId);
    const registry = [
      ...here
        .filter((row) => covidCodes.has(row.product_code))
        .map((row) => ({
          date: row.administered_on,
          productCode: row.product_code,
          doseNumber: row.dose_number,
          regionCode: this.regionCode,
          countryCode: null,
          inTransit: inTransit.has(row.id),
        })),
      ...otherRegions.flatMap((row) =>
        row.administered_on !== null &&
        row.product_code !== null &&
        row.dose_number !== null &&
        covidCodes.has(row.product_code)
          ? [
              {
                date: row.administered_on,
                productCode: row.product_code,
                doseNumber: row.dose_number,
                regionCode: row.region_code,
                countryCode: null,
                inTransit: false,
              },
            ]
          : [],
      ),
    ].sort((a, b) => a.date.localeCompare(b.date));
    const comparison = compareWithNational(registry, national);
    let anomalyReportId: number | null = null;
    if (comparison.nationalShowsFewer) {
      // The report names a missing dose recorded here, so that it reaches the authority that gave it.
      const missing = comparison.rows.find(
        (row) =>
          row.status === 'only_registry' && !row.inTransit && row.registry?.regionCode === this.regionCode,
      )?.registry;
      const administration = here.find(
        (row) => row.administered_on === missing?.date && row.product_code === missing.productCode,
      );
      anomalyReportId = await this.raiseNationalDiscrepancy(personId, administration?.id ?? null, context);
    }
    return { ...comparison, anomalyReportId };
  }

  /** NAT-4 through the bounded national client: an operator is told to retry, never left waiting. */
  private async nationalDoses(identifier: string): Promise<ComparedDose[]> {
    try {
      return (await this.national.healthCardVaccinations(identifier)).map((dose) => ({
        date: dose.administeredOn,
        productCode: dose.productCode,
        doseNumber: dose.doseNumber,
        regionCode: dose.regionCode,
        countryCode: dose.countryCode,
      }));
    } catch (error) {
      if (error instanceof NationalUnavailableError) {
        throw new DomainError('NATIONAL_VACCINATIONS_UNREACHABLE', { headers: { 'retry-after': '30' } });
      }
      throw error;
    }
  }

  /** VAX-8: files the discrepancy report unless one is already open for the person; its id. */
  private async raiseNationalDiscrepancy(
    personId: number,
    administrationId: number | null,
    context: ActingContext,
  ): Promise<number> {
    const open = await anomalyReports(this.db, {
      authorities: null,
      status: undefined,
      personId,
      concerns: 'national',
    });
    const pending = open.find((report) => report.status !== 'closed');
    if (pending !== undefined) return pending.id;
    const report = await this.fileAnomalyReport(
      {
        personId,
        administrationId,
        concerns: 'national',
        description:
          'VAX-8: il sistema nazionale mostra meno dosi dell’anagrafe vaccinale; vale il numero dell’anagrafe. / The national system shows fewer doses than the registry; the registry’s number stands.',
      },
      context,
    );
    return report.id;
  }

  /**
   * VAX-7: what the dose-number screen shows: the number assigned, the current one, the one the national
   * situation suggests, that situation in date order, and whether the number was forced before. When the
   * national side does not answer the screen still opens, without the national part.
   */
  async doseNumberScreen(id: number) {
    const row = await findAdministration(this.db, id);
    if (row === undefined) throw new DomainError('ADMINISTRATION_NOT_FOUND', { pointer: '/id' });
    const identifier = await personIdentifierOf(this.db, row.person_id);
    let national: ComparedDose[] | null = null;
    if (identifier) {
      try {
        national = await this.nationalDoses(identifier);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    const others = national?.filter(
      (dose) => !(dose.date === row.administered_on && dose.productCode === row.product_code),
    );
    return {
      administration: row,
      assigned: row.assigned_dose_number,
      current: row.dose_number,
      proposed: others === undefined ? null : proposedDoseNumber(others, row.administered_on),
      nationalSituation: national,
      forcedBefore: row.dose_number_forced_at !== null,
    };
  }

  /** NAT-3: a vaccination given abroad goes to the health-card system only, never to the registries. */
  async enterAbroadVaccination(personId: number, input: AbroadVaccinationInput, context: ActingContext) {
    const identifier = await personIdentifierOf(this.db, personId);
    if (identifier === undefined)
      throw new DomainError('ADMINISTRATION_PERSON_NOT_FOUND', { pointer: '/personId' });
    if (identifier === null) throw new DomainError('ADMINISTRATION_PERSON_WITHOUT_IDENTIFIER');
    let entered;
    try {
      entered = await this.national.enterAbroadVaccination(identifier, input);
    } catch (error) {
      if (error instanceof NationalUnavailableError) {
        throw new DomainError('NATIONAL_VACCINATIONS_UNREACHABLE', { headers: { 'retry-after': '30' } });
      }
      throw error;
    }
    await recordAudit(this.db, context, {
      entityType: 'person',
      entityId: personId,
      action: 'enter_abroad_vaccination',
      after: entered,
    });
    return entered;
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

import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { listVaccinationPoints } from '../reference/service.ts';
import type { AdministrationRow, AnomalyReportRow, InfectionRow } from './repo.ts';
import { VaccinationService } from './service.ts';
import { NationalSync } from './national-sync.ts';
import { createNationalClient } from '../../national/client.ts';
import type { MobilityAdministrationRow } from './national-repo.ts';
import type { MobilityAdministrationView } from './schemas.ts';
import {
  AbroadVaccinationBody,
  AwaitingJudgeView,
  ConsentIdParams,
  ConsentView,
  JudgeValidationBody,
  AbroadVaccinationView,
  AdministrationBody,
  DeletionBody,
  DoseNumberScreenView,
  NationalComparisonView,
  NationalFlowView,
  SyncRunView,
  VaccinationHistoryView,
  AdministrationChangesBody,
  AdministrationIdParams,
  AnomalyReportBody,
  AnomalyReportsQuery,
  AnomalyReportView,
  AnomalyStatusBody,
  ConsentRefusalBody,
  ConsentRefusalView,
  ForceDoseNumberBody,
  ForcedDoseView,
  InfectionBody,
  InfectionChangesBody,
  InfectionCheckView,
  InfectionIdParams,
  InfectionView,
  AdministrationView,
  LateRecordsQuery,
  LateRecordsView,
  PersonIdParams,
  CheckInPointParams,
  CheckInListQuery,
  CheckInListView,
  PersonConsentView,
  CertificateContactsProposalView,
} from './schemas.ts';

/** VAX-1: vaccinators record, and the point's administrator with them. */
const RECORDERS: readonly Role[] = ['vaccinator', 'point_admin'];
/** VAX-5: who reads a person's vaccinations before giving one or deciding on one. */
const HISTORY_READERS: readonly Role[] = ['vaccinator', 'point_admin', 'gp', 'asl_admin', 'region_admin'];
/** VAX-14, VAX-16: who enters and corrects infections missing from surveillance. */
const INFECTION_WRITERS: readonly Role[] = ['vaccinator', 'point_admin', 'asl_admin'];
/** VAX-8a: any registry user may correct a dose number. */
const REGISTRY_USERS: readonly Role[] = ['vaccinator', 'point_admin', 'asl_admin', 'region_admin'];
/** VAX-19: the offices that handle anomaly reports. */
const ANOMALY_OFFICES: readonly Role[] = ['asl_admin', 'region_admin'];
/** NAT-3: the local health authority enters vaccinations given abroad. */
const ABROAD_ENTRY: readonly Role[] = ['asl_admin'];
/** NAT-1: who may push the national flows now instead of waiting for the next run. */
const FLOW_OPERATORS: readonly Role[] = ['region_admin'];
/** VAX-3: who watches the timeliness of records. */
const REPORT_READERS: readonly Role[] = ['point_admin', 'asl_admin', 'region_admin'];

const view = (row: AdministrationRow): Static<typeof AdministrationView> => ({
  id: row.id,
  personId: row.person_id,
  administeredAt: row.administered_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
  productCode: row.product_code,
  aic: row.aic,
  lot: row.lot,
  lotExpiry: row.lot_expiry,
  volumeMl: row.volume_ml,
  riskCategory: row.risk_category,
  healthCondition: row.health_condition,
  route: row.route,
  site: row.site,
  paymentMode: row.payment_mode,
  vaccinationPointId: row.vaccination_point_id,
  doseNumber: row.dose_number,
  doseKind: row.dose_kind,
  bookingId: row.booking_id,
  planNationalVersion: row.plan_national_version,
  overriddenFindings: row.overridden_findings.map(({ rule, code }) => ({ rule, code })),
  assignedDoseNumber: row.assigned_dose_number,
  doseNumberForcedAt: row.dose_number_forced_at?.toISOString() ?? null,
});

export const vaccinationRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const eligibility = new EligibilityService(database.db, clock, config.REGION_CODE);
  const national = createNationalClient({
    baseUrl: config.NATIONAL_URL,
    token: config.NATIONAL_API_TOKEN,
    timeoutMs: config.NATIONAL_TIMEOUT_MS,
  });
  const vaccination = new VaccinationService(
    database.db,
    clock,
    eligibility,
    new BookingService(database.db, clock, eligibility),
    national,
    config.REGION_CODE,
  );
  const sync = new NationalSync(
    database.db,
    national,
    config.REGION_CODE,
    clock,
    app.log,
    config.NATIONAL_RETRY_BASE_MS,
  );
  if (config.NATIONAL_SYNC_INTERVAL_MS > 0) {
    app.addHook('onReady', (done) => {
      sync.start(config.NATIONAL_SYNC_INTERVAL_MS);
      done();
    });
    app.addHook('onClose', () => sync.stop());
  }
  const context = (request: FastifyRequest) => actingContextOf(request, clock.now());

  /** The points a staff member's reports cover: their own, their authority's, or all (null). */
  const reportScope = async (request: FastifyRequest): Promise<readonly number[] | null> => {
    const actor = request.actor;
    if (actor.kind !== 'staff' || actor.role === 'region_admin') return null;
    if (actor.role === 'point_admin') return actor.vaccinationPointIds;
    const points = await listVaccinationPoints(database.db);
    return points.filter((p) => actor.healthAuthorityCodes.includes(p.healthAuthorityCode)).map((p) => p.id);
  };

  app.post(
    '/administrations',
    {
      schema: {
        operationId: 'recordAdministration',
        tags: ['vaccination'],
        summary:
          'Record a vaccination: dose number from the history, admissibility checked, certificate contacts ticked (VAX-1..13, VAX-20..22)',
        body: AdministrationBody,
        response: { 201: AdministrationView },
      },
      config: { access: RECORDERS },
    },
    async (request, reply) => {
      const body = request.body;
      const actor = request.actor;
      if (actor.kind !== 'staff' || !actor.vaccinationPointIds.includes(body.vaccinationPointId)) {
        throw new DomainError('ADMINISTRATION_POINT_OUT_OF_SCOPE', { pointer: '/vaccinationPointId' });
      }
      const row = await vaccination.record(
        {
          personId: body.personId,
          bookingCode: body.bookingCode,
          productCode: body.productCode,
          administeredAt: new Date(body.administeredAt),
          lot: body.lot,
          lotExpiry: body.lotExpiry,
          volumeMl: body.volumeMl,
          riskCategory: body.riskCategory,
          healthCondition: body.healthCondition,
          route: body.route,
          site: body.site,
          paymentMode: body.paymentMode,
          vaccinationPointId: body.vaccinationPointId,
          additionalDose: body.additionalDose,
          override: body.override,
          certificateContacts: body.certificateContacts,
          consent: body.consent,
          healthChanged: body.healthChanged,
        },
        context(request),
      );
      return reply.code(201).send(view(row));
    },
  );

  app.put(
    '/administrations/:id/dose-number',
    {
      schema: {
        operationId: 'forceDoseNumber',
        tags: ['vaccination'],
        summary:
          'Set the dose number by hand: any registry user; admissibility checked, audited, a second forcing flagged (VAX-7, VAX-8a)',
        params: AdministrationIdParams,
        body: ForceDoseNumberBody,
        response: { 200: ForcedDoseView },
      },
      config: { access: REGISTRY_USERS },
    },
    async (request) => {
      const result = await vaccination.forceDoseNumber(
        request.params.id,
        request.body.doseNumber,
        context(request),
        request.body.reason,
      );
      return { administration: view(result.administration), forcedBefore: result.forcedBefore };
    },
  );

  app.patch(
    '/administrations/:id',
    {
      schema: {
        operationId: 'updateAdministration',
        tags: ['vaccination'],
        summary: 'Correct an administration’s fields: only users of the point that recorded it (VAX-8a)',
        params: AdministrationIdParams,
        body: AdministrationChangesBody,
        response: { 200: AdministrationView },
      },
      config: { access: RECORDERS },
    },
    async (request) => {
      const actor = request.actor;
      const points = actor.kind === 'staff' ? actor.vaccinationPointIds : [];
      return view(await vaccination.updateFields(request.params.id, request.body, points, context(request)));
    },
  );

  const infectionView = (row: InfectionRow): Static<typeof InfectionView> => ({
    id: row.id,
    personId: row.person_id,
    source: row.source,
    testType: row.test_type,
    sampledOn: row.sampled_on,
    resultOn: row.result_on,
    recoveredOn: row.recovered_on,
    countryCode: row.country_code,
    regionCode: row.region_code,
  });

  app.post(
    '/persons/:personId/infections',
    {
      schema: {
        operationId: 'enterInfection',
        tags: ['vaccination'],
        summary:
          'Enter an infection from another region, from abroad or missing from surveillance (VAX-14, VAX-16)',
        params: PersonIdParams,
        body: InfectionBody,
        response: { 201: InfectionView },
      },
      config: { access: INFECTION_WRITERS },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          infectionView(
            await vaccination.enterInfection(request.params.personId, request.body, context(request)),
          ),
        ),
  );

  app.patch(
    '/infections/:id',
    {
      schema: {
        operationId: 'correctInfection',
        tags: ['vaccination'],
        summary:
          'Correct an infection entered by an operator; those from regional surveillance are not editable (VAX-14)',
        params: InfectionIdParams,
        body: InfectionChangesBody,
        response: { 200: InfectionView },
      },
      config: { access: INFECTION_WRITERS },
    },
    async (request) =>
      infectionView(await vaccination.correctInfection(request.params.id, request.body, context(request))),
  );

  app.get(
    '/persons/:personId/infections/check',
    {
      schema: {
        operationId: 'checkInfection',
        tags: ['vaccination'],
        summary:
          'Check infection: none recorded (with a warning outside the regional health service) or since when (VAX-15)',
        params: PersonIdParams,
        response: { 200: InfectionCheckView },
      },
      config: { access: HISTORY_READERS },
    },
    async (request) => vaccination.checkInfections(request.params.personId),
  );

  const reportView = (row: AnomalyReportRow): Static<typeof AnomalyReportView> => ({
    id: row.id,
    personId: row.person_id,
    administrationId: row.administration_id,
    concerns: row.concerns,
    description: row.description,
    healthAuthorityCode: row.health_authority_code,
    status: row.status,
    resolution: row.resolution,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });
  /** VAX-19: an ASL office sees and handles its authority's reports; the region sees all. */
  const reportAuthorities = (request: FastifyRequest): readonly string[] | null =>
    request.actor.kind === 'staff' && request.actor.role === 'asl_admin'
      ? request.actor.healthAuthorityCodes
      : null;

  app.post(
    '/anomaly-reports',
    {
      schema: {
        operationId: 'fileAnomalyReport',
        tags: ['vaccination'],
        summary: 'Report wrong registry or national data, routed to the competent health authority (VAX-19)',
        body: AnomalyReportBody,
        response: { 201: AnomalyReportView },
      },
      config: { access: REGISTRY_USERS },
    },
    async (request, reply) =>
      reply.code(201).send(reportView(await vaccination.fileAnomalyReport(request.body, context(request)))),
  );

  app.get(
    '/anomaly-reports',
    {
      schema: {
        operationId: 'listAnomalyReports',
        tags: ['vaccination'],
        summary:
          'The anomaly reports of the reader’s health authority (all for the region), oldest first (VAX-19)',
        querystring: AnomalyReportsQuery,
        response: { 200: Type.Array(AnomalyReportView) },
      },
      config: { access: ANOMALY_OFFICES },
    },
    async (request) =>
      (
        await vaccination.anomalyReports({
          authorities: reportAuthorities(request),
          status: request.query.status,
        })
      ).map(reportView),
  );

  app.post(
    '/anomaly-reports/:id/status',
    {
      schema: {
        operationId: 'moveAnomalyReport',
        tags: ['vaccination'],
        summary: 'Take a report in hand or close it with its resolution (VAX-19)',
        params: AdministrationIdParams,
        body: AnomalyStatusBody,
        response: { 200: AnomalyReportView },
      },
      config: { access: ANOMALY_OFFICES },
    },
    async (request) =>
      reportView(
        await vaccination.moveAnomalyReport(
          request.params.id,
          { status: request.body.status, resolution: request.body.resolution },
          reportAuthorities(request),
          context(request),
        ),
      ),
  );

  app.post(
    '/persons/:personId/consent-refusals',
    {
      schema: {
        operationId: 'recordConsentRefusal',
        tags: ['vaccination'],
        summary: 'Record a refusal of vaccination on the consent form: recorded, never overridden (CONS-5)',
        params: PersonIdParams,
        body: ConsentRefusalBody,
        response: { 201: ConsentRefusalView },
      },
      config: { access: RECORDERS },
    },
    async (request, reply) => {
      const { consent, legalDuty } = await vaccination.recordRefusal(
        request.params.personId,
        request.body.consent,
        request.body.healthWorker,
        context(request),
      );
      return reply.code(201).send({
        id: consent.id,
        personId: consent.person_id,
        decision: 'refused' as const,
        signerCapacity: consent.signer_capacity,
        recordedAt: consent.recorded_at.toISOString(),
        legalDuty,
      });
    },
  );

  app.get(
    '/persons/:personId/administrations',
    {
      schema: {
        operationId: 'listPersonAdministrations',
        tags: ['vaccination'],
        summary: 'The person’s vaccinations recorded in this region, in date order (VAX-5)',
        params: PersonIdParams,
        response: { 200: Type.Array(AdministrationView) },
      },
      config: { access: HISTORY_READERS },
    },
    async (request) => (await vaccination.history(request.params.personId)).here.map(view),
  );

  const mobilityView = (row: MobilityAdministrationRow): Static<typeof MobilityAdministrationView> => ({
    regionCode: row.region_code,
    sourceId: row.source_id,
    administeredOn: row.administered_on ?? '',
    productCode: row.product_code ?? '',
    aic: row.aic,
    lot: row.lot,
    doseNumber: row.dose_number ?? 0,
    doseKind: row.dose_kind,
  });

  app.get(
    '/persons/:personId/vaccination-history',
    {
      schema: {
        operationId: 'getVaccinationHistory',
        tags: ['vaccination'],
        summary: 'The person’s vaccinations here and in other regions (VAX-5, NAT-2)',
        params: PersonIdParams,
        response: { 200: VaccinationHistoryView },
      },
      config: { access: HISTORY_READERS },
    },
    async (request) => {
      const { here, otherRegions } = await vaccination.history(request.params.personId);
      return { here: here.map(view), otherRegions: otherRegions.map(mobilityView) };
    },
  );

  app.get(
    '/persons/:personId/national-comparison',
    {
      schema: {
        operationId: 'checkAllRegions',
        tags: ['vaccination'],
        summary:
          '"Check all regions": the registry beside the health-card system, differences named; a national shortfall raises an anomaly report (VAX-5, VAX-8, NAT-4)',
        params: PersonIdParams,
        response: { 200: NationalComparisonView },
      },
      config: { access: HISTORY_READERS },
    },
    async (request) => vaccination.checkAllRegions(request.params.personId, context(request)),
  );

  app.get(
    '/administrations/:id/dose-number',
    {
      schema: {
        operationId: 'getDoseNumberScreen',
        tags: ['vaccination'],
        summary:
          'The dose-number screen: assigned, current, proposed from the national situation, that situation, forced before (VAX-7)',
        params: AdministrationIdParams,
        response: { 200: DoseNumberScreenView },
      },
      config: { access: REGISTRY_USERS },
    },
    async (request) => {
      const screen = await vaccination.doseNumberScreen(request.params.id);
      return { ...screen, administration: view(screen.administration) };
    },
  );

  app.post(
    '/administrations/:id/deletion',
    {
      schema: {
        operationId: 'deleteAdministration',
        tags: ['vaccination'],
        summary: 'Delete a record made in error: only users of the point that recorded it (VAX-8a, NAT-1)',
        params: AdministrationIdParams,
        body: DeletionBody,
        response: { 200: AdministrationView },
      },
      config: { access: RECORDERS },
    },
    async (request) => {
      const actor = request.actor;
      const points = actor.kind === 'staff' ? actor.vaccinationPointIds : [];
      return view(
        await vaccination.deleteAdministration(
          request.params.id,
          request.body.reason,
          points,
          context(request),
        ),
      );
    },
  );

  app.post(
    '/persons/:personId/abroad-vaccinations',
    {
      schema: {
        operationId: 'enterAbroadVaccination',
        tags: ['vaccination'],
        summary:
          'Enter a vaccination given abroad in the health-card system; it never reaches the registries (NAT-3)',
        params: PersonIdParams,
        body: AbroadVaccinationBody,
        response: { 201: AbroadVaccinationView },
      },
      config: { access: ABROAD_ENTRY },
    },
    async (request, reply) => {
      const entered = await vaccination.enterAbroadVaccination(
        request.params.personId,
        { ...request.body, enteredBy: request.actor.kind === 'staff' ? request.actor.username : 'unknown' },
        context(request),
      );
      return reply.code(201).send({
        countryCode: entered.countryCode,
        administeredOn: entered.administeredOn,
        productCode: entered.productCode,
        doseNumber: entered.doseNumber,
        doseKind: entered.doseKind,
      });
    },
  );

  app.put(
    '/consents/:id/judge-validation',
    {
      schema: {
        operationId: 'recordJudgeValidation',
        tags: ['vaccination'],
        summary: 'Record the tutelary judge’s validation of a director’s consent (CONS-3)',
        params: ConsentIdParams,
        body: JudgeValidationBody,
        response: { 200: ConsentView },
      },
      config: { access: REPORT_READERS },
    },
    async (request) => {
      const row = await vaccination.recordJudgeValidation(
        request.params.id,
        new Date(request.body.validatedAt),
        context(request),
      );
      return {
        id: row.id,
        personId: row.person_id,
        administrationId: row.administration_id,
        decision: row.decision,
        signerCapacity: row.signer_capacity,
        judgeValidationDueAt: row.judge_validation_due_at?.toISOString() ?? null,
        judgeValidatedAt: row.judge_validated_at?.toISOString() ?? null,
      };
    },
  );

  app.get(
    '/reports/consents-awaiting-judge',
    {
      schema: {
        operationId: 'reportConsentsAwaitingJudge',
        tags: ['vaccination'],
        summary: 'Directors’ consents still waiting for the judge, the late ones flagged (CONS-3)',
        response: { 200: AwaitingJudgeView },
      },
      config: { access: REPORT_READERS },
    },
    async (request) =>
      (await vaccination.consentsAwaitingJudge(await reportScope(request))).map((row) => ({
        consentId: row.id,
        personId: row.person_id,
        administrationId: Number(row.administration_id),
        vaccinationPointId: row.vaccination_point_id,
        dueAt: row.judge_validation_due_at?.toISOString() ?? '',
        overdue: row.overdue,
      })),
  );

  app.get(
    '/reports/national-flow',
    {
      schema: {
        operationId: 'reportNationalFlow',
        tags: ['vaccination'],
        summary:
          'The outbox backlog and the lag recorded → acknowledged by the national registry (NAT-1, NAT-5)',
        response: { 200: NationalFlowView },
      },
      config: { access: REPORT_READERS },
    },
    async () => {
      const figures = await sync.figures();
      return { ...figures, oldestPendingSince: figures.oldestPendingSince?.toISOString() ?? null };
    },
  );

  app.post(
    '/national-flow/runs',
    {
      schema: {
        operationId: 'runNationalSync',
        tags: ['vaccination'],
        summary: 'Deliver the due outbox messages and read the mobility feed now (NAT-1, NAT-2)',
        response: { 200: SyncRunView },
      },
      config: { access: FLOW_OPERATORS },
    },
    async () => sync.runOnce(),
  );

  app.get(
    '/reports/late-administrations',
    {
      schema: {
        operationId: 'reportLateAdministrations',
        tags: ['vaccination'],
        summary: 'Records made late, by vaccination point and operator (VAX-3)',
        querystring: LateRecordsQuery,
        response: { 200: LateRecordsView },
      },
      config: { access: REPORT_READERS },
    },
    async (request) =>
      (
        await vaccination.lateRecords({
          from: request.query.from,
          to: request.query.to,
          lateAfterMinutes: request.query.lateAfterMinutes,
          pointIds: await reportScope(request),
        })
      ).map((row) => ({
        vaccinationPointId: Number(row.vaccination_point_id),
        operator: row.operator,
        recorded: row.recorded,
        late: row.late,
        latestDelayMinutes: row.latest_delay_minutes,
      })),
  );

  app.get(
    '/vaccination-points/:pointId/check-ins',
    {
      schema: {
        operationId: 'listCheckIns',
        tags: ['vaccination'],
        summary:
          'The bookings of one of the caller’s vaccination points on a day, by time, each with its record if given (VAX-1 check-in)',
        params: CheckInPointParams,
        querystring: CheckInListQuery,
        response: { 200: CheckInListView },
      },
      config: { access: RECORDERS },
    },
    async (request) => {
      const actor = request.actor;
      if (actor.kind !== 'staff' || !actor.vaccinationPointIds.includes(request.params.pointId)) {
        throw new DomainError('ADMINISTRATION_POINT_OUT_OF_SCOPE', { pointer: '/params/pointId' });
      }
      return (await vaccination.checkInList(request.params.pointId, request.query.day)).map((row) => ({
        bookingCode: row.code,
        startsAt: row.starts_at.toISOString(),
        status: row.status,
        personId: row.person_id,
        surname: row.surname,
        givenName: row.given_name,
        birthDate: row.birth_date,
        doseNumber: row.dose_number,
        product: { code: row.product_code, name: row.product_name },
        administrationId: row.administration_id,
      }));
    },
  );

  app.get(
    '/persons/:personId/consents',
    {
      schema: {
        operationId: 'listPersonConsents',
        tags: ['vaccination'],
        summary: 'The person’s informed consents and refusals, oldest first (CONS-1..5)',
        params: PersonIdParams,
        response: { 200: Type.Array(PersonConsentView) },
      },
      config: { access: HISTORY_READERS },
    },
    async (request) =>
      (await vaccination.consentsOf(request.params.personId)).map((row) => ({
        id: row.id,
        administrationId: row.administration_id,
        decision: row.decision,
        formVersion: row.form_version,
        signerCapacity: row.signer_capacity,
        signerName: row.signer_name,
        recordedAt: row.recorded_at.toISOString(),
        judgeValidationDueAt: row.judge_validation_due_at?.toISOString() ?? null,
        judgeValidatedAt: row.judge_validated_at?.toISOString() ?? null,
      })),
  );

  app.get(
    '/persons/:personId/anomaly-reports',
    {
      schema: {
        operationId: 'listPersonAnomalyReports',
        tags: ['vaccination'],
        summary: 'The anomaly reports filed about the person, with their status (VAX-19)',
        params: PersonIdParams,
        response: { 200: Type.Array(AnomalyReportView) },
      },
      config: { access: REGISTRY_USERS },
    },
    async (request) => (await vaccination.anomalyReportsOf(request.params.personId)).map(reportView),
  );

  app.get(
    '/persons/:personId/certificate-contacts',
    {
      schema: {
        operationId: 'getCertificateContactsProposal',
        tags: ['vaccination'],
        summary:
          'The certificate contacts given at the person’s previous COVID administration, proposed for the next (VAX-20)',
        params: PersonIdParams,
        response: { 200: CertificateContactsProposalView },
      },
      config: { access: RECORDERS },
    },
    async (request) => {
      const previous = await vaccination.previousCertificateContacts(request.params.personId);
      return {
        previous:
          previous === null
            ? null
            : {
                mobile: previous.mobile,
                email: previous.email,
                noneGiven: previous.none_given,
                administeredOn: previous.administered_on,
              },
      };
    },
  );
};

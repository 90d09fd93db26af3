import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { romeDate } from '../../platform/clock.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { listProducts, type ProductEntry } from '../reference/service.ts';
import { policyInForce, shippedRegistryPolicies } from '../vaccination/policy-file.ts';
import { immunizationResource, locationResource, patientResource, type ProphylaxisTerms } from './fhir.ts';
import {
  ageSummaryHeaderLine,
  ageSummaryLine,
  deliverySummaryHeaderLine,
  deliverySummaryLine,
  openDataHeaderLine,
  openDataLine,
  type AgeSummaryRow,
  type DeliverySummaryRow,
  type OpenDataRow,
} from './opendata.ts';
import * as repo from './repo.ts';
import './errors.ts';

export type { PointScope, Period, CoverageDimension } from './repo.ts';

/** Rows (Patient) or ids (Immunization) per page: one short statement each, at most ~1.5 MB of NDJSON. */
export const DEFAULT_PAGE_SIZE = 1000;

export type FhirExportType = 'Immunization' | 'Patient' | 'Location';

export interface OpenDataExport {
  rows: OpenDataRow[];
  /** COVID doses of the period with no column in the 2021 format (boosters, additional doses). */
  dosesOutsideFormat: number;
}

/**
 * EXP-1..3. The FHIR exports are generators of NDJSON chunks (one page of resources each): the caller
 * pulls the next page only when it has written the previous one, so memory stays at one page however
 * many rows the period holds, and a client that goes away stops the queries.
 */
export class ExportService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
  ) {}

  /** Checks the period and records who takes personal data out of the system, and what (SEC-5). */
  async startFhirExport(
    type: FhirExportType,
    filter: repo.Period & { points: repo.PointScope },
    context: ActingContext,
  ): Promise<AsyncGenerator<string>> {
    checkPeriod(filter);
    await recordAudit(this.db, context, {
      entityType: 'fhir_export',
      entityId: type,
      action: 'export',
      after: { from: filter.from, to: filter.to, points: filter.points },
    });
    switch (type) {
      case 'Immunization':
        return this.immunizations(filter, await this.products(), await this.terms());
      case 'Patient':
        return this.patients(filter);
      case 'Location':
        return this.locations(filter);
    }
  }

  private async *immunizations(
    filter: repo.Period & { points: repo.PointScope },
    products: ReadonlyMap<string, ProductEntry>,
    terms: ProphylaxisTerms,
  ): AsyncGenerator<string> {
    const lastId = await repo.lastAdministrationId(this.db);
    for (let afterId = 0; afterId < lastId; afterId += this.pageSize) {
      const throughId = Math.min(afterId + this.pageSize, lastId);
      const page = await repo.immunizationWindow(this.db, { ...filter, afterId, throughId });
      if (page.length === 0) continue;
      let chunk = '';
      for (const row of page) {
        const product = products.get(row.productCode);
        if (product === undefined) throw new Error(`product ${row.productCode} is not in the catalogue`);
        chunk += `${JSON.stringify(immunizationResource(row, product, terms))}\n`;
      }
      yield chunk;
    }
  }

  private async *patients(filter: repo.Period & { points: repo.PointScope }): AsyncGenerator<string> {
    let afterId = 0;
    for (;;) {
      const page = await repo.patientPage(this.db, { ...filter, afterId, limit: this.pageSize });
      if (page.length === 0) return;
      let chunk = '';
      for (const person of page) {
        chunk += `${JSON.stringify(patientResource(person))}\n`;
        afterId = person.id;
      }
      yield chunk;
      if (page.length < this.pageSize) return;
    }
  }

  private async *locations(filter: repo.Period & { points: repo.PointScope }): AsyncGenerator<string> {
    const points = await repo.locations(this.db, filter);
    if (points.length > 0)
      yield points.map((point) => `${JSON.stringify(locationResource(point))}\n`).join('');
  }

  private async products(): Promise<Map<string, ProductEntry>> {
    return new Map((await listProducts(this.db)).map((product) => [product.code, product]));
  }

  private async terms(): Promise<ProphylaxisTerms> {
    const entries = await repo.prophylaxisTerms(this.db);
    return new Map(entries.map((entry) => [entry.code, { system: entry.system, display: entry.display }]));
  }

  /** EXP-2: the period's rows in the published format, aggregated by the database. */
  async openData(filter: repo.Period & { points: repo.PointScope }): Promise<OpenDataExport> {
    checkPeriod(filter);
    const [rows, dosesOutsideFormat] = await Promise.all([
      repo.openDataRows(this.db, filter),
      repo.dosesOutsideOpenData(this.db, filter),
    ]);
    return { rows, dosesOutsideFormat };
  }

  /** EXP-2: anagrafica-vaccini-summary, the period's totals by age band, aggregated by the database. */
  async openDataAgeSummary(filter: repo.Period & { points: repo.PointScope }): Promise<AgeSummaryRow[]> {
    checkPeriod(filter);
    return repo.openDataAgeSummary(this.db, filter);
  }

  /** EXP-2: vaccini-summary, the period's doses against the doses set out, by area. */
  async openDataDeliverySummary(
    filter: repo.Period & { points: repo.PointScope },
  ): Promise<DeliverySummaryRow[]> {
    checkPeriod(filter);
    return repo.openDataDeliverySummary(this.db, filter);
  }

  /** EXP-3: coverage on a day (default: today in Rome). */
  async coverage(filter: { on?: string | undefined; by: repo.CoverageDimension; points: repo.PointScope }) {
    const on = filter.on ?? romeDate(this.clock.now());
    const policy = policyInForce(shippedRegistryPolicies(), on);
    const rows = await repo.coverage(this.db, {
      on,
      by: filter.by,
      points: filter.points,
      infectionWithinDays: policy.infectionAfterFirstDose.withinDays,
    });
    return { on, rows };
  }

  async bookingCapacity(filter: repo.Period & { points: repo.PointScope }) {
    checkPeriod(filter);
    return repo.bookingCapacity(this.db, filter);
  }

  async dosesByLot(filter: repo.Period & { points: repo.PointScope }) {
    checkPeriod(filter);
    return repo.dosesByLot(this.db, filter);
  }

  async openAnomalies(scope: { authorities: readonly string[] | null; points: repo.PointScope }) {
    return repo.openAnomalies(this.db, scope);
  }
}

/** The whole CSV text: a few thousand lines a month for a region, built in one piece. */
export function openDataCsv(rows: readonly OpenDataRow[]): string {
  return openDataHeaderLine() + rows.map(openDataLine).join('');
}

/** anagrafica-vaccini-summary-latest.csv; `updatedOn` (ultimo_aggiornamento) is the period's last day. */
export function openDataAgeSummaryCsv(rows: readonly AgeSummaryRow[], updatedOn: string): string {
  return ageSummaryHeaderLine() + rows.map((row) => ageSummaryLine(row, updatedOn)).join('');
}

/** vaccini-summary-latest.csv; `updatedOn` (ultimo_aggiornamento) is the period's last day. */
export function openDataDeliverySummaryCsv(rows: readonly DeliverySummaryRow[], updatedOn: string): string {
  return deliverySummaryHeaderLine() + rows.map((row) => deliverySummaryLine(row, updatedOn)).join('');
}

/** EXPORT_PERIOD_INVALID unless from ≤ to. */
export function checkPeriod(period: repo.Period): void {
  if (period.from > period.to) {
    throw new DomainError('EXPORT_PERIOD_INVALID', {
      pointer: '/querystring/from',
      params: { from: period.from, to: period.to },
    });
  }
}

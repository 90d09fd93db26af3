import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../../platform/db/schema.ts';
import type { Database } from '../../../platform/db/database.ts';
import type { Clock } from '../../../platform/clock.ts';
import { romeDate } from '../../../platform/clock.ts';
import { DomainError } from '../../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../../platform/audit/audit.ts';
import { belfioreLookup } from '../../registry/identifiers.ts';
import { allBelfioreEntries } from '../../reference/service.ts';
import type { EligibilityService } from '../service.ts';
import { listClosed } from '../rules.ts';
import type { ListType, ListUploadsTable } from '../tables.ts';
import { csvListField } from './writer.ts';
import {
  countDataRows,
  ListFileError,
  listFileFormat,
  readListFile,
  readListHeader,
  type ListRecord,
} from './reader.ts';
import {
  columnNames,
  interpretEntitlementRow,
  interpretLinkRow,
  isRejection,
  LIST_COLUMNS,
  missingColumns,
  rejection,
  resolveRowPerson,
  type ColumnNames,
  type EntitlementRowIntent,
  type IdentityContext,
  type RowIdentity,
  type RowRejection,
} from './rows.ts';

export type ListUploadRow = Selectable<ListUploadsTable>;

/** Rows per batch: one round of lookups and one upsert statement each. */
const DEFAULT_BATCH_SIZE = 5000;
/**
 * Batches in flight at once, each on its own connection: while PostgreSQL writes one, this process
 * validates the next, and on several cores two backends write side by side (PERF-4).
 */
const CONCURRENT_BATCHES = 2;

/** A crashed run's upload can be taken over after this long without a batch committed. */
const LEASE_MS = 60_000;

export interface ListFile {
  path: string;
  /** The name the sender gave the file; its extension tells the format. */
  fileName: string;
  listType: ListType;
  sourceAuthority: string;
}

export interface ImportOptions {
  /** The operator knows the previous run died (kill -9, power cut): take its upload over now. */
  takeOver?: boolean;
  onProgress?: (done: number, total: number | undefined) => void;
  batchSize?: number;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * ELIG-18, ELIG-19, REL-6: loading the lists health authorities send. Each batch of rows is one
 * transaction that writes its entitlements (or links), its rejections, and the upload's counters and
 * resume point together; a re-run of the same file continues after the last committed batch, and
 * entitlements are upserts, so the final state is the one a clean run gives.
 */
export class ListService {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly eligibility: EligibilityService,
  ) {}

  private get db() {
    return this.database.db;
  }

  async listTypes() {
    const rows = await this.db.selectFrom('list_types').selectAll().orderBy('code').execute();
    return rows.map((row) => ({
      code: row.code,
      closedFrom: row.closed_from,
      closedReason: row.closed_reason,
    }));
  }

  /** ELIG-19: closes a list type from a date (null reopens it). */
  async setCutOff(listType: ListType, closedFrom: string | null, reason: string, context: ActingContext) {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('list_types')
        .selectAll()
        .where('code', '=', listType)
        .executeTakeFirstOrThrow();
      const after = await trx
        .updateTable('list_types')
        .set({ closed_from: closedFrom, closed_reason: reason, updated_at: context.now })
        .where('code', '=', listType)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'list_type',
        entityId: listType,
        action: 'cut_off',
        before,
        after,
      });
      return { code: after.code, closedFrom: after.closed_from, closedReason: after.closed_reason };
    });
  }

  async getUpload(uploadId: number): Promise<ListUploadRow> {
    const row = await this.db
      .selectFrom('list_uploads')
      .selectAll()
      .where('id', '=', uploadId)
      .executeTakeFirst();
    if (row === undefined) throw new DomainError('LIST_UPLOAD_NOT_FOUND', { pointer: '/uploadId' });
    return row;
  }

  /** The latest uploads, newest first, of the senders named (null: of every sender). */
  async recentUploads(sourceAuthorities: readonly string[] | null, limit = 50): Promise<ListUploadRow[]> {
    if (sourceAuthorities !== null && sourceAuthorities.length === 0) return [];
    let query = this.db.selectFrom('list_uploads').selectAll();
    if (sourceAuthorities !== null) query = query.where('source_authority', 'in', sourceAuthorities);
    return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async rejections(uploadId: number) {
    await this.getUpload(uploadId);
    return this.db
      .selectFrom('list_rejections')
      .select(['row_number', 'reason_code', 'message'])
      .where('upload_id', '=', uploadId)
      .orderBy('row_number')
      .execute();
  }

  /**
   * The rejection report returned to the sender (ELIG-18): CSV as Italian Excel opens it (BOM, `;`,
   * CRLF), one line per rejected row with the sender's row number, the reason code and the message.
   */
  async rejectionReport(uploadId: number): Promise<string> {
    const rows = await this.rejections(uploadId);
    const lines = [
      'riga;codice;messaggio',
      ...rows.map((r) => [String(r.row_number), r.reason_code, r.message].map(csvListField).join(';')),
    ];
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  /**
   * Checks the file and claims its upload: a new upload, the interrupted one of the same file
   * (resumed), or the completed one (reported, nothing loaded again).
   */
  async begin(file: ListFile, context: ActingContext, options: ImportOptions = {}): Promise<ListUploadRow> {
    const format = listFileFormat(file.fileName);
    if (format === undefined)
      throw new DomainError('LIST_FILE_FORMAT', { params: { fileName: file.fileName } });
    const listType = await this.db
      .selectFrom('list_types')
      .selectAll()
      .where('code', '=', file.listType)
      .executeTakeFirstOrThrow();
    if (listClosed(listType.closed_from, romeDate(context.now))) {
      throw new DomainError('LIST_TYPE_CLOSED', {
        params: { listType: file.listType, closedFrom: listType.closed_from ?? '' },
      });
    }
    const authority = await this.db
      .selectFrom('health_authorities')
      .select('code')
      .where('code', '=', file.sourceAuthority)
      .executeTakeFirst();
    if (authority === undefined) {
      throw new DomainError('LIST_SOURCE_UNKNOWN', { params: { sourceAuthority: file.sourceAuthority } });
    }
    let header: string[];
    try {
      header = await readListHeader(file.path, format);
    } catch (error) {
      throw unreadable(error);
    }
    const missing = missingColumns(file.listType, header);
    if (missing.length > 0) {
      throw new DomainError('LIST_FILE_COLUMNS', {
        params: {
          missing: missing.join(', '),
          listType: file.listType,
          expected: LIST_COLUMNS[file.listType].join(', '),
        },
      });
    }
    const sha256 = await sha256OfFile(file.path);
    const total = await countDataRows(file.path, format);
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('list_uploads')
        .values({
          list_type: file.listType,
          source_authority: file.sourceAuthority,
          file_name: file.fileName,
          file_sha256: sha256,
          format,
          status: 'running',
          rows_total: total ?? null,
          batch_size: options.batchSize ?? DEFAULT_BATCH_SIZE,
          started_at: context.now,
          updated_at: context.now,
          created_by_kind: context.actorKind,
          created_by_id: context.actorId,
          channel: context.channel,
        })
        .onConflict((oc) => oc.constraint('list_uploads_same_file').doNothing())
        .execute();
      const upload = await trx
        .selectFrom('list_uploads')
        .selectAll()
        .where('list_type', '=', file.listType)
        .where('source_authority', '=', file.sourceAuthority)
        .where('file_sha256', '=', sha256)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (upload.status === 'completed') return upload;
      const leaseHeld = upload.lease_expires_at !== null && upload.lease_expires_at > context.now;
      if (upload.status === 'running' && leaseHeld && options.takeOver !== true) {
        throw new DomainError('LIST_UPLOAD_IN_PROGRESS', { params: { uploadId: upload.id } });
      }
      const claimed = await trx
        .updateTable('list_uploads')
        .set({
          status: 'running',
          failure_code: null,
          lease_expires_at: new Date(context.now.getTime() + LEASE_MS),
          updated_at: context.now,
        })
        .where('id', '=', upload.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'list_upload',
        entityId: upload.id,
        action: upload.rows_read > 0 ? 'resume' : 'start',
        after: {
          listType: file.listType,
          sourceAuthority: file.sourceAuthority,
          fileName: file.fileName,
          fromRow: upload.rows_read,
        },
      });
      return claimed;
    });
  }

  /** Loads the rest of a claimed upload; returns the final counts. Failures are recorded on the upload. */
  async run(
    upload: ListUploadRow,
    file: ListFile,
    context: ActingContext,
    options: ImportOptions = {},
  ): Promise<ListUploadRow> {
    if (upload.status === 'completed') return upload;
    try {
      return await this.load(upload, file, context, options);
    } catch (error) {
      const code = error instanceof ListFileError ? 'LIST_FILE_UNREADABLE' : 'INTERNAL_ERROR';
      await this.db
        .updateTable('list_uploads')
        .set({ status: 'failed', failure_code: code, lease_expires_at: null, updated_at: this.clock.now() })
        .where('id', '=', upload.id)
        .execute();
      throw error instanceof ListFileError ? unreadable(error) : error;
    }
  }

  async importFile(
    file: ListFile,
    context: ActingContext,
    options: ImportOptions = {},
  ): Promise<ListUploadRow> {
    const upload = await this.begin(file, context, options);
    return this.run(upload, file, context, options);
  }

  private async identityContext(now: Date): Promise<IdentityContext> {
    const lookupPlace = belfioreLookup(await allBelfioreEntries(this.db));
    return { lookupPlace, referenceDate: romeDate(now) };
  }

  private async load(upload: ListUploadRow, file: ListFile, context: ActingContext, options: ImportOptions) {
    const tables = await this.eligibility.fragilityTables();
    const identity = await this.identityContext(context.now);
    const columns = columnNames(await readListHeader(file.path, upload.format));
    const batchSize = upload.batch_size;
    const committed = new Set(
      (
        await this.db
          .selectFrom('list_upload_batches')
          .select('first_row')
          .where('upload_id', '=', upload.id)
          .execute()
      ).map((row) => row.first_row),
    );
    // Skip the committed prefix without yielding it; later committed batches are skipped one by one.
    let index = 0;
    while (committed.has(index * batchSize)) index += 1;
    let done = upload.rows_read;
    options.onProgress?.(done, upload.rows_total ?? undefined);
    const inFlight = new Set<Promise<unknown>>();
    const loadBatch = async (records: ListRecord[], firstRow: number) => {
      await (file.listType === 'caregivers'
        ? this.loadLinkBatch(upload, firstRow, records, identity, columns, context)
        : this.loadEntitlementBatch(
            upload,
            firstRow,
            file.listType,
            records,
            tables,
            identity,
            columns,
            context,
          ));
      done += records.length;
      options.onProgress?.(done, upload.rows_total ?? undefined);
    };
    try {
      for await (const records of readListFile(file.path, upload.format, {
        skipRows: index * batchSize,
        batchSize,
      })) {
        const firstRow = index * batchSize;
        index += 1;
        if (committed.has(firstRow)) continue;
        const work: Promise<unknown> = loadBatch(records, firstRow).then(
          () => inFlight.delete(work),
          (error: unknown) => {
            inFlight.delete(work);
            throw error;
          },
        );
        inFlight.add(work);
        if (inFlight.size >= CONCURRENT_BATCHES) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      // A failed batch stops the run; the others still in flight finish (or fail) before it reports.
      await Promise.allSettled(inFlight);
    }
    return this.db.transaction().execute(async (trx) => {
      const finished = await trx
        .updateTable('list_uploads')
        .set({
          status: 'completed',
          lease_expires_at: null,
          finished_at: this.clock.now(),
          updated_at: this.clock.now(),
        })
        .where('id', '=', upload.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, context, {
        entityType: 'list_upload',
        entityId: upload.id,
        action: 'complete',
        after: summaryOf(finished),
      });
      return finished;
    });
  }

  /** Person ids for the identifiers of a batch, in one query. */
  /**
   * Person ids for the identifiers of a batch. Most rows carry a tax code that finds the person and
   * the card that person holds, so the health card is looked up only where that is not so: when the
   * code is missing or unknown, or names someone whose card differs (to tell a renewed card from a
   * card of another person). Lookups join an unnest to the unique index: an `= ANY` of thousands of
   * values can turn into a scan of the registry.
   */
  private async resolvePeople(trx: Transaction<DB>, identities: readonly RowIdentity[]) {
    type Found = { id: number; tax_code: string | null; health_card_number: string | null };
    const lookup = async (column: 'tax_code' | 'health_card_number', values: string[]): Promise<Found[]> =>
      values.length === 0
        ? []
        : (
            await sql<Found>`SELECT p.id, p.tax_code, p.health_card_number
              FROM unnest(${values}::text[]) AS wanted (value) JOIN persons p ON p.${sql.ref(column)} = wanted.value`.execute(
              trx,
            )
          ).rows;
    const byTaxCode = new Map<string, Found>();
    const taxCodes = [...new Set(identities.flatMap((i) => (i.taxCode === null ? [] : [i.taxCode])))];
    for (const row of await lookup('tax_code', taxCodes))
      if (row.tax_code !== null) byTaxCode.set(row.tax_code, row);
    const cardsToCheck = new Set<string>();
    for (const identity of identities) {
      if (identity.healthCardNumber === null) continue;
      const found = identity.taxCode === null ? undefined : byTaxCode.get(identity.taxCode);
      if (found?.health_card_number !== identity.healthCardNumber)
        cardsToCheck.add(identity.healthCardNumber);
    }
    const byCard = new Map<string, number>();
    for (const row of await lookup('health_card_number', [...cardsToCheck])) {
      if (row.health_card_number !== null) byCard.set(row.health_card_number, Number(row.id));
    }
    return (identity: RowIdentity) => {
      const found = identity.taxCode === null ? undefined : byTaxCode.get(identity.taxCode);
      const cardOwner =
        identity.healthCardNumber === null
          ? undefined
          : found?.health_card_number === identity.healthCardNumber
            ? Number(found.id)
            : byCard.get(identity.healthCardNumber);
      return resolveRowPerson(found === undefined ? undefined : Number(found.id), cardOwner);
    };
  }

  private async loadEntitlementBatch(
    upload: ListUploadRow,
    firstRow: number,
    listType: 'fragile' | 'specialist',
    records: readonly ListRecord[],
    tables: Awaited<ReturnType<EligibilityService['fragilityTables']>>,
    identity: IdentityContext,
    columns: ColumnNames,
    context: ActingContext,
  ) {
    const rejected: RowRejection[] = [];
    const intents: EntitlementRowIntent[] = [];
    for (const record of records) {
      const intent = interpretEntitlementRow(record, listType, tables, identity, columns);
      if (isRejection(intent)) rejected.push(intent);
      else intents.push(intent);
    }
    return this.db.transaction().execute(async (trx) => {
      const personOf = await this.resolvePeople(
        trx,
        intents.map((intent) => intent.identity),
      );
      // The same entitlement twice in one batch is one row (ON CONFLICT cannot touch a row twice).
      const unique = new Map<
        string,
        { personId: number; category: string; conditionCode: string; source: string }
      >();
      let duplicates = 0;
      for (const intent of intents) {
        const person = personOf(intent.identity);
        if ('code' in person) {
          rejected.push(rejection(intent.rowNumber, person.code));
          continue;
        }
        const key = `${person.personId}|${intent.category}|${intent.conditionCode ?? ''}|${intent.source}`;
        if (unique.has(key)) duplicates += 1;
        else
          unique.set(key, {
            personId: person.personId,
            category: intent.category,
            conditionCode: intent.conditionCode ?? '',
            source: intent.source,
          });
      }
      const values = [...unique.values()];
      // Counted in the database: one row back per batch, not one per entitlement.
      const written =
        values.length === 0
          ? { inserted: 0, touched: 0 }
          : ((
              await sql<{ inserted: number; touched: number }>`
              WITH written AS (
              INSERT INTO entitlements (person_id, category, condition_code, source, evidence_status, valid_from,
                source_reference, list_upload_id, created_at, created_by_kind, created_by_id, updated_at)
              SELECT person_id, category, condition_code, source, 'verified', ${context.now}, ${upload.source_authority},
                ${upload.id}, ${context.now}, ${context.actorKind}, ${context.actorId}, ${context.now}
              FROM unnest(${values.map((v) => v.personId)}::bigint[], ${values.map((v) => v.category)}::text[],
                ${values.map((v) => v.conditionCode)}::text[], ${values.map((v) => v.source)}::text[])
                AS row (person_id, category, condition_code, source)
              ON CONFLICT ON CONSTRAINT entitlements_one_per_source DO UPDATE
                SET evidence_status = 'verified', source_reference = EXCLUDED.source_reference,
                  list_upload_id = EXCLUDED.list_upload_id, updated_at = EXCLUDED.updated_at
                WHERE (entitlements.evidence_status, entitlements.source_reference)
                  IS DISTINCT FROM ('verified', EXCLUDED.source_reference)
              RETURNING (xmax = 0) AS inserted)
              SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, count(*)::int AS touched FROM written`.execute(
                trx,
              )
            ).rows[0] ?? { inserted: 0, touched: 0 });
      const loaded = written.inserted;
      const updated = written.touched - loaded;
      return this.recordBatch(
        trx,
        upload,
        firstRow,
        records,
        rejected,
        {
          loaded,
          updated,
          unchanged: values.length - written.touched + duplicates,
        },
        context,
      );
    });
  }

  private async loadLinkBatch(
    upload: ListUploadRow,
    firstRow: number,
    records: readonly ListRecord[],
    identity: IdentityContext,
    columns: ColumnNames,
    context: ActingContext,
  ) {
    const rejected: RowRejection[] = [];
    let loaded = 0;
    let unchanged = 0;
    const intents = records.map((record) => interpretLinkRow(record, identity, columns));
    const identities = intents.flatMap((intent) =>
      isRejection(intent) ? [] : [intent.identity, intent.fragile],
    );
    const personOf = await this.db.transaction().execute((trx) => this.resolvePeople(trx, identities));
    for (const intent of intents) {
      if (isRejection(intent)) {
        rejected.push(intent);
        continue;
      }
      const person = personOf(intent.identity);
      const fragile = personOf(intent.fragile);
      if ('code' in person) {
        rejected.push(rejection(intent.rowNumber, person.code));
        continue;
      }
      if ('code' in fragile) {
        rejected.push(rejection(intent.rowNumber, 'ROW_FRAGILE_NOT_FOUND'));
        continue;
      }
      try {
        await this.eligibility.addLink(
          fragile.personId,
          {
            person: { personId: person.personId },
            relation: intent.relation,
            source: 'caregiver_list',
            evidenceStatus: 'verified',
            listUploadId: upload.id,
          },
          context,
        );
        loaded += 1;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'LINK_ALREADY_EXISTS') unchanged += 1;
        else if (error.code === 'LINK_LIMIT_REACHED')
          rejected.push(rejection(intent.rowNumber, 'ROW_LINK_LIMIT'));
        else rejected.push(rejection(intent.rowNumber, 'ROW_LINK_NOT_ALLOWED', { reason: error.code }));
      }
    }
    return this.db
      .transaction()
      .execute((trx) =>
        this.recordBatch(
          trx,
          upload,
          firstRow,
          records,
          rejected,
          { loaded, updated: 0, unchanged },
          context,
        ),
      );
  }

  /** Rejections, counters, resume point and lease of one batch, in the batch's transaction. */
  private async recordBatch(
    trx: Transaction<DB>,
    upload: ListUploadRow,
    firstRow: number,
    records: readonly ListRecord[],
    rejected: readonly RowRejection[],
    counts: { loaded: number; updated: number; unchanged: number },
    context: ActingContext,
  ) {
    await trx
      .insertInto('list_upload_batches')
      .values({ upload_id: upload.id, first_row: firstRow, row_count: records.length })
      .execute();
    if (rejected.length > 0) {
      await trx
        .insertInto('list_rejections')
        .values(
          rejected.map((r) => ({
            upload_id: upload.id,
            row_number: r.rowNumber,
            reason_code: r.code,
            message: r.message,
          })),
        )
        .onConflict((oc) => oc.columns(['upload_id', 'row_number']).doNothing())
        .execute();
    }
    const byReason: Record<string, number> = {};
    for (const r of rejected) byReason[r.code] = (byReason[r.code] ?? 0) + 1;
    const now = this.clock.now();
    await sql`
      UPDATE list_uploads SET
        rows_read = rows_read + ${records.length},
        rows_loaded = rows_loaded + ${counts.loaded},
        rows_updated = rows_updated + ${counts.updated},
        rows_unchanged = rows_unchanged + ${counts.unchanged},
        rows_rejected = rows_rejected + ${rejected.length},
        rejected_by_reason = (
          SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb) FROM (
            SELECT key, sum(value::int) AS total
            FROM (SELECT * FROM jsonb_each_text(rejected_by_reason) UNION ALL SELECT * FROM jsonb_each_text(${JSON.stringify(byReason)}::jsonb)) AS pairs
            GROUP BY key
          ) AS sums
        ),
        lease_expires_at = ${new Date(now.getTime() + LEASE_MS)},
        updated_at = ${now}
      WHERE id = ${upload.id}`.execute(trx);
    const first = records[0]?.rowNumber ?? 0;
    const last = records.at(-1)?.rowNumber ?? 0;
    // Bulk loads are audited per batch: the entitlements carry the upload id, the batch its row range.
    await recordAudit(trx, context, {
      entityType: 'list_upload',
      entityId: upload.id,
      action: 'batch',
      after: { fromRow: first, toRow: last, ...counts, rejected: rejected.length },
    });
    return counts;
  }
}

function unreadable(error: unknown): DomainError {
  if (error instanceof ListFileError) {
    return new DomainError('LIST_FILE_UNREADABLE', {
      params: { rowNumber: error.rowNumber, reason: error.message },
    });
  }
  throw error;
}

export function summaryOf(upload: ListUploadRow) {
  return {
    id: upload.id,
    listType: upload.list_type,
    sourceAuthority: upload.source_authority,
    fileName: upload.file_name,
    status: upload.status,
    failureCode: upload.failure_code,
    rowsTotal: upload.rows_total,
    rowsRead: upload.rows_read,
    rowsLoaded: upload.rows_loaded,
    rowsUpdated: upload.rows_updated,
    rowsUnchanged: upload.rows_unchanged,
    rowsRejected: upload.rows_rejected,
    rejectedByReason: upload.rejected_by_reason,
    startedAt: upload.started_at.toISOString(),
    finishedAt: upload.finished_at?.toISOString() ?? null,
  };
}

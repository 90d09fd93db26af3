import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import {
  createTestPostgresDatabase,
  describeEachDatabase,
  describeEachEngine,
} from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff, TEST_PASSWORD } from '../../../test/app.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { FormBrowser } from '../../../test/form-browser.ts';
import { openDatabase, type Database } from '../../platform/db/database.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { App } from '../../platform/http/types.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { messagingDb } from '../messaging/repo.ts';
import type { AttemptOutcome, MessageStatus } from '../messaging/tables.ts';
import { RetentionService } from './service.ts';
import { REDACTED_RECIPIENT } from './repo.ts';

const BIN = fileURLToPath(new URL('../../../bin/vaxhub.js', import.meta.url));
const DAY_MS = 24 * 60 * 60 * 1000;
const ADDRESS = 'maria.rossi@example.it';
const SMTP_REFUSAL = `smtp EENVELOPE 550: <${ADDRESS}>: Recipient address rejected`;

const daysBefore = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/** The people, one administration and the staff the outbox and messages below refer to. */
async function seedPeopleAndAdministration(
  database: Database,
): Promise<{ personId: number; administrationId: number; usernames: Record<StaffRole, string> }> {
  await loadReferenceData(database);
  await generatePopulationIntoDatabase(database, { people: 5, seed: 27 });
  const usernames = await ensureStaffOfEveryRole(database);
  const db = database.db;
  const person = await db.selectFrom('persons').select('id').orderBy('id').executeTakeFirstOrThrow();
  const point = await db
    .selectFrom('vaccination_points')
    .select('id')
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const product = await db.selectFrom('products').select('code').orderBy('code').executeTakeFirstOrThrow();
  const operator = await db
    .selectFrom('staff_accounts')
    .select('id')
    .where('username', '=', usernames.vaccinator)
    .executeTakeFirstOrThrow();
  // Its insert trigger writes one outbox row, not acknowledged (and never deleted here).
  const { rows } = await sql<{ id: number }>`INSERT INTO administrations (person_id, administered_at,
      administered_on, recorded_at, product_code, lot, lot_expiry, volume_ml, risk_category, health_condition,
      route, site, payment_mode, vaccination_point_id, dose_number, dose_kind, operator_account_id,
      assigned_dose_number)
    VALUES (${person.id}, '2021-04-19T07:05:00Z', '2021-04-19', '2021-04-19T07:06:00Z', ${product.code}, 'LOT1',
      '2021-12-31', 0.5, 'Altro', 'nessuna', 'intramuscular', 'left_deltoid', 'national_health_service',
      ${point.id}, 1, 'primary', ${operator.id}, 1)
    RETURNING id`.execute(db);
  const administrationId = rows[0]?.id;
  if (administrationId === undefined) throw new Error('no administration inserted');
  return { personId: Number(person.id), administrationId: Number(administrationId), usernames };
}

/** An outbox row as the worker leaves it; inserted acknowledged, so no acknowledgement trigger runs. */
async function insertOutboxRow(
  database: Database,
  administrationId: number,
  createdAt: Date,
  acknowledgedAt: Date | null,
): Promise<number> {
  const row = await database.db
    .insertInto('national_outbox')
    .values({
      person_id: sql<number>`(SELECT person_id FROM administrations WHERE id = ${administrationId})`,
      administration_id: administrationId,
      version: 1,
      created_at: createdAt,
      available_at: createdAt,
      acknowledged_at: acknowledgedAt,
      outcome: acknowledgedAt === null ? null : 'applied',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A message as delivery leaves it, with a failed attempt whose error quotes the address and a last one. */
async function insertMessage(
  database: Database,
  personId: number,
  message: { status: MessageStatus; createdAt: Date; sentAt?: Date },
): Promise<number> {
  const db = messagingDb(database.db);
  const inserted = await db
    .insertInto('messages')
    .values({
      person_id: personId,
      channel: 'email',
      template: 'booking_confirmed',
      language: 'it',
      recipient: ADDRESS,
      params: JSON.stringify({ givenName: 'Maria', surname: 'Rossi', appointments: [] }),
      cause_kind: 'booking',
      cause_id: 1,
      dedupe_key: `test-${randomUUID()}`,
      created_at: message.createdAt,
      send_after: message.createdAt,
      status: message.status,
      attempts: message.status === 'pending' ? 1 : 2,
      sent_at: message.sentAt ?? null,
      last_error: message.status === 'sent' ? null : SMTP_REFUSAL,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const outcomes: AttemptOutcome[] =
    message.status === 'pending' ? ['retry'] : ['retry', message.status === 'sent' ? 'sent' : 'failed'];
  await db
    .insertInto('message_attempts')
    .values(
      outcomes.map((outcome, index) => ({
        message_id: inserted.id,
        attempt: index + 1,
        adapter: 'smtp',
        duration_ms: 12,
        outcome,
        error: outcome === 'sent' ? null : SMTP_REFUSAL,
      })),
    )
    .execute();
  return Number(inserted.id);
}

describeEachDatabase('data retention of the national outbox and the messages', (database) => {
  const NOW = new Date('2022-06-01T08:00:00Z');
  let app: App;
  let clock: ReturnType<typeof fixedClock>;
  let config: Config;
  let usernames: Record<StaffRole, string>;
  let personId: number;
  let administrationId: number;
  let service: RetentionService;

  const context = () => systemContext('retention-test', clock.now());
  const outboxIds = async (): Promise<number[]> =>
    (await database().db.selectFrom('national_outbox').select('id').orderBy('id').execute()).map((row) =>
      Number(row.id),
    );
  const messageOf = (id: number) =>
    messagingDb(database().db)
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const attemptsOf = (id: number) =>
    messagingDb(database().db)
      .selectFrom('message_attempts')
      .selectAll()
      .where('message_id', '=', id)
      .orderBy('attempt')
      .execute();
  const retentionAudits = async () =>
    database()
      .db.selectFrom('audit_log')
      .select(['actor_kind', 'after'])
      .where('entity_type', '=', 'retention_run')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    ({ personId, administrationId, usernames } = await seedPeopleAndAdministration(database()));
    ({ app, clock, config } = await buildTestApp(database(), { now: NOW.toISOString() }));
    service = new RetentionService(database().db, clock, config);
  }, 120_000);

  it('NAT-1 deletes the outbox rows acknowledged over RETENTION_OUTBOX_DAYS ago, keeps recent and unacknowledged ones; SEC-4 one audit record per run', async () => {
    const before = await outboxIds();
    const old = await insertOutboxRow(database(), administrationId, daysBefore(NOW, 40), daysBefore(NOW, 31));
    const recent = await insertOutboxRow(
      database(),
      administrationId,
      daysBefore(NOW, 40),
      daysBefore(NOW, 29),
    );
    const waiting = await insertOutboxRow(database(), administrationId, daysBefore(NOW, 90), null);
    const audits = (await retentionAudits()).length;

    const run = await service.run(context());

    expect(run.outboxDeleted).toBe(1);
    expect(await outboxIds()).toEqual([...before, recent, waiting]);
    expect(await outboxIds()).not.toContain(old);
    const written = (await retentionAudits()).slice(audits);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      actor_kind: 'system',
      after: { outboxDeleted: 1, outboxDays: 30, messagesRedacted: run.messagesRedacted, messageDays: 365 },
    });
  });

  it('BOOK-17 redacts the messages sent or failed over RETENTION_MESSAGE_DAYS ago: recipient, params and errors go; status, template, times and attempts stay', async () => {
    const sent = await insertMessage(database(), personId, {
      status: 'sent',
      createdAt: daysBefore(NOW, 400),
      sentAt: daysBefore(NOW, 399),
    });
    const failed = await insertMessage(database(), personId, {
      status: 'failed',
      createdAt: daysBefore(NOW, 366),
    });
    const sentBefore = await messageOf(sent);
    const attemptsBefore = await attemptsOf(sent);
    const at = clock.now();

    const run = await service.run(context());

    expect(run.messagesRedacted).toBe(2);
    for (const id of [sent, failed]) {
      const message = await messageOf(id);
      expect(message).toMatchObject({
        recipient: REDACTED_RECIPIENT,
        params: {},
        last_error: null,
        redacted_at: at,
      });
      const attempts = await attemptsOf(id);
      expect(attempts).toHaveLength(2);
      expect(attempts.map((attempt) => attempt.error)).toEqual([null, null]);
    }
    const sentAfter = await messageOf(sent);
    const kept = [
      'status',
      'template',
      'channel',
      'created_at',
      'sent_at',
      'attempts',
      'dedupe_key',
    ] as const;
    for (const column of kept) expect(sentAfter[column]).toEqual(sentBefore[column]);
    expect((await attemptsOf(sent)).map(({ error: _error, ...rest }) => rest)).toEqual(
      attemptsBefore.map(({ error: _error, ...rest }) => rest),
    );
    expect((await messageOf(failed)).status).toBe('failed');
  });

  it('leaves pending messages and the ones sent within RETENTION_MESSAGE_DAYS (counted from sent_at) untouched', async () => {
    const pending = await insertMessage(database(), personId, {
      status: 'pending',
      createdAt: daysBefore(NOW, 500),
    });
    const sentLate = await insertMessage(database(), personId, {
      status: 'sent',
      createdAt: daysBefore(NOW, 400),
      sentAt: daysBefore(NOW, 300),
    });
    const recent = await insertMessage(database(), personId, {
      status: 'sent',
      createdAt: daysBefore(NOW, 10),
      sentAt: daysBefore(NOW, 10),
    });
    const before = await Promise.all([pending, sentLate, recent].map(messageOf));

    await service.run(context());

    expect(await Promise.all([pending, sentLate, recent].map(messageOf))).toEqual(before);
    for (const message of before) expect(message).toMatchObject({ recipient: ADDRESS, redacted_at: null });
    expect((await attemptsOf(pending))[0]?.error).toBe(SMTP_REFUSAL);
  });

  it('NAT-1 BOOK-17 a second run changes nothing, says so, and leaves no audit record', async () => {
    await insertOutboxRow(database(), administrationId, daysBefore(NOW, 60), daysBefore(NOW, 59));
    await insertMessage(database(), personId, { status: 'cancelled', createdAt: daysBefore(NOW, 370) });
    expect(await service.run(context())).toEqual({ outboxDeleted: 1, messagesRedacted: 1 });
    const outbox = await outboxIds();
    const messages = await messagingDb(database().db)
      .selectFrom('messages')
      .selectAll()
      .orderBy('id')
      .execute();

    clock.advance(60_000);
    const audits = (await retentionAudits()).length;
    expect(await service.run(context())).toEqual({ outboxDeleted: 0, messagesRedacted: 0 });
    expect(await retentionAudits()).toHaveLength(audits);

    expect(await outboxIds()).toEqual(outbox);
    expect(
      await messagingDb(database().db).selectFrom('messages').selectAll().orderBy('id').execute(),
    ).toEqual(messages);
  });

  it('two processes running it at once, in small batches, handle every row exactly once', async () => {
    for (let index = 0; index < 7; index++) {
      await insertOutboxRow(database(), administrationId, daysBefore(NOW, 50), daysBefore(NOW, 45));
      await insertMessage(database(), personId, {
        status: 'sent',
        createdAt: daysBefore(NOW, 380),
        sentAt: daysBefore(NOW, 380),
      });
    }
    const processes = [0, 1].map(() => new RetentionService(database().db, clock, config, 2));

    const runs = await Promise.all(processes.map((process) => process.run(context())));

    expect(runs.reduce((sum, run) => sum + run.outboxDeleted, 0)).toBe(7);
    expect(runs.reduce((sum, run) => sum + run.messagesRedacted, 0)).toBe(7);
    const left = await sql<{ outbox: number; messages: number }>`SELECT
        (SELECT count(*)::integer FROM national_outbox WHERE acknowledged_at < ${daysBefore(NOW, 30)}) AS outbox,
        (SELECT count(*)::integer FROM messages
          WHERE redacted_at IS NULL AND status <> 'pending' AND coalesce(sent_at, created_at) < ${daysBefore(NOW, 365)})
          AS messages`.execute(database().db);
    expect(left.rows[0]).toEqual({ outbox: 0, messages: 0 });
  });

  it('BOOK-17 the console and the API show a redacted message, its status and attempts, saying its contents were removed after 365 days', async () => {
    const id = await insertMessage(database(), personId, {
      status: 'sent',
      createdAt: daysBefore(NOW, 500),
      sentAt: daysBefore(NOW, 500),
    });
    const at = clock.now();
    await service.run(context());

    const browser = new FormBrowser(app);
    await browser.follow(
      await browser.post('/console/sign-in', { username: usernames.region_admin, password: TEST_PASSWORD }),
    );
    const page = await browser.get(`/console/messages/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Testo e destinatario sono stati rimossi dopo 365 giorni');
    expect(page.body).not.toContain('Il testo non può essere composto');
    expect(page.body).not.toContain(`••••${REDACTED_RECIPIENT.slice(-4)}`);
    expect(page.body).toContain('smtp');
    const list = await browser.get('/console/messages?channel=email');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/console/messages/${id}"`);

    const api = await app.inject({
      method: 'GET',
      url: `/messaging/messages/${id}`,
      headers: await signInStaff(app, usernames.region_admin),
    });
    expect(api.statusCode, api.body).toBe(200);
    expect(api.json()).toMatchObject({
      message: { status: 'sent', redactedAt: at.toISOString(), params: {} },
      rendered: null,
      renderError: null,
    });
  });
});

/*
 * `vaxhub retention run` in its own process, on a database of each engine it can open: the command reads the
 * machine's clock, so the rows are dated from it (31 days against 30 leaves a day's margin).
 */
describeEachEngine(
  'vaxhub retention run',
  async (kind) => {
    const directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-retention-'));
    const databaseUrl = kind === 'postgres' ? await createTestPostgresDatabase() : '';
    const dataDir = path.join(directory, 'db');
    const database = await openDatabase({ databaseUrl: databaseUrl || undefined, dataDir });
    try {
      await migrateToLatest(database.db);
      const { personId, administrationId } = await seedPeopleAndAdministration(database);
      const now = new Date();
      await insertOutboxRow(database, administrationId, daysBefore(now, 40), daysBefore(now, 31));
      await insertMessage(database, personId, {
        status: 'sent',
        createdAt: daysBefore(now, 400),
        sentAt: daysBefore(now, 400),
      });
      await insertMessage(database, personId, { status: 'failed', createdAt: daysBefore(now, 400) });
    } finally {
      // PGlite's files are the command's to open now: one process at a time.
      await database.close();
    }
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      close: () => rm(directory, { recursive: true, force: true }),
    };
  },
  (target) => {
    const vaxhub = (args: string[]) => {
      const result = spawnSync(process.execPath, [BIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...target().env },
        timeout: 120_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    };

    it('NAT-1 BOOK-17 prints how many rows it deleted and redacted, as JSON with --json, and nothing the second time', () => {
      const first = vaxhub(['retention', 'run', '--json']);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({ outboxDeleted: 1, messagesRedacted: 2 });
      const second = vaxhub(['retention', 'run']);
      expect(second.status).toBe(0);
      expect(second.stdout).toContain('national outbox: 0 acknowledged rows deleted (older than 30 days)');
      expect(second.stdout).toContain('messages: 0 redacted (older than 365 days)');
    });
  },
);

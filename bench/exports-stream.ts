/**
 * EXP-1 bulk export: time and server memory of GET /exports/fhir/{Immunization,Patient}.ndjson over N
 * administrations, streamed by keyset pages.
 *
 *   npx tsx bench/exports-stream.ts [--engine postgres|pglite] [--rows 300000]
 *
 * Fixture: bench/lib/booking-fixture.ts (throwaway PostgreSQL or PGlite, N synthetic people), then one
 * Comirnaty dose per person inserted by SQL. `vaxhub serve` runs in a child process; the client counts
 * bytes and lines without keeping them. References in the same run: the same keyset pages read by the
 * bench process without mapping or HTTP (the database's share), and the server's peak RSS (VmHWM) after a
 * warm-up export of one day against the peak after the full export.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { AuthService } from '../src/platform/auth/service.ts';
import { systemClock } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { immunizationWindow, lastAdministrationId } from '../src/modules/exports/repo.ts';
import { prepareBookingFixture } from './lib/booking-fixture.ts';
import { machineLine, peakRssMb, startVaxhub, stopVaxhub } from './lib/load.ts';

const { values } = parseArgs({
  options: { engine: { type: 'string', default: 'postgres' }, rows: { type: 'string', default: '300000' } },
});
const ENGINE = values.engine === 'pglite' ? 'pglite' : 'postgres';
const ROWS = Number(values.rows.replaceAll('_', ''));
const PORT = 3994;
const PASSWORD = 'bench-password-123';

function download(
  path: string,
  token: string,
): Promise<{ bytes: number; lines: number; seconds: number; firstByteMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port: PORT, path, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`${path}: ${response.statusCode}`));
        let bytes = 0;
        let lines = 0;
        let firstByteMs = -1;
        response.on('data', (chunk: Buffer) => {
          if (firstByteMs < 0) firstByteMs = performance.now() - started;
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
        });
        response.on('end', () =>
          resolve({ bytes, lines, seconds: (performance.now() - started) / 1000, firstByteMs }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

const fixture = await prepareBookingFixture({ engine: ENGINE, people: ROWS, days: 1 });
let server: Awaited<ReturnType<typeof startVaxhub>> | undefined;
try {
  const database = await fixture.open();
  const auth = new AuthService(database.db, systemClock, {
    staffSessionMinutes: 600,
    citizenSessionMinutes: 30,
  });
  const context = systemContext('bench', systemClock.now());
  const point = await database.db
    .selectFrom('vaccination_points')
    .select('id')
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const operator = await auth.createStaffAccount(
    {
      username: 'bench.vaccinator',
      displayName: 'bench',
      role: 'vaccinator',
      password: PASSWORD,
      vaccinationPointIds: [point.id],
    },
    context,
  );
  await auth.createStaffAccount(
    { username: 'bench.region', displayName: 'bench', role: 'region_admin', password: PASSWORD },
    context,
  );
  const inserting = performance.now();
  await sql`
    INSERT INTO administrations (person_id, administered_at, administered_on, recorded_at, product_code, aic, lot,
      lot_expiry, volume_ml, risk_category, health_condition, route, site, payment_mode, vaccination_point_id,
      dose_number, dose_kind, operator_account_id, assigned_dose_number)
    SELECT p.id, t.at, (t.at AT TIME ZONE 'Europe/Rome')::date, t.at + interval '5 minutes', 'COMIRNATY-30',
      '049269018', 'FK' || (p.id % 97), '2022-12-31', 0.3, 'Altro', 'Nessuna condizione sanitaria a rischio',
      'intramuscular', 'left_deltoid', 'national_health_service', ${point.id}, 1, 'primary', ${operator}, 1
    FROM (SELECT id FROM persons ORDER BY id LIMIT ${ROWS}) p,
      LATERAL (SELECT timestamptz '2021-06-01 09:00+02' + (p.id % 61) * interval '1 day' + (p.id % 480) * interval '1 minute' AS at) t`.execute(
    database.db,
  );
  if (ENGINE === 'postgres') await sql`ANALYZE`.execute(database.db);
  const inserted = (performance.now() - inserting) / 1000;

  // Reference: the same keyset pages, read without mapping or HTTP.
  let readRows = 0;
  const reading = performance.now();
  const lastId = await lastAdministrationId(database.db);
  for (let afterId = 0; afterId < lastId; afterId += 1000) {
    const page = await immunizationWindow(database.db, {
      from: '2021-06-01',
      to: '2021-07-31',
      points: null,
      afterId,
      throughId: afterId + 1000,
    });
    readRows += page.length;
  }
  const readSeconds = (performance.now() - reading) / 1000;
  if (process.env.BENCH_EXPLAIN) {
    const plan = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS)
      WITH page AS (SELECT DISTINCT a.person_id FROM administrations a WHERE a.person_id > 150000
        AND a.administered_on BETWEEN '2021-06-01' AND '2021-07-31' AND true ORDER BY a.person_id LIMIT 1000)
      SELECT p.id FROM page JOIN persons p ON p.id = page.person_id ORDER BY p.id`.execute(database.db);
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    const plan2 = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE)
    SELECT a.id, a.person_id AS "personId", a.administered_at AS "administeredAt",
      a.recorded_at AS "recordedAt", a.product_code AS "productCode", a.aic, a.lot, a.lot_expiry AS "lotExpiry",
      a.volume_ml AS "volumeMl", a.route, a.site, a.dose_number AS "doseNumber", a.dose_kind AS "doseKind",
      a.version, a.deleted_at IS NOT NULL AS deleted,
      (a.dose_kind = 'primary' AND a.dose_number = 1 AND EXISTS (
        SELECT 1 FROM infections i WHERE i.person_id = a.person_id AND i.sampled_on < a.administered_on
      )) AS "priorInfection",
      v.code AS "pointCode", v.name AS "pointName",
      h.code AS "healthAuthorityCode", h.name AS "healthAuthorityName"
    FROM administrations a
    JOIN vaccination_points v ON v.id = a.vaccination_point_id
    JOIN health_authorities h ON h.code = v.health_authority_code
    WHERE a.id > 50000 AND a.id <= 51000
      AND a.administered_on BETWEEN '2021-06-01'::date AND '2021-07-31'::date
      AND true
    ORDER BY a.id`.execute(database.db);
    console.log(plan2.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  await database.close();

  // No national deliveries competing for the CPU; a small heap: a server that built the file in memory
  // (hundreds of MB) would die of it.
  const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? '96');
  server = await startVaxhub(
    { ...fixture.env, NATIONAL_SYNC_INTERVAL_MS: '0', NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
    PORT,
  );
  const signIn = await fetch(`http://127.0.0.1:${PORT}/auth/staff/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench.region', password: PASSWORD }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const warmup = await download('/exports/fhir/Immunization.ndjson?from=2021-06-01&to=2021-06-01', token);
  const rssAfterWarmup = peakRssMb(server);
  const immunizations = await download(
    '/exports/fhir/Immunization.ndjson?from=2021-06-01&to=2021-07-31',
    token,
  );
  const rssAfterImmunizations = peakRssMb(server);
  const patients = await download('/exports/fhir/Patient.ndjson?from=2021-06-01&to=2021-07-31', token);
  const rssAfterPatients = peakRssMb(server);

  console.log(machineLine());
  console.log(
    `engine: ${fixture.serverVersion}; ${ROWS} administrations inserted in ${inserted.toFixed(1)} s`,
  );
  console.log(
    `reference: keyset pages of 1000 read by the bench process, no mapping: ${readRows} rows in ${readSeconds.toFixed(2)} s (${Math.round(readRows / readSeconds)} rows/s)`,
  );
  console.log(`server heap limit: --max-old-space-size=${HEAP_MB}`);
  console.log(`warm-up (one day): ${warmup.lines} lines; server peak RSS after it ${rssAfterWarmup} MB`);
  for (const [label, result, rss] of [
    ['Immunization', immunizations, rssAfterImmunizations],
    ['Patient', patients, rssAfterPatients],
  ] as const) {
    console.log(
      `${label}: ${result.lines} lines, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(2)} s ` +
        `(${Math.round(result.lines / result.seconds)} resources/s, first byte ${result.firstByteMs.toFixed(0)} ms); server peak RSS ${rss} MB`,
    );
  }
  console.log(`HTTP export / database pages: ${(immunizations.seconds / readSeconds).toFixed(2)}× the time`);
} finally {
  if (server) await stopVaxhub(server);
  fixture.dispose();
}

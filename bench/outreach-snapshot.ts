/**
 * BOOK-17 / ELIG-2 at scale: creating an active-calling campaign snapshots its targets in priority order
 * with one INSERT … SELECT. `npx tsx bench/outreach-snapshot.ts [--people 1000000] [--targets 500000]
 * [--database-url postgres://… (reuse a loaded database)]`.
 *
 * Loads N synthetic people into a throwaway PostgreSQL, gives `--targets` of them the health authority
 * ATS-VALPADANA, and times `OutreachService.createCampaign` (selection: everyone from age 0, so every
 * person of the authority is ranked: the plan's priority through entitlements, age and links, oldest first).
 * Reference measured in the same run: `INSERT INTO … SELECT` of the same people's ids into a table of the
 * same shape, without the ranking and the look-ups.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { OutreachService } from '../src/modules/outreach/service.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { createProgress } from '../src/cli/progress.ts';
import type { PostgresCluster } from '../test/postgres-cluster.ts';
import { benchCluster } from './lib/cluster.ts';
import { machineLine } from './lib/load.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000000' },
    targets: { type: 'string', default: '500000' },
    'database-url': { type: 'string' },
  },
});
const PEOPLE = Number(values.people.replaceAll('_', ''));
const TARGETS = Number(values.targets.replaceAll('_', ''));
const AUTHORITY = 'ATS-VALPADANA';

let cluster: PostgresCluster | undefined;

async function prepareDatabase(): Promise<string> {
  if (values['database-url']) return values['database-url'];
  ({ cluster } = await benchCluster(['vaxhub_bench']));
  const url = cluster.url('vaxhub_bench');
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  await migrateToLatest(database.db);
  await loadReferenceData(database);
  const progress = createProgress('loading people', PEOPLE);
  await generatePopulationIntoDatabase(database, {
    people: PEOPLE,
    seed: 1,
    onProgress: (n) => progress.update(n),
  });
  progress.finish(`${PEOPLE.toLocaleString('en-US')} people loaded`);
  await sql`UPDATE persons SET health_authority_code = ${AUTHORITY} WHERE id <= ${TARGETS}`.execute(
    database.db,
  );
  await sql`ANALYZE`.execute(database.db);
  await database.close();
  return url;
}

async function main(): Promise<void> {
  const url = await prepareDatabase();
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  try {
    const clock = fixedClock('2021-04-14T08:00:00Z');
    const eligibility = new EligibilityService(database.db, clock, '03');
    await eligibility.loadShippedPlanVersions();
    const outreach = new OutreachService(
      database.db,
      clock,
      eligibility,
      new BookingService(database.db, clock, eligibility),
    );

    let started = performance.now();
    await sql`CREATE TEMP TABLE reference_targets (campaign_id bigint, person_id bigint, rank integer)`.execute(
      database.db,
    );
    const copied = await sql`INSERT INTO reference_targets
      SELECT 0, id, id FROM persons WHERE health_authority_code = ${AUTHORITY}`.execute(database.db);
    const referenceMs = performance.now() - started;

    started = performance.now();
    const campaign = await outreach.createCampaign(
      { healthAuthorityCode: AUTHORITY, name: 'bench', deadline: '2021-04-30', selection: { ageFrom: 0 } },
      null,
      systemContext('bench', clock.now()),
    );
    const snapshotMs = performance.now() - started;

    console.log(machineLine());
    console.log(`| what | rows | seconds |`);
    console.log(`| --- | ---: | ---: |`);
    console.log(
      `| reference: INSERT … SELECT of the ids | ${Number(copied.numAffectedRows ?? 0).toLocaleString('en-US')} | ${(referenceMs / 1000).toFixed(2)} |`,
    );
    console.log(
      `| createCampaign: targets ranked (ELIG-2) | ${campaign.target_count.toLocaleString('en-US')} | ${(snapshotMs / 1000).toFixed(2)} |`,
    );
    console.log(`ratio snapshot / reference: ${(snapshotMs / referenceMs).toFixed(1)}×`);
  } finally {
    await database.close();
    cluster?.stop();
  }
}

await main();

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../src/platform/db/database.ts';
import type { App } from '../src/platform/http/types.ts';
import type { StaffRole } from '../src/platform/auth/roles.ts';
import { createLogger } from '../src/platform/logging.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { buildNationalApp } from '../src/national/app.ts';
import { DEVELOPMENT_API_TOKEN, loadNationalConfig } from '../src/national/config.ts';
import { seedNationalRegistry } from '../src/national/seed.ts';
import { openMigratedNationalTestDatabase } from '../src/national/test-databases.ts';
import type { NationalDatabase } from '../src/national/db.ts';
import { ensureSigningCertificates } from '../src/modules/certificates/signing-certificates.ts';
import { loadReferenceData } from '../src/modules/reference/service.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { ensureStaffOfEveryRole } from './app.ts';

/** Tests of the national flows talk to a real simulator over HTTP, as the app does in production. */

/** Who lives in the test nation: the region's people are generated from the same seed on both sides. */
export interface NationalPopulation {
  regionPeople: number;
  regionSeed: number;
  otherRegionPeople: number;
  aire: number;
  foreigners: number;
}

export interface NationalSimulator {
  app: App;
  db: NationalDatabase;
  /** Where it listens, for the app's NATIONAL_URL. */
  url: string;
}

/** The national simulator (AVN, health cards, DGC) on PGlite, at a fixed time, listening on a free port. */
export async function startNationalSimulator(
  now: string,
  population: NationalPopulation,
): Promise<NationalSimulator> {
  const db = await openMigratedNationalTestDatabase('pglite');
  await seedNationalRegistry(db, population);
  const app = await buildNationalApp({
    config: loadNationalConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
    database: db,
    clock: fixedClock(now),
    logger: createLogger('silent'),
    signing: await ensureSigningCertificates({ dir: await mkdtemp(path.join(tmpdir(), 'vaxhub-dgc-')) }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, db, url };
}

/**
 * The region's side of the same nation: the reference data, the population generated with the
 * simulator's seed (so both know the same people), and a staff account of every role.
 */
export async function seedRegionOfNation(
  database: Database,
  population: Pick<NationalPopulation, 'regionPeople' | 'regionSeed'>,
): Promise<Record<StaffRole, string>> {
  await loadReferenceData(database);
  await generatePopulationIntoDatabase(database, {
    people: population.regionPeople,
    seed: population.regionSeed,
  });
  return ensureStaffOfEveryRole(database);
}

/** The app's settings that point it at the simulator; the timeout is each suite's own. */
export const nationalEnv = (simulator: NationalSimulator, timeoutMs: number): Record<string, string> => ({
  NATIONAL_URL: simulator.url,
  NATIONAL_API_TOKEN: DEVELOPMENT_API_TOKEN,
  NATIONAL_TIMEOUT_MS: String(timeoutMs),
});

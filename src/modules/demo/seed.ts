import type { Database } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/clock.ts';
import { AuthService } from '../../platform/auth/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { romeDate } from '../../platform/clock.ts';
import { ListService } from '../eligibility/lists/service.ts';
import { writeSyntheticFragileList } from '../eligibility/lists/synthetic.ts';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const DEMO_PASSWORD = 'vaxhub-demo-2021';
export const DEMO_PEOPLE = 50_000;
export const DEMO_SEED = 2021;
/** Lombardy: the demo's people, hubs and calendar are those of ATS Val Padana. */
export const DEMO_REGION = '03';

export interface DemoAccount {
  username: string;
  role: StaffRole;
  scope: string;
}

export interface DemoSummary {
  accounts: DemoAccount[];
  citizen?: { taxCode: string; healthCardNumber: string; name: string };
  steps: string[];
}

/**
 * The demo region: reference data, a synthetic population, and one staff account per role scoped to
 * the Cremona hub and its health authority. Each step is skipped when already done, so a restart is
 * quick and keeps what was booked or recorded.
 */
export async function seedDemo(
  database: Database,
  clock: Clock,
  log: (line: string) => void,
): Promise<DemoSummary> {
  const steps: string[] = [];
  const started = Date.now();
  const reference = await loadReferenceData(database);
  steps.push(reference.loaded ? 'reference data loaded' : 'reference data already loaded');
  log(`${steps.at(-1)} (${Date.now() - started} ms)`);

  const db = database.db;
  const plans = await new EligibilityService(db, clock, DEMO_REGION).loadShippedPlanVersions();
  const newPlans = plans.filter((plan) => plan.loaded).length;
  steps.push(newPlans > 0 ? `${newPlans} plan versions loaded` : 'plan versions already loaded');
  log(steps.at(-1) ?? '');

  const people = await db
    .selectFrom('persons')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(people.n) === 0) {
    const t = Date.now();
    await generatePopulationIntoDatabase(database, {
      people: DEMO_PEOPLE,
      seed: DEMO_SEED,
      regionCode: DEMO_REGION,
    });
    steps.push(`${DEMO_PEOPLE.toLocaleString('en-US')} synthetic people generated`);
    log(`${steps.at(-1)} (${Date.now() - t} ms)`);
  }

  const hub = await db
    .selectFrom('vaccination_points')
    .select(['id', 'name', 'health_authority_code'])
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const accounts: DemoAccount[] = [
    { username: 'callcenter', role: 'call_center', scope: 'region' },
    { username: 'supervisor', role: 'contact_center_supervisor', scope: 'region' },
    { username: 'doctor', role: 'gp', scope: 'own patients' },
    { username: 'pharmacist', role: 'pharmacist', scope: 'pharmacy channel' },
    { username: 'vaccinator', role: 'vaccinator', scope: hub.name },
    { username: 'pointadmin', role: 'point_admin', scope: hub.name },
    {
      username: 'asladmin',
      role: 'asl_admin',
      scope: hub.health_authority_code,
    },
    { username: 'regionadmin', role: 'region_admin', scope: 'region' },
    { username: 'auditor', role: 'auditor', scope: 'read-only' },
  ];
  const existing = new Set(
    (await db.selectFrom('staff_accounts').select('username').execute()).map((row) => row.username),
  );
  const auth = new AuthService(db, clock, { staffSessionMinutes: 1, citizenSessionMinutes: 1 });
  const context = systemContext('demo-seed', clock.now());
  for (const account of accounts) {
    if (existing.has(account.username)) continue;
    await auth.createStaffAccount(
      {
        username: account.username,
        displayName: `Demo ${account.role.replaceAll('_', ' ')}`,
        role: account.role,
        password: DEMO_PASSWORD,
        vaccinationPointIds: account.role === 'vaccinator' || account.role === 'point_admin' ? [hub.id] : [],
        healthAuthorityCodes: account.role === 'asl_admin' ? [hub.health_authority_code] : [],
      },
      context,
    );
  }
  if (existing.size < accounts.length) steps.push('demo staff accounts created');

  const citizen = await db
    .selectFrom('persons')
    .select(['tax_code', 'health_card_number', 'given_name', 'surname'])
    .where('health_card_number', 'is not', null)
    .where('tax_code', 'is not', null)
    .orderBy('id')
    .executeTakeFirst();
  return {
    accounts,
    steps,
    ...(citizen?.health_card_number && citizen.tax_code
      ? {
          citizen: {
            taxCode: citizen.tax_code,
            healthCardNumber: citizen.health_card_number,
            name: `${citizen.given_name} ${citizen.surname}`,
          },
        }
      : {}),
  };
}

/**
 * The demo health authority's fragile list (ELIG-18), loaded through the same path as any upload: the people the
 * synthetic population made fragile, each with their Table 1 condition or L.104. Run once the
 * platform is ready, so that it does not slow the start; skipped when a list was already loaded.
 */
export async function seedDemoFragileList(
  database: Database,
  clock: Clock,
  dataDir: string,
  log: (line: string) => void,
): Promise<void> {
  const db = database.db;
  const loaded = await db.selectFrom('list_uploads').select('id').limit(1).executeTakeFirst();
  if (loaded !== undefined) return;
  const started = Date.now();
  const directory = path.resolve(dataDir.startsWith('memory://') ? tmpdir() : dataDir, 'demo-lists');
  await mkdir(directory, { recursive: true });
  // Sent by the health authority of the demo hub, which the demo asl_admin administers.
  const authority = await db
    .selectFrom('vaccination_points')
    .select('health_authority_code')
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const file = path.join(directory, `fragili-${authority.health_authority_code.toLowerCase()}.csv`);
  await writeSyntheticFragileList(db, file, 'csv', { rows: DEMO_PEOPLE, onlyFragile: true });
  const eligibility = new EligibilityService(db, clock, DEMO_REGION);
  const upload = await new ListService(database, clock, eligibility).importFile(
    {
      path: file,
      fileName: path.basename(file),
      listType: 'fragile',
      sourceAuthority: authority.health_authority_code,
    },
    systemContext('demo-seed', clock.now()),
  );
  log(
    `demo fragile list of ${authority.health_authority_code} loaded: ${upload.rows_loaded.toLocaleString('en-US')} entitlements, ` +
      `${upload.rows_rejected} rejected (${Date.now() - started} ms)`,
  );
}

/**
 * Days the demo hubs open, counted from today: two weeks of first doses, and the days second doses fall on
 * (Comirnaty 21, Spikevax 28, Vaxzevria up to 84 days later, BOOK-10).
 */
const DEMO_OPEN_DAYS = [
  ...Array.from({ length: 14 }, (_, i) => i),
  ...Array.from({ length: 15 }, (_, i) => 21 + i),
  ...Array.from({ length: 7 }, (_, i) => 80 + i),
];

/**
 * The demo's booking capacity: every hub active with 10 stations (the Cremona one step-free, with parking and
 * sign-language sessions), open 09:00-17:00 on the days above with doses of the three 2021 products. Run
 * once the platform is ready; skipped when any hub is already configured.
 */
export async function seedDemoCapacity(
  database: Database,
  clock: Clock,
  log: (line: string) => void,
): Promise<void> {
  const db = database.db;
  if ((await db.selectFrom('hubs').select('vaccination_point_id').limit(1).executeTakeFirst()) !== undefined)
    return;
  const started = Date.now();
  const booking = new BookingService(db, clock, new EligibilityService(db, clock, DEMO_REGION));
  const context = systemContext('demo-seed', clock.now());
  const hubs = await db
    .selectFrom('vaccination_points')
    .select(['id', 'code'])
    .where('kind', '=', 'hub')
    .orderBy('code')
    .execute();
  const today = romeDate(clock.now());
  let slots = 0;
  for (const [index, hub] of hubs.entries()) {
    await booking.configureHub(
      hub.id,
      {
        stations: 10,
        accessibility: index === 0 ? ['step_free', 'parking', 'sign_language'] : ['parking'],
        status: 'active',
      },
      context,
    );
    for (const offset of DEMO_OPEN_DAYS) {
      const day = new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
      const result = await booking.setHubDay(
        hub.id,
        day,
        {
          opensAt: '09:00',
          closesAt: '17:00',
          stations: 10,
          minutesPerVaccination: 5,
          slotMinutes: 15,
          stock: [
            { product: 'COMIRNATY-30', doses: 400 },
            { product: 'SPIKEVAX', doses: 300 },
            { product: 'VAXZEVRIA', doses: 400 },
          ],
        },
        context,
      );
      slots += result.slots;
    }
  }
  log(
    `demo booking capacity: ${hubs.length} hubs, ${slots.toLocaleString('en-US')} slots over ${DEMO_OPEN_DAYS.length} days (${Date.now() - started} ms)`,
  );
}

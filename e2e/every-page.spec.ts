/// <reference lib="dom" />
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { axeViolations, launchChromium } from './browser.ts';
import { startNationalE2e, type NationalE2e } from './national.ts';
import { PHONE, signInAtPortal } from './scriptless-page.ts';
import { putOnHomeList } from './home-vaccination-list.ts';
import { romeDate, systemClock } from '../src/platform/clock.ts';
import { dayFromIsoDate, isoDateFromDay } from '../src/platform/calendar.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { channelOfStaffRole, STAFF_ROLES, type Role, type StaffRole } from '../src/platform/auth/roles.ts';
import { createNationalClient } from '../src/national/client.ts';
import { DEVELOPMENT_API_TOKEN } from '../src/national/config.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { CapacityService } from '../src/modules/capacity/service.ts';
import { OutreachService } from '../src/modules/outreach/service.ts';
import { AccessibilityService } from '../src/modules/accessibility/service.ts';
import { VaccinationService } from '../src/modules/vaccination/service.ts';
import { NO_HEALTH_CONDITION } from '../src/modules/vaccination/rules.ts';
import { BOOKING_CODE_ALPHABET } from '../src/modules/booking/rules.ts';
import { seedDemoCapacity, seedDemoFragileList } from '../src/modules/demo/seed.ts';
import { seedDemoSessions } from '../src/modules/accessibility/demo.ts';
import { sectionsFor } from '../src/modules/console/sections.ts';
import { ensureStaffOfEveryRole, TEST_PASSWORD } from '../test/app.ts';
import { CONSENT } from '../test/registry-fixtures.ts';

const REGION = '03';
const CONSOLE_SCREEN = { width: 1280, height: 900 };
/** Enough to meet every kind of page; lists and pages of a list add nothing after the second. */
const MOST_PAGES_PER_ROLE = 80;
const ADDRESSES_PER_TEMPLATE = 2;
/** Paging moves within one list, which is one page template. */
const PAGING_PARAMETERS = new Set(['page', 'offset']);
const BOOKING_CODE = new RegExp(`^[${BOOKING_CODE_ALPHABET}]{8}$`);
/** Query values that name one record or day among many, like a numeric path segment. */
const RECORD_VALUE = /^(?:\d+|\d{4}-\d{2}-\d{2}|[A-Z0-9]{8})$/;
/**
 * Links that do more than show a page. The language switch sets a preference cookie, and the rest of the crawl
 * would read the other language's pages, the same templates. A vaccination point's "check all regions"
 * (`?compare=1`) asks the national system and files an anomaly report when it shows fewer doses (VAX-8).
 */
const NOT_CRAWLED = [/^\/portal\/language(?:\?|$)/, /[?&]compare=/];

/** What identifies a page whatever record, day or page of a list it shows. */
function pageTemplate(address: URL): string {
  const segments = address.pathname
    .split('/')
    .map((segment) => (/^\d+$/.test(segment) ? ':id' : BOOKING_CODE.test(segment) ? ':code' : segment));
  const query = [...address.searchParams.entries()]
    .filter(([name]) => !PAGING_PARAMETERS.has(name))
    .map(([name, value]) => `${name}=${RECORD_VALUE.test(value) ? ':value' : value}`)
    .sort();
  return segments.join('/') + (query.length > 0 ? `?${query.join('&')}` : '');
}

interface CrawlReport {
  /** Page template → the addresses visited for it. */
  templates: Map<string, string[]>;
  pages: number;
  /** One line per problem: the address, then what is wrong. */
  problems: string[];
  /** Links that answered with something other than a page (CSV, PDF…). */
  files: string[];
}

/**
 * Breadth-first from `start` over the links of the signed-in `page`, GET only (every write in the app is a POST
 * form, and forms are never submitted): each HTML page answers 200, has one h1, no axe-core violation and
 * nothing wider than the screen.
 */
async function crawl(page: Page, start: string): Promise<CrawlReport> {
  const origin = new URL(start).origin;
  const report: CrawlReport = { templates: new Map(), pages: 0, problems: [], files: [] };
  const queue = [start];
  const queued = new Set(queue);
  for (let address = queue.shift(); address !== undefined; address = queue.shift()) {
    if (report.pages >= MOST_PAGES_PER_ROLE) break;
    const template = pageTemplate(new URL(address));
    const seen = report.templates.get(template) ?? [];
    if (seen.length >= ADDRESSES_PER_TEMPLATE) continue;
    // Asked first without rendering: a file link would start a download instead of showing a page.
    const probe = await page.request.get(address, { maxRedirects: 0 });
    if (!(probe.headers()['content-type'] ?? '').startsWith('text/html') && probe.status() < 300) {
      report.files.push(address);
      continue;
    }
    report.templates.set(template, [...seen, address]);
    report.pages += 1;
    const response = await page.goto(address);
    const problems = await pageProblems(page, response?.status());
    report.problems.push(...problems.map((problem) => `${address}: ${problem}`));
    if (problems.length > 0) continue;
    for (const link of await linksOf(page, origin)) {
      if (queued.has(link)) continue;
      queued.add(link);
      queue.push(link);
    }
  }
  return report;
}

/**
 * No status but 200 is excused: a role is only shown links to what it may open (the navigation is built from
 * the roles of each section), so a 403 or 404 behind a link is a broken offer, not a refusal to expect.
 */
async function pageProblems(page: Page, status: number | undefined): Promise<string[]> {
  if (status !== 200) return [`status ${status ?? 'none'} (at ${page.url()})`];
  const problems: string[] = [];
  const headings = await page.locator('h1').count();
  if (headings !== 1) problems.push(`${headings} h1 elements`);
  problems.push(...(await axeViolations(page)));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0)
    problems.push(`${overflow} px wider than the ${page.viewportSize()?.width ?? '?'} px screen`);
  return problems;
}

/** The page's links into the portal and the consoles, without fragments. */
async function linksOf(page: Page, origin: string): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
  return hrefs.flatMap((href) => {
    const url = new URL(href);
    url.hash = '';
    const local = url.pathname + url.search;
    return url.origin === origin &&
      /^\/(?:console|portal)(?:[/?]|$)/.test(local) &&
      !NOT_CRAWLED.some((action) => action.test(local))
      ? [url.href]
      : [];
  });
}

function summary(role: Role, report: CrawlReport): string {
  return [
    `${role}: ${report.pages} pages${report.pages >= MOST_PAGES_PER_ROLE ? ' (the most crawled)' : ''}, ` +
      `${report.templates.size} templates` +
      (report.files.length > 0 ? `, files not crawled: ${report.files.join(' ')}` : ''),
    ...[...report.templates.keys()].sort().map((template) => `  ${template}`),
  ].join('\n');
}

async function signInAtConsole(page: Page, serverUrl: string, username: string): Promise<void> {
  await page.goto(`${serverUrl}/console/sign-in`);
  await page.fill('#username', username);
  await page.fill('#password', TEST_PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.waitForURL(/\/console$/);
}

interface Citizen {
  id: number;
  tax_code: string;
  health_card_number: string;
}

/**
 * UX-2 (issue 9: "axe reports 0 violations on every page"): every role, from its home page, reaches a set of
 * pages by links; each of them is checked, on data as rich as the demo's: capacity at every hub, dedicated
 * sessions, a fragile list, bookings today, a dose given, a capacity change in preview, an active-calling
 * campaign and home-vaccination requests.
 */
describe('every page reachable by links, in a real browser', () => {
  let browser: Browser;
  let parties: NationalE2e;
  let usernames: Record<StaffRole, string>;
  let citizen: Citizen;
  let listDirectory: string;

  beforeAll(async () => {
    parties = await startNationalE2e();
    const { database } = parties.server;
    const db = database.db;
    const eligibility = new EligibilityService(db, systemClock, REGION);
    await eligibility.loadShippedPlanVersions();
    usernames = await ensureStaffOfEveryRole(database);
    await seedDemoCapacity(database, systemClock, () => undefined);
    await seedDemoSessions(database, systemClock, REGION, () => undefined);
    listDirectory = await mkdtemp(path.join(tmpdir(), 'vaxhub-e2e-every-page-'));
    await seedDemoFragileList(database, systemClock, listDirectory, () => undefined);

    const point = await db
      .selectFrom('vaccination_points')
      .select(['id', 'health_authority_code'])
      .orderBy('code')
      .executeTakeFirstOrThrow();
    const today = romeDate(new Date());
    const context = systemContext('e2e', new Date());
    const booking = new BookingService(db, systemClock, eligibility);
    const elderly = (
      await sql<Citizen>`SELECT id::integer AS id, tax_code, health_card_number FROM persons
        WHERE status = 'active' AND birth_date <= '1951-12-31' AND tax_code IS NOT NULL
        AND health_card_number IS NOT NULL ORDER BY id LIMIT 12`.execute(db)
    ).rows;
    const slots = await db
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', point.id)
      .where('day', '=', today)
      .orderBy('starts_at')
      .execute();
    const bookings: string[] = [];
    for (const [index, person] of elderly.slice(0, 8).entries()) {
      const slot = slots[index % slots.length];
      if (slot === undefined) throw new Error('the first hub is not open today');
      const { confirmation } = await booking.book(
        { personId: person.id, slotId: slot.id, idempotencyKey: undefined, channel: 'call_center' },
        context,
      );
      bookings.push(confirmation.booking.code);
    }
    const [, vaccinated] = elderly;
    if (vaccinated === undefined) throw new Error('the population lacks elderly people');
    // The citizen is checked in: a dose with a consent, its certificate and the second dose still booked; an
    // infection before it is on record too (both open from the person's page, among the first two crawled).
    citizen = vaccinated;
    const address = parties.national.server.address();
    const national = createNationalClient({
      baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      token: DEVELOPMENT_API_TOKEN,
    });
    const vaccinator = await db
      .selectFrom('staff_accounts')
      .select('id')
      .where('username', '=', usernames.vaccinator)
      .executeTakeFirstOrThrow();
    const atThePoint = {
      ...context,
      actorKind: 'staff',
      actorId: String(vaccinator.id),
      actorRole: 'vaccinator',
      channel: channelOfStaffRole('vaccinator'),
    } as const;
    const vaccination = new VaccinationService(db, systemClock, eligibility, booking, national, REGION);
    await vaccination.record(
      {
        personId: undefined,
        bookingCode: bookings[1],
        productCode: undefined,
        administeredAt: new Date(),
        lot: 'FK1234',
        lotExpiry: isoDateFromDay(dayFromIsoDate(today) + 90),
        volumeMl: 0.3,
        riskCategory: 'Altro',
        healthCondition: NO_HEALTH_CONDITION,
        route: 'intramuscular',
        site: 'left_deltoid',
        paymentMode: 'national_health_service',
        vaccinationPointId: point.id,
        additionalDose: false,
        override: false,
        certificateContacts: { mobile: null, email: null, confirmed: true },
        // CONSENT is untyped test data: its two enumerated values are restated for the service's types.
        consent: {
          ...CONSENT,
          signerCapacity: 'self',
          situation: { ...CONSENT.situation, protection: 'none' },
        },
        healthChanged: undefined,
      },
      atThePoint,
    );
    // COVID-19 last winter, in another region (VAX-16).
    const daysAgo = (days: number) => isoDateFromDay(dayFromIsoDate(today) - days);
    await vaccination.enterInfection(
      vaccinated.id,
      {
        testType: 'molecular',
        sampledOn: daysAgo(200),
        resultOn: daysAgo(199),
        recoveredOn: daysAgo(180),
        place: { regionCode: '05' },
      },
      atThePoint,
    );

    await new CapacityService(db, systemClock, eligibility).create(
      { kind: 'close_day', pointId: point.id, day: today, note: 'Guasto all’impianto elettrico' },
      null,
      context,
    );
    await new OutreachService(db, systemClock, eligibility, booking).createCampaign(
      {
        healthAuthorityCode: point.health_authority_code,
        name: 'Over 80',
        selection: { categories: ['age_80_plus'] },
        deadline: isoDateFromDay(dayFromIsoDate(today) + 14),
      },
      null,
      context,
    );
    const accessibility = new AccessibilityService(db, systemClock, eligibility, booking);
    const housebound = elderly.slice(8, 10).map((person) => person.id);
    await putOnHomeList(db, accessibility, point.health_authority_code, housebound, context);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await parties?.stop();
    if (listDirectory !== undefined) await rm(listDirectory, { recursive: true, force: true });
  });

  /** `reached`: templates the data makes reachable, so that a crawl stopped early does not pass unseen. */
  const expectEveryPageSound = (role: Role, report: CrawlReport, reached: readonly string[]): void => {
    console.log(summary(role, report));
    expect([...report.templates.keys()]).toEqual(expect.arrayContaining([...reached]));
    expect(report.problems, `pages of ${role} with problems:\n${report.problems.join('\n')}`).toEqual([]);
  };

  it.each(STAFF_ROLES)(
    'UX-2 every page a %s reaches by links has 0 axe violations',
    async (role) => {
      const context = await browser.newContext({ viewport: CONSOLE_SCREEN, locale: 'it-IT' });
      const page = await context.newPage();
      await signInAtConsole(page, parties.server.url, usernames[role]);
      const report = await crawl(page, `${parties.server.url}/console`);
      await context.close();
      expectEveryPageSound(role, report, ['/console', ...sectionsFor(role).map((section) => section.href)]);
    },
    600_000,
  );

  it('UX-2 every page a citizen reaches by links has 0 axe violations', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'it-IT' });
    const page = await context.newPage();
    await signInAtPortal(page, parties.server.url, citizen);
    const report = await crawl(page, `${parties.server.url}/portal/start`);
    await context.close();
    expectEveryPageSound('citizen', report, [
      '/portal/start',
      '/portal/bookings/:code',
      '/portal/certificates',
    ]);
  }, 600_000);
});

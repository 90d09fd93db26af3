import { expect } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../src/platform/db/database.ts';
import type { App } from '../src/platform/http/types.ts';
import { FormBrowser } from './form-browser.ts';

/** What the citizen portal's page tests share: the people they sign in as and how they read pages. */

/** A citizen as the portal tests need one: enough to sign in with, and the id to check the database by. */
export interface Citizen {
  id: number;
  tax_code: string;
  health_card_number: string;
}

/** Cremona, its CAP and a day the demo capacity opens, at the test clock (2021-04-10). */
export const CREMONA = { province: '019', municipalityIstat: '019036', cap: '26100' };
export const DEMO_CAPACITY_DAY = '2021-04-14';

/** The value of a form control in the page, by its name (the first one for radios). */
export function valueOf(page: string, name: string): string {
  const control = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(page)?.[0];
  const value = control === undefined ? undefined : /value="([^"]*)"/.exec(control)?.[1];
  if (value === undefined) throw new Error(`no control ${name} in the page`);
  return value;
}

/** The page as a reader sees it: no tags, collapsed spaces, the entities the views escape decoded. */
export const visibleText = (page: string): string =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');

/** Signs `citizen` in to the portal with tax code and health card, as the sign-in form does. */
export async function signInCitizen(app: App, citizen: Citizen): Promise<FormBrowser> {
  const browser = new FormBrowser(app);
  const start = await browser.follow(
    await browser.post('/portal/sign-in', {
      taxCode: citizen.tax_code,
      healthCardNumber: citizen.health_card_number,
    }),
  );
  expect(start.statusCode).toBe(200);
  return browser;
}

/**
 * Active citizens with a health card (so they can sign in) born between `from` and `to`, by id.
 * `withoutEntitlements` keeps to people nobody has entitled yet, for tests that grant one themselves.
 * Ids come back as numbers on every engine, so tests can compare them with what the pages show.
 */
export async function citizensBornBetween(
  database: Database,
  from: string,
  to: string,
  limit: number,
  options: { withoutEntitlements?: boolean } = {},
): Promise<Citizen[]> {
  const entitlementFilter = options.withoutEntitlements
    ? sql`AND NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.person_id = persons.id)`
    : sql``;
  const rows = (
    await sql<Citizen>`SELECT id, tax_code, health_card_number FROM persons WHERE health_card_number IS NOT NULL
      AND status = 'active' AND birth_date BETWEEN ${from} AND ${to} ${entitlementFilter}
      ORDER BY id LIMIT ${limit}`.execute(database.db)
  ).rows;
  if (rows.length < limit) throw new Error('the population lacks the people needed');
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Citizens of 74-79 at the test clock: in the first priority group, so the portal lets them book at once. */
export const elderlyCitizens = (database: Database, count: number): Promise<Citizen[]> =>
  citizensBornBetween(database, '1942-01-01', '1946-12-31', count);

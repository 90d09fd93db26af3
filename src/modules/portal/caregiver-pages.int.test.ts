import { beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { seedDemoCapacity } from '../demo/seed.ts';
import type { App } from '../../platform/http/types.ts';
import type { FormBrowser } from '../../../test/form-browser.ts';
import {
  type Citizen,
  citizensBornBetween,
  CREMONA,
  DEMO_CAPACITY_DAY,
  signInCitizen,
  valueOf,
  visibleText,
} from '../../../test/portal-fixtures.ts';

const HOUR = 60 * 60 * 1000;

describeEachDatabase('Citizen portal: caregivers and group booking', (database) => {
  let app: App;
  let clock: Awaited<ReturnType<typeof buildTestApp>>['clock'];
  let fragile: Citizen;
  let carers: Citizen[];
  let stranger: Citizen;

  const signIn = (person: Citizen): Promise<FormBrowser> => signInCitizen(app, person);

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 43 });
    await ensureStaffOfEveryRole(database());
    const built = await buildTestApp(database(), { now: '2021-04-10T08:00:00Z' });
    app = built.app;
    clock = built.clock;
    await new EligibilityService(database().db, built.clock, '03').loadShippedPlanVersions();
    await seedDemoCapacity(database(), built.clock, () => undefined);
    const young = await citizensBornBetween(database(), '1965-01-01', '1995-12-31', 6, {
      withoutEntitlements: true,
    });
    [fragile, stranger] = young as [Citizen, Citizen];
    carers = young.slice(2);
  });

  it('ELIG-12 ELIG-13 ELIG-15 a fragile person pre-registers with a self-declaration, links caregivers by card, a 4th is refused until a link is removed', async () => {
    let browser = await signIn(fragile);
    const page = await browser.get('/portal/caregivers');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/portal/caregivers/pre-registration"');
    const csrf = valueOf(page.body, '_csrf');

    // The self-declaration is asked: without it nothing is recorded.
    const undeclared = await browser.post('/portal/caregivers/pre-registration', {
      _csrf: csrf,
      declarationKind: 'severe_disability',
      declaredBy: 'self',
    });
    expect(undeclared.statusCode).toBe(400);
    expect(undeclared.body).toContain('href="#preDeclaration-0"');
    const registered = await browser.follow(
      await browser.post('/portal/caregivers/pre-registration', {
        _csrf: csrf,
        declarationKind: 'severe_disability',
        declaredBy: 'self',
        preDeclaration: 'yes',
      }),
    );
    expect(visibleText(registered.body)).toContain('Preadesione registrata');
    expect(registered.body).not.toContain('action="/portal/caregivers/pre-registration"');

    // ELIG-12: from the next day.
    clock.advance(25 * HOUR);
    browser = await signIn(fragile);
    const links = await browser.get('/portal/caregivers');
    const token = valueOf(links.body, '_csrf');
    const link = (person: Citizen, declared = true) =>
      browser.post('/portal/caregivers/links', {
        _csrf: token,
        linkTaxCode: person.tax_code,
        linkHealthCardNumber: person.health_card_number,
        relation: 'caregiver',
        ...(declared ? { declaration: 'yes' } : {}),
      });
    const noDeclaration = await link(carers[0] as Citizen, false);
    expect(noDeclaration.statusCode).toBe(400);
    expect(noDeclaration.body).toContain('href="#declaration-0"');
    const wrongCard = await browser.post('/portal/caregivers/links', {
      _csrf: token,
      linkTaxCode: (carers[0] as Citizen).tax_code,
      linkHealthCardNumber: '80380000000000000000',
      relation: 'caregiver',
      declaration: 'yes',
    });
    expect(wrongCard.statusCode).toBe(404);
    expect(wrongCard.body).toContain('href="#linkTaxCode"');

    for (const carer of carers.slice(0, 3)) {
      const done = await browser.follow(await link(carer));
      expect(visibleText(done.body)).toContain('Persona collegata');
    }
    const fourth = await link(carers[3] as Citizen);
    expect(fourth.statusCode).toBe(409);
    expect(visibleText(fourth.body)).toContain('al massimo 3 conviventi o caregiver');

    const full = await browser.get('/portal/caregivers');
    expect(visibleText(full.body)).toContain('Posti ancora liberi: 0 su 3');
    const linkIds = [...full.body.matchAll(/action="\/portal\/caregivers\/links\/(\d+)\/remove"/g)].map(
      (match) => match[1] ?? '',
    );
    expect(linkIds).toHaveLength(3);
    const noReason = await browser.post(`/portal/caregivers/links/${linkIds[2]}/remove`, {
      _csrf: token,
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);
    const removed = await browser.follow(
      await browser.post(`/portal/caregivers/links/${linkIds[2]}/remove`, {
        _csrf: token,
        reason: 'non assiste più la persona',
      }),
    );
    expect(visibleText(removed.body)).toContain('Posti ancora liberi: 1 su 3');
    expect((await link(carers[3] as Citizen)).statusCode).toBe(303);
  });

  it('ELIG-13 BOOK-9 the fragile person books with 3 caregivers at one hub, consecutive times, and sees everybody’s code', async () => {
    const browser = await signIn(fragile);
    const page = await browser.get('/portal/caregivers');
    const people = [...page.body.matchAll(/name="people"\s+value="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(people).toHaveLength(4);
    expect(people).toContain('self');
    const query = (extra: Record<string, string> = {}) => {
      const params = new URLSearchParams({ ...CREMONA, date: DEMO_CAPACITY_DAY, time: '10:00', ...extra });
      for (const value of people) params.append('people', value);
      return params.toString();
    };
    const domicile = await browser.get(
      `/portal/caregivers/book?${new URLSearchParams(people.map((p) => ['people', p])).toString()}`,
    );
    expect(domicile.statusCode).toBe(200);
    expect(domicile.body).toContain('name="people"');
    const hubs = await browser.get(`/portal/caregivers/book/hubs?${query()}`);
    expect(hubs.statusCode).toBe(200);
    expect(hubs.body).toContain('action="/portal/caregivers/book/confirm"');
    const confirm = await browser.get(
      `/portal/caregivers/book/confirm?${query({ slotId: valueOf(hubs.body, 'slotId') })}`,
    );
    expect(confirm.statusCode).toBe(200);
    const confirmText = visibleText(confirm.body);
    expect(confirmText).toContain('Chi');
    const form = {
      _csrf: valueOf(confirm.body, '_csrf'),
      slotId: valueOf(confirm.body, 'slotId'),
      idempotencyKey: valueOf(confirm.body, 'idempotencyKey'),
      people,
    };
    const posted = await browser.post('/portal/caregivers/book/confirm', form);
    expect(posted.statusCode).toBe(303);
    const done = await browser.follow(posted);
    expect(done.statusCode).toBe(200);
    const codes = [...visibleText(done.body).matchAll(/Codice della prenotazione: ([A-Z0-9]{8})/g)].map(
      (m) => m[1],
    );
    expect(codes).toHaveLength(4);

    const rows = (
      await sql<{
        person_id: number;
        vaccination_point_id: number;
        starts_at: Date;
        group_code: string | null;
        channel: string;
      }>`
        SELECT person_id, vaccination_point_id, starts_at, group_code, channel FROM bookings
        WHERE code = ANY(${codes}::text[]) ORDER BY starts_at`.execute(database().db)
    ).rows;
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((row) => row.vaccination_point_id)).size).toBe(1);
    expect(new Set(rows.map((row) => row.group_code)).size).toBe(1);
    expect(rows[0]?.group_code).not.toBeNull();
    expect(rows.every((row) => row.channel === 'web')).toBe(true);
    const times = rows.map((row) => new Date(row.starts_at).getTime());
    expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(60 * 60 * 1000);

    // BOOK-9: the same confirmation again books nobody twice.
    const again = await browser.post('/portal/caregivers/book/confirm', form);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(posted.headers.location);

    // SEC-2: another citizen cannot read the group's bookings.
    const other = await signIn(stranger);
    const refused = await other.get(String(posted.headers.location));
    expect(refused.statusCode).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { launchChromium } from './browser.ts';
import { startE2eServer } from './server.ts';
import { fixedClock, romeDate, romeInstant, systemClock } from '../src/platform/clock.ts';
import { dayFromIsoDate, isoDateFromDay } from '../src/platform/calendar.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { BookingService } from '../src/modules/booking/service.ts';
import { OutreachService } from '../src/modules/outreach/service.ts';
import { NoShowService } from '../src/modules/waiting-list/no-shows.ts';
import { StandbyService } from '../src/modules/waiting-list/standby.ts';
import { elderlyCitizens, type Citizen } from '../test/portal-fixtures.ts';
import { openHubDays } from '../test/registry-fixtures.ts';
import { checkScriptlessPage, browserWithoutScripts, signInAtPortal } from './scriptless-page.ts';

/** Comirnaty, the product openHubDays stocks: its second dose 21 days after the first (BOOK-10). */
const SECOND_DOSE_DAYS = 21;
const HOUR_MS = 3_600_000;
const BOOKED = /\/portal\/bookings\/[A-Z0-9]{8}\?done=booked$/;

const daysAfter = (day: string, days: number): string => isoDateFromDay(dayFromIsoDate(day) + days);
const today = (): string => romeDate(new Date());
const acting = () => systemContext('e2e', new Date());

/**
 * UX-2 and UX-3 on the citizen pages that reach people where they are: the appointment the health
 * authority proposes (BOOK-17), the one-step rebooking after a missed appointment (BOOK-9, BOOK-10) and
 * the standby call (BOOK-13). Each situation is made by the services that make it in production; the
 * citizen then walks the flow to its end on a 360 px phone without JavaScript, and the outcome is read
 * back from the database.
 */
describe('citizen pages that reach people, in a real browser', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startE2eServer>>;
  let eligibility: EligibilityService;
  let booking: BookingService;
  let people: Citizen[];
  let hubs: Map<string, { id: number; name: string }>;

  const db = () => server.database.db;
  const person = (index: number): Citizen => {
    const found = people[index];
    if (found === undefined) throw new Error(`no person ${index}`);
    return found;
  };
  const hub = (code: string): { id: number; name: string } => {
    const found = hubs.get(code);
    if (found === undefined) throw new Error(`no hub ${code}`);
    return found;
  };
  const bookingByCode = (code: string) =>
    db().selectFrom('bookings').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
  const confirmedBookingsOf = (citizen: Citizen) =>
    db()
      .selectFrom('bookings')
      .selectAll()
      .where('person_id', '=', citizen.id)
      .where('status', '=', 'confirmed')
      .orderBy('dose_number')
      .execute();
  /** The booking page the flow ends on: confirmed, with its code. */
  const confirmedCode = async (page: Page): Promise<string> => {
    await page.waitForURL(BOOKED);
    expect(await page.textContent('main')).toContain('Prenotazione confermata');
    const code = (await page.textContent('.booking-code'))?.trim() ?? '';
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    return code;
  };

  beforeAll(async () => {
    // The waiting-list job would mark no-shows and make standby calls at its own pace: off, so that each
    // test makes its situation when it needs it.
    server = await startE2eServer({ WAITING_LIST_INTERVAL_MS: '0' });
    await generatePopulationIntoDatabase(server.database, { people: 600, seed: 23, regionCode: '03' });
    eligibility = new EligibilityService(db(), systemClock, '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(db(), systemClock, eligibility);
    people = await elderlyCitizens(server.database, 5);
    const points = await db()
      .selectFrom('vaccination_points')
      .select(['id', 'code', 'name'])
      .where('kind', '=', 'hub')
      .execute();
    hubs = new Map(points.map((point) => [point.code, { id: Number(point.id), name: point.name }]));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('UX-2 UX-3 BOOK-17 a citizen confirms the appointment the health authority proposes, another asks for a different one, without JavaScript on a 360 px phone', async () => {
    const [confirming, changing] = [person(0), person(1)];
    const cremona = hub('VP-CR-01');
    // A proposal valid 24 hours aims at the day after it expires.
    const proposalDay = daysAfter(today(), 2);
    await openHubDays(booking, cremona.id, [proposalDay, daysAfter(proposalDay, SECOND_DOSE_DAYS)], acting());
    for (const [index, target] of [confirming, changing].entries()) {
      await eligibility.grant(
        target.id,
        {
          category: 'severe_disability',
          conditionCode: null,
          source: 'gp_report',
          evidenceStatus: 'verified',
          validFrom: new Date(),
          reason: null,
          sourceReference: null,
        },
        acting(),
      );
      // Of the authority's area, and reachable by e-mail: the channel plan writes them the proposal.
      await sql`UPDATE persons SET health_authority_code = 'ASST-CREMONA', email = ${`proposta${index}@example.it`}
        WHERE id = ${target.id}`.execute(db());
    }
    const outreach = new OutreachService(db(), systemClock, eligibility, booking);
    const campaign = await outreach.createCampaign(
      {
        healthAuthorityCode: 'ASST-CREMONA',
        name: 'Persone con disabilità grave',
        selection: { categories: ['severe_disability'] },
        deadline: daysAfter(today(), 7),
        proposalHours: 24,
      },
      null,
      acting(),
    );
    const wave = await outreach.dispatch(Number(campaign.id), null, 10, acting(), outreach.slotFinder());
    expect(wave).toMatchObject({ targets: 2, proposals: 2 });
    const proposalOf = (target: Citizen) =>
      outreach.db
        .selectFrom('outreach_proposals')
        .selectAll()
        .where('campaign_id', '=', Number(campaign.id))
        .where('person_id', '=', target.id)
        .executeTakeFirstOrThrow();
    const proposed = await proposalOf(confirming);
    const link = `${server.url}/portal/outreach/proposals/${Number(proposed.id)}`;

    const phone = await browserWithoutScripts(browser);
    const { page, checker } = phone;
    await signInAtPortal(page, server.url, confirming);
    await page.goto(link);
    expect(await page.textContent('h1')).toBe('Appuntamento proposto');
    expect(await page.textContent('main')).toContain(cremona.name);
    await checkScriptlessPage(page, checker, { screenshot: 'portal-outreach-proposal' });
    await page.getByRole('button', { name: 'Confermo l’appuntamento', exact: true }).click();
    const code = await confirmedCode(page);
    await checkScriptlessPage(page, checker);
    const made = await bookingByCode(code);
    expect({
      person: Number(made.person_id),
      slot: Number(made.slot_id),
      dose: made.dose_number,
      status: made.status,
    }).toEqual({ person: confirming.id, slot: Number(proposed.slot_id), dose: 1, status: 'confirmed' });
    const confirmed = await proposalOf(confirming);
    expect(confirmed).toMatchObject({ status: 'confirmed', decided_via: 'portal' });
    expect(Number(confirmed.booking_id)).toBe(Number(made.id));
    // The message's link, opened again, shows the booking made, not a form to book twice.
    await page.goto(link);
    expect(await page.textContent('main')).toContain(`Codice di prenotazione: ${code}.`);
    await checkScriptlessPage(page, checker);
    await phone.close();

    const other = await browserWithoutScripts(browser);
    const otherLink = `${server.url}/portal/outreach/proposals/${Number((await proposalOf(changing)).id)}`;
    await signInAtPortal(other.page, server.url, changing);
    await other.page.goto(otherLink);
    await other.page
      .getByRole('button', { name: 'Voglio un altro giorno o un altro centro', exact: true })
      .click();
    await other.page.waitForURL(/\/portal\/book$/);
    expect(await other.page.textContent('h1')).toBe('Dove abita');
    await checkScriptlessPage(other.page, other.checker);
    expect(await proposalOf(changing)).toMatchObject({
      status: 'changed',
      decided_via: 'portal',
      booking_id: null,
    });
    expect(await confirmedBookingsOf(changing)).toEqual([]);
    await other.page.goto(otherLink);
    expect(await other.page.textContent('main')).toContain('Questa proposta non vale più.');
    await checkScriptlessPage(other.page, other.checker);
    await other.close();
  });

  it('UX-2 UX-3 BOOK-9 BOOK-10 after a missed appointment the citizen rebooks in one step from the message’s link, the second dose moving with it, without JavaScript on a 360 px phone', async () => {
    const missed = person(2);
    const mantova = hub('VP-MN-01');
    const yesterday = daysAfter(today(), -1);
    const tomorrow = daysAfter(today(), 1);
    await openHubDays(
      booking,
      mantova.id,
      [yesterday, tomorrow].flatMap((day) => [day, daysAfter(day, SECOND_DOSE_DAYS)]),
      acting(),
    );
    // Booked yesterday just after midnight for 09:00; nobody checked in, and the day is over.
    const midnight = fixedClock(romeInstant(yesterday, '00:30').toISOString());
    const bookingThen = new BookingService(db(), midnight, new EligibilityService(db(), midnight, '03'));
    const [firstSlot] = await db()
      .selectFrom('slots')
      .select('id')
      .where('vaccination_point_id', '=', mantova.id)
      .where('day', '=', yesterday)
      .orderBy('starts_at')
      .execute();
    const { confirmation } = await bookingThen.book(
      { personId: missed.id, slotId: Number(firstSlot?.id), idempotencyKey: undefined, channel: 'web' },
      systemContext('e2e', midnight.now()),
    );
    const oldSecondDose = confirmation.secondDose?.code ?? '';
    expect(oldSecondDose).not.toBe('');
    const noShows = new NoShowService(db(), systemClock, booking);
    expect(await noShows.markDay(mantova.id, yesterday, acting())).toEqual({ marked: 1 });
    const [told] = (
      await sql<{ rebook_path: string }>`SELECT params ->> 'rebookPath' AS rebook_path FROM messages
        WHERE person_id = ${missed.id} AND template = 'booking_no_show'`.execute(db())
    ).rows;
    expect(told?.rebook_path).toBe(`/portal/no-shows/${confirmation.booking.code}`);
    const link = `${server.url}${told?.rebook_path ?? ''}`;

    const { page, checker, close } = await browserWithoutScripts(browser);
    await signInAtPortal(page, server.url, missed);
    await page.goto(link);
    expect(await page.textContent('h1')).toBe('Appuntamento mancato');
    const proposal = (await page.textContent('main')) ?? '';
    expect(proposal).toContain('La seconda dose prevista il');
    expect(proposal).toContain('Le proponiamo');
    await checkScriptlessPage(page, checker, { screenshot: 'portal-no-show' });
    const proposedSlot = Number(await page.getAttribute('input[name="slotId"]', 'value'));
    await page.getByRole('button', { name: 'Prenota questo appuntamento', exact: true }).click();
    const code = await confirmedCode(page);
    expect(await page.textContent('main')).toContain('Seconda dose');
    await checkScriptlessPage(page, checker);

    // The first dose at the proposed time, the nearest free one (tomorrow at the same centre); the second
    // dose moved with it, its old appointment given up.
    const open = await confirmedBookingsOf(missed);
    expect(
      open.map((row) => ({
        code: row.dose_number === 1 ? row.code : '',
        dose: row.dose_number,
        point: Number(row.vaccination_point_id),
        day: romeDate(row.starts_at),
      })),
    ).toEqual([
      { code, dose: 1, point: mantova.id, day: tomorrow },
      { code: '', dose: 2, point: mantova.id, day: daysAfter(tomorrow, SECOND_DOSE_DAYS) },
    ]);
    expect(Number(open[0]?.slot_id)).toBe(proposedSlot);
    expect(await bookingByCode(oldSecondDose)).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'moved_with_first_dose',
    });
    // The link again: the new appointment, no second rebooking.
    await page.goto(link);
    expect(await page.textContent('main')).toContain(`Ha già preso un nuovo appuntamento: codice ${code}.`);
    await checkScriptlessPage(page, checker);
    await close();
  });

  it('UX-2 UX-3 BOOK-13 called from the standby list, one citizen answers “Vengo” and is booked in a place left today, another answers “Oggi non posso” by keyboard, without JavaScript on a 360 px phone', async () => {
    const [coming, notToday] = [person(3), person(4)];
    const casalmaggiore = hub('VP-CR-04');
    // Two doses left at a centre open round the clock, so that places remain after the call whatever the
    // hour the test runs at; in the last hour of the day the call is for tomorrow's doses.
    const day = romeDate(new Date(Date.now() + HOUR_MS));
    await openHubDays(booking, casalmaggiore.id, [daysAfter(day, SECOND_DOSE_DAYS)], acting());
    await booking.setHubDay(
      casalmaggiore.id,
      day,
      {
        opensAt: '00:00',
        closesAt: '23:59',
        stations: 10,
        minutesPerVaccination: 5,
        slotMinutes: 15,
        stock: [{ product: 'COMIRNATY-30', doses: 2 }],
      },
      acting(),
    );
    const standby = new StandbyService(db(), systemClock, booking);
    for (const target of [coming, notToday])
      await standby.register(
        { personId: target.id, pointId: casalmaggiore.id, day, channel: 'web' },
        acting(),
      );
    const { freePlaces, called } = await standby.call(casalmaggiore.id, day, acting());
    expect(freePlaces).toBe(2);
    const callOf = new Map(called.map((entry) => [entry.registration.person_id, entry.calls[0]?.id ?? 0]));
    expect([...callOf.keys()].sort()).toEqual([coming.id, notToday.id].sort());
    const answerOf = async (citizen: Citizen) =>
      (
        await sql<{ outcome: string; answered_at: Date | null; booking_id: number | null; status: string }>`
          SELECT c.outcome, c.answered_at, c.booking_id, r.status FROM standby_calls c
          JOIN standby_registrations r ON r.id = c.registration_id WHERE c.id = ${callOf.get(citizen.id) ?? 0}`.execute(
          db(),
        )
      ).rows[0];

    const phone = await browserWithoutScripts(browser);
    const { page, checker } = phone;
    await signInAtPortal(page, server.url, coming);
    await page.goto(`${server.url}/portal/waiting-list`);
    const call = page.locator('section', {
      has: page.getByRole('heading', { name: 'Oggi c’è una dose per Lei' }),
    });
    const said = (await call.textContent()) ?? '';
    expect(said).toContain(casalmaggiore.name);
    expect(said).toMatch(/risponda entro le \d{2}:\d{2}\./);
    await checkScriptlessPage(page, checker, { screenshot: 'portal-standby-call' });
    await call.getByRole('button', { name: 'Vengo', exact: true }).click();
    const code = await confirmedCode(page);
    await checkScriptlessPage(page, checker);
    const made = await bookingByCode(code);
    const accepted = await answerOf(coming);
    expect(accepted).toMatchObject({ outcome: 'accepted', status: 'booked' });
    expect(Number(accepted?.booking_id)).toBe(Number(made.id));
    expect({
      person: Number(made.person_id),
      point: Number(made.vaccination_point_id),
      day: romeDate(made.starts_at),
      status: made.status,
    }).toEqual({ person: coming.id, point: casalmaggiore.id, day, status: 'confirmed' });
    // A place still to come when the answer arrived.
    expect(made.starts_at.getTime()).toBeGreaterThan(accepted?.answered_at?.getTime() ?? Infinity);
    await phone.close();

    const other = await browserWithoutScripts(browser);
    await signInAtPortal(other.page, server.url, notToday);
    await other.page.goto(`${server.url}/portal/waiting-list`);
    await other.page.getByRole('button', { name: 'Oggi non posso', exact: true }).focus();
    await other.page.keyboard.press('Enter');
    await other.page.waitForURL(/\/portal\/waiting-list\?done=standby$/);
    expect(await other.page.textContent('main')).toContain('Grazie, abbiamo registrato la Sua risposta.');
    expect(await other.page.getByRole('button', { name: 'Vengo', exact: true }).count()).toBe(0);
    await checkScriptlessPage(other.page, other.checker);
    expect(await answerOf(notToday)).toMatchObject({
      outcome: 'declined',
      status: 'declined',
      booking_id: null,
    });
    expect(await confirmedBookingsOf(notToday)).toEqual([]);
    await other.close();
  });
});

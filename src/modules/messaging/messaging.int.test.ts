import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeEachDatabase } from '../../../test/databases.ts';
import { buildTestApp, ensureStaffOfEveryRole, signInStaff } from '../../../test/app.ts';
import { loadReferenceData } from '../reference/service.ts';
import { generatePopulationIntoDatabase } from '../population/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { BookingService } from '../booking/service.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { createLogger } from '../../platform/logging.ts';
import type { Config } from '../../platform/config.ts';
import type { fixedClock } from '../../platform/clock.ts';
import type { App } from '../../platform/http/types.ts';
import { SmtpSink } from './smtp-sink.ts';
import { MessagingService, smsFileOf } from './service.ts';
import { messagingDb, type MessageRow, type MessagingDb } from './repo.ts';
import { retryDelayMs } from './delivery.ts';

const DAY = '2021-04-14';
const OTHER_DAY = '2021-04-15';
/** Vaxzevria's second doses, 84 days after each first-dose day (plan IT-2021-04-10). */
const SECOND_DOSE_DAYS = ['2021-07-07', '2021-07-08'];

interface Run {
  remindersWritten: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

interface Appointments {
  givenName: string;
  appointments: { code: string; dose: number; startsAt: string; previous?: { startsAt: string } }[];
}

describe('BOOK-18 retry delays', () => {
  it.each([
    [1, 30_000, 30_000],
    [2, 30_000, 60_000],
    [4, 30_000, 240_000],
    [20, 30_000, 3_600_000],
    [3, 0, 0],
  ])('after %i failed attempts with base %i ms the next try waits %i ms', (attempts, base, wait) => {
    expect(retryDelayMs(attempts, base)).toBe(wait);
  });
});

describeEachDatabase('BOOK-8, BOOK-18 messages to people', (database) => {
  let app: App;
  let config: Config;
  let clock: ReturnType<typeof fixedClock>;
  let usernames: Record<string, string>;
  let sink: SmtpSink;
  let dataDir: string;
  let booking: BookingService;
  let db: MessagingDb;
  let cremona: number;
  let mantova: number;
  let people: { id: number }[];

  const person = (i: number): number => {
    const found = people[i];
    if (found === undefined) throw new Error(`no test person ${i}`);
    return found.id;
  };
  const as = (role: string) => signInStaff(app, usernames[role]);
  const context = () => systemContext('messaging-test', clock.now());
  const run = async (): Promise<Run> => {
    const response = await app.inject({
      method: 'POST',
      url: '/messaging/runs',
      headers: await as('region_admin'),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Run>();
  };
  const slotAt = async (pointId: number, startsAt: string): Promise<number> =>
    Number(
      (
        await database()
          .db.selectFrom('slots')
          .select('id')
          .where('vaccination_point_id', '=', pointId)
          .where('starts_at', '=', new Date(startsAt))
          .executeTakeFirstOrThrow()
      ).id,
    );
  const book = async (personId: number, pointId: number, startsAt: string) =>
    (
      await booking.book(
        { personId, slotId: await slotAt(pointId, startsAt), idempotencyKey: undefined, channel: 'web' },
        context(),
      )
    ).confirmation.booking;
  const messagesOf = (personId: number): Promise<MessageRow[]> =>
    db.selectFrom('messages').selectAll().where('person_id', '=', personId).orderBy('id').execute();
  const attemptsOf = (messageId: number) =>
    db
      .selectFrom('message_attempts')
      .selectAll()
      .where('message_id', '=', messageId)
      .orderBy('attempt')
      .execute();
  const setContacts = (personId: number, contacts: { email: string | null; phone: string | null }) =>
    database().db.updateTable('persons').set(contacts).where('id', '=', personId).execute();
  const messageIdOf = (id: number) => `<vaxhub-msg-${id}@vaxhub.invalid>`;

  beforeAll(async () => {
    await loadReferenceData(database());
    await generatePopulationIntoDatabase(database(), { people: 1500, seed: 41 });
    usernames = await ensureStaffOfEveryRole(database());
    sink = await SmtpSink.start({ port: 0 });
    dataDir = await mkdtemp(path.join(tmpdir(), 'vaxhub-messaging-'));
    const built = await buildTestApp(database(), {
      now: '2021-04-10T08:00:00Z',
      env: { SMTP_URL: sink.url, DATA_DIR: dataDir, MESSAGING_MAX_ATTEMPTS: '3' },
    });
    ({ app, clock, config } = built);
    db = messagingDb(database().db);
    const eligibility = new EligibilityService(database().db, clock, '03');
    await eligibility.loadShippedPlanVersions();
    booking = new BookingService(database().db, clock, eligibility);
    const points = await database().db.selectFrom('vaccination_points').select(['id', 'code']).execute();
    cremona = Number(points.find((p) => p.code === 'VP-CR-01')?.id);
    mantova = Number(points.find((p) => p.code === 'VP-MN-01')?.id);
    const setup = systemContext('test', clock.now());
    for (const point of [cremona, mantova]) {
      await booking.configureHub(point, { stations: 10, accessibility: [], status: 'active' }, setup);
    }
    const day = {
      opensAt: '08:00',
      closesAt: '12:00',
      stations: 10,
      minutesPerVaccination: 5,
      slotMinutes: 15,
      stock: [{ product: 'VAXZEVRIA', doses: 300 }],
    };
    for (const d of [DAY, OTHER_DAY, ...SECOND_DOSE_DAYS]) await booking.setHubDay(cremona, d, day, setup);
    // Mantova has first-dose days and no second-dose day: a booking there is refused after its row is written.
    await booking.setHubDay(mantova, DAY, day, setup);
    people = (
      await sql<{ id: number }>`SELECT id FROM persons WHERE health_card_number IS NOT NULL
        AND birth_date BETWEEN '1942-01-01' AND '1946-12-31' ORDER BY id LIMIT 12`.execute(database().db)
    ).rows;
    expect(people).toHaveLength(12);
    for (const [i, p] of people.entries()) {
      await setContacts(p.id, { email: `person${i}@example.it`, phone: null });
    }
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('BOOK-8 a booking writes its confirmation in its own transaction: both doses in one e-mail, nothing sent yet', async () => {
    const first = await book(person(0), cremona, `${DAY}T08:00:00Z`);
    const messages = await messagesOf(person(0));
    expect(messages).toHaveLength(1);
    const [message] = messages as [MessageRow];
    expect(message).toMatchObject({
      channel: 'email',
      template: 'booking_confirmed',
      language: 'it',
      recipient: 'person0@example.it',
      cause_kind: 'booking',
      cause_id: first.id,
      dedupe_key: `booking:${first.id}:confirmed`,
      status: 'pending',
      attempts: 0,
    });
    const params = message.params as Appointments;
    expect(params.appointments.map((a) => a.dose).sort()).toEqual([1, 2]);
    expect(params.appointments.map((a) => a.code)).toContain(first.code);
    expect(new Date(params.appointments.find((a) => a.dose === 1)?.startsAt ?? '').toISOString()).toBe(
      `${DAY}T08:00:00.000Z`,
    );
    expect(sink.received).toHaveLength(0);
  });

  it('BOOK-8 a booking rolled back writes no message: the refused booking and the undone cancellation', async () => {
    // The first dose's row is written, then no second dose has a place: take_booking rolls it all back.
    await expect(book(person(1), mantova, `${DAY}T08:00:00Z`)).rejects.toMatchObject({
      code: 'SECOND_DOSE_NO_PLACE',
    });
    expect(await messagesOf(person(1))).toHaveLength(0);
    const first = await book(person(1), cremona, `${DAY}T08:15:00Z`);
    await expect(
      database()
        .db.transaction()
        .execute(async (trx) => {
          await trx
            .updateTable('bookings')
            .set({ status: 'cancelled', cancelled_at: clock.now(), cancel_reason: 'test' })
            .where('id', '=', first.id)
            .execute();
          const inside = await sql<{ template: string }>`
            SELECT template FROM messages WHERE person_id = ${person(1)} ORDER BY id`.execute(trx);
          // The trigger wrote the cancellation in the transaction...
          expect(inside.rows.map((m) => m.template)).toEqual(['booking_confirmed', 'booking_cancelled']);
          throw new Error('roll back');
        }),
    ).rejects.toThrow('roll back');
    // ...and it went with it.
    expect((await messagesOf(person(1))).map((m) => m.template)).toEqual(['booking_confirmed']);
  });

  it('BOOK-8 a group booking tells each person of the group, in the group’s one transaction', async () => {
    const { confirmations } = await booking.bookTogether(
      {
        personIds: [person(10), person(11)],
        slotId: await slotAt(cremona, `${DAY}T07:00:00Z`),
        idempotencyKey: undefined,
        channel: 'web',
      },
      context(),
    );
    expect(confirmations).toHaveLength(2);
    for (const [i, confirmation] of confirmations.entries()) {
      const messages = await messagesOf(person(10 + i));
      expect(messages.map((m) => [m.template, m.recipient])).toEqual([
        ['booking_confirmed', `person${10 + i}@example.it`],
      ]);
      const codes = (messages[0]?.params as Appointments).appointments.map((a) => a.code);
      expect(codes).toContain(confirmation.booking.code);
      expect(codes).toContain(confirmation.secondDose?.code);
    }
  });

  it('BOOK-8 delivery through the real SMTP sink: received once, its Message-ID derived from our id', async () => {
    const result = await run();
    expect(result).toMatchObject({ sent: 4, retried: 0, failed: 0 });
    const [message] = (await messagesOf(person(0))) as [MessageRow];
    const received = sink.withMessageId(messageIdOf(message.id));
    expect(received).toHaveLength(1);
    const [mail] = received as [(typeof received)[number]];
    expect(mail.to).toEqual(['person0@example.it']);
    expect(mail.subject).toBe('Vaccinazione: appuntamento confermato');
    const params = message.params as Appointments;
    for (const appointment of params.appointments) expect(mail.text).toContain(appointment.code);
    expect(mail.text).toContain('Prima dose');
    expect(mail.text).toContain('Seconda dose');
    expect(mail.text).toContain(`${config.publicUrl}/portal`);
    const sent = (await messagesOf(person(0)))[0];
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, provider_message_id: mail.queueId });
    expect(await attemptsOf(message.id)).toMatchObject([
      { attempt: 1, adapter: 'smtp', outcome: 'sent', provider_message_id: mail.queueId, error: null },
    ]);
    // Another run sends nothing again.
    expect(await run()).toMatchObject({ sent: 0 });
    expect(sink.withMessageId(messageIdOf(message.id))).toHaveLength(1);
  });

  it('BOOK-18 the reminder job writes each reminder once, however often it runs', async () => {
    const made = await book(person(2), cremona, `${DAY}T09:00:00Z`);
    await run();
    // 23 hours before the first dose: within the 24-hour lead.
    clock.set('2021-04-13T10:00:00Z');
    const key = `reminder:booking:${made.id}:${new Date(`${DAY}T09:00:00Z`).getTime() / 1000}`;
    const once = await run();
    expect(once.remindersWritten).toBeGreaterThanOrEqual(1);
    const again = await run();
    expect(again.remindersWritten).toBe(0);
    const reminders = (await messagesOf(person(2))).filter((m) => m.template === 'booking_reminder');
    expect(reminders.map((m) => m.dedupe_key)).toEqual([key]);
    expect(reminders[0]).toMatchObject({ status: 'sent' });
    const mail = sink.withMessageId(messageIdOf(reminders[0]?.id ?? 0));
    expect(mail).toHaveLength(1);
    expect(mail[0]?.subject).toContain('Promemoria');
    expect(mail[0]?.text).toContain(made.code);
    // The second dose, in July, has no reminder yet.
    const second = await booking.secondDoseOf(made);
    expect(reminders.some((m) => m.cause_id === second?.id)).toBe(false);
  });

  it('BOOK-18 a rescheduled booking: a change message, the old reminder withdrawn, a new reminder for the new time', async () => {
    clock.set('2021-04-11T08:00:00Z');
    const made = await book(person(3), cremona, `${DAY}T09:15:00Z`);
    clock.set('2021-04-13T10:00:00Z');
    // The reminder is written (not delivered yet: the run is split in two here).
    const service = new MessagingService(database().db, config, clock, createLogger('silent'), {});
    expect(await service.worker.writeReminders()).toBeGreaterThanOrEqual(1);
    const moved = await booking.reschedule(
      made.code,
      undefined,
      await slotAt(cremona, `${OTHER_DAY}T08:30:00Z`),
      'web',
      context(),
    );
    const messages = await messagesOf(person(3));
    expect(messages.map((m) => [m.template, m.status])).toEqual([
      ['booking_confirmed', 'pending'],
      ['booking_reminder', 'cancelled'],
      ['booking_rescheduled', 'pending'],
    ]);
    const change = messages[2] as MessageRow;
    expect(change.dedupe_key).toBe(`booking:${made.id}:rescheduled:1`);
    const [appointment] = (change.params as Appointments).appointments;
    expect(new Date(appointment?.startsAt ?? '').toISOString()).toBe(moved.starts_at.toISOString());
    expect(new Date(appointment?.previous?.startsAt ?? '').toISOString()).toBe(`${DAY}T09:15:00.000Z`);
    expect(await run()).toMatchObject({ retried: 0, failed: 0 });
    const changeMail = sink.withMessageId(messageIdOf(change.id));
    expect(changeMail[0]?.subject).toBe('Vaccinazione: il Suo appuntamento è cambiato');
    expect(changeMail[0]?.text).toContain('Prima era:');
    // Not within 24 hours of the new time yet: no new reminder; then it comes, with its own key.
    expect((await messagesOf(person(3))).filter((m) => m.template === 'booking_reminder')).toHaveLength(1);
    clock.set(`${DAY}T09:00:00Z`);
    await run();
    const reminders = (await messagesOf(person(3))).filter((m) => m.template === 'booking_reminder');
    expect(reminders.map((m) => [m.dedupe_key, m.status])).toEqual([
      [`reminder:booking:${made.id}:${new Date(`${DAY}T09:15:00Z`).getTime() / 1000}`, 'cancelled'],
      [`reminder:booking:${made.id}:${moved.starts_at.getTime() / 1000}`, 'sent'],
    ]);
    // Moved again: a second change message, numbered.
    await booking.reschedule(
      made.code,
      undefined,
      await slotAt(cremona, `${OTHER_DAY}T09:30:00Z`),
      'web',
      context(),
    );
    expect((await messagesOf(person(3))).at(-1)?.dedupe_key).toBe(`booking:${made.id}:rescheduled:2`);
    await run();
  });

  it('BOOK-8 cancelling a first dose with its second: one message naming both appointments; pending reminders withdrawn', async () => {
    clock.set('2021-04-11T08:00:00Z');
    const made = await book(person(4), cremona, `${OTHER_DAY}T06:00:00Z`);
    await booking.cancel(made.code, undefined, 'test', 'cancel', context());
    const messages = await messagesOf(person(4));
    expect(messages.map((m) => m.template)).toEqual(['booking_confirmed', 'booking_cancelled']);
    expect((messages[1]?.params as Appointments).appointments.map((a) => a.dose).sort()).toEqual([1, 2]);
    await run();
    const mail = sink.withMessageId(messageIdOf(messages[1]?.id ?? 0));
    expect(mail[0]?.subject).toBe('Vaccinazione: appuntamento annullato');
    expect(mail[0]?.text).toContain(made.code);
  });

  it('BOOK-18 SMTP down: the e-mail is retried with every attempt recorded, and delivered once when it is back', async () => {
    clock.set('2021-04-11T08:00:00Z');
    expect(await run()).toMatchObject({ retried: 0, failed: 0 });
    const port = sink.port;
    await sink.close();
    const made = await book(person(5), cremona, `${OTHER_DAY}T06:15:00Z`);
    const [message] = (await messagesOf(person(5))) as [MessageRow];
    expect(await run()).toMatchObject({ sent: 0, retried: 1 });
    expect(await run()).toMatchObject({ sent: 0, retried: 1 });
    const failing = (await messagesOf(person(5)))[0];
    expect(failing).toMatchObject({ status: 'pending', attempts: 2 });
    expect(failing?.last_error).toMatch(/smtp/i);
    expect((await attemptsOf(message.id)).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'retry'],
      [2, 'retry'],
    ]);
    sink = await SmtpSink.start({ port });
    expect(await run()).toMatchObject({ sent: 1, retried: 0 });
    expect((await attemptsOf(message.id)).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'retry'],
      [2, 'retry'],
      [3, 'sent'],
    ]);
    const received = sink.withMessageId(messageIdOf(message.id));
    expect(received).toHaveLength(1);
    expect(received[0]?.text).toContain(made.code);
    expect((await messagesOf(person(5)))[0]).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
  });

  it('BOOK-18 a temporary refusal is retried up to the last attempt, then failed; a permanent one fails at once', async () => {
    sink.refuse(451);
    await book(person(6), cremona, `${OTHER_DAY}T06:30:00Z`);
    const [temporary] = (await messagesOf(person(6))) as [MessageRow];
    expect(await run()).toMatchObject({ retried: 1 });
    expect(await run()).toMatchObject({ retried: 1 });
    expect(await run()).toMatchObject({ failed: 1 });
    expect(await run()).toMatchObject({ sent: 0, retried: 0, failed: 0 });
    expect((await messagesOf(person(6)))[0]).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await attemptsOf(temporary.id)).map((a) => a.outcome)).toEqual(['retry', 'retry', 'failed']);
    sink.refuse(550, 'Mailbox unavailable');
    await book(person(7), cremona, `${OTHER_DAY}T06:45:00Z`);
    expect(await run()).toMatchObject({ failed: 1, retried: 0 });
    expect((await messagesOf(person(7)))[0]).toMatchObject({ status: 'failed', attempts: 1 });
    sink.accept();
    const failed = await app.inject({
      method: 'GET',
      url: '/messaging/messages?status=failed',
      headers: await as('region_admin'),
    });
    expect(
      failed
        .json<{ messages: { personId: number }[] }>()
        .messages.map((m) => m.personId)
        .sort(),
    ).toEqual([person(6), person(7)].sort());
  });

  it('BOOK-18 an SMS through the file adapter to a person with a mobile and no e-mail', async () => {
    await setContacts(person(8), { email: null, phone: '347 123 4567' });
    const made = await book(person(8), cremona, `${OTHER_DAY}T07:00:00Z`);
    const [message] = (await messagesOf(person(8))) as [MessageRow];
    expect(message).toMatchObject({ channel: 'sms', recipient: '+393471234567' });
    expect(await run()).toMatchObject({ sent: 1 });
    const lines = (await readFile(smsFileOf(config), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { reference: string; to: string; text: string });
    const sms = lines.filter((line) => line.reference === `vaxhub-msg-${message.id}`);
    expect(sms).toHaveLength(1);
    expect(sms[0]?.to).toBe('+393471234567');
    expect(sms[0]?.text).toContain(made.code);
    expect((await messagesOf(person(8)))[0]).toMatchObject({
      status: 'sent',
      provider_message_id: `vaxhub-msg-${message.id}`,
    });
    expect(await attemptsOf(message.id)).toMatchObject([{ adapter: 'sms-file', outcome: 'sent' }]);
  });

  it('BOOK-17 a person with neither e-mail nor mobile gets a paper letter, printed in a PDF batch', async () => {
    // A landline cannot take an SMS.
    await setContacts(person(9), { email: null, phone: '0372 123456' });
    const made = await book(person(9), cremona, `${OTHER_DAY}T07:15:00Z`);
    const [message] = (await messagesOf(person(9))) as [MessageRow];
    const registry = await database()
      .db.selectFrom('persons')
      .select(['given_name', 'surname', 'domicile_cap'])
      .where('id', '=', person(9))
      .executeTakeFirstOrThrow();
    expect(message.channel).toBe('letter');
    expect(message.recipient.split('\n')[0]).toBe(`${registry.given_name} ${registry.surname}`);
    if (registry.domicile_cap !== null) expect(message.recipient).toContain(registry.domicile_cap);
    // The worker leaves letters to the print batches.
    await run();
    expect((await messagesOf(person(9)))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    const service = new MessagingService(database().db, config, clock, createLogger('silent'), {});
    const out = path.join(dataDir, 'letters');
    const batch = await service.printLetters(out);
    expect(batch.printed).toBeGreaterThanOrEqual(1);
    expect(batch.file).not.toBeNull();
    const pdf = await readFile(batch.file ?? '');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(
      batch.printed,
    );
    expect(await readdir(out)).toEqual([path.basename(batch.file ?? '')]);
    const printed = (await messagesOf(person(9)))[0];
    expect(printed).toMatchObject({ status: 'sent', print_batch: batch.batch, attempts: 1 });
    expect(await attemptsOf(message.id)).toMatchObject([{ adapter: 'letter-pdf', outcome: 'sent' }]);
    expect((await service.printLetters(out)).file).toBeNull();
    const detail = await app.inject({
      method: 'GET',
      url: `/messaging/messages/${message.id}`,
      headers: await as('region_admin'),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json<{ rendered: { body: string } }>().rendered.body).toContain(made.code);
  });

  it('BOOK-17 administrators read what was sent: by person, with attempts; an ASL admin only within their authority', async () => {
    const listed = await app.inject({
      method: 'GET',
      url: `/messaging/messages?personId=${person(5)}`,
      headers: await as('region_admin'),
    });
    expect(listed.statusCode).toBe(200);
    const body = listed.json<{
      total: number;
      messages: { status: string; attemptLog: { outcome: string }[] }[];
    }>();
    expect(body.total).toBe(1);
    expect(body.messages[0]?.attemptLog.map((a) => a.outcome)).toEqual(['retry', 'retry', 'sent']);
    // The test ASL admin's authority is the first vaccination point's (test/app.ts).
    const authorityOf = async (pointCode: string | undefined) =>
      (
        await database()
          .db.selectFrom('vaccination_points')
          .select('health_authority_code')
          .$if(pointCode !== undefined, (q) => q.where('code', '=', pointCode ?? ''))
          .orderBy('code')
          .executeTakeFirstOrThrow()
      ).health_authority_code;
    const asl = await app.inject({
      method: 'GET',
      url: '/messaging/messages',
      headers: await as('asl_admin'),
    });
    expect(asl.statusCode).toBe(200);
    const seen = asl.json<{ total: number }>().total;
    if ((await authorityOf(undefined)) === (await authorityOf('VP-CR-01'))) expect(seen).toBeGreaterThan(0);
    else expect(seen).toBe(0);
    const refused = await app.inject({
      method: 'GET',
      url: '/messaging/messages',
      headers: await as('call_center'),
    });
    expect(refused.statusCode).toBe(403);
    const missing = await app.inject({
      method: 'GET',
      url: '/messaging/messages/999999',
      headers: await as('region_admin'),
    });
    expect(missing.json()).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });
});

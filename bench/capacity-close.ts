/**
 * BOOK-12 at a hub's scale: a health authority closes a full hub-day. `npx tsx bench/capacity-close.ts
 * [--engine postgres|pglite] [--people 20000] [--booked 1440] [--days 30]`.
 *
 * On the booking fixture (bench/lib/booking-fixture.ts: the region's hubs open for `--days` days, 12 hours,
 * 10 stations, 5 minutes: 1,440 places a day), one hub's day 3 days ahead gets `--booked` first doses (each
 * with its second dose 21 days later, as take_booking books them); then the day is closed through the
 * capacity service (src/modules/capacity/service.ts): the preview, then the apply (batches of 1,000
 * people, each one transaction with its row locks, the solver of ADR 0013, the moves, the audit records
 * and one message per person). Reported: the time of each, the outcome, and REL-1 afterwards. A timing,
 * not a bar: PERF-9 measures the solver alone (bench/capacity-reassign.ts).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { systemClock, romeDate } from '../src/platform/clock.ts';
import { systemContext } from '../src/platform/audit/audit.ts';
import { checkInvariants } from '../src/modules/booking/invariants.ts';
import { bookingCode } from '../src/modules/booking/rules.ts';
import { EligibilityService } from '../src/modules/eligibility/service.ts';
import { CapacityService } from '../src/modules/capacity/service.ts';
import { prepareBookingFixture, type BookingFixture } from './lib/booking-fixture.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    people: { type: 'string', default: '20000' },
    booked: { type: 'string', default: '1440' },
    days: { type: 'string', default: '30' },
  },
});
const ENGINE = values.engine === 'pglite' ? 'pglite' : 'postgres';
const PEOPLE = Number(values.people.replaceAll('_', ''));
const BOOKED = Number(values.booked.replaceAll('_', ''));
const DAYS = Number(values.days);

let fixture: BookingFixture | undefined;
try {
  fixture = await prepareBookingFixture({ engine: ENGINE, people: PEOPLE, days: DAYS });
  const database = await fixture.open();
  const db = database.db;
  const day = new Date(Date.parse(`${romeDate(new Date())}T00:00:00Z`) + 3 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const hub = await sql<{ id: number; code: string }>`SELECT p.id, p.code FROM vaccination_points p
    JOIN hubs h ON h.vaccination_point_id = p.id ORDER BY p.code LIMIT 1`.execute(db);
  const point = Number(hub.rows[0]?.id);
  const slots = (
    await sql<{ id: number; capacity: number }>`SELECT id, capacity FROM slots
      WHERE vaccination_point_id = ${point} AND day = ${day}::date ORDER BY starts_at`.execute(db)
  ).rows;
  const plan = (
    await sql<{ id: string }>`SELECT id FROM plan_versions WHERE kind = 'national'
      ORDER BY effective_from DESC LIMIT 1`.execute(db)
  ).rows[0]?.id;
  const audit = JSON.stringify({
    actor_kind: 'system',
    actor_id: null,
    actor_role: null,
    channel: 'system',
    correlation_id: 'bench',
    occurred_at: new Date().toISOString(),
  });
  const intervals = JSON.stringify({ 'COMIRNATY-30': { min: 21, target: 21, max: 42 } });
  let booked = 0;
  const started = performance.now();
  for (const slot of slots) {
    for (let place = 0; place < slot.capacity && booked < BOOKED; place++) {
      const person = fixture.personIds[booked];
      if (person === undefined) break;
      const booking = JSON.stringify({
        code: bookingCode(randomBytes(8)),
        second_code: bookingCode(randomBytes(8)),
        person_id: person,
        channel: 'call_center',
        created_by_kind: 'system',
        created_by_id: null,
        idempotency_key: null,
        group_code: null,
        plan_national_version: plan,
        plan_calendar_version: null,
        offer_id: 'bench',
        self_declaration_needed: false,
      });
      await sql`SELECT take_booking(ARRAY[${slot.id}]::bigint[], now(), '2021-01-01'::date,
        ARRAY['COMIRNATY-30']::text[], ${intervals}::jsonb, ${booking}::jsonb, ${audit}::jsonb)`.execute(db);
      booked++;
    }
  }
  console.log(
    `${booked} people booked at ${hub.rows[0]?.code} on ${day} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const eligibility = new EligibilityService(db, systemClock, '03');
  const capacity = new CapacityService(db, systemClock, eligibility);
  const context = systemContext('bench', new Date());
  let mark = performance.now();
  const change = await capacity.create({ kind: 'close_day', pointId: point, day }, null, context);
  const previewMs = performance.now() - mark;
  mark = performance.now();
  const applied = await capacity.apply(change.id, null, context);
  const applyMs = performance.now() - mark;
  const invariants = await checkInvariants(db);
  console.log(
    [
      `engine: ${fixture.serverVersion}`,
      `preview: ${previewMs.toFixed(0)} ms (${JSON.stringify(change.preview)})`,
      `apply: ${applyMs.toFixed(0)} ms in ${applied.batches} batch(es): moved ${applied.moved}, ` +
        `asked to choose ${applied.to_choose}, messages ${applied.notified}`,
      `REL-1 holds: ${invariants.holds} (${JSON.stringify(invariants)})`,
    ].join('\n'),
  );
  await database.close();
} finally {
  fixture?.dispose();
}

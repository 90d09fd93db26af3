/**
 * PERF-2: one hot slot. `npx tsx bench/booking-hot-slot.ts [--people 1000000] [--places 3000]
 * [--concurrency 256]`.
 *
 * On the booking fixture (bench/lib/booking-fixture.ts), one slot gets `--places` places (and its day
 * the doses for them); `--concurrency` call-center clients all book that slot, each for a different
 * person, until it is full, then go on asking for a while: every answer after the last place must be a
 * clean 409 SLOT_FULL. Reported: confirmations per second until full, the latency of those, the "full"
 * answers, and REL-1 afterwards (the slot holds exactly its places). Reference in the same run: pgbench
 * running take_booking on that one slot (rolled back, so the slot never fills).
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { checkInvariants } from '../src/modules/booking/invariants.ts';
import {
  BENCH_PASSWORD,
  BENCH_USER,
  pgbenchReference,
  prepareBookingFixture,
  type BookingFixture,
} from './lib/booking-fixture.ts';
import {
  closedLoop,
  HttpClient,
  kindOf,
  machineLine,
  startVaxhub,
  stopVaxhub,
  summarize,
  summaryRow,
  SUMMARY_HEADER,
  waitIfShed,
} from './lib/load.ts';
import type { ChildProcess } from 'node:child_process';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000000' },
    places: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '256' },
    'full-seconds': { type: 'string', default: '3' },
  },
});
const PEOPLE = Number(values.people.replaceAll('_', ''));
const PLACES = Number(values.places);
const CONCURRENCY = Number(values.concurrency);
const PORT = 3991;

let fixture: BookingFixture | undefined;
let server: ChildProcess | undefined;
try {
  fixture = await prepareBookingFixture({ engine: 'postgres', people: PEOPLE, days: 60 });
  const database = await fixture.open();
  // The hot slot: a mid-morning slot a week ahead, with room for PLACES people and doses for them.
  const hot = await sql<{ id: number }>`
    WITH chosen AS (
      SELECT id, vaccination_point_id, day FROM slots WHERE day = current_date + 7
      ORDER BY vaccination_point_id, starts_at OFFSET 10 LIMIT 1),
    widened AS (UPDATE slots s SET capacity = ${PLACES} FROM chosen WHERE s.id = chosen.id RETURNING s.id),
    stocked AS (
      UPDATE hub_day_stock st SET doses = st.doses + ${PLACES} FROM chosen
      WHERE st.vaccination_point_id = chosen.vaccination_point_id AND st.day = chosen.day RETURNING 1)
    SELECT id FROM widened, (SELECT count(*) FROM stocked) AS n`.execute(database.db);
  // The second doses of so many people need room three weeks later at that hub: all of its days then.
  await sql`
    UPDATE hub_day_stock st SET doses = st.doses + ${PLACES}
    FROM slots s WHERE s.id = ${hot.rows[0]?.id ?? 0}
      AND st.vaccination_point_id = s.vaccination_point_id AND st.day BETWEEN s.day + 21 AND s.day + 42`.execute(
    database.db,
  );
  await sql`
    UPDATE slots t SET capacity = t.capacity + ${Math.ceil(PLACES / 48)}
    FROM slots s WHERE s.id = ${hot.rows[0]?.id ?? 0}
      AND t.vaccination_point_id = s.vaccination_point_id AND t.day = s.day + 21`.execute(database.db);
  await database.close();
  const hotSlot = Number(hot.rows[0]?.id);
  const reference = await pgbenchReference(fixture, [hotSlot], 10);

  server = await startVaxhub(fixture.env, PORT);
  const client = new HttpClient(PORT, CONCURRENCY);
  const token = await client.signInStaff(BENCH_USER, BENCH_PASSWORD);
  const people = fixture.personIds;
  let nextPerson = 0;
  let fullAt: number | undefined;
  const started = performance.now();
  const run = await closedLoop({
    concurrency: CONCURRENCY,
    seconds: 600,
    next: () => {
      const now = performance.now();
      // After the slot filled, a few more seconds of clients asking for it.
      if (fullAt !== undefined && now - fullAt > Number(values['full-seconds']) * 1000) return undefined;
      const personId = people[nextPerson++];
      if (personId === undefined) return undefined;
      return async () => {
        const reply = await client.request(
          'POST',
          '/bookings',
          { authorization: `Bearer ${token}`, 'idempotency-key': `hot-slot-${personId}` },
          { slotId: hotSlot, personId },
        );
        await waitIfShed(reply);
        const kind = kindOf(reply, [201]);
        if (kind === '409 SLOT_FULL') fullAt ??= performance.now();
        return kind === 'ok' ? `ok ${(JSON.parse(reply.body) as { code: string }).code}` : kind;
      };
    },
  });
  client.close();
  await stopVaxhub(server);
  server = undefined;

  const confirmed = run.outcomes.filter((o) => o.kind.startsWith('ok ')).map((o) => o.kind.slice(3));
  const untilFull = ((fullAt ?? performance.now()) - started) / 1000;
  const booking = summarize(
    run.outcomes.map((o) => ({ ...o, kind: o.kind.startsWith('ok ') ? 'ok' : o.kind })),
    untilFull,
  );
  const full = summarize(
    run.outcomes.filter((o) => o.kind === '409 SLOT_FULL').map((o) => ({ ...o, kind: 'ok' })),
    Number(values['full-seconds']),
  );
  const check = await fixture.open();
  const invariants = await checkInvariants(check.db, confirmed);
  const slot = await check.db
    .selectFrom('slots')
    .select(['booked', 'capacity'])
    .where('id', '=', hotSlot)
    .executeTakeFirstOrThrow();
  await check.close();

  console.log(
    `\n${machineLine()}, ${fixture.serverVersion}; ${PEOPLE.toLocaleString('en-US')} people; one slot of ${PLACES} places; ${CONCURRENCY} clients`,
  );
  console.log(SUMMARY_HEADER);
  if (reference !== undefined)
    console.log(
      `| reference: pgbench, take_booking on the hot slot, 32 clients | — | ${reference.toFixed(0)} | | | | |`,
    );
  console.log(summaryRow(`bookAppointment on the hot slot until full (${untilFull.toFixed(1)} s)`, booking));
  console.log(summaryRow('… then 409 SLOT_FULL answers', full));
  if (reference !== undefined)
    console.log(`HTTP ÷ pgbench: ${((booking.perSecond / reference) * 100).toFixed(0)} %`);
  console.log(
    `the slot: ${slot.booked} booked of ${slot.capacity}; REL-1: ${invariants.holds ? 'holds' : 'DOES NOT HOLD'} ${JSON.stringify({ ...invariants, confirmedBookingsMissing: invariants.confirmedBookingsMissing.length })}`,
  );
  if (!invariants.holds || slot.booked !== slot.capacity || confirmed.length !== PLACES) process.exitCode = 1;
} finally {
  server?.kill('SIGKILL');
  fixture?.dispose();
}

/**
 * PERF-3: `searchSlots` under load against a static route of the same server.
 * `npx tsx bench/search-load.ts [--people 1000000] [--seconds 15] [--concurrency 256]`.
 *
 * On the booking fixture (bench/lib/booking-fixture.ts: the region's hubs open for 60 days), call-center
 * clients search for entitled people (so each search also works out the person's products, BOOK-7),
 * from random Lombard municipalities with one of their CAPs, at a random day of the next six weeks and
 * a random time. Reference in the same run: `GET /health/live` (no database) on the same server.
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import {
  BENCH_PASSWORD,
  BENCH_USER,
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
} from './lib/load.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '256' },
  },
});
const PEOPLE = Number(values.people.replaceAll('_', ''));
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const PORT = 3992;

let fixture: BookingFixture | undefined;
let server: ChildProcess | undefined;
try {
  fixture = await prepareBookingFixture({ engine: 'postgres', people: PEOPLE, days: 60 });
  const database = await fixture.open();
  const domiciles = await database.db
    .selectFrom('municipality_caps as c')
    .innerJoin('municipalities as m', 'm.istat', 'c.municipality_istat')
    .innerJoin('provinces as p', 'p.code', 'm.province_code')
    .select(['c.municipality_istat as istat', 'c.cap'])
    .where('p.region_code', '=', '03')
    .execute();
  await database.close();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  server = await startVaxhub(fixture.env, PORT);
  const client = new HttpClient(PORT, CONCURRENCY);
  const headers = { authorization: `Bearer ${await client.signInStaff(BENCH_USER, BENCH_PASSWORD)}` };
  const drive = (path: () => string, signedIn: boolean) =>
    closedLoop({
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      next: () => {
        const target = path();
        return async () => kindOf(await client.request('GET', target, signedIn ? headers : {}), [200]);
      },
    });
  const reference = await drive(() => '/health/live', false);
  const { personIds } = fixture;
  const search = await drive(() => {
    const domicile = pick(domiciles);
    const hour = String(8 + Math.floor(Math.random() * 12)).padStart(2, '0');
    return (
      `/slots?municipalityIstat=${domicile.istat}&cap=${domicile.cap}&date=${day(1 + Math.floor(Math.random() * 42))}` +
      `&time=${hour}:${pick(['00', '15', '30', '45'])}&personId=${pick(personIds)}`
    );
  }, true);
  client.close();
  await stopVaxhub(server);
  server = undefined;

  const staticRoute = summarize(reference.outcomes, reference.elapsedSeconds);
  const searches = summarize(search.outcomes, search.elapsedSeconds);
  console.log(
    `\n${machineLine()}, ${fixture.serverVersion}; ${PEOPLE.toLocaleString('en-US')} people; ${domiciles.length} Lombard municipality+CAP pairs; ${CONCURRENCY} clients, ${SECONDS} s each`,
  );
  console.log(SUMMARY_HEADER);
  console.log(summaryRow('reference: GET /health/live (static)', staticRoute));
  console.log(summaryRow('searchSlots (with the person’s products)', searches));
  console.log(
    `searchSlots ÷ static route: ${((searches.perSecond / staticRoute.perSecond) * 100).toFixed(0)} %`,
  );
} finally {
  server?.kill('SIGKILL');
  fixture?.dispose();
}

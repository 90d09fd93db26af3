import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startE2eServer } from './server.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createLogger } from '../src/platform/logging.ts';
import type { App } from '../src/platform/http/types.ts';
import { generatePopulationIntoDatabase } from '../src/modules/population/service.ts';
import { SmtpSink } from '../src/modules/messaging/smtp-sink.ts';
import { ensureSigningCertificates } from '../src/modules/certificates/signing-certificates.ts';
import { buildNationalApp } from '../src/national/app.ts';
import { DEVELOPMENT_API_TOKEN, loadNationalConfig } from '../src/national/config.ts';
import { seedNationalRegistry } from '../src/national/seed.ts';
import { openMigratedNationalTestDatabase } from '../src/national/test-databases.ts';
import type { NationalDatabase } from '../src/national/db.ts';

export const PEOPLE = 300;
export const SEED = 7;

/** Every party of the certificate flow (DCC-4): the regional server, the national simulator, the SMTP sink. */
export interface NationalE2e {
  server: Awaited<ReturnType<typeof startE2eServer>>;
  national: App;
  sink: SmtpSink;
  /** The certificates the national simulator issued to a person, newest last. */
  certificates: (taxCode: string) => Promise<{ uvci: string; hc1: string }[]>;
  /** The AUTHCODE in the e-mail sent to `contact`, once the national and messaging workers have done their part. */
  mailedCode: (contact: string) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * The regional server (its national worker and its messaging worker on, every 200 ms), the national
 * simulator in-process issuing certificates, and the SMTP sink; both registries know the same people
 * (same generator and seed).
 */
export async function startNationalE2e(): Promise<NationalE2e> {
  // What has started so far, stopped in reverse order if a later part fails to start.
  const started: (() => Promise<void>)[] = [];
  const stopStarted = async (): Promise<void> => {
    for (const stop of started.splice(0).reverse()) await stop();
  };
  try {
    const nationalDb: NationalDatabase = await openMigratedNationalTestDatabase('pglite');
    started.push(() => nationalDb.close());
    await seedNationalRegistry(nationalDb, {
      regionPeople: PEOPLE,
      regionSeed: SEED,
      otherRegionPeople: 1,
      aire: 1,
      foreigners: 1,
    });
    const national = await buildNationalApp({
      config: loadNationalConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      database: nationalDb,
      clock: systemClock,
      logger: createLogger('silent'),
      signing: await ensureSigningCertificates({
        dir: await mkdtemp(path.join(tmpdir(), 'vaxhub-e2e-dgc-')),
      }),
    });
    started.push(() => national.close());
    const nationalUrl = await national.listen({ host: '127.0.0.1', port: 0 });
    const sink = await SmtpSink.start({ port: 0 });
    started.push(() => sink.close());
    const server = await startE2eServer({
      NATIONAL_URL: nationalUrl,
      NATIONAL_API_TOKEN: DEVELOPMENT_API_TOKEN,
      NATIONAL_SYNC_INTERVAL_MS: '200',
      MESSAGING_INTERVAL_MS: '200',
      SMTP_URL: sink.url,
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'vaxhub-e2e-data-')),
    });
    started.push(() => server.stop());
    await generatePopulationIntoDatabase(server.database, { people: PEOPLE, seed: SEED, regionCode: '03' });
    return parts(server, national, sink, stopStarted);
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

function parts(
  server: NationalE2e['server'],
  national: App,
  sink: SmtpSink,
  stop: () => Promise<void>,
): NationalE2e {
  return {
    server,
    national,
    sink,
    async certificates(taxCode) {
      const response = await national.inject({
        method: 'GET',
        url: `/dgc/persons/${taxCode}/certificates`,
        headers: { authorization: `Bearer ${DEVELOPMENT_API_TOKEN}` },
      });
      return response.json<{ uvci: string; hc1: string }[]>();
    },
    async mailedCode(contact) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const mail = sink.received.find((received) => received.to.includes(contact));
        const found = mail === undefined ? null : /\b([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})\b/.exec(mail.text);
        if (found?.[1] !== undefined) return found[1];
        if (Date.now() > deadline)
          throw new Error(`no certificate code for ${contact} arrived in the SMTP sink in 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    stop,
  };
}

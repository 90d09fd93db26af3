import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixedClock } from '../platform/clock.ts';
import { createLogger } from '../platform/logging.ts';
import type { App } from '../platform/http/types.ts';
import { DEMO_SEED } from '../modules/demo/seed.ts';
import { ensureSigningCertificates } from '../modules/certificates/signing-certificates.ts';
import { revocationCheck, uvciHash } from '../modules/certificates/revocation.ts';
import { verifyPass } from '../modules/certificates/verify.ts';
import { PassService } from '../modules/certificates/service.ts';
import { buildNationalApp } from './app.ts';
import { createNationalClient, NationalUnavailableError, type NationalClient } from './client.ts';
import type { AdministrationChange, PersonCertificatesT } from './client.ts';
import { DEVELOPMENT_API_TOKEN, loadNationalConfig } from './config.ts';
import { FaultInjector } from './faults.ts';
import { seedNationalRegistry } from './seed.ts';
import { describeEachNationalDatabase } from './test-databases.ts';
import { buildTestApp } from '../../test/app.ts';
import { openMigratedTestDatabase } from '../../test/databases.ts';
import type { Database } from '../platform/db/database.ts';

const NOW = '2021-06-10T08:00:00Z';
/** When the passes are checked: 2/2 of early December 2021 are in their window (the rules start in 2022). */
const VERIFY_AT = new Date('2022-01-10T10:00:00Z');

describeEachNationalDatabase('DCC-1 DCC-3 NAT-1 certificate reissue and revocation', (database) => {
  let app: App;
  let client: NationalClient;
  let baseUrl: string;
  /** The regional platform (its database on PGlite whatever the simulator's engine), for its pass route. */
  let regional: Database;
  let region: App;
  let signingDir: string;
  let people: string[];
  const faults = new FaultInjector();
  let next = 0;
  /** A source id of its own for each test, so that the tests do not depend on one another. */
  const sourceId = () => `rev-${(next += 1)}`;

  const dose = (personIdentifier: string, overrides: Partial<AdministrationChange> = {}) =>
    ({
      version: 1,
      deleted: false,
      personIdentifier,
      administeredOn: '2021-05-20',
      productCode: 'COMIRNATY-30',
      aic: null,
      lot: 'FK1234',
      doseNumber: 1,
      doseKind: 'primary',
      covid: true,
      ...overrides,
    }) as AdministrationChange;
  const put = (id: string, change: AdministrationChange) => client.putAdministration('03', id, change);
  const certificatesOf = (identifier: string) => client.certificates(identifier);
  const inForce = (list: PersonCertificatesT) => list.filter((c) => !c.revoked);
  const certificateRows = async () =>
    Number(
      (
        await database()
          .db.selectFrom('certificates')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const person = (i: number): string => {
    const found = people[i];
    if (found === undefined) throw new Error(`no test person ${i}`);
    return found;
  };

  beforeAll(async () => {
    await seedNationalRegistry(database(), {
      regionPeople: 12,
      regionSeed: DEMO_SEED,
      otherRegionPeople: 0,
      aire: 0,
      foreigners: 0,
    });
    people = (
      await database()
        .db.selectFrom('persons')
        .select('identifier')
        .where('region_code', '=', '03')
        .orderBy('identifier')
        .execute()
    ).map((row) => row.identifier);
    expect(people.length).toBeGreaterThanOrEqual(11);
    signingDir = await mkdtemp(path.join(tmpdir(), 'vaxhub-revocation-'));
    app = await buildNationalApp({
      config: loadNationalConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }),
      database: database(),
      clock: fixedClock(NOW),
      logger: createLogger('silent'),
      faults,
      signing: await ensureSigningCertificates({ dir: signingDir }),
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    client = createNationalClient({ baseUrl, token: DEVELOPMENT_API_TOKEN, timeoutMs: 2_000 });
    regional = await openMigratedTestDatabase('pglite');
    ({ app: region } = await buildTestApp(regional, {
      now: VERIFY_AT.toISOString(),
      env: { NATIONAL_URL: baseUrl, NATIONAL_API_TOKEN: DEVELOPMENT_API_TOKEN, NATIONAL_TIMEOUT_MS: '2000' },
    }));
  }, 120_000);

  afterAll(async () => {
    faults.set({ mode: 'none' });
    await region.close();
    await regional.close();
    await app.close();
    await rm(signingDir, { recursive: true, force: true });
  });

  it('DCC-1 DCC-3 NAT-1 a dose number forced (1/2 → 2/2): new certificate with a new UVCI, the old one revoked, replaced and listed', async () => {
    const holder = person(0);
    const id = sourceId();
    expect((await put(id, dose(holder))).outcome).toBe('applied');
    const [first] = await certificatesOf(holder);
    expect(first).toMatchObject({
      doseNumber: 1,
      totalDoses: 2,
      revoked: false,
      revokedAt: null,
      replacedBy: null,
    });

    // VAX-7: the region forces dose number 2, and sends the administration again under version 2.
    expect((await put(id, dose(holder, { version: 2, doseNumber: 2 }))).outcome).toBe('applied');
    const after = await certificatesOf(holder);
    expect(after).toHaveLength(2);
    const old = after.find((c) => c.uvci === first?.uvci);
    const current = inForce(after);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({
      doseNumber: 2,
      totalDoses: 2,
      vaccinatedOn: '2021-05-20',
      replacedBy: null,
    });
    expect(current[0]?.uvci).not.toBe(first?.uvci);
    expect(old).toMatchObject({
      revoked: true,
      revokedAt: new Date(NOW).toISOString(),
      replacedBy: current[0]?.uvci,
    });

    const list = await client.revocationList();
    expect(list).toMatchObject({ generatedAt: new Date(NOW).toISOString(), hashType: 'UCI' });
    expect(list.hashes).toContain(uvciHash(first?.uvci ?? ''));
    expect(list.hashes).not.toContain(uvciHash(current[0]?.uvci ?? ''));
    expect([...list.hashes].sort()).toEqual(list.hashes);
  });

  it('DCC-3 a revoked certificate verifies as invalid, reason REVOKED; its successor verifies valid with the list checked', async () => {
    const holder = person(1);
    const id = sourceId();
    await put(id, dose(holder, { administeredOn: '2021-12-01', doseNumber: 2 }));
    await put(id, dose(holder, { version: 2, administeredOn: '2021-12-02', doseNumber: 2 }));
    const all = await certificatesOf(holder);
    const revoked = all.find((c) => c.revoked);
    const current = all.find((c) => !c.revoked);
    const trust = await client.dccTrustList();
    const check = revocationCheck(await client.revocationList());

    const refused = verifyPass(revoked?.hc1 ?? '', VERIFY_AT, trust, { revocation: check });
    expect(refused.status).toBe('invalid');
    expect(refused.reasons[0]?.code).toBe('REVOKED');
    expect(refused.revocationChecked).toBe(true);
    // Without the list the same pass would pass: the refusal is the revocation's alone.
    expect(verifyPass(revoked?.hc1 ?? '', VERIFY_AT, trust).status).toBe('valid');

    const accepted = verifyPass(current?.hc1 ?? '', VERIFY_AT, trust, { revocation: check });
    expect(accepted).toMatchObject({ status: 'valid', revocationChecked: true });
  });

  it('NAT-1 DCC-1 exactly once: a replay of the same version, and a new version saying the same (lot corrected), issue nothing', async () => {
    const holder = person(2);
    const id = sourceId();
    await put(id, dose(holder));
    const before = await certificatesOf(holder);
    const rows = await certificateRows();
    const revokedBefore = (await client.revocationList()).hashes.length;

    expect((await put(id, dose(holder))).outcome).toBe('duplicate');
    expect((await put(id, dose(holder, { version: 2, lot: 'FK9999' }))).outcome).toBe('applied');
    expect(await certificatesOf(holder)).toEqual(before);
    expect(await certificateRows()).toBe(rows);
    expect((await client.revocationList()).hashes).toHaveLength(revokedBefore);
  });

  it('NAT-1 DCC-3 a change delivered twice (duplicate fault) reissues once', async () => {
    const holder = person(3);
    const id = sourceId();
    await put(id, dose(holder));
    faults.set({ mode: 'duplicate', routes: ['putNationalAdministration'] });
    try {
      expect((await put(id, dose(holder, { version: 2, administeredOn: '2021-05-21' }))).outcome).toBe(
        'duplicate',
      );
    } finally {
      faults.set({ mode: 'none' });
    }
    const all = await certificatesOf(holder);
    expect(all.map((c) => `${c.vaccinatedOn} ${c.revoked ? 'revoked' : 'in force'}`)).toEqual([
      '2021-05-20 revoked',
      '2021-05-21 in force',
    ]);
  });

  it('DCC-3 NAT-1 a deletion revokes the certificate and issues none in its place', async () => {
    const holder = person(4);
    const id = sourceId();
    await put(id, dose(holder));
    const [issued] = await certificatesOf(holder);
    expect((await put(id, { version: 2, deleted: true, personIdentifier: holder })).outcome).toBe('applied');
    const all = await certificatesOf(holder);
    expect(all).toEqual([
      { ...issued, revoked: true, revokedAt: new Date(NOW).toISOString(), replacedBy: null },
    ]);
    expect((await client.revocationList()).hashes).toContain(uvciHash(issued?.uvci ?? ''));
    // A late replay of the first version brings back neither the vaccination nor a certificate.
    expect((await put(id, dose(holder))).outcome).toBe('superseded');
    expect(inForce(await certificatesOf(holder))).toEqual([]);
  });

  it('DCC-3 NAT-1 REG-7 a record moved to another person: the old person’s certificate revoked, the new person’s issued', async () => {
    const [from, to] = [person(5), person(6)];
    const id = sourceId();
    await put(id, dose(from));
    const [old] = await certificatesOf(from);
    expect(await certificatesOf(to)).toEqual([]);

    expect((await put(id, dose(to, { version: 2 }))).outcome).toBe('applied');
    // The old holder's certificate stops being in force; the successor is not theirs, so none is named.
    expect(await certificatesOf(from)).toEqual([
      { ...old, revoked: true, revokedAt: new Date(NOW).toISOString(), replacedBy: null },
    ]);
    const moved = await certificatesOf(to);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ doseNumber: 1, totalDoses: 2, revoked: false });
    expect(moved[0]?.uvci).not.toBe(old?.uvci);
    expect((await client.revocationList()).hashes).toContain(uvciHash(old?.uvci ?? ''));
  });

  it('DCC-3 NAT-3 a correction making the record non-COVID revokes the certificate without a successor', async () => {
    const holder = person(7);
    const id = sourceId();
    await put(id, dose(holder));
    await put(id, dose(holder, { version: 2, covid: false, productCode: 'VAXIGRIP-TETRA' }));
    const all = await certificatesOf(holder);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ revoked: true, replacedBy: null });
  });

  it('DCC-3 the database holds at most one certificate in force per vaccination, and none in force without its vaccination', async () => {
    const row = await database()
      .db.selectFrom('certificates')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('health_card_vaccination_id', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const copy = {
      health_card_vaccination_id: row.health_card_vaccination_id,
      uvci: 'URN:UVCI:01:IT:SECONDINFORCE',
      person_identifier: row.person_identifier,
      dose_number: row.dose_number,
      total_doses: row.total_doses,
      hc1: row.hc1,
      issued_at: row.issued_at,
      vaccinated_on: row.vaccinated_on,
      content_digest: row.content_digest,
    };
    await expect(database().db.insertInto('certificates').values(copy).execute()).rejects.toThrow(
      /certificates_one_current/,
    );
    await expect(
      database()
        .db.insertInto('certificates')
        .values({ ...copy, health_card_vaccination_id: null, uvci: 'URN:UVCI:01:IT:WITHOUTVACCINATION' })
        .execute(),
    ).rejects.toThrow(/certificates_current_has_vaccination/);
  });

  it('DCC-3 a vaccination deleted by another path than the platform’s (an operator’s SQL) still leaves its certificate revoked and listed', async () => {
    const holder = person(9);
    const id = sourceId();
    await put(id, dose(holder));
    const [issued] = await certificatesOf(holder);
    await database().db.deleteFrom('health_card_vaccinations').where('source_id', '=', id).execute();
    expect(await certificatesOf(holder)).toEqual([
      { ...issued, revoked: true, revokedAt: expect.any(String) as unknown, replacedBy: null },
    ]);
    expect((await client.revocationList()).hashes).toContain(uvciHash(issued?.uvci ?? ''));
  });

  it('DCC-3 the regional verifier checks the national revocation list; when it cannot be read the pass is still verified, and the verdict says so', async () => {
    const holder = person(8);
    const id = sourceId();
    await put(id, dose(holder, { administeredOn: '2021-12-01', doseNumber: 2 }));
    await put(id, dose(holder, { version: 2, administeredOn: '2021-12-02', doseNumber: 2 }));
    const all = await certificatesOf(holder);
    const revoked = all.find((c) => c.revoked && c.vaccinatedOn === '2021-12-01');
    const current = all.find((c) => !c.revoked && c.vaccinatedOn === '2021-12-02');
    // No copy kept between verifications here (0 ms), so that the fault below is met.
    const passes = new PassService(client, fixedClock(VERIFY_AT.toISOString()), 0);

    const refused = await passes.verify(revoked?.hc1 ?? '', undefined);
    expect(refused.status).toBe('invalid');
    expect(refused.reasons[0]?.code).toBe('REVOKED');

    faults.set({ mode: 'down', routes: ['getDccRevocationList'] });
    try {
      await expect(client.revocationList()).rejects.toBeInstanceOf(NationalUnavailableError);
      const unchecked = await passes.verify(revoked?.hc1 ?? '', undefined);
      expect(unchecked.status).toBe('valid');
      expect(unchecked.revocationChecked).toBe(false);
      expect(unchecked.reasons.at(-1)?.code).toBe('REVOCATION_NOT_CHECKED');
      expect(unchecked.reasons[0]?.code).toBe('IT_VALID');
    } finally {
      faults.set({ mode: 'none' });
    }
    const accepted = await passes.verify(current?.hc1 ?? '', undefined);
    expect(accepted).toMatchObject({ status: 'valid', revocationChecked: true });
  });
  it('DCC-3 POST /passes/verification: a revoked pass is invalid, reason REVOKED; with the list unreadable it answers 200 with the verdict and says revocation was not checked', async () => {
    const holder = person(10);
    const id = sourceId();
    await put(id, dose(holder, { administeredOn: '2021-12-01', doseNumber: 2 }));
    await put(id, dose(holder, { version: 2, administeredOn: '2021-12-03', doseNumber: 2 }));
    const all = await certificatesOf(holder);
    const revoked = all.find((c) => c.revoked)?.hc1 ?? '';
    const current = all.find((c) => !c.revoked)?.hc1 ?? '';
    const verify = async (hc1: string) => {
      const response = await region.inject({ method: 'POST', url: '/passes/verification', payload: { hc1 } });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ status: string; reasons: { code: string }[]; revocationChecked: boolean }>();
    };
    try {
      // First with the platform's revocation list down: nothing is kept from a failed read.
      faults.set({ mode: 'error5xx', routes: ['getDccRevocationList'] });
      const unchecked = await verify(revoked);
      expect(unchecked).toMatchObject({ status: 'valid', revocationChecked: false });
      expect(unchecked.reasons.map((r) => r.code)).toEqual(['IT_VALID', 'REVOCATION_NOT_CHECKED']);
      faults.set({ mode: 'none' });

      const refused = await verify(revoked);
      expect(refused).toMatchObject({ status: 'invalid', revocationChecked: true });
      expect(refused.reasons[0]?.code).toBe('REVOKED');
      expect(await verify(current)).toMatchObject({ status: 'valid', revocationChecked: true });
    } finally {
      faults.set({ mode: 'none' });
    }
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/databases.ts';
import { PROJECT_ROOT } from './files.ts';
import {
  belfioreValidOn,
  findMunicipalityByIstat,
  isCapOfMunicipality,
  findMunicipalityWithCap,
  listHealthAuthorities,
  listProducts,
  listVaccinationPoints,
  loadReferenceData,
  municipalitiesByCap,
  type LoadReferenceResult,
} from './service.ts';

const EXPECTED_COUNTS = {
  regions: 20,
  provinces: 107,
  belfiore_codes: 10063,
  municipalities: 7896,
  municipality_caps: 8771,
  health_authorities: 4,
  vaccination_points: 9,
  products: 7,
  dcc_value_set_entries: 422,
};

const scratch = mkdtempSync(path.join(tmpdir(), 'vaxhub-reference-int-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface TableFile {
  source: string;
  columns: string[];
  rows: unknown[][];
}

/** A copy of reference/ and plan/ with some files changed, as a new release of the data would be. */
function changedCopy(name: string, change: (edit: (file: string, update: (json: TableFile) => void) => void) => void): string {
  const root = path.join(scratch, name);
  cpSync(path.join(PROJECT_ROOT, 'reference'), path.join(root, 'reference'), { recursive: true });
  cpSync(path.join(PROJECT_ROOT, 'plan'), path.join(root, 'plan'), { recursive: true });
  change((file, update) => {
    const full = path.join(root, file);
    const json = JSON.parse(readFileSync(full, 'utf8')) as TableFile;
    update(json);
    writeFileSync(full, JSON.stringify(json));
  });
  return root;
}

describeEachDatabase('Reference data', (database) => {
  let first: LoadReferenceResult;

  beforeAll(async () => {
    first = await loadReferenceData(database());
  });

  it('loads every table: 7,896 municipalities with 8,771 CAPs, 10,063 Belfiore codes, 9 hubs, 7 products', () => {
    expect(first.loaded).toBe(true);
    expect(first.counts).toEqual(EXPECTED_COUNTS);
  });

  it('REG-10 every municipality has at least one CAP', async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::integer AS n FROM municipalities m
      WHERE NOT EXISTS (SELECT 1 FROM municipality_caps c WHERE c.municipality_istat = m.istat)`.execute(database().db);
    expect(rows[0]?.n).toBe(0);
  });

  it('REG-10 Milan (015146) has all its CAPs, 20121 among them, in province MI of Lombardy (03)', async () => {
    const milan = await findMunicipalityByIstat(database().db, '015146');
    expect(milan).toMatchObject({
      name: 'Milano',
      belfioreCode: 'F205',
      provinceCode: '015',
      provinceAbbreviation: 'MI',
      regionCode: '03',
      regionName: 'Lombardia',
    });
    expect(milan?.caps.length).toBeGreaterThanOrEqual(40);
    expect(milan?.caps).toContain('20121');
    expect(milan?.caps).toContain('20162');
    expect(await findMunicipalityByIstat(database().db, '999999')).toBeUndefined();
  });

  it('BOOK-6 the CAP must belong to the municipality', async () => {
    const db = database().db;
    expect(await isCapOfMunicipality(db, '015146', '20121')).toBe(true);
    expect(await isCapOfMunicipality(db, '015146', '26100')).toBe(false);
    expect(await isCapOfMunicipality(db, '019036', '26100')).toBe(true);
    // The search asks both at once.
    expect(await findMunicipalityWithCap(db, '019036', '26100')).toMatchObject({ name: 'Cremona', capBelongs: true });
    expect(await findMunicipalityWithCap(db, '015146', '26100')).toMatchObject({ name: 'Milano', capBelongs: false });
    expect(await findMunicipalityWithCap(db, '999999', '26100')).toBeUndefined();
    expect((await municipalitiesByCap(db, '26100')).map((m) => m.name)).toEqual(['Cremona']);
    // A CAP shared by several small municipalities.
    expect((await municipalitiesByCap(db, '24060')).length).toBeGreaterThan(10);
    expect(await municipalitiesByCap(db, '00000')).toEqual([]);
  });

  it('REG-10 municipalities missing from the CAP list keep a CAP (comuni-ita main CAP, Belfiore join)', async () => {
    const db = database().db;
    expect((await findMunicipalityByIstat(db, '081025'))?.caps).toEqual(['91031']);
    // Montecopiolo moved from Pesaro e Urbino to Rimini: its old and new CAPs.
    expect((await findMunicipalityByIstat(db, '099030'))?.caps).toEqual(['47868', '61014']);
  });

  it('REG-1 an abolished municipality: its Belfiore code is valid on a birth date before its validTo, not after', async () => {
    const db = database().db;
    // Bardello (VA), merged into Bardello con Malgesso e Bregano (M433) on 1 January 2023.
    expect(await belfioreValidOn(db, 'A645', '1950-06-01')).toMatchObject({
      code: 'A645',
      name: 'Bardello',
      provinceOrCountry: 'VA',
      validTo: '2023-01-01',
      foreign: false,
    });
    expect(await belfioreValidOn(db, 'A645', '2022-12-31')).toBeDefined();
    expect(await belfioreValidOn(db, 'A645', '2023-01-01')).toBeUndefined();
    expect(await belfioreValidOn(db, 'M433', '2022-12-31')).toBeUndefined();
    expect(await belfioreValidOn(db, 'M433', '2023-01-01')).toMatchObject({ name: 'Bardello con Malgesso e Bregano' });
    // Before the municipality existed.
    expect(await belfioreValidOn(db, 'A645', '1861-01-01')).toBeUndefined();
    expect(await belfioreValidOn(db, 'Q999', '2000-01-01')).toBeUndefined();
  });

  it('REG-2 foreign countries by Z-code: Z404 (USA) and a former country (USSR)', async () => {
    const db = database().db;
    expect(await belfioreValidOn(db, 'Z404', '1985-03-04')).toEqual({
      code: 'Z404',
      name: "Stati Uniti d'America",
      provinceOrCountry: 'US',
      validFrom: null,
      validTo: null,
      foreign: true,
    });
    expect(await belfioreValidOn(db, 'Z135', '1980-01-01')).toMatchObject({ name: 'Unione Sovietica', foreign: true });
    expect(await belfioreValidOn(db, 'Z135', '1995-01-01')).toBeUndefined();
  });

  it('BOOK-1 the 9 ATS Val Padana hubs, each with its ASST', async () => {
    const db = database().db;
    const points = await listVaccinationPoints(db);
    expect(points.map((p) => [p.code, p.municipalityName, p.healthAuthorityCode])).toEqual([
      ['VP-CR-01', 'Cremona', 'ASST-CREMONA'],
      ['VP-CR-02', 'Soresina', 'ASST-CREMONA'],
      ['VP-CR-03', 'Crema', 'ASST-CREMA'],
      ['VP-CR-04', 'Casalmaggiore', 'ASST-CREMONA'],
      ['VP-MN-01', 'Mantova', 'ASST-MANTOVA'],
      ['VP-MN-02', 'Castel Goffredo', 'ASST-MANTOVA'],
      ['VP-MN-03', 'Gonzaga', 'ASST-MANTOVA'],
      ['VP-MN-04', 'Ostiglia', 'ASST-MANTOVA'],
      ['VP-MN-05', 'Castiglione delle Stiviere', 'ASST-MANTOVA'],
    ]);
    for (const point of points) {
      expect(point.kind).toBe('hub');
      expect(point.id).toBeGreaterThan(0);
      expect(point.address).not.toBe('');
    }
    const authorities = await listHealthAuthorities(db);
    expect(authorities).toEqual([
      { code: 'ASST-CREMA', name: 'ASST di Crema', kind: 'ASST', parentCode: 'ATS-VALPADANA', regionCode: '03' },
      { code: 'ASST-CREMONA', name: 'ASST di Cremona', kind: 'ASST', parentCode: 'ATS-VALPADANA', regionCode: '03' },
      { code: 'ASST-MANTOVA', name: 'ASST di Mantova', kind: 'ASST', parentCode: 'ATS-VALPADANA', regionCode: '03' },
      { code: 'ATS-VALPADANA', name: 'ATS della Val Padana', kind: 'ATS', parentCode: null, regionCode: '03' },
    ]);
  });

  it('ELIG-1 products are plan data with an effective date', async () => {
    const db = database().db;
    const all = await listProducts(db);
    expect(all).toHaveLength(7);
    expect(all.find((p) => p.code === 'COMIRNATY-30')).toMatchObject({ aic: '049269018', primaryCycleDoses: 2 });
    const april2021 = await listProducts(db, { effectiveOn: '2021-04-15' });
    expect(april2021.map((p) => p.code).sort()).toEqual(['COMIRNATY-30', 'JANSSEN', 'SPIKEVAX', 'VAXZEVRIA']);
  });

  it('DCC-1 the EU value sets are loaded, product and manufacturer codes included', async () => {
    const rows = await database()
      .db.selectFrom('dcc_value_set_entries')
      .select(['value_set_id', 'code', 'display', 'active'])
      .where('code', 'in', ['EU/1/20/1528', 'ORG-100030215', '840539006', 'J07BX03'])
      .orderBy('code')
      .execute();
    expect(rows).toEqual([
      { value_set_id: 'disease-agent-targeted', code: '840539006', display: 'COVID-19', active: true },
      { value_set_id: 'vaccines-covid-19-names', code: 'EU/1/20/1528', display: 'Comirnaty', active: true },
      { value_set_id: 'sct-vaccines-covid-19', code: 'J07BX03', display: 'covid-19 vaccines (deprecated)', active: false },
      {
        value_set_id: 'vaccines-covid-19-auth-holders',
        code: 'ORG-100030215',
        display: 'Biontech Manufacturing GmbH',
        active: true,
      },
    ]);
  });

  it('loading the same content twice is a no-op', async () => {
    const db = database().db;
    const before = await db.selectFrom('reference_data_version').selectAll().executeTakeFirstOrThrow();
    const second = await loadReferenceData(database());
    expect(second).toEqual({ loaded: false, contentHash: first.contentHash, counts: EXPECTED_COUNTS });
    const after = await db.selectFrom('reference_data_version').selectAll().executeTakeFirstOrThrow();
    expect(after.loaded_at).toEqual(before.loaded_at);
  });

  it('re-loading changed content updates in place: no duplicates, hub ids kept, stale rows gone', async () => {
    const db = database().db;
    const idsBefore = new Map((await listVaccinationPoints(db)).map((p) => [p.code, p.id]));
    const changed = changedCopy(`changed-${database().kind}`, (edit) => {
      edit('reference/vaccination-points.json', (file) => {
        file.rows[0]![1] = 'CremonaFiere (padiglione 2)';
        // A hub gone from the file stays: bookings and staff scopes may point at it.
        file.rows.splice(8, 1);
      });
      edit('reference/municipalities.json', (file) => {
        const milan = file.rows.find((row) => row[0] === '015146')!;
        milan[7] = (milan[7] as string[]).filter((cap) => cap !== '20162');
        file.rows = file.rows.filter((row) => row[0] !== '012144');
      });
    });
    const reloaded = await loadReferenceData(database(), { root: changed });
    expect(reloaded.loaded).toBe(true);
    expect(reloaded.contentHash).not.toBe(first.contentHash);
    expect(reloaded.counts).toEqual({
      ...EXPECTED_COUNTS,
      municipalities: EXPECTED_COUNTS.municipalities - 1,
      municipality_caps: EXPECTED_COUNTS.municipality_caps - 2,
    });
    const points = await listVaccinationPoints(db);
    expect(new Map(points.map((p) => [p.code, p.id]))).toEqual(idsBefore);
    expect(points[0]?.name).toBe('CremonaFiere (padiglione 2)');
    expect(await isCapOfMunicipality(db, '015146', '20162')).toBe(false);
    expect(await findMunicipalityByIstat(db, '012144')).toBeUndefined();

    // And back to the committed content.
    const restored = await loadReferenceData(database());
    expect(restored).toMatchObject({ loaded: true, contentHash: first.contentHash, counts: EXPECTED_COUNTS });
    expect(new Map((await listVaccinationPoints(db)).map((p) => [p.code, p.id]))).toEqual(idsBefore);
    expect((await listVaccinationPoints(db))[0]?.name).toBe('CremonaFiere (Pad. 1, Cà de Somenzi)');
    expect(await isCapOfMunicipality(db, '015146', '20162')).toBe(true);
  });

  it('refuses a product catalogue with a bad entry and loads nothing', async () => {
    const broken = changedCopy(`broken-${database().kind}`, () => undefined);
    const file = path.join(broken, 'plan', 'products.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"primaryCycleDoses": 1', '"primaryCycleDoses": 0'));
    await expect(loadReferenceData(database(), { root: broken })).rejects.toThrow(/products\[4\] "JANSSEN" primaryCycleDoses/);
    expect((await loadReferenceData(database())).loaded).toBe(false);
  });
});

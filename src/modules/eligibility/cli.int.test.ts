import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/database.ts';
import { writeSyntheticFragileList } from './lists/synthetic.ts';

const BIN = fileURLToPath(new URL('../../../bin/vaxhub.js', import.meta.url));

describe('vaxhub plan and lists commands', () => {
  let directory: string;
  let dataDir: string;

  const vaxhub = (args: string[]) => {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'vaxhub-cli-'));
    dataDir = path.join(directory, 'db');
    expect(vaxhub(['data', 'load']).status).toBe(0);
    expect(vaxhub(['population', 'generate', '--people', '300', '--into-db']).status).toBe(0);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('ELIG-1 `plan load` loads every shipped version once; `plan list` shows them by date', () => {
    const first = vaxhub(['plan', 'load']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/IT-2021-03-12: loaded/);
    const second = vaxhub(['plan', 'load']);
    expect(second.stdout).toMatch(/IT-2021-03-12: already loaded/);
    const list = vaxhub(['plan', 'list']);
    expect(list.status).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^2021-03-12\s+IT-2021-03-12\s+national/);
    expect(lines.some((line) => /LOM-2021-04-02\s+regional\s+03/.test(line))).toBe(true);
  });

  it('ELIG-1 a changed version under a loaded id is refused with a reason', async () => {
    const original = JSON.parse(await readFile('plan/versions/IT-2021-04-10.json', 'utf8')) as Record<
      string,
      unknown
    >;
    const changed = path.join(directory, 'changed.json');
    await writeFile(changed, JSON.stringify({ ...original, minimumVaccinationAge: 12 }));
    const result = vaxhub(['plan', 'load', changed]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PLAN_VERSION_CONFLICT/);
  });

  it('ELIG-18 `lists import` loads a list, prints the summary and writes the rejection report', async () => {
    const database = await openDatabase({ dataDir });
    const list = path.join(directory, 'fragili.csv');
    try {
      await writeSyntheticFragileList(database.db, list, 'csv', { rows: 120, badEvery: 12 });
    } finally {
      await database.close();
    }
    const report = path.join(directory, 'scarti.csv');
    const result = vaxhub([
      'lists',
      'import',
      list,
      '--type',
      'fragile',
      '--source',
      'ATS-VALPADANA',
      '--json',
      '--report',
      report,
    ]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'completed',
      rowsRead: 120,
      rowsLoaded: 110,
      rowsRejected: 10,
    });
    const lines = (await readFile(report, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('riga;codice;messaggio');
    expect(lines).toHaveLength(11);
    const again = vaxhub(['lists', 'import', list, '--type', 'fragile', '--source', 'ATS-VALPADANA']);
    expect(again.stdout).toMatch(/completed: read 120, loaded 110/);
  });

  it('ELIG-18 a wrong list type is a usage error, not a crash', () => {
    const result = vaxhub(['lists', 'import', 'x.csv', '--type', 'friends', '--source', 'ATS-VALPADANA']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--type must be one of fragile, caregivers, specialist/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

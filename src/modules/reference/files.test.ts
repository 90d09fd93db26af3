import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, readReferenceContent, ReferenceFileError } from './files.ts';

const SHARED_DATA = path.join(PROJECT_ROOT, '../shared/data');
const scratch = mkdtempSync(path.join(tmpdir(), 'vaxhub-reference-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function copyOfProject(name: string): string {
  const root = path.join(scratch, name);
  cpSync(path.join(PROJECT_ROOT, 'reference'), path.join(root, 'reference'), { recursive: true });
  cpSync(path.join(PROJECT_ROOT, 'plan'), path.join(root, 'plan'), { recursive: true });
  return root;
}

function filesUnder(directory: string, prefix = ''): string[] {
  return readdirSync(path.join(directory, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(directory, path.join(prefix, entry.name))
      : [path.join(prefix, entry.name)],
  );
}

describe('reference files', () => {
  it('hold the whole country: 20 regions, 107 provinces, 7,896 municipalities, 10,063 Belfiore codes', async () => {
    const content = await readReferenceContent();
    expect(content.regions).toHaveLength(20);
    expect(content.regions.map((r) => r.code)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(content.provinces).toHaveLength(107);
    expect(content.municipalities).toHaveLength(7896);
    expect(content.belfioreCodes).toHaveLength(10063);
    expect(content.belfioreCodes.filter((b) => b.is_foreign)).toHaveLength(222);
    expect(content.vaccinationPoints).toHaveLength(9);
    expect(content.products).toHaveLength(7);
  });

  it('REG-10 give every municipality at least one CAP', async () => {
    const content = await readReferenceContent();
    const withCap = new Set(content.municipalityCaps.map((c) => c.municipality_istat));
    expect(content.municipalities.filter((m) => !withCap.has(m.istat))).toEqual([]);
  });

  it('hash their content: the same files give the same hash, a changed byte another one', async () => {
    const root = copyOfProject('hash');
    const original = await readReferenceContent();
    expect((await readReferenceContent(root)).contentHash).toBe(original.contentHash);
    const file = path.join(root, 'reference', 'health-authorities.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ATS della Val Padana', 'ATS Val Padana'));
    expect((await readReferenceContent(root)).contentHash).not.toBe(original.contentHash);
  });

  it('refuse a file of the wrong shape, naming it', async () => {
    const root = copyOfProject('shape');
    const file = path.join(root, 'reference', 'municipalities.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"015146"', '"15146"'));
    await expect(readReferenceContent(root)).rejects.toThrow(ReferenceFileError);
    await expect(readReferenceContent(root)).rejects.toThrow(/reference\/municipalities\.json has an unexpected shape/);
  });

  // ../shared/data sits beside the project on every machine and in CI (see its README).
  it(
    'are exactly what scripts/build-reference.ts builds from ../shared/data',
    async () => {
      const out = path.join(scratch, 'rebuilt');
      await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'build-reference.ts'), '--source', SHARED_DATA, '--out', out],
        { cwd: PROJECT_ROOT },
      );
      const committed = path.join(PROJECT_ROOT, 'reference');
      const files = filesUnder(committed).sort();
      expect(filesUnder(out).sort()).toEqual(files);
      for (const file of files) {
        expect(readFileSync(path.join(out, file), 'utf8'), file).toBe(readFileSync(path.join(committed, file), 'utf8'));
      }
    },
    60_000,
  );
});

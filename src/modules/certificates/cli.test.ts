import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../cli/context.ts';
import { registerCertificateCommands } from './cli.ts';
import { issueDcc } from './issue.ts';
import { qrPng } from './qr.ts';
import { samplePayload, SHARED_EU_DCC, temporarySigning } from './testing.ts';
import { trustList } from './trust-list.ts';
import type { PassVerdict } from './verify.ts';

let signing: Awaited<ReturnType<typeof temporarySigning>>;
let hc1: string;
beforeAll(async () => {
  signing = await temporarySigning();
  hc1 = issueDcc(samplePayload({ dt: '2022-05-02' }), signing.signer, {
    issuerCountry: 'IT',
    issuedAt: new Date('2022-05-02T18:00:00Z'),
    expiresAt: new Date('2023-05-02T18:00:00Z'),
  }).hc1;
});
afterAll(() => signing.remove());

/** Runs `vaxhub dcc …` in this process: what it printed and the exit code it set. */
async function vaxhub(...args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const program = new Command('vaxhub').exitOverride();
  registerCertificateCommands(program);
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'vaxhub', 'dcc', 'verify', ...args]);
    return { stdout: out.join('\n'), stderr: err.join('\n'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = previous;
    log.mockRestore();
    error.mockRestore();
  }
}

const vectorFile = (name: string) => path.join(SHARED_EU_DCC, 'testdata', name);

describe('DCC-3 vaxhub dcc verify', () => {
  it('DCC-3 on a test vector it prints the keys of EXPECTEDRESULTS with what it found, exit 0 when all agree', async () => {
    const run = await vaxhub(vectorFile('IT/2DCode/raw/1.json'));
    const results = JSON.parse(run.stdout) as Record<string, boolean>;
    expect(Object.keys(results)).toEqual([
      'EXPECTEDVALIDOBJECT',
      'EXPECTEDSCHEMAVALIDATION',
      'EXPECTEDENCODE',
      'EXPECTEDDECODE',
      'EXPECTEDVERIFY',
      'EXPECTEDCOMPRESSION',
      'EXPECTEDKEYUSAGE',
      'EXPECTEDUNPREFIX',
      'EXPECTEDVALIDJSON',
      'EXPECTEDB45DECODE',
      'EXPECTEDPICTUREDECODE',
      'EXPECTEDEXPIRATIONCHECK',
    ]);
    expect(Object.values(results).every((value) => value === true)).toBe(true);
    expect(run.exitCode).toBe(0);
  });

  it('DCC-3 on a negative vector it finds the failure the file expects (CO22: wrong kid in the protected header)', async () => {
    const run = await vaxhub(vectorFile('common/2DCode/raw/CO22.json'));
    expect(JSON.parse(run.stdout)).toEqual({ EXPECTEDVERIFY: false });
    expect(run.exitCode).toBe(0);
  });

  it('DCC-3 where it differs from the file it says so on stderr and exits 1', async () => {
    const run = await vaxhub(vectorFile('FR/2DCode/raw/test_pcr_ok.json'));
    expect(run.stderr).toContain('EXPECTEDDECODE: found false, the file expects true');
    expect(run.exitCode).toBe(1);
  });

  it('DCC-3 --at replaces the vector clock: CO17 (expired on 2018-05-05) passes the expiration check on 2018-05-04', async () => {
    expect(JSON.parse((await vaxhub(vectorFile('common/2DCode/raw/CO17.json'))).stdout)).toEqual({
      EXPECTEDEXPIRATIONCHECK: false,
    });
    const run = await vaxhub(vectorFile('common/2DCode/raw/CO17.json'), '--at', '2018-05-04T18:00:00Z');
    expect(JSON.parse(run.stdout)).toEqual({ EXPECTEDEXPIRATIONCHECK: true });
    expect(run.exitCode).toBe(1);
  });

  it('DCC-3 an HC1: text with the signing folder as trust: valid, and why', async () => {
    const run = await vaxhub(hc1, '--trust', signing.dir, '--at', '2022-06-01T10:00:00Z');
    expect(run.stdout.split('\n')[0]).toBe(
      'VALID: dose 2/2 of EU/1/20/1528 on 2022-05-02 (complete cycle, it-verifier-2022-04-14): valid in Italy 2022-05-02 to 2022-10-29',
    );
    expect(run.stdout).toContain('holder        Rossi, Mario, born 1960-01-01');
    expect(run.exitCode).toBe(0);
  });

  it('DCC-3 a QR code PNG and a trust-list JSON: expired after the window, as JSON, exit 1', async () => {
    const png = path.join(signing.dir, 'pass.png');
    await writeFile(png, await qrPng(hc1));
    const list = path.join(signing.dir, 'trust-list.json');
    await writeFile(list, JSON.stringify(trustList([signing.dscCertificate.raw])));
    const run = await vaxhub(png, '--trust', list, '--at', '2022-11-01T10:00:00Z', '--json');
    const verdict = JSON.parse(run.stdout) as PassVerdict;
    expect(verdict.status).toBe('expired');
    expect(verdict.reasons[0]?.code).toBe('IT_EXPIRED');
    expect(run.exitCode).toBe(1);
  });

  it('DCC-3 --revocation: a revoked HC1: text is invalid, reason REVOKED, exit 1; a file not in the format is a usage error', async () => {
    const { uvciHash } = await import('./revocation.ts');
    const list = path.join(signing.dir, 'revocation-list.json');
    const ci = samplePayload().v?.[0]?.ci ?? '';
    await writeFile(
      list,
      JSON.stringify({ generatedAt: '2022-06-01T09:00:00.000Z', hashType: 'UCI', hashes: [uvciHash(ci)] }),
    );
    const run = await vaxhub(
      hc1,
      '--trust',
      signing.dir,
      '--revocation',
      list,
      '--at',
      '2022-06-01T10:00:00Z',
    );
    expect(run.stdout.split('\n')[0]).toBe(
      `INVALID: the certificate ${ci} is revoked (revocation list of 2022-06-01T09:00:00.000Z)`,
    );
    expect(run.exitCode).toBe(1);
    const wrong = path.join(signing.dir, 'not-a-list.json');
    await writeFile(wrong, JSON.stringify([uvciHash(ci)]));
    await expect(vaxhub(hc1, '--trust', signing.dir, '--revocation', wrong)).rejects.toThrow(UsageError);
  });

  it('DCC-3 an HC1: text without --trust is a usage error', async () => {
    await expect(vaxhub(hc1)).rejects.toThrow(UsageError);
  });
});

import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../cli/context.ts';
import type { PassVerdict } from './verify.ts';
import type { RevocationCheck } from './revocation.ts';
import type { TrustListEntry } from './trust-list.ts';

interface VerifyOptions {
  at?: Date;
  trust?: string;
  revocation?: string;
  json: boolean;
}

export function registerCertificateCommands(program: Command): void {
  const dcc = program.command('dcc').description('EU Digital COVID Certificates (DCC-1..3)');
  dcc
    .command('verify <input>')
    .description(
      'Verify an EU DCC (DCC-3). <input> is an HC1: text, a file holding one (text or QR code PNG), or an ' +
        'official test-vector file (JSON with EXPECTEDRESULTS). For an HC1: text: decode, signature against ' +
        'the trusted signers, schema, key usage, CWT issue and expiry, then the Italian validity rules in force ' +
        'at --at; prints valid / not yet valid / expired / invalid and why; exit code 0 only when valid. For a ' +
        "test vector: runs each step the file's EXPECTEDRESULTS names, with TESTCTX.CERTIFICATE as trust and " +
        'TESTCTX.VALIDATIONCLOCK as now (unless --trust / --at say otherwise), prints the same keys with what ' +
        'it found (null: the file lacks the step’s input), and says on stderr where it differs from the file; ' +
        'exit code 0 only when every step agrees.',
    )
    .option('--at <instant>', 'verify as of this ISO 8601 date-time (default: now)', parseInstant)
    .option(
      '--trust <certs>',
      'the signer certificates to trust: a PEM file, a trust-list JSON ([{kid, certificate}]) or a folder of ' +
        'PEM files (e.g. the signing folder generated at set-up); required for an HC1: text',
    )
    .option(
      '--revocation <file>',
      'a revocation list as the certificate platform serves it (GET /dgc/revocation-list: UCI hashes); a ' +
        'revoked HC1: text is invalid, reason REVOKED',
    )
    .option('--json', 'print the verdict on an HC1: text as JSON', false)
    .action(async (input: string, options: VerifyOptions) => {
      const source = await readInput(input);
      const trust = options.trust === undefined ? undefined : await readTrust(options.trust);
      if (source.kind === 'vector') {
        // Loaded on use: the verifier's libraries (ajv, QR decoding) stay out of every other command's start.
        const { runVector, vectorResults } = await import('./test-vectors.ts');
        const outcomes = runVector(source.vector, { at: options.at, trust });
        console.log(JSON.stringify(vectorResults(outcomes), null, 2));
        const expected = (source.vector as { EXPECTEDRESULTS: Record<string, unknown> }).EXPECTEDRESULTS;
        let agree = true;
        for (const [key, outcome] of Object.entries(outcomes)) {
          if (outcome.result === expected[key]) continue;
          agree = false;
          console.error(
            `${key}: found ${String(outcome.result)}, the file expects ${String(expected[key])} (${outcome.note})`,
          );
        }
        process.exitCode = agree ? 0 : 1;
        return;
      }
      if (trust === undefined) {
        throw new UsageError(
          '--trust is required to verify an HC1: text: a signer certificate (PEM), a trust-list JSON or a folder of PEM files',
        );
      }
      const revocation =
        options.revocation === undefined ? undefined : await readRevocationList(options.revocation);
      const { verifyPass } = await import('./verify.ts');
      const verdict = verifyPass(source.hc1, options.at ?? new Date(), trust, {
        ...(revocation ? { revocation } : {}),
      });
      console.log(options.json ? JSON.stringify(verdict, null, 2) : describeVerdict(verdict));
      process.exitCode = verdict.status === 'valid' ? 0 : 1;
    });
}

type Input = { kind: 'vector'; vector: unknown } | { kind: 'hc1'; hc1: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

async function readInput(input: string): Promise<Input> {
  // A context prefix (HC1:, or another one the verifier will name as unsupported) means a text, not a path.
  if (/^[A-Z0-9]{2,4}:/.test(input)) return { kind: 'hc1', hc1: input };
  if (!existsSync(input)) throw new UsageError(`${input} is neither a file nor a certificate text (HC1:…)`);
  const bytes = readFileSync(input);
  if (bytes.subarray(0, 4).equals(PNG_SIGNATURE)) {
    const { readQrPng } = await import('./qr.ts');
    const text = readQrPng(bytes);
    if (text === null) throw new UsageError(`no QR code could be read in ${input}`);
    return { kind: 'hc1', hc1: text };
  }
  const text = bytes.toString('utf8').trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${input} is not valid JSON: ${(error as Error).message}`);
    }
    const { isTestVector } = await import('./test-vectors.ts');
    if (!isTestVector(parsed))
      throw new UsageError(`${input} is JSON but not a test vector (no EXPECTEDRESULTS)`);
    return { kind: 'vector', vector: parsed };
  }
  return { kind: 'hc1', hc1: text };
}

async function readTrust(where: string): Promise<TrustListEntry[]> {
  const { trustList } = await import('./trust-list.ts');
  if (!existsSync(where)) throw new UsageError(`--trust: ${where} does not exist`);
  if (statSync(where).isDirectory()) {
    const pems = readdirSync(where)
      .filter((name) => name.endsWith('.pem') || name.endsWith('.crt'))
      .map((name) => readFileSync(path.join(where, name), 'utf8'))
      .filter((text) => text.includes('-----BEGIN CERTIFICATE-----'));
    if (pems.length === 0) throw new UsageError(`--trust: ${where} holds no PEM certificate`);
    return trustList(pems);
  }
  const text = readFileSync(where, 'utf8').trim();
  if (text.startsWith('[')) {
    const list = JSON.parse(text) as unknown;
    const valid =
      Array.isArray(list) &&
      list.every(
        (entry) =>
          typeof entry === 'object' &&
          entry !== null &&
          typeof (entry as TrustListEntry).kid === 'string' &&
          typeof (entry as TrustListEntry).certificate === 'string',
      );
    if (!valid) throw new UsageError(`--trust: ${where} is not a trust list ([{kid, certificate}, …])`);
    return list as TrustListEntry[];
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--trust: ${where} is neither PEM certificates nor a trust-list JSON`);
  }
  return trustList([text]);
}

/** DCC-3: the list of `--revocation`, in the platform's format. */
async function readRevocationList(file: string): Promise<RevocationCheck> {
  const { isRevocationList, revocationCheck } = await import('./revocation.ts');
  if (!existsSync(file)) throw new UsageError(`--revocation: ${file} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--revocation: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRevocationList(parsed)) {
    throw new UsageError(
      `--revocation: ${file} is not a revocation list ({generatedAt, hashType: "UCI", hashes: [base64, …]})`,
    );
  }
  return revocationCheck(parsed);
}

const STATUS_WORDS: Record<PassVerdict['status'], string> = {
  valid: 'VALID',
  not_yet_valid: 'NOT YET VALID',
  expired: 'EXPIRED',
  invalid: 'INVALID',
};

function describeVerdict(verdict: PassVerdict): string {
  const lines = [`${STATUS_WORDS[verdict.status]}: ${verdict.reasons[0]?.detail ?? ''}`];
  if (verdict.holder) {
    const { fn, gn, fnt, gnt } = verdict.holder.names;
    const name = [fn ?? fnt, gn ?? gnt].filter(Boolean).join(', ');
    lines.push(`  holder        ${name}${verdict.holder.dob ? `, born ${verdict.holder.dob}` : ''}`);
  }
  const entry = verdict.entry;
  if (entry?.group === 'v') {
    lines.push(`  vaccination   dose ${entry.dn}/${entry.sd} of ${entry.mp} on ${entry.dt} in ${entry.co}`);
  } else if (entry?.group === 't') {
    lines.push(`  test          ${entry.tt}, sample ${entry.sc}, result ${entry.tr}, in ${entry.co}`);
  } else if (entry?.group === 'r') {
    lines.push(
      `  recovery      first positive ${entry.fr}, valid ${entry.df} to ${entry.du}, in ${entry.co}`,
    );
  }
  if (entry) lines.push(`  certificate   ${entry.ci}, issued by ${entry.is}`);
  if (verdict.signer) lines.push(`  signer        ${verdict.signer.subject} (kid ${verdict.signer.kid})`);
  if (verdict.issuedAt)
    lines.push(`  signed        ${verdict.issuedAt}, expires ${verdict.expiresAt ?? 'never'}`);
  if (verdict.rules) lines.push(`  rules         ${verdict.rules}`);
  for (const reason of verdict.reasons) lines.push(`  ${reason.code}: ${reason.detail}`);
  return lines.join('\n');
}

function parseInstant(value: string): Date {
  const at = new Date(value);
  if (
    !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value) ||
    Number.isNaN(at.getTime())
  ) {
    throw new InvalidArgumentError('must be an ISO 8601 date-time, e.g. 2021-07-01T10:00:00Z.');
  }
  return at;
}

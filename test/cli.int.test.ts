import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/vaxhub.js', import.meta.url));

function vaxhub(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: 'memory://', LOG_LEVEL: 'silent', ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the vaxhub command line', () => {
  it('UX-4 every command has --help', () => {
    const top = vaxhub(['--help']);
    expect(top.status).toBe(0);
    for (const command of ['demo', 'serve', 'db', 'data', 'staff', 'population'])
      expect(top.stdout).toContain(command);
    for (const command of [
      ['population', 'generate'],
      ['data', 'load'],
      ['db', 'migrate'],
      ['staff', 'add'],
    ]) {
      const help = vaxhub([...command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/Usage: vaxhub/);
    }
  });

  it.each([
    [
      'a number that is not one',
      ['population', 'generate', '--people', 'many', '--out', '/dev/null'],
      /--people/,
    ],
    ['neither --out nor --into-db', ['population', 'generate', '--people', '10'], /--out|--into-db/],
    ['an unknown option', ['population', 'generate', '--colour', 'red'], /unknown option/i],
    ['an unknown command', ['frobnicate'], /unknown command/i],
    ['a bad role', ['staff', 'add', '--username', 'mario', '--role', 'king'], /--role/],
  ])('exits non-zero with a clear message on %s', (_case, args, message) => {
    const result = vaxhub(args, { VAXHUB_NEW_PASSWORD: 'a-long-enough-password' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a wrong environment before doing anything', () => {
    const result = vaxhub(['db', 'migrate'], { DATABASE_URL: 'mysql://nope' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
  });
});

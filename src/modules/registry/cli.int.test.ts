import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/vaxhub.js', import.meta.url));

// A DATABASE_URL the configuration refuses: the check must not need a database at all.
function cfCheck(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, 'cf', 'check', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vaxhub cf check', () => {
  it('REG-2 a valid code prints the decoded birth date, sex and place and exits 0, without a database', () => {
    const result = cfCheck(['rssmra 85t10 h501o']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('RSSMRA85T10H501O: valid tax code');
    expect(result.stdout).toMatch(/birth date\s+1985-12-10/);
    expect(result.stdout).toMatch(/sex\s+M/);
    expect(result.stdout).toMatch(/birth place\s+H501 Roma \(RM\)/);
  });

  it('REG-2 an omocodic code prints its canonical form; an abolished birthplace says when it was abolished', () => {
    const omocodic = cfCheck(['RSSMRA85T10H5LMR']);
    expect(omocodic.status).toBe(0);
    expect(omocodic.stdout).toMatch(/canonical\s+RSSMRA85T10H501O/);
    const abolished = cfCheck(['NRELGU80E20A012A']);
    expect(abolished.status).toBe(0);
    expect(abolished.stdout).toContain('A012 Abetone (PT), abolished on 2017-01-01');
  });

  it('REG-2 an invalid code prints the refusal code and what to do, and exits 1', () => {
    const result = cfCheck(['RSSMRA85T10H501X']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('RSSMRA85T10H501X: NOT a valid tax code');
    expect(result.stdout).toContain('TAX_CODE_CHECK_CHARACTER');
    expect(result.stdout).toMatch(/copied correctly/);
  });

  it('REG-2 --json prints the verdict as JSON, with the messages in the chosen language', () => {
    const valid = cfCheck(['VRDCHR62S70A475G', '--json']);
    expect(valid.status).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({
      valid: true,
      birthDate: '1962-11-30',
      sex: 'F',
      place: { code: 'A475', name: 'Assisi', foreign: false },
      warnings: [],
    });
    const invalid = cfCheck(['RSSMRA85T10Z999S', '--json', '--lang', 'it']);
    expect(invalid.status).toBe(1);
    const verdict = JSON.parse(invalid.stdout) as { valid: boolean; code: string; detail: string };
    expect(verdict).toMatchObject({
      valid: false,
      code: 'TAX_CODE_PLACE_UNKNOWN',
      params: { placeCode: 'Z999' },
    });
    expect(verdict.detail).toContain('né un comune italiano né uno Stato estero');
  });

  it('REG-2 known data that differs from the code is printed as warnings naming the parts, and still exits 0', () => {
    const result = cfCheck([
      'RSSMRA85T10H501O',
      '--surname',
      'Bianchi',
      '--name',
      'Mario',
      '--sex',
      'f',
      '--birth-date',
      '1985-12-10',
      '--birth-place',
      'F205',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('3 warning(s)');
    expect(result.stdout).toMatch(/surname \(TAX_CODE_MISMATCH_SURNAME\):.*"BNC".*"RSS"/);
    expect(result.stdout).toMatch(/sex \(TAX_CODE_MISMATCH_SEX\)/);
    expect(result.stdout).toMatch(/birthPlaceCode \(TAX_CODE_MISMATCH_BIRTH_PLACE\):.*F205.*H501/);
    expect(result.stdout).not.toContain('TAX_CODE_MISMATCH_GIVEN_NAME');
    expect(result.stdout).not.toContain('TAX_CODE_MISMATCH_BIRTH_DATE');
  });

  it('REG-2 --help describes the check; a bad option value is refused with a clear message', () => {
    const help = spawnSync(process.execPath, [BIN, 'cf', 'check', '--help'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: vaxhub cf check \[options\] <code>/);
    expect(help.stdout).toMatch(/without a\s+database/);
    for (const option of ['--surname', '--name', '--sex', '--birth-date', '--birth-place', '--json']) {
      expect(help.stdout).toContain(option);
    }
    const bad = cfCheck(['RSSMRA85T10H501O', '--birth-date', '1985-02-30']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--birth-date.*real date/);
  });
});

import { InvalidArgumentError, Option, type Command } from 'commander';
import { romeDate, systemClock } from '../../platform/clock.ts';
import { format, type Language } from '../../platform/i18n.ts';
import { readReferenceContent } from '../reference/files.ts';
import type { Sex } from './tax-code.ts';
import { registryProblems, TAX_CODE_WARNINGS } from './errors.ts';
import {
  belfioreLookup,
  normalizeIdentifier,
  validateTaxCode,
  type BelfioreLookup,
  type KnownSubject,
  type TaxCodeVerdict,
  type ValidTaxCode,
} from './identifiers.ts';

interface CheckOptions {
  surname?: string;
  name?: string;
  sex?: Sex;
  birthDate?: string;
  birthPlace?: string;
  json: boolean;
  lang: Language;
}

export function registerRegistryCommands(program: Command): void {
  const cf = program.command('cf').description('Tax codes (codice fiscale)');
  cf.command('check <code>')
    .description(
      'Check a tax code (REG-2) against the Belfiore codes of reference/, without a database: shape, omocodia, ' +
        'check character, birth date and birth place valid on that date. Prints the decoded birth date, sex and ' +
        'place; with the person’s known data, the parts that differ from the code are warnings to confirm. ' +
        'The century of the birth year is the most recent one not after today (Europe/Rome) in which the place ' +
        'code was valid, or that of --birth-date when it agrees. Exit code 0 when valid (even with warnings), ' +
        '1 when not.',
    )
    .option('--surname <surname>', 'the person’s surname, to compare with characters 1-3')
    .option('--name <name>', 'the person’s given name, to compare with characters 4-6')
    .addOption(new Option('--sex <sex>', 'M or F, to compare with the birth day').argParser(parseSex))
    .option('--birth-date <date>', 'YYYY-MM-DD, to compare with characters 7-11', parseBirthDate)
    .option(
      '--birth-place <code>',
      'Belfiore code of the birth municipality or Z-code of the country',
      parsePlace,
    )
    .option('--json', 'print the verdict as JSON', false)
    .addOption(
      new Option('--lang <language>', 'language of the messages').choices(['it', 'en']).default('en'),
    )
    .action(async (code: string, options: CheckOptions) => {
      const lookupPlace = await committedBelfioreLookup();
      const subject: KnownSubject = {
        surname: options.surname,
        givenName: options.name,
        sex: options.sex,
        birthDate: options.birthDate,
        birthPlaceCode: options.birthPlace,
      };
      const verdict = validateTaxCode(code, {
        lookupPlace,
        referenceDate: romeDate(systemClock.now()),
        subject,
      });
      console.log(
        options.json
          ? JSON.stringify(withMessages(verdict, options.lang), null, 2)
          : describeVerdict(normalizeIdentifier(code), verdict, options.lang),
      );
      process.exitCode = verdict.valid ? 0 : 1;
    });
}

/** The Belfiore codes of the committed reference files: the check works before any database exists. */
async function committedBelfioreLookup(): Promise<BelfioreLookup> {
  const { belfioreCodes } = await readReferenceContent();
  return belfioreLookup(
    belfioreCodes.map((row) => ({
      code: row.code,
      name: row.name,
      provinceOrCountry: row.province_or_country ?? null,
      validFrom: row.valid_from ?? null,
      validTo: row.valid_to ?? null,
      foreign: row.is_foreign,
    })),
  );
}

function withMessages(verdict: TaxCodeVerdict, language: Language) {
  if (!verdict.valid) {
    const problem = registryProblems[verdict.code];
    return {
      ...verdict,
      title: problem.title[language],
      detail: format(problem.detail[language], verdict.params),
    };
  }
  return {
    ...verdict,
    warnings: verdict.warnings.map((w) => ({
      ...w,
      detail: format(TAX_CODE_WARNINGS[w.code][language], { ...w }),
    })),
  };
}

function describeVerdict(normalized: string, verdict: TaxCodeVerdict, language: Language): string {
  if (!verdict.valid) {
    const problem = registryProblems[verdict.code];
    return [
      `${normalized}: NOT a valid tax code`,
      `  ${verdict.code}: ${problem.title[language]}. ${format(problem.detail[language], verdict.params)}`,
    ].join('\n');
  }
  const lines = [
    `${verdict.normalized}: valid tax code`,
    ...(verdict.omocodia
      ? [`  canonical     ${verdict.canonical} (omocodic: letters in digit places restored)`]
      : []),
    `  birth date    ${verdict.birthDate}`,
    `  sex           ${verdict.sex}`,
    `  birth place   ${describePlace(verdict.place)}`,
  ];
  if (verdict.warnings.length > 0) {
    lines.push(`${verdict.warnings.length} warning(s): confirm only after checking an identity document`);
    for (const warning of verdict.warnings) {
      lines.push(
        `  ${warning.field} (${warning.code}): ${format(TAX_CODE_WARNINGS[warning.code][language], { ...warning })}`,
      );
    }
  }
  return lines.join('\n');
}

function describePlace(place: ValidTaxCode['place']): string {
  const where = place.foreign
    ? `foreign country${place.provinceOrCountry ? ` ${place.provinceOrCountry}` : ''}`
    : (place.provinceOrCountry ?? 'Italy');
  const until = place.validTo
    ? `, ${place.foreign ? 'no longer exists since' : 'abolished on'} ${place.validTo}`
    : '';
  return `${place.code} ${place.name} (${where})${until}`;
}

function parseSex(value: string): Sex {
  const sex = value.toUpperCase();
  if (sex !== 'M' && sex !== 'F') throw new InvalidArgumentError('must be M or F.');
  return sex;
}

function parseBirthDate(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== value
  ) {
    throw new InvalidArgumentError('must be a real date written YYYY-MM-DD.');
  }
  return value;
}

function parsePlace(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]\d{3}$/.test(code))
    throw new InvalidArgumentError('must be a Belfiore code: a letter and 3 digits (e.g. H501, Z404).');
  return code;
}

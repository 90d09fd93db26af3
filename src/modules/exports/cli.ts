import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError, withDatabase } from '../../cli/context.ts';
import { systemClock } from '../../platform/clock.ts';
import { ExportService, openDataCsv } from './service.ts';

const DATE = /^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function day(value: string, option: string): string {
  // A real day: 2021-02-30 would otherwise roll over to 2 March.
  if (!DATE.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${option} must be a day YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

export function registerExportCommands(program: Command): void {
  program
    .command('export')
    .description('Exports of the registry (EXP-1, EXP-2)')
    .command('opendata')
    .description(
      'Write the period’s daily administrations in the format of the government’s open data (somministrazioni-vaccini-latest.csv of 4 May 2021), for the whole region',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD, included')
    .requiredOption('--out <file>', 'the CSV file to write')
    .action(async (options: { from: string; to: string; out: string }) => {
      const period = { from: day(options.from, '--from'), to: day(options.to, '--to') };
      await withDatabase(async (database) => {
        const exports = new ExportService(database.db, systemClock);
        const { rows, dosesOutsideFormat } = await exports.openData({ ...period, points: null });
        await writeFile(options.out, openDataCsv(rows));
        const doses = rows.reduce((sum, row) => sum + row.counts.prima_dose + row.counts.seconda_dose, 0);
        console.log(`${rows.length} rows, ${doses} doses, ${period.from} to ${period.to}: ${options.out}`);
        if (dosesOutsideFormat > 0) {
          console.log(
            `${dosesOutsideFormat} booster or additional doses are not in the file: the 2021 format has columns for first and second doses only`,
          );
        }
      });
    });
}

import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { UsageError, withDatabase } from '../../cli/context.ts';
import { systemClock } from '../../platform/clock.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { createProgress } from '../../cli/progress.ts';
import { ExportService, openDataAgeSummaryCsv, openDataCsv, openDataDeliverySummaryCsv } from './service.ts';

const DATE = /^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function day(value: string, option: string): string {
  // A real day: 2021-02-30 would otherwise roll over to 2 March.
  if (!DATE.test(value) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${option} must be a day YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

export function registerExportCommands(program: Command): void {
  const exports = program.command('export').description('Exports of the registry (EXP-1, EXP-2)');

  exports
    .command('fhir')
    .description(
      'Write the period’s administrations as HL7 FHIR R4 NDJSON: Immunization.ndjson, Patient.ndjson and Location.ndjson in a folder, streamed page by page with progress, for the whole region (audited)',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD, included')
    .requiredOption('--out <dir>', 'the folder to write the three files into')
    .action(async (options: { from: string; to: string; out: string }) => {
      const period = { from: day(options.from, '--from'), to: day(options.to, '--to') };
      await mkdir(options.out, { recursive: true });
      await withDatabase(async (database) => {
        const service = new ExportService(database.db, systemClock);
        const context = systemContext('fhir-export-cli', systemClock.now());
        for (const type of ['Immunization', 'Patient', 'Location'] as const) {
          const file = path.join(options.out, `${type}.ndjson`);
          const progress = createProgress(`${type} resources`);
          let written = 0;
          const pages = await service.startFhirExport(type, { ...period, points: null }, context);
          // Streamed: a region's year of administrations never sits in memory at once.
          await pipeline(
            Readable.from(
              (async function* () {
                // The service yields pages of lines: one resource per line.
                for await (const page of pages) {
                  for (let at = page.indexOf('\n'); at >= 0; at = page.indexOf('\n', at + 1)) written += 1;
                  progress.update(written);
                  yield page;
                }
              })(),
            ),
            createWriteStream(file),
          );
          progress.finish(`${written.toLocaleString('en-US')} ${type} resources: ${file}`);
        }
      });
    });

  exports
    .command('opendata')
    .description(
      'Write the period’s daily administrations in the format of the government’s open data (somministrazioni-vaccini-latest.csv of 4 May 2021), for the whole region; with --summaries also the two summary files of that publication',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD, included')
    .requiredOption('--out <file>', 'the CSV file to write')
    .option(
      '--summaries <dir>',
      'also write anagrafica-vaccini-summary-latest.csv and vaccini-summary-latest.csv into this folder: totals of the period (from the campaign’s start they are the published running totals), ultimo_aggiornamento = --to',
    )
    .action(async (options: { from: string; to: string; out: string; summaries?: string }) => {
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
        if (options.summaries !== undefined) {
          await mkdir(options.summaries, { recursive: true });
          const filter = { ...period, points: null };
          const bands = path.join(options.summaries, 'anagrafica-vaccini-summary-latest.csv');
          const ageRows = await exports.openDataAgeSummary(filter);
          await writeFile(bands, openDataAgeSummaryCsv(ageRows, period.to));
          console.log(`${ageRows.length} age bands: ${bands}`);
          const areas = path.join(options.summaries, 'vaccini-summary-latest.csv');
          const areaRows = await exports.openDataDeliverySummary(filter);
          await writeFile(areas, openDataDeliverySummaryCsv(areaRows, period.to));
          console.log(`${areaRows.length} areas: ${areas}`);
        }
      });
    });
}

import type { Command } from 'commander';
import { withDatabase, UsageError } from '../../cli/context.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { systemClock } from '../../platform/clock.ts';
import { findRegionName } from '../reference/service.ts';
import { validateIdentifier } from './identifiers.ts';
import {
  ANSWER_IDENTIFIER_COLUMN,
  REQUEST_COLUMNS,
  importAnswer,
  pendingForeignersRequestRows,
  readTable,
  writeTable,
} from './foreigners.ts';

/** REG-9: the request file for the health-card system and the import of its answer. */
export function registerForeignerCommands(program: Command): void {
  const foreigners = program
    .command('foreigners')
    .description('Foreigners waiting for a TS identifier (REG-9)');

  foreigners
    .command('request-file')
    .description(
      `Write the request file for the health-card system: one row per foreigner with a pending TS identifier, columns ${REQUEST_COLUMNS.join(', ')} (CSV with ";" or XLSX, by the file extension)`,
    )
    .requiredOption('--out <file>', 'the file to write: .csv or .xlsx')
    .action(async (options: { out: string }) => {
      await withDatabase(async (database, config) => {
        const region = await findRegionName(database.db, config.REGION_CODE);
        if (!region)
          throw new UsageError(
            `region ${config.REGION_CODE} is not in the reference data: run vaxhub data load`,
          );
        const rows = await pendingForeignersRequestRows(database.db, region);
        await writeTable(options.out, REQUEST_COLUMNS, rows);
        console.log(`${rows.length} pending foreigners written to ${options.out}`);
      });
    });

  foreigners
    .command('import-answer <file>')
    .description(
      `Attach the identifiers of the health-card system's answer (the request columns plus "${ANSWER_IDENTIFIER_COLUMN}"); rows that match nobody, or several people, are reported, never guessed`,
    )
    .option('--json', 'print the outcome of every row as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const rows = await readTable(file).catch((error: unknown) => {
        throw new UsageError(
          `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      const first = rows[0];
      if (first && !(ANSWER_IDENTIFIER_COLUMN in first)) {
        throw new UsageError(`${file} has no "${ANSWER_IDENTIFIER_COLUMN}" column: is it the answer file?`);
      }
      await withDatabase(async (database) => {
        const outcomes = await importAnswer(
          database.db,
          rows,
          (value) => validateIdentifier('TS_FOREIGN', value).valid,
          systemContext('cli-foreigners-import', systemClock.now()),
        );
        if (options.json) {
          console.log(JSON.stringify(outcomes, null, 2));
          return;
        }
        const counts = new Map<string, number>();
        for (const outcome of outcomes) counts.set(outcome.outcome, (counts.get(outcome.outcome) ?? 0) + 1);
        console.log(
          `${rows.length} rows: ${[...counts].map(([k, n]) => `${n} ${k.replaceAll('_', ' ')}`).join(', ') || 'none'}`,
        );
        for (const outcome of outcomes.filter(
          (o) => o.outcome !== 'attached' && o.outcome !== 'already_attached',
        )) {
          console.log(`  line ${outcome.line}: ${outcome.outcome.replaceAll('_', ' ')}: ${outcome.detail}`);
        }
      });
    });
}

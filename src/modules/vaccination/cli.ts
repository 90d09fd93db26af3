import type { Command } from 'commander';
import { UsageError, withDatabase } from '../../cli/context.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { systemClock } from '../../platform/clock.ts';
import { readTable } from '../registry/foreigners.ts';
import { importSurveillance, SURVEILLANCE_COLUMNS } from './surveillance.ts';

export function registerVaccinationCommands(program: Command): void {
  program
    .command('infections')
    .description('Infections of the regional surveillance system (VAX-14)')
    .command('import-surveillance <file>')
    .description(
      `Load the surveillance system's export (CSV with ";" or XLSX; columns ${SURVEILLANCE_COLUMNS.join(', ')}; dates YYYY-MM-DD; tipo_test molecolare or antigenico). Loading a file again changes nothing; a case that changed is updated. Exit 1 if any row was rejected.`,
    )
    .option('--json', 'print the outcome of every row as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const rows = await readTable(file).catch((error: unknown) => {
        throw new UsageError(
          `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      const missing = SURVEILLANCE_COLUMNS.filter((column) => rows[0] !== undefined && !(column in rows[0]));
      if (missing.length > 0) throw new UsageError(`${file} lacks the columns ${missing.join(', ')}`);
      await withDatabase(async (database, config) => {
        const outcomes = await importSurveillance(
          database.db,
          rows,
          config.REGION_CODE,
          systemContext('surveillance-import', systemClock.now()),
        );
        const count = (outcome: string) => outcomes.filter((o) => o.outcome === outcome).length;
        if (options.json) console.log(JSON.stringify(outcomes, null, 2));
        else {
          console.log(
            `${outcomes.length} rows: ${count('created')} new cases, ${count('updated')} updated, ${count('unchanged')} unchanged, ` +
              `${count('unknown_person')} people unknown here, ${count('rejected')} rejected`,
          );
          for (const outcome of outcomes) {
            if (outcome.outcome === 'rejected') console.log(`  line ${outcome.line}: ${outcome.reason}`);
          }
        }
        process.exitCode = count('rejected') > 0 ? 1 : 0;
      });
    });
}

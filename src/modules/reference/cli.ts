import type { Command } from 'commander';
import { createProgress, type Progress } from '../../cli/progress.ts';
import { withDatabase } from '../../cli/context.ts';
import { loadReferenceData } from './service.ts';

export function registerReferenceCommands(program: Command): void {
  const data = program.command('data').description('Reference data: municipalities, CAPs, Belfiore codes, products');
  data
    .command('load')
    .description(
      'Load the reference data (regions, provinces, municipalities with all their CAPs, Belfiore codes, ' +
        'health authorities, vaccination points, the product catalogue of plan/products.json, EU DCC value sets) ' +
        'from reference/ and plan/ into the database. Skipped when the same content is already loaded.',
    )
    .option('--force', 'reload even when the same content is already loaded', false)
    .action(async (options: { force: boolean }) => {
      await withDatabase(async (database) => {
        const started = Date.now();
        let progress: Progress | undefined;
        const result = await loadReferenceData(database, {
          force: options.force,
          onProgress: (_step, done, total) => {
            progress ??= createProgress('Loading reference data', total);
            progress.update(done);
          },
        });
        progress?.finish();
        const seconds = ((Date.now() - started) / 1000).toFixed(2);
        console.log(
          result.loaded
            ? `Reference data loaded in ${seconds} s (content ${result.contentHash.slice(0, 12)}).`
            : `Reference data already loaded (content ${result.contentHash.slice(0, 12)}): nothing to do.`,
        );
        const width = Math.max(...Object.keys(result.counts).map((name) => name.length));
        for (const [table, count] of Object.entries(result.counts)) {
          console.log(`  ${table.padEnd(width)}  ${count.toLocaleString('en-US').padStart(7)}`);
        }
      });
    });
}

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { withDatabase, UsageError } from '../../cli/context.ts';
import { createProgress } from '../../cli/progress.ts';
import { systemClock } from '../../platform/clock.ts';
import { systemContext } from '../../platform/audit/audit.ts';
import { EligibilityService } from './service.ts';
import { ListService, summaryOf } from './lists/service.ts';
import { LIST_TYPES, type ListType } from './tables.ts';

export function registerEligibilityCommands(program: Command): void {
  const plan = program
    .command('plan')
    .description('Versions of the vaccination plan and regional calendars (ELIG-1)');
  plan
    .command('load')
    .description('Load a plan version file (JSON); the same file again is a no-op, a changed one is refused')
    .argument('[files...]', 'plan version files; none loads every file of plan/versions')
    .action(async (files: string[]) => {
      await withDatabase(async (database, config) => {
        const eligibility = new EligibilityService(database.db, systemClock, config.REGION_CODE);
        const results =
          files.length === 0
            ? await eligibility.loadShippedPlanVersions()
            : await Promise.all(
                files.map(async (file) =>
                  eligibility.loadPlanVersion(
                    JSON.parse(await readFile(file, 'utf8')) as unknown,
                    path.basename(file),
                  ),
                ),
              );
        for (const result of results)
          console.log(`${result.id}: ${result.loaded ? 'loaded' : 'already loaded'}`);
      });
    });
  plan
    .command('list')
    .description('The loaded plan versions, by effective date')
    .action(async () => {
      await withDatabase(async (database, config) => {
        const eligibility = new EligibilityService(database.db, systemClock, config.REGION_CODE);
        for (const row of await eligibility.listPlanVersions()) {
          console.log(
            `${row.effective_from}  ${row.id.padEnd(16)} ${row.kind.padEnd(9)} ${row.region_code ?? '--'}  ${row.sha256.slice(0, 12)}`,
          );
        }
      });
    });

  program
    .command('lists')
    .description('Lists of entitled people sent by health authorities (ELIG-18)')
    .command('import')
    .description(
      'Load a list (CSV or XLSX): rows validated with the registry’s identifier rules, rejected rows written ' +
        'to a report; idempotent and resumable (run it again after an interruption)',
    )
    .argument('<file>', 'the .csv or .xlsx file')
    .requiredOption('--type <type>', `list type: ${LIST_TYPES.join(' | ')}`)
    .requiredOption('--source <authority>', 'health authority code of the sender, e.g. ATS-VALPADANA')
    .option('--report <file>', 'where to write the rejection report (CSV)')
    .option('--take-over', 'resume at once an upload whose previous run died (kill, crash)', false)
    .option('--json', 'print the summary as JSON', false)
    .action(
      async (
        file: string,
        options: { type: string; source: string; report?: string; takeOver: boolean; json: boolean },
      ) => {
        if (!(LIST_TYPES as readonly string[]).includes(options.type)) {
          throw new UsageError(`--type must be one of ${LIST_TYPES.join(', ')}, got "${options.type}"`);
        }
        await withDatabase(async (database, config) => {
          const eligibility = new EligibilityService(database.db, systemClock, config.REGION_CODE);
          const lists = new ListService(database, systemClock, eligibility);
          const context = { ...systemContext(`cli-${process.pid}`, systemClock.now()), channel: 'cli' };
          let progress: ReturnType<typeof createProgress> | undefined;
          const upload = await lists.importFile(
            {
              path: file,
              fileName: path.basename(file),
              listType: options.type as ListType,
              sourceAuthority: options.source,
            },
            context,
            {
              takeOver: options.takeOver,
              onProgress: (done, total) => {
                progress ??= createProgress(`Loading ${path.basename(file)}`, total);
                progress.update(done);
              },
            },
          );
          progress?.finish();
          const summary = summaryOf(upload);
          if (options.report !== undefined) {
            await writeFile(options.report, await lists.rejectionReport(upload.id));
          }
          if (options.json) {
            console.log(JSON.stringify(summary, null, 2));
            return;
          }
          console.log(
            `Upload ${summary.id} ${summary.status}: read ${summary.rowsRead}, loaded ${summary.rowsLoaded}, ` +
              `updated ${summary.rowsUpdated}, unchanged ${summary.rowsUnchanged}, rejected ${summary.rowsRejected}`,
          );
          for (const [reason, count] of Object.entries(summary.rejectedByReason))
            console.log(`  ${reason}: ${count}`);
        });
      },
    );
}

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withDatabase } from '../../cli/context.ts';
import { checkInvariants } from './invariants.ts';

export function registerBookingCommands(program: Command): void {
  program
    .command('check')
    .description('Checks of the data')
    .command('invariants')
    .description(
      'REL-1: no slot over capacity, counters equal to the bookings they count, no person with two open ' +
        'bookings for one dose, and (with --confirmed) every booking a client saw confirmed exists. Exit 1 if not.',
    )
    .option('--confirmed <file>', 'booking codes a load tool logged as confirmed, one per line')
    .option('--json', 'print the report as JSON', false)
    .action(async (options: { confirmed?: string; json: boolean }) => {
      const codes =
        options.confirmed === undefined
          ? []
          : (await readFile(options.confirmed, 'utf8')).split(/\s+/).filter((code) => code !== '');
      await withDatabase(async (database) => {
        const report = await checkInvariants(database.db, codes);
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(`bookings ${report.bookings}, slots ${report.slots}`);
          console.log(`  slots over capacity:                      ${report.slotsOverCapacity}`);
          console.log(`  slot counters not equal to their bookings: ${report.slotCountersOff}`);
          console.log(`  dose counters not equal to their bookings: ${report.stockCountersOff}`);
          console.log(
            `  people with two open bookings for a dose:  ${report.peopleWithTwoOpenBookingsForADose}`,
          );
          console.log(
            `  confirmed bookings missing:                ${report.confirmedBookingsMissing.length} of ${report.confirmedBookingsChecked}`,
          );
          console.log(report.holds ? 'REL-1 holds.' : 'REL-1 DOES NOT HOLD.');
        }
        process.exitCode = report.holds ? 0 : 1;
      });
    });
}

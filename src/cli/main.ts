import { Command, CommanderError } from 'commander';
import { ConfigError } from '../platform/config.ts';
import { UsageError } from './context.ts';
import { DomainError, renderProblem } from '../platform/http/problem.ts';
import { registerPlatformCommands } from './platform-commands.ts';
import { registerReferenceCommands } from '../modules/reference/cli.ts';
import { registerPopulationCommands } from '../modules/population/cli.ts';
import { registerRegistryCommands } from '../modules/registry/cli.ts';
import { registerForeignerCommands } from '../modules/registry/foreigners-cli.ts';
import { registerNationalCommands } from '../national/cli.ts';
import { registerEligibilityCommands } from '../modules/eligibility/cli.ts';
import { registerBookingCommands } from '../modules/booking/cli.ts';
import { registerMessagingCommands } from '../modules/messaging/cli.ts';
import { registerVaccinationCommands } from '../modules/vaccination/cli.ts';
import { registerCertificateCommands } from '../modules/certificates/cli.ts';
import { registerExportCommands } from '../modules/exports/cli.ts';
import { registerRetentionCommands } from '../modules/retention/cli.ts';

const program = new Command('vaxhub')
  .description('Vaxhub: the regional vaccination campaign platform, and its tools for bulk work')
  .showHelpAfterError()
  .exitOverride();

registerPlatformCommands(program);
registerReferenceCommands(program);
registerPopulationCommands(program);
registerRegistryCommands(program);
registerForeignerCommands(program);
registerNationalCommands(program);
registerEligibilityCommands(program);
registerBookingCommands(program);
registerMessagingCommands(program);
registerVaccinationCommands(program);
registerCertificateCommands(program);
registerExportCommands(program);
registerRetentionCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof DomainError) {
    console.error(`vaxhub: ${renderProblem(error.code, 'en', 'cli', error.options).detail} (${error.code})`);
    process.exitCode = 1;
  } else if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(`vaxhub: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error('vaxhub: failed:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}

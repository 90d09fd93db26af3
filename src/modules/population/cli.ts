import type { Command } from 'commander';
import { parsePositiveInteger, UsageError, withDatabase } from '../../cli/context.ts';
import { createProgress } from '../../cli/progress.ts';
import { loadReferenceData } from '../reference/service.ts';
import { DEFAULT_REGION_CODE, MAX_PEOPLE } from './generator.ts';
import { loadPopulationReference } from './reference-files.ts';
import { generatePopulationIntoDatabase, writePopulationFile } from './service.ts';
import type { PopulationReference } from './reference.ts';

interface GenerateOptions {
  people?: string;
  seed: string;
  region: string;
  out?: string;
  intoDb?: boolean;
}

function parseRegion(value: string, reference: PopulationReference): string {
  if (!/^(0[1-9]|1[0-9]|20)$/.test(value)) {
    throw new UsageError(
      `--region must be an ISTAT region code from 01 to 20 (03 is Lombardy), got "${value}"`,
    );
  }
  if (
    !reference.municipalities.some((m) => m.regionCode === value && m.population > 0 && m.caps.length > 0)
  ) {
    throw new UsageError(
      `--region ${value}: the reference data has no municipality with population and CAPs there`,
    );
  }
  return value;
}

export function registerPopulationCommands(program: Command): void {
  const population = program
    .command('population')
    .description('The synthetic population: people with valid tax codes, households, domiciles, fragility');
  population
    .command('generate')
    .description(
      'Generate a deterministic synthetic population (same --people, --seed and --region give the same ' +
        'people) into a CSV file (--out) or into the persons table of the configured database with COPY ' +
        '(--into-db; loads the reference data first if needed).',
    )
    .option('--people <count>', 'how many people (required), e.g. 50000 or 10_000_000')
    .option('--seed <number>', 'seed of the generator', '1')
    .option('--region <code>', 'ISTAT region code of the domiciles', DEFAULT_REGION_CODE)
    .option('--out <file>', 'write a CSV file (with a header line) to this path')
    .option('--into-db', 'load into the database (DATABASE_URL, or PGlite under DATA_DIR)')
    .addHelpText(
      'after',
      '\nExamples:\n  vaxhub population generate --people 10_000_000 --out people.csv\n  vaxhub population generate --people 50000 --seed 2021 --into-db',
    )
    .action(async (options: GenerateOptions) => {
      if (options.people === undefined)
        throw new UsageError('--people is required (how many people to generate)');
      const people = parsePositiveInteger(options.people, '--people');
      if (people > MAX_PEOPLE)
        throw new UsageError(`--people can be at most ${MAX_PEOPLE.toLocaleString('en-US')}`);
      const seed = parsePositiveInteger(options.seed, '--seed');
      if ((options.out === undefined) === (options.intoDb !== true)) {
        throw new UsageError('give exactly one of --out <file> or --into-db');
      }
      const reference = await loadPopulationReference();
      const regionCode = parseRegion(options.region, reference);
      const started = Date.now();
      const progress = createProgress('Generating people', people);
      const seconds = (): string => ((Date.now() - started) / 1000).toFixed(1);

      const run = {
        people,
        seed,
        regionCode,
        reference,
        onProgress: (done: number) => progress.update(done),
      };
      if (options.out !== undefined) {
        const out = options.out;
        const written = await writePopulationFile(out, run);
        progress.finish(
          `${written.lines.toLocaleString('en-US')} people written to ${out} ` +
            `(${(written.bytes / 1e6).toFixed(1)} MB) in ${seconds()} s`,
        );
        return;
      }

      await withDatabase(async (database) => {
        await loadReferenceData(database);
        const existing = await database.db
          .selectFrom('persons')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        if (Number(existing.n) > 0) {
          throw new UsageError(
            `the persons table already holds ${Number(existing.n).toLocaleString('en-US')} people: ` +
              'the synthetic population is loaded into an empty registry only',
          );
        }
        const copied = await generatePopulationIntoDatabase(database, run);
        progress.finish(
          `${copied.toLocaleString('en-US')} people loaded into ${database.kind} in ${seconds()} s`,
        );
      });
    });
}

import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { ConfigError } from '../platform/config.ts';

/** Tokens the simulator accepts when none is configured, outside production only. */
export const DEVELOPMENT_API_TOKEN = 'region-03-token';
export const DEVELOPMENT_ADMIN_TOKEN = 'simulator-admin';

const Token = Type.String({ minLength: 8, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' });

const NationalConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  NATIONAL_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3100 }),
  /** A PostgreSQL URL; the simulator keeps its tables in the schema `national` there. */
  NATIONAL_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** Without NATIONAL_DATABASE_URL, the embedded PGlite lives under `${DATA_DIR}/national`. */
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  NATIONAL_DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Bearer token the region presents on every call to the national API. */
  NATIONAL_API_TOKEN: Type.Optional(Token),
  /** Shared token of the fault-injection routes (header x-admin-token). */
  NATIONAL_ADMIN_TOKEN: Type.Optional(Token),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
});

export type NationalConfig = Static<typeof NationalConfigSchema> & {
  apiToken: string;
  adminToken: string;
  /** Where the embedded PGlite keeps its files when NATIONAL_DATABASE_URL is unset. */
  pgliteDir: string;
};

const validator = Compile(NationalConfigSchema);
const INTEGER_KEYS = new Set(['NATIONAL_PORT', 'NATIONAL_DATABASE_POOL_SIZE']);

/**
 * The simulator's environment, parsed once at start like the platform's (src/platform/config.ts).
 * Only integer settings are turned into numbers: a token made of digits stays a token.
 */
export function loadNationalConfig(env: Record<string, string | undefined> = process.env): NationalConfig {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(NationalConfigSchema.properties)) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    input[key] = INTEGER_KEYS.has(key) && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  const config = validator.Default(input) as Record<string, unknown>;
  if (!validator.Check(config)) {
    const problems = [...validator.Errors(config)].map(
      (error) => `  ${error.instancePath.replace(/^\//, '') || '(environment)'}: ${error.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const problems: string[] = [];
  // Well-known development tokens must never guard a production deployment.
  if (config.NODE_ENV === 'production') {
    for (const key of ['NATIONAL_API_TOKEN', 'NATIONAL_ADMIN_TOKEN'] as const) {
      if (config[key] === undefined) problems.push(`  ${key}: must be set in production`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return {
    ...config,
    apiToken: config.NATIONAL_API_TOKEN ?? DEVELOPMENT_API_TOKEN,
    adminToken: config.NATIONAL_ADMIN_TOKEN ?? DEVELOPMENT_ADMIN_TOKEN,
    pgliteDir: path.join(config.DATA_DIR, 'national'),
  };
}

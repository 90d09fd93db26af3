import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';

const ConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  /** Public base URL, used for links printed and mailed; defaults to http://HOST:PORT. */
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  /** REL-5: booking and search requests running at once per process, waiting, and how long they wait. */
  ADMISSION_MAX_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 10_000, default: 64 }),
  ADMISSION_MAX_QUEUE: Type.Integer({ minimum: 0, maximum: 100_000, default: 128 }),
  ADMISSION_MAX_WAIT_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 250 }),
  /** ISTAT code of the region that runs this platform ('03' Lombardy). */
  REGION_CODE: Type.String({ pattern: '^(0[1-9]|1[0-9]|20)$', default: '03' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** The national systems (or their simulator, `vaxhub national serve`). */
  NATIONAL_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:3100' }),
  NATIONAL_API_TOKEN: Type.String({ minLength: 8, default: 'region-03-token' }),
  /** A national call never takes longer than this: the operator is told to retry, local work goes on. */
  NATIONAL_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 2000 }),
  /** NAT-1, NAT-2: how often each process delivers the outbox and reads the mobility feed; 0: never. */
  NATIONAL_SYNC_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 1000 }),
  /** NAT-1: the first wait after a failed delivery; it doubles per attempt, up to 5 minutes. */
  NATIONAL_RETRY_BASE_MS: Type.Integer({ minimum: 0, maximum: 300_000, default: 1000 }),
  /** Messages to people (ADR 0017): how often each process writes reminders and delivers; 0: never. */
  MESSAGING_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 2000 }),
  /** The first wait after a failed delivery; it doubles per attempt, up to 1 hour. */
  MESSAGING_RETRY_BASE_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
  /** Attempts before a message is marked failed (a permanent refusal fails it at once). */
  MESSAGING_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 8 }),
  /** Toll-free number the messages give for changes and help; with spaces (digits alone read as a number). */
  MESSAGING_HELP_PHONE: Type.String({ pattern: '^[0-9+][0-9 .]{2,20}$', default: '800 894 545' }),
  /** BOOK-18: hours before an appointment its reminder goes out; letters need the post's days. */
  REMINDER_LEAD_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 14, default: 24 }),
  REMINDER_LETTER_LEAD_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 30, default: 120 }),
  /** BOOK-13: how often each process expires and makes waiting-list offers, marks no-shows, calls standbys; 0: never. */
  WAITING_LIST_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 60_000 }),
  /** Data retention (src/modules/retention): how often each process trims the outbox and messages; 0: never. */
  RETENTION_INTERVAL_MS: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 3_600_000 }),
  /** NAT-1: days an acknowledged outbox row is kept; at least 2, for the lag chart reads the last 24 hours. */
  RETENTION_OUTBOX_DAYS: Type.Integer({ minimum: 2, maximum: 3650, default: 30 }),
  /** Days after which a sent (or failed, cancelled) message loses its recipient and its text (BOOK-17 keeps the rest). */
  RETENTION_MESSAGE_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
  /** E-mail: the SMTP relay (smtp:// or smtps://, user:password@ when it asks), and the sender. */
  SMTP_URL: Type.String({ pattern: '^smtps?://', default: 'smtp://127.0.0.1:2525' }),
  SMTP_FROM: Type.String({ minLength: 3, default: 'Vaccinazioni <vaccinazioni@vaxhub.invalid>' }),
  /** SMS: `file` writes JSON lines under DATA_DIR (demo); `http` posts to SMS_GATEWAY_URL with the token. */
  SMS_ADAPTER: Type.Enum(['file', 'http'], { default: 'file' }),
  SMS_GATEWAY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMS_GATEWAY_TOKEN: Type.Optional(Type.String({ minLength: 8 })),
  STAFF_SESSION_MINUTES: Type.Integer({ minimum: 5, maximum: 24 * 60, default: 480 }),
  CITIZEN_SESSION_MINUTES: Type.Integer({ minimum: 5, maximum: 24 * 60, default: 30 }),
  /** Whether cookies carry `Secure`; on by default in production, where TLS is terminated in front. */
  COOKIE_SECURE: Type.Optional(Type.Boolean()),
  TRUST_PROXY: Type.Boolean({ default: false }),
});

export type Config = Static<typeof ConfigSchema> & { cookieSecure: boolean; publicUrl: string };

const validator = Compile(ConfigSchema);

export class ConfigError extends Error {}

/** Parses the environment once at start; a wrong value stops the process with every problem listed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ConfigSchema.properties);
  const input: Record<string, unknown> = {};
  for (const key of known) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') input[key] = coerce(raw);
  }
  const withDefaults = validator.Default(input) as Record<string, unknown>;
  if (!validator.Check(withDefaults)) {
    const problems = [...validator.Errors(withDefaults)].map(
      (error) => `  ${error.instancePath.replace(/^\//, '') || '(environment)'}: ${error.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const config = withDefaults;
  return {
    ...config,
    cookieSecure: config.COOKIE_SECURE ?? config.NODE_ENV === 'production',
    publicUrl:
      config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`,
  };
}

function coerce(raw: string): unknown {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return raw;
}

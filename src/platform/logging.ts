import pino, { type Logger, type LevelWithSilent } from 'pino';

/**
 * Personal identifiers never reach a log (SEC-5). Masking is applied to the finished JSON line, so it
 * covers every field and message whatever code wrote it: request URLs, error messages, bound values.
 */
const MASKS: ReadonlyArray<[RegExp, (match: string) => string]> = [
  // Tax codes, including omocodia variants (digits replaced by letters LMNPQRSTUV).
  [
    /\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b/gi,
    (m) => `${m.slice(0, 2)}**************`,
  ],
  // Identifiers of people without a tax code (REG-1): Ordinance 7, TS for foreigners, STP, ENI.
  [/\b(?:ORD7[A-Z0-9]{12}|(?:TSF|STP|ENI)\d{13})\b/gi, (m) => `${m.slice(0, 3)}${'*'.repeat(m.length - 3)}`],
  // Temporary 11-digit codes, health-card numbers (20 digits) and any other long digit run, but not
  // the decimals of a number (a response time's fraction).
  [/(?<![\w.])\d{11,}(?!\w)/g, (m) => `${m.slice(0, 2)}${'*'.repeat(m.length - 2)}`],
  // E-mail addresses.
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, () => '***@***'],
  // Italian phone numbers, with or without +39/0039: mobiles (3xx) and landlines (0x). Dates, decimals
  // and times are left alone: their digits are joined by '-', '.' or ':', which never separate here.
  [
    /(?<![\w.:/-])(?:(?:\+|00)39\s?)?(?:3\d{2}\s?\d{6,7}|0\d{1,4}\s?\d{5,8})(?![\w.:/-])/g,
    (m) => `${'*'.repeat(Math.max(0, m.length - 2))}${m.slice(-2)}`,
  ],
];

export function maskPersonalData(text: string): string {
  let masked = text;
  for (const [pattern, replace] of MASKS) masked = masked.replace(pattern, replace);
  return masked;
}

export function createLogger(
  level: LevelWithSilent,
  destination: NodeJS.WritableStream = process.stdout,
): Logger {
  return pino(
    {
      level,
      base: { service: 'vaxhub' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Request headers carry session tokens and cookies: never logged.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
        remove: true,
      },
    },
    { write: (line: string) => destination.write(maskPersonalData(line)) },
  );
}

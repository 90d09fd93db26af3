import type { MessageLanguage } from './tables.ts';

/*
 * What every message template needs (UX-1: Italian and English, plain language): the rendered shape, the
 * sender's contacts, dates and times in Rome's calendar, and placeholders filled or refused. Templates
 * live with the module whose cause writes them (booking-templates.ts, …) and are listed in templates.ts.
 */

/** What every message may point to: where to change a booking and the free number to call. */
export interface SenderContacts {
  /** The platform's public base URL; the citizen portal is under /portal. */
  publicUrl: string;
  helpPhone: string;
}

export interface RenderedMessage {
  /** E-mail subject, letter heading; empty for an SMS. */
  subject: string;
  /** Plain text; paragraphs separated by a blank line. */
  body: string;
}

/** A message that cannot be rendered: it will never be, so it fails without retrying. */
export class TemplateError extends Error {}

export type Texts = Record<MessageLanguage, string>;

const DOSE_ORDINALS: Texts[] = [
  { it: 'Prima dose', en: 'First dose' },
  { it: 'Seconda dose', en: 'Second dose' },
  { it: 'Terza dose', en: 'Third dose' },
  { it: 'Quarta dose', en: 'Fourth dose' },
  { it: 'Quinta dose', en: 'Fifth dose' },
];

export const doseLabel = (dose: number, language: MessageLanguage): string =>
  DOSE_ORDINALS[dose - 1]?.[language] ?? (language === 'it' ? `Dose numero ${dose}` : `Dose number ${dose}`);

const LOCALES: Record<MessageLanguage, string> = { it: 'it-IT', en: 'en-GB' };

function instant(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new TemplateError(`not an instant: ${value}`);
  return date;
}

/** "giovedì 15 aprile 2021" / "Thursday, 15 April 2021", in Rome's calendar. */
export function longDate(value: string, language: MessageLanguage): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    timeZone: 'Europe/Rome',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(instant(value));
}

/** "gio 15/04/2021" / "Thu 15/04/2021": short enough for an SMS. */
export function shortDate(value: string, language: MessageLanguage): string {
  const date = instant(value);
  const weekday = new Intl.DateTimeFormat(LOCALES[language], { timeZone: 'Europe/Rome', weekday: 'short' })
    .format(date)
    .replace(/\.$/, '');
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(date);
  return `${weekday} ${day}`;
}

/** "10:30", Rome's wall clock. */
export function clockTime(value: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant(value));
}

/** Fills `{name}` placeholders; a missing value is a template defect, never an empty gap in a letter. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new TemplateError(`no value for {${name}}`);
    return String(value);
  });
}

/** The phrases every message shares. */
export const COMMON_TEXTS = {
  greeting: { it: 'Gentile {name},', en: 'Dear {name},' },
  signature: {
    it: 'Servizio vaccinazioni della Regione',
    en: 'The Region’s vaccination service',
  },
} satisfies Record<string, Texts>;

/** The citizen portal's address and the free number, the two ways to act on any message. */
export const helpOf = (contacts: SenderContacts): { portal: string; phone: string } => ({
  portal: `${contacts.publicUrl.replace(/\/$/, '')}/portal`,
  phone: contacts.helpPhone,
});

/** An e-mail or letter body: greeting, paragraphs, signature, separated by blank lines. */
export function letterBody(
  language: MessageLanguage,
  person: { givenName: string; surname: string },
  paragraphs: readonly string[],
): string {
  const greeting = fill(COMMON_TEXTS.greeting[language], { name: `${person.givenName} ${person.surname}` });
  return [greeting, ...paragraphs, COMMON_TEXTS.signature[language]].join('\n\n');
}

import type { Generated } from 'kysely';

export const CHANNELS = ['email', 'sms', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

export const MESSAGE_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const LANGUAGES = ['it', 'en'] as const;
export type MessageLanguage = (typeof LANGUAGES)[number];

export const ATTEMPT_OUTCOMES = ['sent', 'retry', 'failed', 'skipped'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** migrations/0018_messages.sql: one message to one person through one channel (ADR 0017). */
export interface MessagesTable {
  id: Generated<number>;
  person_id: number;
  channel: Channel;
  template: string;
  language: MessageLanguage;
  /** E-mail address, mobile number (+CC…), or the lines of a postal address. */
  recipient: string;
  /** What the message says, as it was when its cause happened (see templates.ts). */
  params: unknown;
  cause_kind: string;
  cause_id: number;
  dedupe_key: string;
  created_at: Generated<Date>;
  send_after: Generated<Date>;
  status: Generated<MessageStatus>;
  attempts: Generated<number>;
  claimed_until: Date | null;
  claim_token: string | null;
  last_error: string | null;
  sent_at: Date | null;
  provider_message_id: string | null;
  print_batch: string | null;
  /** When the retention job removed its recipient, params and errors (migrations/0027_retention.sql). */
  redacted_at: Date | null;
}

export interface MessageAttemptsTable {
  id: Generated<number>;
  message_id: number;
  attempt: number;
  adapter: string;
  finished_at: Generated<Date>;
  duration_ms: number;
  outcome: AttemptOutcome;
  provider_message_id: string | null;
  error: string | null;
}

/**
 * The messaging module's tables. They are added to the database type where used (`withTables`), so the
 * module needs no line in the platform's schema.ts.
 */
// A type, not an interface: Kysely's withTables wants a record type (an interface has no index signature).
export type MessagingTables = {
  messages: MessagesTable;
  message_attempts: MessageAttemptsTable;
};

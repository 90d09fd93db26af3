import { Type } from 'typebox';
import { Id, Instant, Nullable } from '../../platform/http/schema-types.ts';
import { ATTEMPT_OUTCOMES, CHANNELS, LANGUAGES, MESSAGE_STATUSES } from './tables.ts';

export const MessagesQuery = Type.Object(
  {
    personId: Type.Optional(Id),
    status: Type.Optional(Type.Enum(MESSAGE_STATUSES)),
    channel: Type.Optional(Type.Enum(CHANNELS)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const MessageIdParams = Type.Object({ messageId: Id });

export const MessageAttemptView = Type.Object({
  attempt: Type.Integer(),
  adapter: Type.String(),
  finishedAt: Instant,
  durationMs: Type.Integer(),
  outcome: Type.Enum(ATTEMPT_OUTCOMES),
  providerMessageId: Nullable(Type.String()),
  error: Nullable(Type.String()),
});

export const MessageView = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer(),
  channel: Type.Enum(CHANNELS),
  template: Type.String(),
  language: Type.Enum(LANGUAGES),
  recipient: Type.String({ description: 'E-mail address, mobile number, or the lines of a postal address' }),
  params: Type.Object({}, { additionalProperties: true, description: 'What the message says' }),
  causeKind: Type.String(),
  causeId: Type.Integer(),
  dedupeKey: Type.String(),
  createdAt: Instant,
  sendAfter: Instant,
  status: Type.Enum(MESSAGE_STATUSES),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  sentAt: Nullable(Instant),
  providerMessageId: Nullable(Type.String()),
  printBatch: Nullable(Type.String()),
  /** When the retention job removed the recipient, params and errors (RETENTION_MESSAGE_DAYS). */
  redactedAt: Nullable(Instant),
  attemptLog: Type.Array(MessageAttemptView),
});

export const MessageListView = Type.Object({
  total: Type.Integer(),
  messages: Type.Array(MessageView),
});

export const MessageDetailView = Type.Object({
  message: MessageView,
  rendered: Nullable(
    Type.Object({
      subject: Type.String(),
      body: Type.String(),
    }),
  ),
  renderError: Nullable(Type.String()),
});

export const MessagingRunView = Type.Object({
  remindersWritten: Type.Integer(),
  sent: Type.Integer(),
  retried: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
});

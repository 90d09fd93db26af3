import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { MessageAttemptRow, MessageRow } from './repo.ts';
import { MessagingService } from './service.ts';
import { withoutSecret } from './template-kit.ts';
import {
  MessageDetailView,
  MessageIdParams,
  MessageListView,
  MessagesQuery,
  MessagingRunView,
  type MessageView,
} from './schemas.ts';

/** Who reads what was sent to people: the region's and the health authorities' administrators. */
const MESSAGE_READERS: readonly Role[] = ['region_admin', 'asl_admin'];
/** Who may run the delivery now instead of waiting for the next run. */
const MESSAGE_OPERATORS: readonly Role[] = ['region_admin'];

const view = (row: MessageRow & { attemptLog: MessageAttemptRow[] }): Static<typeof MessageView> => ({
  id: Number(row.id),
  personId: Number(row.person_id),
  channel: row.channel,
  template: row.template,
  language: row.language,
  recipient: row.recipient,
  params: withoutSecret(row.params),
  causeKind: row.cause_kind,
  causeId: Number(row.cause_id),
  dedupeKey: row.dedupe_key,
  createdAt: row.created_at.toISOString(),
  sendAfter: row.send_after.toISOString(),
  status: row.status,
  attempts: row.attempts,
  lastError: row.last_error,
  sentAt: row.sent_at?.toISOString() ?? null,
  providerMessageId: row.provider_message_id,
  printBatch: row.print_batch,
  redactedAt: row.redacted_at?.toISOString() ?? null,
  attemptLog: row.attemptLog.map((attempt) => ({
    attempt: attempt.attempt,
    adapter: attempt.adapter,
    finishedAt: attempt.finished_at.toISOString(),
    durationMs: attempt.duration_ms,
    outcome: attempt.outcome,
    providerMessageId: attempt.provider_message_id,
    error: attempt.error,
  })),
});

/** An ASL administrator sees the messages of their authorities' people and bookings; the region all. */
const scopeOf = (request: FastifyRequest): readonly string[] | null => {
  const actor = request.actor;
  if (actor.kind === 'staff' && actor.role === 'asl_admin') return actor.healthAuthorityCodes;
  return null;
};

export const messagingRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const messaging = new MessagingService(database.db, config, clock, app.log);
  if (config.MESSAGING_INTERVAL_MS > 0) {
    app.addHook('onReady', (done) => {
      messaging.worker.start(config.MESSAGING_INTERVAL_MS);
      done();
    });
  }
  app.addHook('onClose', () => messaging.worker.stop());

  app.get(
    '/messaging/messages',
    {
      schema: {
        operationId: 'listMessages',
        tags: ['messaging'],
        summary:
          'What was written to people: messages with their status and attempts, newest first, by person, status or channel (BOOK-17, BOOK-18)',
        querystring: MessagesQuery,
        response: { 200: MessageListView },
      },
      config: { access: MESSAGE_READERS },
    },
    async (request) => {
      const result = await messaging.list({
        personId: request.query.personId,
        status: request.query.status,
        channel: request.query.channel,
        healthAuthorityCodes: scopeOf(request),
        limit: request.query.limit,
        offset: request.query.offset,
      });
      return { total: result.total, messages: result.messages.map(view) };
    },
  );

  app.get(
    '/messaging/messages/:messageId',
    {
      schema: {
        operationId: 'getMessage',
        tags: ['messaging'],
        summary: 'One message, its attempts and its text as the person reads it',
        params: MessageIdParams,
        response: { 200: MessageDetailView },
      },
      config: { access: MESSAGE_READERS },
    },
    async (request) => {
      const found = await messaging.get(request.params.messageId, scopeOf(request));
      return { ...found, message: view(found.message) };
    },
  );

  app.post(
    '/messaging/runs',
    {
      schema: {
        operationId: 'runMessaging',
        tags: ['messaging'],
        summary: 'Write the due reminders and deliver the due e-mails and SMS now (BOOK-18)',
        response: { 200: MessagingRunView },
      },
      config: { access: MESSAGE_OPERATORS },
    },
    async () => messaging.worker.runOnce(),
  );
};

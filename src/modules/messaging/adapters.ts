import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Clock } from '../../platform/clock.ts';
import type { Channel, MessageLanguage } from './tables.ts';

/*
 * How a message leaves the platform (ADR 0017): one interface, one adapter per channel and provider.
 * Delivery is at least once: a worker that dies after the provider accepted a message and before it
 * recorded that sends it again. Every adapter therefore hands the provider a stable reference derived
 * from our message id (the e-mail's Message-ID, the SMS gateway's idempotency key), so that a resend is
 * recognisable and can be dropped by whoever receives it.
 */

export interface OutgoingMessage {
  id: number;
  channel: Channel;
  language: MessageLanguage;
  recipient: string;
  subject: string;
  body: string;
}

export interface DeliveryReceipt {
  /** The provider's reference of the message (queue id, gateway id), or ours when it gives none. */
  providerMessageId: string;
}

/** A delivery that did not happen: `permanent` when trying again cannot help (address refused, 4xx). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface ChannelAdapter {
  /** Recorded with every attempt: which adapter tried. */
  readonly name: string;
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
  close?(): Promise<void>;
}

/** The stable reference of one of our messages, the same on every attempt. */
export const messageReference = (id: number): string => `vaxhub-msg-${id}`;

/** The e-mail Message-ID of one of our messages: a resend carries the same one. */
export function emailMessageId(id: number, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'vaxhub.invalid';
  return `<${messageReference(id)}@${domain}>`;
}

/** How long an SMTP conversation may take at most: well within a worker's lease. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** E-mail through a real SMTP relay (`SMTP_URL`: smtp://host:port or smtps://user:password@host:port). */
export class SmtpEmailAdapter implements ChannelAdapter {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    const url = new URL(smtpUrl);
    const secure = url.protocol === 'smtps:';
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
      secure,
      ...(url.username === ''
        ? {}
        : {
            auth: {
              user: decodeURIComponent(url.username),
              pass: decodeURIComponent(url.password),
            },
          }),
      ...SMTP_TIMEOUTS,
    });
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const messageId = emailMessageId(message.id, this.from);
    try {
      const info = (await this.transport.sendMail({
        from: this.from,
        to: message.recipient,
        subject: message.subject,
        text: message.body,
        messageId,
        headers: { 'Content-Language': message.language, 'X-Vaxhub-Message': String(message.id) },
      })) as { response?: string; messageId?: string };
      const queued = /queued as ([^\s]+)/i.exec(info.response ?? '')?.[1];
      return { providerMessageId: queued ?? info.messageId ?? messageId };
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}

/** A refusal with a 5xx reply (or of the envelope itself) is permanent; the rest is worth trying again. */
function smtpFailure(error: unknown): DeliveryError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const responseCode = typeof record.responseCode === 'number' ? record.responseCode : undefined;
  const code = typeof record.code === 'string' ? record.code : 'ERROR';
  const message = typeof record.message === 'string' ? record.message : String(error);
  const permanent =
    (responseCode !== undefined && responseCode >= 500) ||
    (responseCode === undefined && code === 'EENVELOPE');
  return new DeliveryError(
    `smtp ${code}${responseCode === undefined ? '' : ` ${responseCode}`}: ${message}`,
    permanent,
  );
}

/**
 * SMS for the demo and tests: one JSON line per message in a file under DATA_DIR, as a gateway would
 * receive it. A resend writes the same reference again.
 */
export class FileSmsAdapter implements ChannelAdapter {
  readonly name = 'sms-file';

  constructor(
    readonly file: string,
    private readonly clock: Clock,
  ) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const reference = messageReference(message.id);
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(
      this.file,
      `${JSON.stringify({ reference, to: message.recipient, text: message.body, at: this.clock.now().toISOString() })}\n`,
    );
    return { providerMessageId: reference };
  }
}

/** How long a gateway call may take at most: well within a worker's lease. */
const GATEWAY_TIMEOUT_MS = 10_000;

/**
 * SMS through an HTTP gateway: POST {to, text, reference} as JSON with a bearer token, the reference also
 * as `Idempotency-Key`, so that a gateway that keeps keys sends a resent message once. A 2xx is accepted
 * (the gateway's `id` or `messageId` is kept); 408, 425, 429 and 5xx are tried again; other 4xx are
 * refusals that trying again cannot change.
 */
export class HttpSmsAdapter implements ChannelAdapter {
  readonly name = 'sms-http';

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = GATEWAY_TIMEOUT_MS,
  ) {}

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const reference = messageReference(message.id);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.token}`,
          'content-type': 'application/json',
          'idempotency-key': reference,
        },
        body: JSON.stringify({ to: message.recipient, text: message.body, reference }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DeliveryError(
        `sms gateway unreachable: ${error instanceof Error ? error.message : String(error)}`,
        false,
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const retry = response.status >= 500 || [408, 425, 429].includes(response.status);
      throw new DeliveryError(`sms gateway answered ${response.status}: ${text.slice(0, 200)}`, !retry);
    }
    let answer: { id?: unknown; messageId?: unknown } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      // A gateway that answers 2xx without JSON accepted the message all the same.
    }
    const id =
      typeof answer.id === 'string'
        ? answer.id
        : typeof answer.messageId === 'string'
          ? answer.messageId
          : undefined;
    return { providerMessageId: id ?? reference };
  }
}

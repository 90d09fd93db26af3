import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/*
 * A local SMTP server that accepts every message and keeps it, for the demo and the tests (ADR 0017): the
 * platform sends real SMTP to it, exactly as to a production relay. Messages are kept in memory and,
 * with `dir`, written there as .eml files any mail program opens. Not for production: no TLS, no
 * authentication, no relaying.
 */

export interface ReceivedMail {
  /** Envelope sender and recipients, as the SMTP conversation gave them. */
  from: string;
  to: string[];
  /** Header values, decoded (RFC 2047 encoded words). */
  messageId: string | null;
  subject: string | null;
  /** The body as text (quoted-printable or base64 decoded; single-part messages). */
  text: string;
  /** The whole message as received. */
  raw: string;
  receivedAt: Date;
  queueId: string;
}

export interface SmtpSinkOptions {
  host?: string;
  /** 0 (the default) picks a free port: read it from `url`. */
  port?: number;
  /** Also write every message received to this folder as <time>-<queue id>.eml. */
  dir?: string;
  /** Called with every message kept (e.g. to print a line; mind SEC-5: no addresses in logs). */
  onMail?: (mail: ReceivedMail) => void;
}

/** The refusal the sink is told to give instead of accepting, e.g. 451 (try later) or 550 (refused). */
interface Refusal {
  responseCode: number;
  message: string;
}

export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private refusal: Refusal | undefined;
  private counter = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly host: string,
    readonly port: number,
    private readonly dir: string | undefined,
    private readonly onMail: ((mail: ReceivedMail) => void) | undefined,
  ) {}

  /** Starts listening; resolves once the port is open. */
  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const host = options.host ?? '127.0.0.1';
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on the loopback: no STARTTLS offer, which a client would try to verify.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      banner: 'Vaxhub SMTP sink (demo and tests only)',
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (error: Error) => callback(error));
        stream.on('end', () => {
          const refusal = sink.refusal;
          if (refusal !== undefined) {
            const error = Object.assign(new Error(refusal.message), { responseCode: refusal.responseCode });
            return callback(error);
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const mailFrom = session.envelope.mailFrom;
          sink
            .keep(
              raw,
              mailFrom === false ? '' : mailFrom.address,
              session.envelope.rcptTo.map((to) => to.address),
            )
            .then((queueId) => callback(null, `Message queued as ${queueId}`))
            .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    const port = (server.server.address() as AddressInfo).port;
    // Messages arrive only after listen() resolved, so onData never runs before this.
    const sink = new SmtpSink(server, host, port, options.dir, options.onMail);
    return sink;
  }

  get url(): string {
    return `smtp://${this.host}:${this.port}`;
  }

  /** From now on every message is refused with this reply (e.g. 451: try later), until `accept()`. */
  refuse(responseCode: number, message = 'Requested action aborted: try again later'): void {
    this.refusal = { responseCode, message };
  }

  accept(): void {
    this.refusal = undefined;
  }

  /** The messages received with this Message-ID (a resend of one of ours carries the same). */
  withMessageId(messageId: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.messageId === messageId);
  }

  /** How many different messages arrived: resends of one Message-ID count once. */
  distinctMessages(): number {
    return new Set(this.received.map((mail) => mail.messageId ?? mail.queueId)).size;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async keep(raw: string, from: string, to: string[]): Promise<string> {
    const receivedAt = new Date();
    this.counter += 1;
    const queueId = `SINK${this.port}-${this.counter}`;
    const { headers, body } = splitMessage(raw);
    const mail: ReceivedMail = {
      from,
      to,
      messageId: headers.get('message-id') ?? null,
      subject: headers.has('subject') ? decodeWords(headers.get('subject') ?? '') : null,
      text: decodeBody(body, headers.get('content-transfer-encoding')),
      raw,
      receivedAt,
      queueId,
    };
    this.received.push(mail);
    if (this.dir !== undefined) {
      await mkdir(this.dir, { recursive: true });
      const stamp = receivedAt.toISOString().replace(/[:.]/g, '-');
      await writeFile(path.join(this.dir, `${stamp}-${queueId}.eml`), raw);
    }
    this.onMail?.(mail);
    return queueId;
  }
}

/** Header names in lower case with their unfolded values; the body after the first blank line. */
function splitMessage(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end === -1 ? raw : raw.slice(0, end);
  const body = end === -1 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as mailers write non-ASCII subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i++) {
    const hex = input.slice(i + 1, i + 3);
    if (input[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(input[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(body: string, encoding: string | undefined): string {
  const kind = encoding?.toLowerCase();
  if (kind === 'quoted-printable') return decodeQuotedPrintable(body);
  if (kind === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

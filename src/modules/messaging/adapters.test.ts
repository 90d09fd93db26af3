import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeliveryError,
  emailMessageId,
  HttpSmsAdapter,
  SmtpEmailAdapter,
  type OutgoingMessage,
} from './adapters.ts';
import { SmtpSink } from './smtp-sink.ts';

const MESSAGE: OutgoingMessage = {
  id: 42,
  channel: 'sms',
  language: 'it',
  recipient: '+393471234567',
  subject: '',
  body: 'Vaccinazione confermata. Codice KQ7M2XPA.',
};

interface Seen {
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: unknown;
}

describe('BOOK-18 SMS through an HTTP gateway', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{"id":"gw-1"}' };

  const readBody = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      void readBody(request).then((text) => {
        seen.push({
          authorization: request.headers.authorization,
          idempotencyKey: request.headers['idempotency-key'] as string | undefined,
          body: JSON.parse(text) as unknown,
        });
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('BOOK-18 posts the text with the bearer token and our reference as idempotency key; keeps the gateway id', async () => {
    const adapter = new HttpSmsAdapter(url, 'gateway-token-123');
    expect(await adapter.send(MESSAGE)).toEqual({ providerMessageId: 'gw-1' });
    expect(seen.at(-1)).toEqual({
      authorization: 'Bearer gateway-token-123',
      idempotencyKey: 'vaxhub-msg-42',
      body: { to: '+393471234567', text: MESSAGE.body, reference: 'vaxhub-msg-42' },
    });
  });

  it.each([
    [503, false],
    [429, false],
    [408, false],
    [400, true],
    [401, true],
    [422, true],
  ])('BOOK-18 a gateway answering %i is a failure that is permanent: %s', async (status, permanent) => {
    answer = { status, body: '{"error":"no"}' };
    const adapter = new HttpSmsAdapter(url, 'gateway-token-123');
    const failure = await adapter.send(MESSAGE).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).permanent).toBe(permanent);
    answer = { status: 200, body: '{"id":"gw-1"}' };
  });

  it('BOOK-18 an unreachable gateway is a failure to try again', async () => {
    const adapter = new HttpSmsAdapter('http://127.0.0.1:9/sms', 'gateway-token-123', 2000);
    const failure = await adapter.send(MESSAGE).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).permanent).toBe(false);
  });

  it('BOOK-18 a 2xx without JSON is accepted under our reference', async () => {
    answer = { status: 202, body: 'queued' };
    const adapter = new HttpSmsAdapter(url, 'gateway-token-123');
    expect(await adapter.send(MESSAGE)).toEqual({ providerMessageId: 'vaxhub-msg-42' });
    answer = { status: 200, body: '{"id":"gw-1"}' };
  });
});

describe('ADR 0017 e-mail Message-ID', () => {
  it.each([
    ['Vaccinazioni <vaccinazioni@regione.lombardia.example>', '<vaxhub-msg-7@regione.lombardia.example>'],
    ['noreply@asst-cremona.example', '<vaxhub-msg-7@asst-cremona.example>'],
    ['no address at all', '<vaxhub-msg-7@vaxhub.invalid>'],
  ])('the same message id gives the same Message-ID on every attempt (%s)', (from, expected) => {
    expect(emailMessageId(7, from)).toBe(expected);
    expect(emailMessageId(7, from)).toBe(emailMessageId(7, from));
  });
});

describe('ADR 0017 e-mail through SMTP: at least once, and a resend is recognisable', () => {
  it('a message sent twice (its acknowledgement lost) arrives twice under one Message-ID: one message in effect', async () => {
    const sink = await SmtpSink.start({ port: 0 });
    const adapter = new SmtpEmailAdapter(sink.url, 'Vaccinazioni <vaccinazioni@regione.example>');
    try {
      const email = {
        ...MESSAGE,
        channel: 'email' as const,
        recipient: 'anna@example.it',
        subject: 'Prova àèì',
      };
      const first = await adapter.send(email);
      const second = await adapter.send(email);
      expect(first.providerMessageId).not.toBe(second.providerMessageId);
      const copies = sink.withMessageId('<vaxhub-msg-42@regione.example>');
      expect(copies).toHaveLength(2);
      expect(copies.map((mail) => mail.subject)).toEqual(['Prova àèì', 'Prova àèì']);
      expect(sink.distinctMessages()).toBe(1);
      sink.refuse(451);
      expect(((await adapter.send(email).catch((e: unknown) => e)) as DeliveryError).permanent).toBe(false);
      sink.refuse(550);
      expect(((await adapter.send(email).catch((e: unknown) => e)) as DeliveryError).permanent).toBe(true);
    } finally {
      await adapter.close();
      await sink.close();
    }
  });
});

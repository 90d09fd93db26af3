import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Channel, MessageLanguage } from './tables.ts';
import { TemplateError, type RenderedMessage, type SenderContacts } from './message-text.ts';

type Render<P> = (params: P, language: MessageLanguage, contacts: SenderContacts) => RenderedMessage;

/** One kind of message: its name (messages.template), the shape of its params, its long and short forms. */
export interface MessageTemplate {
  readonly name: string;
  render(
    channel: Channel,
    language: MessageLanguage,
    params: unknown,
    contacts: SenderContacts,
  ): RenderedMessage;
}

/**
 * A template whose params are checked before rendering: params come from the outbox row, written by SQL or
 * by another version of the code, so a wrong shape is a TemplateError (never retried), not a crash.
 * E-mails and letters get the long form, SMS the short one.
 */
export function defineTemplate<S extends TSchema>(
  name: string,
  schema: S,
  forms: { long: Render<Static<S>>; short: Render<Static<S>> },
): MessageTemplate {
  const check = Compile(schema);
  return {
    name,
    render(channel, language, params, contacts) {
      if (!check.Check(params)) throw new TemplateError(`the params of ${name} are incomplete`);
      return channel === 'sms'
        ? forms.short(params, language, contacts)
        : forms.long(params, language, contacts);
    },
  };
}

/**
 * A message may carry a one-time secret in `params.secret` (a certificate's download code, DCC-4): the
 * worker renders it while the message is pending, the row forgets it once the message is sent, failed or
 * cancelled (repo.ts), and the administrators' pages never show it: they read params through this.
 */
export function withoutSecret(params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return {};
  const { secret: _secret, ...rest } = params as Record<string, unknown>;
  return rest;
}

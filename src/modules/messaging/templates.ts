import type { Channel, MessageLanguage } from './tables.ts';
import { TemplateError, type RenderedMessage, type SenderContacts } from './message-text.ts';
import type { MessageTemplate } from './template-kit.ts';
import { bookingTemplates } from './booking-templates.ts';
import { certificateTemplates } from './certificate-templates.ts';
import { accessibilityTemplates } from '../accessibility/templates.ts';
import { capacityTemplates } from '../capacity/templates.ts';
import { waitingListTemplates } from '../waiting-list/templates.ts';
import { outreachTemplates } from '../outreach/templates.ts';

/**
 * Every message the platform can send, by name. A module whose cause writes messages defines its templates
 * with defineTemplate (template-kit.ts) in its own file and adds them here.
 */
const CATALOGUE: ReadonlyMap<string, MessageTemplate> = new Map(
  [
    ...bookingTemplates,
    ...certificateTemplates,
    ...accessibilityTemplates,
    ...capacityTemplates,
    ...waitingListTemplates,
    ...outreachTemplates,
  ].map((template) => [template.name, template]),
);

export const TEMPLATE_NAMES: readonly string[] = [...CATALOGUE.keys()];

/** The message as its channel carries it. */
export function renderMessage(
  message: { channel: Channel; template: string; language: MessageLanguage; params: unknown },
  contacts: SenderContacts,
): RenderedMessage {
  const template = CATALOGUE.get(message.template);
  if (template === undefined) throw new TemplateError(`unknown template ${message.template}`);
  return template.render(message.channel, message.language, message.params, contacts);
}

import type { Language } from '../../platform/i18n.ts';
import { html, type SafeHtml } from './html.ts';

const TEXT = {
  it: {
    title: 'Ha una disabilità o non può andare da solo al centro?',
    link: 'Vaccinazione a casa, sedute con interprete LIS o accompagnatore, trasporto',
  },
  en: {
    title: 'Do you have a disability, or cannot go to the centre on your own?',
    link: 'Vaccination at home, sessions with a LIS interpreter or a guide, transport',
  },
} as const;

/** The way from the citizen's start page to the help for people with disabilities (BOOK-14..16). */
export function accessibilityLink(context: { language: Language }): SafeHtml {
  const text = TEXT[context.language];
  return html`<section class="mt-4" aria-labelledby="accessibility-help">
    <h2 class="h4" id="accessibility-help">${text.title}</h2>
    <p><a href="/portal/accessibility">${text.link}</a></p>
  </section>`;
}

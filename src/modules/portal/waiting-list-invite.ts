import { html, type SafeHtml } from './html.ts';
import type { PageContext } from './layout.ts';

const INVITE = {
  text: {
    it: 'Nessun posto libero? Entri in lista d’attesa: Le proporremo un appuntamento appena se ne libera uno.',
    en: 'No free place? Join the waiting list: we will offer you an appointment as soon as one opens.',
  },
  join: { it: 'Entra in lista d’attesa', en: 'Join the waiting list' },
};

/** On the hubs page when no hub has a free time: the way onto the waiting list (BOOK-13). */
export function waitingListInvite(
  context: PageContext,
  domicile: { municipalityIstat?: string | undefined; cap?: string | undefined },
): SafeHtml {
  const query =
    domicile.municipalityIstat !== undefined && domicile.cap !== undefined
      ? `?municipalityIstat=${encodeURIComponent(domicile.municipalityIstat)}&cap=${encodeURIComponent(domicile.cap)}`
      : '';
  return html`<p class="mt-3">${INVITE.text[context.language]}</p>
    <p>
      <a class="btn btn-primary" href="/portal/waiting-list${query}">${INVITE.join[context.language]}</a>
    </p>`;
}

const LINK = {
  it: 'Lista d’attesa e chiamate per le dosi del giorno: vedi a che punto è',
  en: 'Waiting list and calls for the day’s spare doses: see where you stand',
};

/** On the start page: where the messages' offers and calls are answered (BOOK-13). */
export function waitingListLink(context: PageContext): SafeHtml {
  return html`<p class="mt-3"><a href="/portal/waiting-list">${LINK[context.language]}</a></p>`;
}

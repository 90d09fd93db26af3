import type { Language } from '../../platform/i18n.ts';
import { CSRF_FIELD } from '../../platform/http/app.ts';
import { html, type HtmlValue, type SafeHtml } from './html.ts';
import { text, type TextKey } from './texts.ts';
import { BOOTSTRAP_ITALIA_CSS, PORTAL_CSS, PORTAL_JS } from './assets.ts';

/** The two families of pages: the citizen portal and the staff consoles, one frame for both. */
export type PageArea = 'portal' | 'console';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  area: PageArea;
  language: Language;
  /** A GET address that shows this page again: where the language switch comes back to. */
  here: string;
  regionName: string;
  /** Present when someone of the page's area is signed in: forms carry the token, the header offers sign-out. */
  session?: { csrfToken: string; expiresAt: Date } | undefined;
  /** The signed-in staff member on a console page: shown in the header. */
  staff?: { displayName: string; role: string } | undefined;
}

export const t = (context: PageContext, key: TextKey, params?: Record<string, string | number>): string =>
  text(context.language, key, params);

const locale = (language: Language): string => (language === 'it' ? 'it-IT' : 'en-GB');

/** "giovedì 15 aprile 2021 alle ore 10:15": appointments are always told in Rome time. */
export const formatDateTime = (instant: Date, language: Language): string =>
  new Intl.DateTimeFormat(locale(language), {
    timeZone: 'Europe/Rome',
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(instant);

export const formatDate = (instant: Date, language: Language): string =>
  new Intl.DateTimeFormat(locale(language), { timeZone: 'Europe/Rome', dateStyle: 'full' }).format(instant);

export const formatTime = (instant: Date, language: Language): string =>
  new Intl.DateTimeFormat(locale(language), { timeZone: 'Europe/Rome', timeStyle: 'short' }).format(instant);

export const formatKm = (km: number, language: Language): string =>
  new Intl.NumberFormat(locale(language), { maximumFractionDigits: 1 }).format(km);

/** The hidden field the platform reads the CSRF token from on a form post (ADR 0004). */
export const csrfField = (context: PageContext): SafeHtml =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${context.session?.csrfToken ?? ''}" />`;

function languageSwitch(context: PageContext): SafeHtml {
  const other: Language = context.language === 'it' ? 'en' : 'it';
  const href = `/portal/language?to=${other}&back=${encodeURIComponent(context.here)}`;
  return html`<a class="language-switch" href="${href}" lang="${other}" hreflang="${other}"
    >${t(context, 'switchLanguage')}<span class="visually-hidden">
      – ${t(context, 'switchLanguageLabel')}</span
    ></a
  >`;
}

function signOutForm(context: PageContext): HtmlValue {
  if (context.session === undefined) return null;
  return html`<form method="post" action="/${context.area}/sign-out" class="sign-out">
    ${csrfField(context)}
    <button type="submit" class="btn btn-sm btn-outline-light">${t(context, 'signOut')}</button>
  </form>`;
}

/**
 * The frame of every page: Bootstrap Italia's header and footer, one <main>, no inline script or style
 * (the CSP forbids them). A page with errors says so first in its title, where a screen reader starts.
 */
export function layout(
  context: PageContext,
  options: { title: string; body: HtmlValue; hasErrors?: boolean; wide?: boolean },
): SafeHtml {
  const console = context.area === 'console';
  const serviceName = t(context, console ? 'consoleName' : 'serviceName');
  const title = `${options.hasErrors ? t(context, 'errorPrefix') : ''}${options.title} – ${serviceName}`;
  const session = context.session;
  return html`<!doctype html>
    <html lang="${context.language}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${BOOTSTRAP_ITALIA_CSS}" />
        <link rel="stylesheet" href="${PORTAL_CSS}" />
        <script src="${PORTAL_JS}" defer></script>
      </head>
      <body>
        <div class="skiplinks">
          <a class="visually-hidden-focusable" href="#main">${t(context, 'skipToContent')}</a>
        </div>
        <header class="it-header-wrapper">
          <div class="it-header-slim-wrapper">
            <div class="container">
              <div class="it-header-slim-wrapper-content">
                <span class="region-name"
                  >${context.regionName}${
                    context.staff === undefined
                      ? null
                      : html` ·
                          <span class="staff-name">${context.staff.displayName}</span>
                          (${context.staff.role})`
                  }</span
                >
                <div class="header-tools">${languageSwitch(context)}${signOutForm(context)}</div>
              </div>
            </div>
          </div>
          <div class="it-header-center-wrapper">
            <div class="container">
              <div class="it-header-center-content-wrapper">
                <div class="it-brand-wrapper">
                  <a href="/${context.area}">
                    <div class="it-brand-text">
                      <div class="it-brand-title">${serviceName}</div>
                      <div class="it-brand-tagline">
                        ${t(context, console ? 'consoleTagline' : 'serviceTagline')}
                      </div>
                    </div>
                  </a>
                </div>
              </div>
            </div>
          </div>
        </header>
        <main id="main" class="container py-4${options.wide || console ? '' : ' portal-narrow'}">
          ${
            session === undefined
              ? null
              : html`<p
                  class="session-note"
                  data-expires-at="${session.expiresAt.toISOString()}"
                  data-warning="${t(context, 'sessionEnding')}"
                >
                  ${t(context, 'signedInUntil', { time: formatTime(session.expiresAt, context.language) })}
                </p>`
          }
          ${options.body}
        </main>
        <footer class="it-footer">
          <div class="it-footer-main">
            <div class="container py-4"><p class="mb-0">${t(context, 'footerHelp')}</p></div>
          </div>
        </footer>
      </body>
    </html> `;
}

import type { StaffRole } from '../../platform/auth/roles.ts';
import { errorSummary, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { layout, t, type PageContext } from '../portal/layout.ts';
import { sectionsFor } from './sections.ts';

/**
 * The sections of the signed-in role as a navigation bar at the top of every console page: an operator
 * moves between them with the keyboard (Tab, Enter), the current one announced by aria-current.
 */
export function consoleNav(context: PageContext, role: StaffRole, current?: string): HtmlValue {
  const sections = sectionsFor(role);
  if (sections.length === 0) return null;
  return html`<nav class="console-nav mb-4" aria-label="${t(context, 'consoleNavLabel')}">
    <ul class="nav nav-tabs">
      ${sections.map(
        (section) =>
          html`<li class="nav-item">
            <a
              class="nav-link${section.href === current ? ' active' : ''}"
              href="${section.href}"
              ${section.href === current ? html`aria-current="page"` : null}
              >${t(context, section.label)}</a
            >
          </li>`,
      )}
    </ul>
  </nav>`;
}

/** A console page: the shared frame, the role's navigation, then the page. */
export function consolePage(
  context: PageContext,
  role: StaffRole,
  page: { title: string; body: HtmlValue; current?: string; hasErrors?: boolean },
): SafeHtml {
  return layout(context, {
    title: page.title,
    wide: true,
    hasErrors: page.hasErrors ?? false,
    body: html`${consoleNav(context, role, page.current)}${page.body}`,
  });
}

export function consoleSignInPage(
  context: PageContext,
  view: { username?: string | undefined; errors: readonly FieldError[]; notice?: 'expired' | 'signedOut' },
): SafeHtml {
  const notice =
    view.notice === undefined
      ? null
      : html`<div class="alert alert-${view.notice === 'expired' ? 'warning' : 'success'}" role="status">
          ${t(context, view.notice === 'expired' ? 'signInExpired' : 'signedOut')}
        </div>`;
  return layout(context, {
    title: t(context, 'consoleSignInTitle'),
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}${notice}
      <div class="portal-narrow">
        <h1>${t(context, 'consoleSignInTitle')}</h1>
        <p class="lead">${t(context, 'consoleSignInIntro')}</p>
        <form method="post" action="/console/sign-in" novalidate>
          ${textInput(context, view.errors, {
            name: 'username',
            label: t(context, 'username'),
            value: view.username,
            autocomplete: 'username',
            code: true,
            maxlength: 64,
            size: 'medium',
          })}
          ${textInput(context, view.errors, {
            name: 'password',
            label: t(context, 'password'),
            type: 'password',
            autocomplete: 'current-password',
            maxlength: 256,
            size: 'medium',
          })}
          <button type="submit" class="btn btn-primary">${t(context, 'consoleSignInButton')}</button>
        </form>
      </div>`,
  });
}

export function consoleHomePage(context: PageContext, role: StaffRole): SafeHtml {
  const sections = sectionsFor(role);
  return layout(context, {
    title: t(context, 'consoleHomeTitle'),
    wide: true,
    body: html`<h1>${t(context, 'consoleHomeTitle')}</h1>
      <p class="lead">${t(context, 'consoleHomeIntro', { role: t(context, `role_${role}`) })}</p>
      ${
        sections.length === 0
          ? html`<p>${t(context, 'consoleNoSections')}</p>`
          : html`<ul class="console-sections list-unstyled row">
              ${sections.map(
                (section) =>
                  html`<li class="col-12 col-md-6 col-lg-4 mb-3">
                    <div class="card card-bg h-100">
                      <div class="card-body">
                        <h2 class="h5 card-title">
                          <a href="${section.href}">${t(context, section.label)}</a>
                        </h2>
                        <p class="card-text">${t(context, section.description)}</p>
                      </div>
                    </div>
                  </li>`,
              )}
            </ul>`
      }`,
  });
}

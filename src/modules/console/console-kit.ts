import { Type } from 'typebox';
import type { FieldError } from '../portal/forms.ts';
import { selectInput } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { t, type PageContext } from '../portal/layout.ts';

/*
 * Small pieces of HTML the authority console's pages share (hubs, messages, capacity changes,
 * home vaccinations), so that a table or a notice looks and reads the same on every page.
 */

/** A row's id in a path: a database serial, within what a JavaScript number holds exactly. */
export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 });

/** A calendar day in a query or a form, as YYYY-MM-DD. */
export const DayText = Type.String({ format: 'date' });

/** A captioned table that scrolls sideways on a narrow screen; one row saying `empty` when there are none. */
export const dataTable = (
  caption: string,
  head: readonly string[],
  rows: readonly HtmlValue[],
  empty: string,
): SafeHtml =>
  html`<div class="table-responsive">
    <table class="table table-sm">
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          ${head.map((label) => html`<th scope="col">${label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${
          rows.length === 0
            ? html`<tr>
                <td colspan="${head.length}">${empty}</td>
              </tr>`
            : rows
        }
      </tbody>
    </table>
  </div>`;

/** The green status line after a save; nothing when there is nothing to say. */
export const successNotice = (text: string | undefined): HtmlValue =>
  text === undefined ? null : html`<div class="alert alert-success" role="status">${text}</div>`;

/** A filter's select whose first option ("All") leaves the filter off. */
export const filterSelect = (
  context: PageContext,
  errors: readonly FieldError[],
  field: { name: string; label: string; value: string | undefined; values: readonly string[] },
): SafeHtml =>
  selectInput(context, errors, {
    name: field.name,
    label: field.label,
    value: field.value,
    options: [
      { value: '', label: t(context, 'authAnyOption') },
      ...field.values.map((value) => ({ value, label: value })),
    ],
  });

/** The previous and next links of a list shown a page at a time; nothing when there is one page. */
export const pager = (
  context: PageContext,
  previous: string | undefined,
  next: string | undefined,
): HtmlValue =>
  previous === undefined && next === undefined
    ? null
    : html`<nav aria-label="${t(context, 'authPagesLabel')}">
        <ul class="pagination">
          ${previous === undefined ? null : html`<li class="page-item"><a class="page-link" href="${previous}">${t(context, 'authPreviousPage')}</a></li>`}
          ${next === undefined ? null : html`<li class="page-item"><a class="page-link" href="${next}">${t(context, 'authNextPage')}</a></li>`}
        </ul>
      </nav>`;

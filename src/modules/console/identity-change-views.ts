import type { StaffRole } from '../../platform/auth/roles.ts';
import { errorSummary, hiddenFields, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { csrfField, t, type PageContext } from '../portal/layout.ts';
import type { TextKey } from '../portal/texts.ts';
import { dataTable } from './console-kit.ts';
import { consolePage } from './views.ts';
import { MOVED_KINDS } from './identity-change-texts.ts';

/*
 * REG-7 as the consoles show it: the old identity of a changed tax code made obsolete, and its records moved
 * to the current one. Data in, HTML out; both identities side by side, so the operator confirms the same person.
 */

/** One identity as the operator compares it: who, and how much of their history it holds. */
export interface IdentitySide {
  id: number;
  name: string;
  birthDate: string;
  identifier: string;
  status: string;
  counts: { administrations: number; openBookings: number; infections: number };
}

/** Where the identity pages of a console answer: under its person pages, `${home}/persons/:id`. */
export interface IdentityConsole {
  home: string;
  personHref: (personId: number) => string;
  replacedHref: (personId: number) => string;
  moveHref: (personId: number) => string;
  searchHref: string;
}

export const identityConsole = (home: string, searchHref: string): IdentityConsole => {
  const personHref = (personId: number) => `${home}/persons/${String(personId)}`;
  return {
    home,
    personHref,
    replacedHref: (personId) => `${personHref(personId)}/replaced`,
    moveHref: (personId) => `${personHref(personId)}/records-move`,
    searchHref,
  };
};

export type Moved = Partial<Record<(typeof MOVED_KINDS)[number], number>>;

const label = (context: PageContext, key: string): string => t(context, key as TextKey);

const shortDate = (date: string): string => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

const page = (
  context: PageContext,
  role: StaffRole,
  where: IdentityConsole,
  title: string,
  body: HtmlValue,
  errors: readonly FieldError[],
): SafeHtml => consolePage(context, role, { title, body, current: where.home, hasErrors: errors.length > 0 });

/** Both identities in columns, one row per fact, the counts read through the services. */
function sideBySide(
  context: PageContext,
  caption: string,
  left: IdentitySide,
  right: IdentitySide,
): SafeHtml {
  const row = (key: TextKey, value: (side: IdentitySide) => HtmlValue) =>
    html`<tr>
      <th scope="row">${t(context, key)}</th>
      <td>${value(left)}</td>
      <td>${value(right)}</td>
    </tr>`;
  return dataTable(
    caption,
    [t(context, 'vpIdentity'), t(context, 'icObsoleteSide'), t(context, 'icCurrentSide')],
    [
      row('vpColName', (side) => side.name),
      row('vpColBirthDate', (side) => shortDate(side.birthDate)),
      row('vpIdentifier', (side) => html`<span class="text-monospace">${side.identifier}</span>`),
      row('vpColStatus', (side) => label(context, `vpPersonStatus_${side.status}`)),
      row('icAdministrations', (side) => side.counts.administrations),
      row('icOpenBookings', (side) => side.counts.openBookings),
      row('icInfections', (side) => side.counts.infections),
    ],
    '',
  );
}

/** REG-7: the current identity's tax code asked, then both identities shown for the operator to confirm. */
export function replacedPage(
  context: PageContext,
  role: StaffRole,
  where: IdentityConsole,
  view: {
    obsolete: IdentitySide;
    identifier: string | undefined;
    current: IdentitySide | undefined;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const title = t(context, 'icReplacedTitle');
  const { obsolete, current, errors } = view;
  const action = where.replacedHref(obsolete.id);
  return page(
    context,
    role,
    where,
    title,
    html`${errorSummary(context, errors)}
      <h1>${title}</h1>
      <p class="lead">${t(context, 'icReplacedIntro')}</p>
      <form method="get" action="${action}" novalidate class="mb-4">
        ${textInput(context, errors, {
          name: 'identifier',
          label: t(context, 'icCurrentIdentifier'),
          hint: t(context, 'icCurrentIdentifierHint'),
          value: view.identifier,
          code: true,
          maxlength: 20,
          autocomplete: 'off',
          autofocus: current === undefined && errors.length === 0,
        })}
        <button type="submit" class="btn btn-outline-primary me-2">${t(context, 'icFind')}</button>
        <a href="${where.searchHref}">${t(context, 'icSearchByName')}</a>
      </form>
      ${
        current === undefined
          ? null
          : html`${sideBySide(context, title, obsolete, current)}
              <form method="post" action="${action}" novalidate>
                ${csrfField(context)} ${hiddenFields({ identifier: current.identifier })}
                <button type="submit" class="btn btn-primary" ${errors.length === 0 ? html`autofocus` : null}>
                  ${t(context, 'icConfirmReplaced')}
                </button>
              </form>`
      }`,
    errors,
  );
}

/** REG-7: what will move from the obsolete identity to the current one, before the operator moves it. */
export function movePage(
  context: PageContext,
  role: StaffRole,
  where: IdentityConsole,
  view: { obsolete: IdentitySide; current: IdentitySide; errors: readonly FieldError[] },
): SafeHtml {
  const title = t(context, 'icMoveTitle');
  const { obsolete, current, errors } = view;
  return page(
    context,
    role,
    where,
    title,
    html`${errorSummary(context, errors)}
      <h1>${title}</h1>
      <p class="lead">${t(context, 'icMoveIntro')}</p>
      ${sideBySide(context, title, obsolete, current)}
      <form method="post" action="${where.moveHref(obsolete.id)}" novalidate>
        ${csrfField(context)}
        <button type="submit" class="btn btn-primary me-2" autofocus>${t(context, 'icMoveButton')}</button>
        <a href="${where.personHref(current.id)}">${t(context, 'vpOpenCurrent')}</a>
      </form>`,
    errors,
  );
}

/** REG-7 on a person's page: the way to the change of identity the person's state allows, for those who may. */
export function identityActions(
  context: PageContext,
  where: IdentityConsole,
  person: { id: number; supersededBy: { id: number } | null },
): SafeHtml {
  const [href, key]: [string, TextKey] =
    person.supersededBy === null
      ? [where.replacedHref(person.id), 'icReplacedLink']
      : [where.moveHref(person.id), 'icMoveLink'];
  return html`<a class="btn btn-outline-primary mb-3 me-2" href="${href}">${t(context, key)}</a>`;
}

/** What a move carried, named, in the done notice of the current person's page. */
export function movedNote(context: PageContext, moved: Moved): HtmlValue {
  const parts = MOVED_KINDS.flatMap((kind) => {
    const count = moved[kind] ?? 0;
    return count > 0 ? [`${label(context, `icMoved_${kind}`)}: ${String(count)}`] : [];
  });
  if (parts.length === 0) return null;
  return html`<div class="alert alert-success" role="status">
    ${t(context, 'icMovedTitle')} ${parts.join(', ')}.
  </div>`;
}

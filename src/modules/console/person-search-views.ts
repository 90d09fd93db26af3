import type { StaffRole } from '../../platform/auth/roles.ts';
import type { Province } from '../reference/service.ts';
import type { TaxCodeWarning } from '../registry/identifiers.ts';
import { IDENTIFIER_TYPES, ORD7_CATEGORIES } from '../registry/tables.ts';
import {
  choiceGroup,
  errorSummary,
  fieldAnchor,
  hiddenFields,
  selectInput,
  textInput,
  type FieldError,
  type Option,
} from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { csrfField, formatDate, t, type PageContext } from '../portal/layout.ts';
import type { TextKey } from '../portal/texts.ts';
import { dataTable } from './console-kit.ts';
import { consolePage } from './views.ts';

/*
 * The person search in tiers and the registration of a person in no registry (REG-5, REG-6), as every
 * console shows them: data in, HTML out. Keyboard first: the main field, or the first result, is focused.
 */

export type Tier = 'local' | 'regional' | 'national';

/** REG-4: the statuses a person is registered with by hand (a deceased or superseded identity never is). */
export const CREATABLE_STATUSES = ['ACTIVE_REGION', 'OUT_OF_REGION', 'AIRE', 'FOREIGN'] as const;

/** Where a console answers the search and the registration, and how its search begins. */
export interface SearchConsole {
  /** The console section, for the navigation bar. */
  home: string;
  searchHref: string;
  importHref: string;
  registerHref: string;
  personHref: (personId: number) => string;
  /** The point's health authority first (local), or the whole region. */
  firstTier: 'local' | 'regional';
  intro: TextKey;
  /** REG-3: the call center asks the card number with the tax code. */
  healthCard: boolean;
}

export interface FoundPerson {
  id: number;
  name: string;
  birthDate: string;
  identifier: string;
  status: string;
  /** REG-7: an obsolete identity's current tax code. */
  replacedBy: string | null;
}

export interface SearchValues {
  identifier?: string | undefined;
  healthCardNumber?: string | undefined;
  surname?: string | undefined;
  givenName?: string | undefined;
  birthDate?: string | undefined;
}

export interface NationalFound {
  name: string;
  birthDate: string;
  identifier: string;
  localPersonId: number | null;
}

const label = (context: PageContext, key: string): string => t(context, key as TextKey);

const shortDate = (context: PageContext, date: string): string =>
  formatDate(new Date(`${date}T12:00:00Z`), context.language);

/** What a search carries to the next tier or to the registration: never the card number. */
const carriedSearch = (values: SearchValues) => ({
  identifier: values.identifier,
  surname: values.surname,
  givenName: values.givenName,
  birthDate: values.birthDate,
});

const buttonLink = (href: string, text: string, focus = false): SafeHtml =>
  html`<a class="btn btn-outline-primary mb-3 me-2" href="${href}" ${focus ? html`autofocus` : null}
    >${text}</a
  >`;

const queryOf = (values: Record<string, string | undefined>): string =>
  new URLSearchParams(
    Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]),
  ).toString();

const page = (
  context: PageContext,
  role: StaffRole,
  home: string,
  title: string,
  body: HtmlValue,
  errors: readonly FieldError[],
): SafeHtml => consolePage(context, role, { title, body, current: home, hasErrors: errors.length > 0 });

/** REG-6: the way to register a person the search did not find, with what was typed carried along. */
function registerLink(context: PageContext, where: SearchConsole, values: SearchValues): SafeHtml {
  return buttonLink(`${where.registerHref}?${queryOf(carriedSearch(values))}`, t(context, 'psRegisterLink'));
}

export function searchPage(
  context: PageContext,
  role: StaffRole,
  where: SearchConsole,
  view: {
    values: SearchValues;
    tier: Tier | undefined;
    results?: readonly FoundPerson[] | undefined;
    hasMore?: boolean;
    national?: NationalFound | undefined;
    /** The national registry answered that it does not know the identifier. */
    unknownNationally?: boolean;
    /** May import and register (the registry's writers). */
    mayWrite: boolean;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const title = t(context, 'vpSearchTitle');
  const { values, results, national, errors } = view;
  const tierHref = (tier: Tier) => `${where.searchHref}?${queryOf({ ...carriedSearch(values), tier })}`;
  const focusResults = results !== undefined && results.length > 0 && errors.length === 0;
  const writersOnly = html`<p class="form-text">${t(context, 'psWritersOnly')}</p>`;
  const nobodyFound = results?.length === 0 || view.unknownNationally === true;
  return page(
    context,
    role,
    where.home,
    title,
    html`${errorSummary(context, errors)}
      <h1>${title}</h1>
      <p class="lead">${t(context, where.intro)}</p>
      <form method="get" action="${where.searchHref}" novalidate class="mb-4">
        <div class="row">
          <div class="col-12 col-md-6">
            ${textInput(context, errors, {
              name: 'identifier',
              autofocus: errors.length === 0 && !focusResults && national === undefined,
              label: t(context, 'vpIdentifier'),
              hint: t(context, 'vpIdentifierHint'),
              value: values.identifier,
              code: true,
              maxlength: 20,
              autocomplete: 'off',
            })}
          </div>
          ${
            where.healthCard
              ? html`<div class="col-12 col-md-6">
                  ${textInput(context, errors, {
                    name: 'healthCardNumber',
                    label: t(context, 'healthCardNumber'),
                    hint: t(context, 'ccHealthCardOptional'),
                    value: values.healthCardNumber,
                    autocomplete: 'off',
                    inputmode: 'numeric',
                    code: true,
                    maxlength: 30,
                  })}
                </div>`
              : null
          }
          <div class="col-12 col-md-6">
            ${textInput(context, errors, {
              name: 'surname',
              label: t(context, 'vpSurname'),
              value: values.surname,
              maxlength: 100,
              autocomplete: 'off',
            })}
          </div>
          <div class="col-12 col-md-6">
            ${textInput(context, errors, {
              name: 'givenName',
              label: t(context, 'vpGivenName'),
              value: values.givenName,
              maxlength: 100,
              autocomplete: 'off',
            })}
          </div>
          <div class="col-12 col-md-6">
            ${textInput(context, errors, {
              name: 'birthDate',
              label: t(context, 'vpBirthDate'),
              type: 'date',
              value: values.birthDate,
            })}
          </div>
        </div>
        <input type="hidden" name="tier" value="${where.firstTier}" />
        <button type="submit" class="btn btn-primary">${t(context, 'vpSearchButton')}</button>
      </form>
      ${
        results === undefined
          ? null
          : html`<h2 class="h4">
                ${label(context, `vpTier_${view.tier ?? where.firstTier}`)}:
                ${t(context, 'vpResultsCount', { count: results.length })}
              </h2>
              ${
                results.length === 0
                  ? html`<p>${t(context, 'vpNoResults')}</p>`
                  : dataTable(
                      title,
                      [
                        t(context, 'vpColName'),
                        t(context, 'vpColBirthDate'),
                        t(context, 'vpIdentifier'),
                        t(context, 'vpColStatus'),
                      ],
                      results.map(
                        (person, index) =>
                          html`<tr>
                            <th scope="row">
                              <a
                                href="${where.personHref(person.id)}"
                                ${focusResults && index === 0 ? html`autofocus` : null}
                                >${person.name}</a
                              >
                            </th>
                            <td>${shortDate(context, person.birthDate)}</td>
                            <td><span class="text-monospace">${person.identifier}</span></td>
                            <td>
                              ${label(context, `vpPersonStatus_${person.status}`)}
                              ${
                                person.replacedBy === null
                                  ? null
                                  : html`<span class="badge bg-warning text-dark"
                                      >${t(context, 'psReplacedBy', { identifier: person.replacedBy })}</span
                                    >`
                              }
                            </td>
                          </tr>`,
                      ),
                      t(context, 'vpNoResults'),
                    )
              }
              ${view.hasMore ? html`<p>${t(context, 'vpMoreResults')}</p>` : null}
              <p>
                ${
                  view.tier === 'local' && !values.identifier
                    ? buttonLink(tierHref('regional'), t(context, 'vpSearchRegional'))
                    : null
                }
                ${
                  values.identifier
                    ? buttonLink(tierHref('national'), t(context, 'vpSearchNational'))
                    : html`<span class="form-text">${t(context, 'vpNationalNeedsIdentifier')}</span>`
                }
              </p>`
      }
      ${
        national === undefined
          ? null
          : html`<h2 class="h4">${t(context, 'vpTier_national')}</h2>
              <dl class="summary-list">
                <div class="summary-row">
                  <dt>${t(context, 'vpColName')}</dt>
                  <dd>${national.name}</dd>
                </div>
                <div class="summary-row">
                  <dt>${t(context, 'vpColBirthDate')}</dt>
                  <dd>${shortDate(context, national.birthDate)}</dd>
                </div>
                <div class="summary-row">
                  <dt>${t(context, 'vpIdentifier')}</dt>
                  <dd><span class="text-monospace">${national.identifier}</span></dd>
                </div>
              </dl>
              ${
                national.localPersonId !== null
                  ? buttonLink(where.personHref(national.localPersonId), t(context, 'vpAlreadyHere'), true)
                  : view.mayWrite
                    ? html`<form method="post" action="${where.importHref}">
                        ${csrfField(context)}
                        <input type="hidden" name="identifier" value="${national.identifier}" />
                        <button type="submit" class="btn btn-primary" autofocus>
                          ${t(context, 'vpImportButton')}
                        </button>
                      </form>`
                    : writersOnly
              }`
      }
      ${nobodyFound ? (view.mayWrite ? registerLink(context, where, values) : writersOnly) : null}`,
    errors,
  );
}

// ------------------------------------------------------------------------------------------------
// REG-6, REG-8, REG-9, REG-10: registering a person in no registry

export type RegisterValues = Record<string, string | undefined>;

const optionsOf = (context: PageContext, prefix: string, values: readonly string[]): Option[] =>
  values.map((value) => ({ value, label: label(context, `${prefix}${value}`) }));

/** The words naming the parts of a person a tax code encodes (REG-2). */
const PART_LABELS: Record<TaxCodeWarning['field'], TextKey> = {
  surname: 'vpSurname',
  givenName: 'vpGivenName',
  sex: 'psSex',
  birthDate: 'vpBirthDate',
  birthPlaceCode: 'psBirthPlaceCode',
};

export const partLabel = (context: PageContext, part: TaxCodeWarning['field']): string =>
  t(context, PART_LABELS[part]);

export function registerPage(
  context: PageContext,
  role: StaffRole,
  where: SearchConsole,
  view: {
    provinces: readonly Province[];
    /** Chosen first: its municipalities are the domicile's choices. */
    province: Province | undefined;
    municipalities: readonly { istat: string; name: string }[];
    values: RegisterValues;
    /** REG-2: parts of the person the tax code disagrees with, for the operator to confirm. */
    warnings: readonly TaxCodeWarning[];
    confirmed: readonly string[];
    errors: readonly FieldError[];
  },
): SafeHtml {
  const title = t(context, 'psRegisterTitle');
  const { values, errors, province } = view;
  const carried = {
    identifier: values.identifierValue,
    surname: values.surname,
    givenName: values.givenName,
    birthDate: values.birthDate,
  };
  const summary = errorSummary(context, errors, {
    status: fieldAnchor('status', 'group'),
    sex: fieldAnchor('sex', 'group'),
    identifierPending: fieldAnchor('identifierPending', 'group'),
    confirmedWarnings: fieldAnchor('confirmedWarnings', 'group'),
  });
  const text = (name: string, key: TextKey, extra: Partial<Parameters<typeof textInput>[2]> = {}) =>
    textInput(context, errors, { name, label: t(context, key), value: values[name], ...extra });
  const form =
    province === undefined
      ? html`<form method="get" action="${where.registerHref}" novalidate>
          ${hiddenFields(carried)}
          ${selectInput(context, errors, {
            name: 'province',
            label: t(context, 'psDomicileProvince'),
            options: view.provinces.map((choice) => ({ value: choice.code, label: choice.name })),
            value: values.province,
          })}
          <button type="submit" class="btn btn-primary">${t(context, 'continue')}</button>
        </form>`
      : html`<dl class="summary-list">
            <div class="summary-row">
              <dt>${t(context, 'psDomicileProvince')}</dt>
              <dd>
                ${province.name}
                <a href="${where.registerHref}?${queryOf(carried)}">${t(context, 'psChangeProvince')}</a>
              </dd>
            </div>
          </dl>
          <form method="post" action="${where.registerHref}" novalidate>
            ${csrfField(context)}
            <input type="hidden" name="province" value="${province.code}" />
            <h2 class="h4">${t(context, 'psIdentityTitle')}</h2>
            ${text('identifierValue', 'psIdentifierValue', {
              code: true,
              maxlength: 20,
              autocomplete: 'off',
              autofocus: errors.length === 0,
            })}
            ${selectInput(context, errors, {
              name: 'identifierType',
              label: t(context, 'psIdentifierType'),
              options: optionsOf(context, 'psIdentifierType_', IDENTIFIER_TYPES),
              value: values.identifierType ?? 'CF',
            })}
            ${choiceGroup(context, errors, {
              name: 'identifierPending',
              type: 'checkbox',
              legend: t(context, 'psIdentifierType_TS_FOREIGN'),
              options: [{ value: 'yes', label: t(context, 'psIdentifierPending') }],
              values: values.identifierPending === 'yes' ? ['yes'] : [],
            })}
            ${choiceGroup(context, errors, {
              name: 'status',
              legend: t(context, 'psStatus'),
              options: optionsOf(context, 'vpPersonStatus_', CREATABLE_STATUSES),
              values: values.status === undefined ? [] : [values.status],
            })}
            ${selectInput(context, errors, {
              name: 'ord7Category',
              label: t(context, 'psOrd7Category'),
              options: optionsOf(context, 'psOrd7_', ORD7_CATEGORIES),
              value: values.ord7Category,
            })}
            ${text('taxCode', 'psTaxCodeAire', {
              hint: t(context, 'psTaxCodeAireHint'),
              code: true,
              maxlength: 16,
              autocomplete: 'off',
            })}
            ${text('surname', 'vpSurname', { maxlength: 100, autocomplete: 'off' })}
            ${text('givenName', 'vpGivenName', { maxlength: 100, autocomplete: 'off' })}
            ${choiceGroup(context, errors, {
              name: 'sex',
              legend: t(context, 'psSex'),
              options: optionsOf(context, 'psSex_', ['M', 'F']),
              values: values.sex === undefined ? [] : [values.sex],
            })}
            ${text('birthDate', 'vpBirthDate', { type: 'date', size: 'medium' })}
            ${text('birthPlaceCode', 'psBirthPlaceCode', {
              hint: t(context, 'psBirthPlaceCodeHint'),
              code: true,
              maxlength: 4,
              size: 'short',
            })}
            ${text('healthCardNumber', 'healthCardNumber', {
              inputmode: 'numeric',
              code: true,
              maxlength: 24,
              autocomplete: 'off',
            })}
            <h2 class="h4 mt-4">${t(context, 'psDomicileTitle')}</h2>
            ${selectInput(context, errors, {
              name: 'domicileMunicipality',
              label: t(context, 'psDomicileMunicipality'),
              options: view.municipalities.map((m) => ({ value: m.istat, label: m.name })),
              value: values.domicileMunicipality,
            })}
            ${text('domicileCap', 'psDomicileCap', { inputmode: 'numeric', maxlength: 5, size: 'short' })}
            ${text('domicileAddress', 'psAddress', { maxlength: 200 })}
            <h2 class="h4 mt-4">${t(context, 'psResidenceTitle')}</h2>
            <p>${t(context, 'psResidenceIntro')}</p>
            ${text('residenceCap', 'psResidenceCap', { inputmode: 'numeric', maxlength: 5, size: 'short' })}
            ${text('residenceMunicipality', 'psResidenceMunicipality', {
              hint: t(context, 'psResidenceMunicipalityHint'),
              maxlength: 100,
            })}
            <h2 class="h4 mt-4">${t(context, 'psContactsTitle')}</h2>
            <p>${t(context, 'psContactsHint')}</p>
            ${text('mobile', 'vpMobile', { type: 'tel', maxlength: 20, autocomplete: 'off' })}
            ${text('email', 'vpEmail', { type: 'email', maxlength: 254, autocomplete: 'off' })}
            ${text('landline', 'psLandline', { type: 'tel', maxlength: 20, autocomplete: 'off' })}
            ${
              view.warnings.length === 0
                ? null
                : html`<div class="alert alert-warning">
                    ${choiceGroup(context, errors, {
                      name: 'confirmedWarnings',
                      type: 'checkbox',
                      legend: t(context, 'psWarningsTitle'),
                      hint: t(context, 'psConfirmWarningsHint'),
                      options: view.warnings.map((warning) => ({
                        value: warning.code,
                        label: `${t(context, 'psConfirmWarnings')} – ${t(context, 'psWarningPart', {
                          part: partLabel(context, warning.field),
                          expected: warning.expected,
                          actual: warning.actual,
                        })}`,
                      })),
                      values: view.confirmed,
                    })}
                  </div>`
            }
            <button type="submit" class="btn btn-primary">${t(context, 'psRegisterButton')}</button>
          </form>`;
  return page(
    context,
    role,
    where.home,
    title,
    html`${summary}
      <h1>${title}</h1>
      <p class="lead">${t(context, 'psRegisterIntro')}</p>
      ${form}
      <p class="mt-4"><a href="${where.searchHref}">${t(context, 'vpSearchLink')}</a></p>`,
    errors,
  );
}

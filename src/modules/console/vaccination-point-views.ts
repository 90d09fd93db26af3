import type { StaffRole } from '../../platform/auth/roles.ts';
import {
  choiceGroup,
  errorSummary,
  hiddenFields,
  selectInput,
  textInput,
  type FieldError,
  type Option,
} from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { csrfField, formatDate, formatDateTime, formatTime, t, type PageContext } from '../portal/layout.ts';
import type { TextKey } from '../portal/texts.ts';
import { consolePage } from './views.ts';
import { identityActions, identityConsole, movedNote, type Moved } from './identity-change-views.ts';

/*
 * The vaccination-point console's views (issue 9): data in, HTML out. Keyboard first: the main field or
 * action of each page has `autofocus`, lists are tables with headers, actions follow in reading order.
 */

export const VP_BASE = '/console/vaccination-point';
/** REG-7: the point's pages for a changed tax code, under its person pages. */
export const VP_IDENTITY = identityConsole(VP_BASE, `${VP_BASE}/search`);

export const SITE_VALUES = ['left_deltoid', 'right_deltoid', 'left_thigh', 'right_thigh', 'other'] as const;
export const ROUTE_VALUES = ['intramuscular', 'subcutaneous', 'intradermal', 'oral', 'intranasal'] as const;
export const PAYMENT_VALUES = ['national_health_service', 'self_paid', 'other'] as const;
export const SIGNER_VALUES = [
  'self',
  'support_administrator',
  'support_administrator_with_person',
  'guardian',
  'parental_responsibility',
  'trustee',
  'facility_medical_director',
  'health_director',
] as const;
export const PROTECTION_VALUES = ['none', 'support', 'support_assistance', 'guardianship'] as const;
export const TEST_TYPE_VALUES = ['molecular', 'antigen'] as const;

/** Rome calendar date shown short: 15/04/2021. */
const shortDate = (date: string | null | undefined): string =>
  date === null || date === undefined ? '' : `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

const label = (context: PageContext, key: string): string => t(context, key as TextKey);

const optionsOf = (context: PageContext, prefix: string, values: readonly string[]): Option[] =>
  values.map((value) => ({ value, label: label(context, `${prefix}${value}`) }));

const buttonLink = (
  href: string,
  text: string,
  kind: 'primary' | 'outline-primary' = 'outline-primary',
  focus = false,
): SafeHtml =>
  html`<a class="btn btn-${kind} mb-3 me-2" href="${href}" ${focus ? html`autofocus` : null}>${text}</a>`;

/** A table that scrolls sideways on a narrow screen or at 200 % zoom, reachable by keyboard. */
const scrollTable = (name: string, table: SafeHtml): SafeHtml =>
  html`<div class="table-responsive" tabindex="0" role="region" aria-label="${name}">${table}</div>`;

/** A table under a row of column headings, in a region that scrolls sideways (see scrollTable). */
const columnsTable = (
  context: PageContext,
  caption: string,
  columns: readonly TextKey[],
  rows: HtmlValue,
  align: 'top' | 'middle' = 'top',
): SafeHtml =>
  scrollTable(
    caption,
    html`<table class="table table-sm${align === 'middle' ? ' align-middle' : ''}">
      <thead>
        <tr>
          ${columns.map((key) => html`<th scope="col">${t(context, key)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`,
  );

const page = (
  context: PageContext,
  role: StaffRole,
  title: string,
  body: HtmlValue,
  errors: readonly FieldError[] = [],
): SafeHtml => consolePage(context, role, { title, body, current: VP_BASE, hasErrors: errors.length > 0 });

/** Doses given outside this region's records (another region's, or the national registry's), by date. */
function dosesElsewhereTable(
  context: PageContext,
  caption: string,
  doses: readonly { on: string | null | undefined; product: string; doseNumber: number; where: string }[],
): SafeHtml {
  return columnsTable(
    context,
    caption,
    ['vpColWhen', 'vpColProduct', 'vpColDose', 'vpColRegion'],
    doses.map(
      (dose) =>
        html`<tr>
          <td>${shortDate(dose.on)}</td>
          <td>${dose.product}</td>
          <td>${dose.doseNumber}</td>
          <td>${dose.where}</td>
        </tr>`,
    ),
  );
}

function doneNote(context: PageContext, key: string | undefined): HtmlValue {
  if (key === undefined) return null;
  return html`<div class="alert alert-success" role="status">${label(context, `vpDone_${key}`)}</div>`;
}

/** A free-text area in the kit's manner: label, hint, error tied by aria-describedby. */
function textArea(
  context: PageContext,
  errors: readonly FieldError[],
  field: {
    name: string;
    label: string;
    value?: string | undefined;
    hint?: string;
    maxlength: number;
    autofocus?: boolean;
  },
): SafeHtml {
  const error = errors.find((candidate) => candidate.field === field.name);
  const described = [field.hint ? `${field.name}-hint` : '', error ? `${field.name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="mb-4 field${error ? ' field-invalid' : ''}">
    <label class="form-label" for="${field.name}">${field.label}</label>
    ${field.hint ? html`<p class="form-text" id="${field.name}-hint">${field.hint}</p>` : null}
    ${
      error
        ? html`<p class="field-error" id="${field.name}-error">
            <strong>${t(context, 'errorWord')}</strong> ${error.message}
          </p>`
        : null
    }
    <textarea
      class="form-control${error ? ' is-invalid' : ''}"
      id="${field.name}"
      name="${field.name}"
      rows="4"
      maxlength="${String(field.maxlength)}"
      ${described === '' ? null : html`aria-describedby="${described}"`}
      ${error ? html`aria-invalid="true"` : null}
      ${field.autofocus ? html`autofocus` : null}
    >
${field.value ?? ''}</textarea>
  </div>`;
}

/** One checkbox with its label, its error next to it. */
function checkbox(
  context: PageContext,
  errors: readonly FieldError[],
  field: { name: string; label: string; checked: boolean; hint?: string },
): SafeHtml {
  return choiceGroup(context, errors, {
    name: field.name,
    legend: field.label,
    legendClass: 'visually-hidden',
    type: 'checkbox',
    options: [{ value: 'yes', label: field.label, hint: field.hint }],
    values: field.checked ? ['yes'] : [],
  });
}

// ------------------------------------------------------------------------------------------------
// Today's bookings

export interface CheckInRow {
  bookingCode: string;
  startsAt: Date;
  status: 'confirmed' | 'cancelled';
  personId: number;
  name: string;
  birthDate: string;
  doseNumber: number;
  productName: string;
  administrationId: number | null;
}

export function todayPage(
  context: PageContext,
  role: StaffRole,
  view: {
    points: readonly { id: number; name: string }[];
    pointId: number;
    day: string;
    isToday: boolean;
    rows: readonly CheckInRow[];
    code?: string | undefined;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const point = view.points.find((candidate) => candidate.id === view.pointId);
  const title = t(context, view.isToday ? 'vpTodayTitle' : 'vpDayTitle', {
    point: point?.name ?? '',
    day: shortDate(view.day),
  });
  const waiting = view.rows.filter((row) => row.status === 'confirmed' && row.administrationId === null);
  return page(
    context,
    role,
    title,
    html`${errorSummary(context, view.errors)}
      <h1>${title}</h1>
      <div class="row">
        <div class="col-12 col-lg-6">
          <form method="get" action="${VP_BASE}" novalidate class="mb-4">
            <input type="hidden" name="point" value="${String(view.pointId)}" />
            ${textInput(context, view.errors, {
              name: 'code',
              autofocus: view.errors.length === 0,
              label: t(context, 'vpCheckInCode'),
              hint: t(context, 'vpCheckInCodeHint'),
              value: view.code,
              code: true,
              maxlength: 8,
              size: 'medium',
              autocomplete: 'off',
            })}
            <button type="submit" class="btn btn-primary">${t(context, 'vpCheckInButton')}</button>
          </form>
        </div>
        <div class="col-12 col-lg-6">
          <p><a class="btn btn-outline-primary" href="${VP_BASE}/search">${t(context, 'vpSearchLink')}</a></p>
          <form method="get" action="${VP_BASE}" class="mb-4">
            ${
              view.points.length > 1
                ? selectInput(context, [], {
                    name: 'point',
                    label: t(context, 'vpPoint'),
                    options: view.points.map((p) => ({ value: String(p.id), label: p.name })),
                    value: String(view.pointId),
                  })
                : html`<input type="hidden" name="point" value="${String(view.pointId)}" />`
            }
            ${textInput(context, [], { name: 'day', label: t(context, 'vpDay'), type: 'date', value: view.day })}
            <button type="submit" class="btn btn-outline-primary">${t(context, 'vpShowDay')}</button>
          </form>
        </div>
      </div>
      <h2 class="h4">
        ${t(context, 'vpBookingsHeading', { waiting: waiting.length, total: view.rows.length })}
      </h2>
      ${
        view.rows.length === 0
          ? html`<p>${t(context, 'vpNoBookings')}</p>`
          : columnsTable(
              context,
              t(context, 'vpBookingsHeading', { waiting: waiting.length, total: view.rows.length }),
              [
                'vpColTime',
                'vpColName',
                'vpColBirthDate',
                'vpColDose',
                'vpColProduct',
                'vpColCode',
                'vpColStatus',
                'vpColAction',
              ],
              view.rows.map(
                (row) =>
                  html`<tr>
                    <td>${formatTime(row.startsAt, context.language)}</td>
                    <th scope="row">
                      <a href="${VP_BASE}/persons/${String(row.personId)}">${row.name}</a>
                    </th>
                    <td>${shortDate(row.birthDate)}</td>
                    <td>${row.doseNumber}</td>
                    <td>${row.productName}</td>
                    <td><span class="text-monospace">${row.bookingCode}</span></td>
                    <td>
                      ${
                        row.status === 'cancelled'
                          ? t(context, 'vpStatusCancelled')
                          : row.administrationId !== null
                            ? t(context, 'vpStatusRecorded')
                            : t(context, 'vpStatusExpected')
                      }
                    </td>
                    <td>
                      ${
                        row.status === 'confirmed' && row.administrationId === null
                          ? html`<a
                              href="${VP_BASE}/persons/${String(row.personId)}/record?bookingCode=${row.bookingCode}&amp;point=${String(view.pointId)}"
                              >${t(context, 'vpCheckInAction')}<span class="visually-hidden">
                                – ${row.name}</span
                              ></a
                            >`
                          : row.administrationId !== null
                            ? html`<a
                                href="${VP_BASE}/persons/${String(row.personId)}/administrations/${String(row.administrationId)}"
                                >${t(context, 'vpOpenRecord')}<span class="visually-hidden">
                                  – ${row.name}</span
                                ></a
                              >`
                            : null
                      }
                    </td>
                  </tr>`,
              ),
              'middle',
            )
      }`,
    view.errors,
  );
}

// ------------------------------------------------------------------------------------------------
// The person's page (VAX-5, VAX-15, CONS, VAX-19)

export interface PersonSummary {
  id: number;
  name: string;
  identifier: string;
  birthDate: string;
  sex: string;
  status: string;
  healthAuthorityCode: string | null;
  mobile: string | null;
  email: string | null;
  provenance: string;
  supersededBy: { id: number; identifier: string } | null;
}

export interface HistoryRow {
  id: number;
  administeredAt: Date;
  productName: string;
  doseNumber: number;
  doseKind: string;
  lot: string;
  pointName: string;
  forced: boolean;
  ourPoint: boolean;
}

export interface OtherRegionRow {
  administeredOn: string;
  productName: string;
  doseNumber: number;
  regionCode: string;
}

export interface ComparedDose {
  date: string;
  productCode: string;
  doseNumber: number;
  regionCode: string | null;
  countryCode: string | null;
}

export interface Comparison {
  rows: readonly {
    status: string;
    registry: ComparedDose | null;
    national: ComparedDose | null;
    inTransit: boolean;
  }[];
  nationalShowsFewer: boolean;
  anomalyReportId: number | null;
}

export interface InfectionCheck {
  recorded: boolean;
  mayBeIncomplete: boolean;
  infections: readonly {
    id: number;
    since: string;
    recoveredOn: string | null;
    testType: string;
    editable: boolean;
    standing: string;
  }[];
  nextDoseDue:
    | { status: 'first_dose'; completesWithOneDose: boolean }
    | { status: 'next_primary_dose'; doseNumber: number; from: string | null; until: string | null }
    | { status: 'cycle_complete'; completedOn: string };
}

export interface ConsentRow {
  decision: string;
  formVersion: string;
  signerCapacity: string;
  signerName: string;
  recordedAt: Date;
  judgeValidationDueAt: Date | null;
  judgeValidatedAt: Date | null;
}

export interface ReportRow {
  id: number;
  concerns: string;
  description: string;
  healthAuthorityCode: string;
  status: string;
  createdAt: Date;
}

function identityList(context: PageContext, person: PersonSummary): SafeHtml {
  const row = (key: TextKey, value: HtmlValue) =>
    html`<div class="summary-row">
      <dt>${t(context, key)}</dt>
      <dd>${value}</dd>
    </div>`;
  return html`<dl class="summary-list">
    ${row('vpIdentifier', html`<span class="text-monospace">${person.identifier}</span>`)}
    ${row('vpColBirthDate', shortDate(person.birthDate))} ${row('vpSex', person.sex)}
    ${row('vpColStatus', label(context, `vpPersonStatus_${person.status}`))}
    ${row('vpHealthAuthority', person.healthAuthorityCode ?? '–')} ${row('vpMobile', person.mobile ?? '–')}
    ${row('vpEmail', person.email ?? '–')}
    ${row('vpProvenance', label(context, `vpProvenance_${person.provenance}`))}
  </dl>`;
}

export function nextDoseText(context: PageContext, due: InfectionCheck['nextDoseDue']): string {
  if (due.status === 'first_dose')
    return t(context, due.completesWithOneDose ? 'vpNextFirstSingle' : 'vpNextFirst');
  if (due.status === 'next_primary_dose') {
    if (due.from === null) return t(context, 'vpNextPrimaryNow', { dose: due.doseNumber });
    return due.until === null
      ? t(context, 'vpNextPrimaryFrom', { dose: due.doseNumber, from: shortDate(due.from) })
      : t(context, 'vpNextPrimary', {
          dose: due.doseNumber,
          from: shortDate(due.from),
          until: shortDate(due.until),
        });
  }
  return t(context, 'vpNextBooster', { date: shortDate(due.completedOn) });
}

const comparedCell = (context: PageContext, dose: ComparedDose | null): HtmlValue =>
  dose === null
    ? '–'
    : `${shortDate(dose.date)} · ${dose.productCode} · ${t(context, 'vpDoseN', { dose: dose.doseNumber })} · ${
        dose.countryCode === null ? (dose.regionCode ?? '') : dose.countryCode
      }`;

export function personPage(
  context: PageContext,
  role: StaffRole,
  view: {
    person: PersonSummary;
    history: readonly HistoryRow[];
    otherRegions: readonly OtherRegionRow[];
    comparison: Comparison | { error: string } | undefined;
    infections: InfectionCheck;
    consents: readonly ConsentRow[];
    reports: readonly ReportRow[];
    done?: string | undefined;
    imported: boolean;
    /** REG-7: what a move just brought here, and whether the operator may change identities. */
    moved: Moved;
    mayChangeIdentity: boolean;
  },
): SafeHtml {
  const { person } = view;
  const base = `${VP_BASE}/persons/${String(person.id)}`;
  const noContacts = person.mobile === null && person.email === null;
  const comparison = view.comparison;
  return page(
    context,
    role,
    person.name,
    html`${doneNote(context, view.done)} ${movedNote(context, view.moved)}
      ${
        view.imported
          ? html`<div class="alert alert-info" role="status">${t(context, 'vpImported')}</div>`
          : null
      }
      ${
        noContacts ? html`<div class="alert alert-warning">${t(context, 'vpRecordContactsHint')}</div>` : null
      }
      ${
        person.supersededBy === null
          ? null
          : html`<div class="alert alert-warning">
              ${t(context, 'vpObsolete', { identifier: person.supersededBy.identifier })}
              <a href="${VP_BASE}/persons/${String(person.supersededBy.id)}"
                >${t(context, 'vpOpenCurrent')}</a
              >
            </div>`
      }
      <h1>${person.name}</h1>
      <p>
        ${
          person.supersededBy === null
            ? buttonLink(`${base}/record`, t(context, 'vpRecordButton'), 'primary', true)
            : null
        }
        ${buttonLink(`${base}/infections`, t(context, 'vpEnterInfection'))}
        ${buttonLink(`${base}/refusal`, t(context, 'vpRecordRefusal'))}
        ${buttonLink(`${base}/anomaly-report`, t(context, 'vpFileReport'))}
        ${view.mayChangeIdentity ? identityActions(context, VP_IDENTITY, person) : null}
      </p>
      <h2 class="h4">${t(context, 'vpIdentity')}</h2>
      ${identityList(context, person)}

      <h2 class="h4" id="history">${t(context, 'vpHistoryHere')}</h2>
      ${
        view.history.length === 0
          ? html`<p>${t(context, 'vpNoneHere')}</p>`
          : columnsTable(
              context,
              t(context, 'vpHistoryHere'),
              ['vpColWhen', 'vpColProduct', 'vpColDose', 'vpColLot', 'vpPoint', 'vpColAction'],
              view.history.map(
                (row) =>
                  html`<tr>
                    <td>${formatDateTime(row.administeredAt, context.language)}</td>
                    <td>${row.productName}</td>
                    <td>
                      ${row.doseNumber}
                      (${label(context, `vpKind_${row.doseKind}`)})${
                        row.forced ? html` · ${t(context, 'vpForced')}` : null
                      }
                    </td>
                    <td>${row.lot}</td>
                    <td>${row.pointName}</td>
                    <td>
                      <a href="${base}/administrations/${String(row.id)}/dose-number"
                        >${t(context, 'vpDoseNumberLink')}<span class="visually-hidden">
                          – ${formatDate(row.administeredAt, context.language)}</span
                        ></a
                      >
                    </td>
                  </tr>`,
              ),
              'middle',
            )
      }
      <h2 class="h4">${t(context, 'vpHistoryOther')}</h2>
      ${
        view.otherRegions.length === 0
          ? html`<p>${t(context, 'vpNoneOther')}</p>`
          : dosesElsewhereTable(
              context,
              t(context, 'vpHistoryOther'),
              view.otherRegions.map((row) => ({
                on: row.administeredOn,
                product: row.productName,
                doseNumber: row.doseNumber,
                where: row.regionCode,
              })),
            )
      }
      <h2 class="h4" id="national">${t(context, 'vpNationalComparison')}</h2>
      ${
        comparison === undefined
          ? html`<p>${t(context, 'vpCompareIntro')}</p>
              ${buttonLink(`${base}?compare=1#national`, t(context, 'vpCompareButton'))}`
          : 'error' in comparison
            ? html`<div class="alert alert-warning">${comparison.error}</div>`
            : html`${
                comparison.nationalShowsFewer
                  ? html`<div class="alert alert-warning">
                      ${t(context, 'vpNationalFewer', { id: comparison.anomalyReportId ?? '' })}
                    </div>`
                  : null
              }
              ${columnsTable(
                context,
                t(context, 'vpNationalComparison'),
                ['vpColRegistry', 'vpColNational', 'vpColDifference'],
                comparison.rows.map(
                  (row) =>
                    html`<tr>
                      <td>${comparedCell(context, row.registry)}</td>
                      <td>${comparedCell(context, row.national)}</td>
                      <td>
                        ${label(context, `vpCompare_${row.status}`)}${
                          row.inTransit ? html` · ${t(context, 'vpInTransit')}` : null
                        }
                      </td>
                    </tr>`,
                ),
              )}`
      }
      <h2 class="h4">${t(context, 'vpInfections')}</h2>
      <p>
        ${
          view.infections.recorded
            ? null
            : t(context, view.infections.mayBeIncomplete ? 'vpNoInfectionOutside' : 'vpNoInfectionResident')
        }
      </p>
      ${
        view.infections.infections.length === 0
          ? null
          : html`<ul>
              ${view.infections.infections.map(
                (infection) =>
                  html`<li>
                    ${t(context, 'vpInfectedSince', {
                      since: shortDate(infection.since),
                      test: label(context, `vpTest_${infection.testType}`),
                    })}${
                      infection.recoveredOn === null
                        ? null
                        : html`, ${t(context, 'vpRecoveredOn', { date: shortDate(infection.recoveredOn) })}`
                    }.
                    ${label(context, `vpStanding_${infection.standing}`)}
                    ${
                      infection.editable
                        ? html`<a href="${base}/infections/${String(infection.id)}"
                            >${t(context, 'vpInfectionCorrectLink')}<span class="visually-hidden">
                              – ${shortDate(infection.since)}</span
                            ></a
                          >`
                        : t(context, 'vpFromSurveillance')
                    }
                  </li>`,
              )}
            </ul>`
      }
      <p>
        <strong>${t(context, 'vpNextDose')}</strong> ${nextDoseText(context, view.infections.nextDoseDue)}
      </p>

      <h2 class="h4">${t(context, 'vpConsents')}</h2>
      ${
        view.consents.length === 0
          ? html`<p>${t(context, 'vpNoConsents')}</p>`
          : html`<ul>
              ${view.consents.map(
                (consent) =>
                  html`<li>
                    ${formatDate(consent.recordedAt, context.language)}:
                    ${label(context, `vpDecision_${consent.decision}`)} – ${consent.signerName}
                    (${label(context, `vpSigner_${consent.signerCapacity}`)}), ${t(context, 'vpFormVersion')}
                    ${consent.formVersion}${
                      consent.judgeValidationDueAt !== null && consent.judgeValidatedAt === null
                        ? html` ·
                          ${t(context, 'vpJudgeDue', {
                            time: formatDateTime(consent.judgeValidationDueAt, context.language),
                          })}`
                        : null
                    }
                  </li>`,
              )}
            </ul>`
      }
      <h2 class="h4">${t(context, 'vpReports')}</h2>
      ${
        view.reports.length === 0
          ? html`<p>${t(context, 'vpNoReports')}</p>`
          : html`<ul>
              ${view.reports.map(
                (report) =>
                  html`<li>
                    ${t(context, 'vpReportLine', {
                      id: report.id,
                      date: formatDate(report.createdAt, context.language),
                      office: report.healthAuthorityCode,
                    })}
                    – ${label(context, `vpReportStatus_${report.status}`)}: ${report.description}
                  </li>`,
              )}
            </ul>`
      }`,
  );
}

// ------------------------------------------------------------------------------------------------
// Recording an administration (VAX-1, VAX-20..22, CONS-1..4)

export type FormValues = Record<string, string | undefined>;

function consentFields(
  context: PageContext,
  errors: readonly FieldError[],
  values: FormValues,
  // The refusal form (CONS-5) asks the signer's name first, focused, and has no information note.
  fields: { withInformationNote: boolean; withSignerName: boolean },
): SafeHtml {
  return html`${textInput(context, errors, {
    name: 'formVersion',
    label: t(context, 'vpFormVersion'),
    value: values.formVersion,
    maxlength: 40,
    size: 'medium',
  })}
  ${
    fields.withInformationNote
      ? checkbox(context, errors, {
          name: 'informationNoteRead',
          label: t(context, 'vpInformationNoteRead'),
          checked: values.informationNoteRead === 'yes',
        })
      : null
  }
  ${selectInput(context, errors, {
    name: 'signerCapacity',
    label: t(context, 'vpSignerCapacity'),
    options: optionsOf(context, 'vpSigner_', SIGNER_VALUES),
    value: values.signerCapacity,
  })}
  ${
    fields.withSignerName
      ? textInput(context, errors, {
          name: 'signerName',
          label: t(context, 'vpSignerName'),
          value: values.signerName,
          maxlength: 200,
          autocomplete: 'off',
        })
      : null
  }
  ${selectInput(context, errors, {
    name: 'protection',
    label: t(context, 'vpProtection'),
    options: optionsOf(context, 'vpProtection_', PROTECTION_VALUES),
    value: values.protection ?? 'none',
  })}
  ${checkbox(context, errors, {
    name: 'naturalIncapacity',
    label: t(context, 'vpNaturalIncapacity'),
    checked: values.naturalIncapacity === 'yes',
  })}
  ${checkbox(context, errors, {
    name: 'inFacility',
    label: t(context, 'vpInFacility'),
    checked: values.inFacility === 'yes',
  })}
  ${checkbox(context, errors, {
    name: 'heardNotReached',
    label: t(context, 'vpHeardNotReached'),
    checked: values.heardNotReached === 'yes',
  })}`;
}

/** A rule's finding against the dose, in the operator's language, with the rule for the record. */
interface FindingLine {
  rule: string;
  text: string;
}

/**
 * VAX-12, VAX-13, VAX-17, UX-1: the override box, and above it what the rules found, in words, as the
 * box's description: a screen reader hears why before ticking.
 */
function overrideField(
  context: PageContext,
  errors: readonly FieldError[],
  findings: readonly FindingLine[],
  checked: boolean,
): SafeHtml {
  const label = t(context, 'vpOverride');
  if (findings.length === 0) return checkbox(context, errors, { name: 'override', label, checked });
  return html`<fieldset class="mb-4 field field-invalid" aria-describedby="override-findings">
    <legend class="visually-hidden">${label}</legend>
    <div class="field-error" id="override-findings">
      <p class="mb-1"><strong>${t(context, 'errorWord')}</strong> ${t(context, 'vpFindingsLead')}</p>
      <ul class="mb-1">
        ${findings.map((finding) => html`<li>${finding.text} <small>(${finding.rule})</small></li>`)}
      </ul>
      <p>${t(context, 'vpFindingsWhatToDo')}</p>
    </div>
    <div class="form-check choice">
      <input
        class="form-check-input"
        type="checkbox"
        id="override-0"
        name="override"
        value="yes"
        aria-describedby="override-findings"
        ${checked ? html`checked` : null}
      />
      <label class="form-check-label" for="override-0">${label}</label>
    </div>
  </fieldset>`;
}

export function recordPage(
  context: PageContext,
  role: StaffRole,
  view: {
    person: PersonSummary;
    points: readonly { id: number; name: string }[];
    products: readonly Option[];
    riskCategories: readonly Option[];
    proposal: string;
    previousContacts: string | undefined;
    consentMode: 'new' | 'cycle';
    showOverride: boolean;
    findings: readonly FindingLine[];
    values: FormValues;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const { values, errors } = view;
  const title = t(context, 'vpRecordTitle', { name: view.person.name });
  const action = `${VP_BASE}/persons/${String(view.person.id)}/record`;
  const firstEmpty = values.lot ? 'lotExpiry' : 'lot';
  return page(
    context,
    role,
    title,
    html`${errorSummary(context, errors, {
        confirmed: 'confirmed-0',
        healthChanged: 'healthChanged-0',
        override: 'override-0',
        informationNoteRead: 'informationNoteRead-0',
        consent: 'formVersion',
      })}
      <h1>${title}</h1>
      <p class="lead">
        ${view.person.identifier} · ${t(context, 'vpColBirthDate')} ${shortDate(view.person.birthDate)}
      </p>
      <p><strong>${t(context, 'vpProposedDose')}</strong> ${view.proposal}</p>
      <form method="post" action="${action}" novalidate>
        ${csrfField(context)} ${hiddenFields({ consentMode: view.consentMode })}
        <fieldset class="mb-4">
          <legend class="h5">${t(context, 'vpDoseLegend')}</legend>
          ${textInput(context, errors, {
            name: 'bookingCode',
            label: t(context, 'vpBookingCode'),
            hint: t(context, 'vpBookingCodeHint'),
            value: values.bookingCode,
            code: true,
            maxlength: 8,
            size: 'medium',
            autocomplete: 'off',
          })}
          ${
            view.points.length > 1
              ? selectInput(context, errors, {
                  name: 'point',
                  label: t(context, 'vpPoint'),
                  options: view.points.map((p) => ({ value: String(p.id), label: p.name })),
                  value: values.point,
                })
              : hiddenFields({ point: values.point })
          }
          ${selectInput(context, errors, {
            name: 'productCode',
            label: t(context, 'vpProduct'),
            hint: t(context, 'vpProductHint'),
            options: view.products,
            value: values.productCode,
          })}
          <div class="row">
            <div class="col-12 col-md-6">
              ${textInput(context, errors, {
                name: 'lot',
                label: t(context, 'vpLot'),
                value: values.lot,
                autofocus: errors.length === 0 && firstEmpty === 'lot',
                code: true,
                maxlength: 40,
                autocomplete: 'off',
              })}
            </div>
            <div class="col-12 col-md-6">
              ${textInput(context, errors, {
                name: 'lotExpiry',
                label: t(context, 'vpLotExpiry'),
                type: 'date',
                value: values.lotExpiry,
                autofocus: errors.length === 0 && firstEmpty === 'lotExpiry',
              })}
            </div>
            <div class="col-12 col-md-4">
              ${textInput(context, errors, {
                name: 'volumeMl',
                label: t(context, 'vpVolume'),
                value: values.volumeMl,
                inputmode: 'text',
                maxlength: 5,
                size: 'short',
              })}
            </div>
            <div class="col-12 col-md-4">
              ${selectInput(context, errors, {
                name: 'site',
                label: t(context, 'vpSite'),
                options: optionsOf(context, 'vpSite_', SITE_VALUES),
                value: values.site,
              })}
            </div>
            <div class="col-12 col-md-4">
              ${selectInput(context, errors, {
                name: 'route',
                label: t(context, 'vpRoute'),
                options: optionsOf(context, 'vpRoute_', ROUTE_VALUES),
                value: values.route,
              })}
            </div>
            <div class="col-12 col-md-6">
              ${textInput(context, errors, {
                name: 'administeredOn',
                label: t(context, 'vpAdministeredOn'),
                type: 'date',
                value: values.administeredOn,
              })}
            </div>
            <div class="col-12 col-md-6">
              ${textInput(context, errors, {
                name: 'administeredTime',
                label: t(context, 'vpAdministeredTime'),
                type: 'time',
                value: values.administeredTime,
              })}
            </div>
          </div>
          ${selectInput(context, errors, {
            name: 'riskCategory',
            label: t(context, 'vpRiskCategory'),
            options: view.riskCategories,
            value: values.riskCategory,
          })}
          ${textInput(context, errors, {
            name: 'healthCondition',
            label: t(context, 'vpHealthCondition'),
            value: values.healthCondition,
            maxlength: 200,
          })}
          ${selectInput(context, errors, {
            name: 'paymentMode',
            label: t(context, 'vpPaymentMode'),
            options: optionsOf(context, 'vpPayment_', PAYMENT_VALUES),
            value: values.paymentMode,
          })}
          ${checkbox(context, errors, {
            name: 'additionalDose',
            label: t(context, 'vpAdditionalDose'),
            checked: values.additionalDose === 'yes',
          })}
          ${
            view.showOverride
              ? overrideField(context, errors, view.findings, values.override === 'yes')
              : null
          }
        </fieldset>
        <fieldset class="mb-4">
          <legend class="h5">${t(context, 'vpContactsLegend')}</legend>
          <p class="form-text">
            ${
              view.previousContacts === undefined
                ? t(context, 'vpContactsNoPrevious')
                : t(context, 'vpContactsPrevious', { date: view.previousContacts })
            }
          </p>
          <div class="row">
            <div class="col-12 col-md-6">
              ${textInput(context, errors, {
                name: 'mobile',
                label: t(context, 'vpMobile'),
                hint: t(context, 'vpMobileHint'),
                type: 'tel',
                value: values.mobile,
                maxlength: 20,
                autocomplete: 'off',
              })}
            </div>
            <div class="col-12 col-md-6">
              ${textInput(context, errors, {
                name: 'email',
                label: t(context, 'vpEmail'),
                hint: t(context, 'vpEmailHint'),
                type: 'email',
                value: values.email,
                maxlength: 254,
                autocomplete: 'off',
              })}
            </div>
          </div>
          ${checkbox(context, errors, {
            name: 'confirmed',
            label: t(context, 'vpContactsConfirmed'),
            hint: t(context, 'vpContactsConfirmedHint'),
            checked: values.confirmed === 'yes',
          })}
        </fieldset>
        <fieldset class="mb-4">
          <legend class="h5">${t(context, 'vpConsentLegend')}</legend>
          ${
            view.consentMode === 'cycle'
              ? html`<p class="form-text">${t(context, 'vpConsentCycle')}</p>
                  ${choiceGroup(context, errors, {
                    name: 'healthChanged',
                    legend: t(context, 'vpHealthChanged'),
                    options: [
                      { value: 'no', label: t(context, 'vpNo') },
                      { value: 'yes', label: t(context, 'vpYes') },
                    ],
                    values: values.healthChanged === undefined ? [] : [values.healthChanged],
                  })}`
              : html`${
                  errors.some((error) => error.field === 'consent')
                    ? html`<p class="field-error" id="consent-error">
                        <strong>${t(context, 'errorWord')}</strong>
                        ${errors.find((error) => error.field === 'consent')?.message}
                      </p>`
                    : null
                }
                ${consentFields(context, errors, values, { withInformationNote: true, withSignerName: true })}`
          }
        </fieldset>
        <button type="submit" class="btn btn-primary">${t(context, 'vpRecordSubmit')}</button>
        <a class="btn btn-outline-primary ms-2" href="${VP_BASE}/persons/${String(view.person.id)}"
          >${t(context, 'vpCancel')}</a
        >
      </form>`,
    errors,
  );
}

// ------------------------------------------------------------------------------------------------
// After recording: the administration, the certificate to come (VAX-20), the next person

export function administrationPage(
  context: PageContext,
  role: StaffRole,
  view: {
    person: PersonSummary;
    administration: HistoryRow & { site: string; route: string; volumeMl: number; lotExpiry: string };
    covid: boolean;
    contacts: { mobile: string | null; email: string | null } | null;
    done: string | undefined;
  },
): SafeHtml {
  const { administration: row, person } = view;
  const recorded = view.done === 'recorded';
  const title = recorded ? t(context, 'vpRecordedTitle') : t(context, 'vpAdministrationTitle');
  const contacts = [view.contacts?.mobile, view.contacts?.email].filter((c): c is string => !!c);
  const summary = (key: TextKey, value: HtmlValue) =>
    html`<div class="summary-row">
      <dt>${t(context, key)}</dt>
      <dd>${value}</dd>
    </div>`;
  return page(
    context,
    role,
    title,
    html`${
        recorded
          ? html`<div class="alert alert-success" role="status">
              <p class="mb-0">${t(context, 'vpRecordedFor', { name: person.name })}</p>
            </div>`
          : null
      }
      <h1>${title}</h1>
      ${
        view.covid
          ? html`<p class="lead">
              ${
                contacts.length > 0
                  ? t(context, 'vpCertificateWillBeIssued', { contacts: contacts.join(', ') })
                  : t(context, 'vpCertificateNoContacts')
              }
            </p>`
          : null
      }
      <dl class="summary-list">
        ${summary('vpColName', person.name)}
        ${summary('vpColWhen', formatDateTime(row.administeredAt, context.language))}
        ${summary('vpColProduct', row.productName)}
        ${summary('vpColDose', html`${row.doseNumber} (${label(context, `vpKind_${row.doseKind}`)})`)}
        ${summary('vpColLot', `${row.lot} · ${shortDate(row.lotExpiry)}`)}
        ${summary('vpSite', label(context, `vpSite_${row.site}`))}
        ${summary('vpRoute', label(context, `vpRoute_${row.route}`))} ${summary('vpPoint', row.pointName)}
      </dl>
      <p>
        ${buttonLink(VP_BASE, t(context, 'vpNextPerson'), 'primary', true)}
        ${buttonLink(
          `${VP_BASE}/persons/${String(person.id)}/administrations/${String(row.id)}/dose-number`,
          t(context, 'vpDoseNumberLink'),
        )}
        ${buttonLink(`${VP_BASE}/persons/${String(person.id)}`, t(context, 'vpBackToPerson'))}
      </p>`,
  );
}

// ------------------------------------------------------------------------------------------------
// VAX-7: the dose-number screen and the forcing

export function doseScreenPage(
  context: PageContext,
  role: StaffRole,
  view: {
    person: PersonSummary;
    administrationId: number;
    administeredAt: Date;
    productName: string;
    assigned: number;
    current: number;
    proposed: number | null;
    nationalSituation: readonly ComparedDose[] | null;
    forcedBefore: boolean;
    values: FormValues;
    errors: readonly FieldError[];
    done: string | undefined;
  },
): SafeHtml {
  const title = t(context, 'vpDoseScreenTitle');
  const action = `${VP_BASE}/persons/${String(view.person.id)}/administrations/${String(view.administrationId)}/dose-number`;
  const summary = (key: TextKey, value: HtmlValue) =>
    html`<div class="summary-row">
      <dt>${t(context, key)}</dt>
      <dd>${value}</dd>
    </div>`;
  return page(
    context,
    role,
    title,
    html`${errorSummary(context, view.errors)}${doneNote(context, view.done)}
      <h1>${title}</h1>
      <p class="lead">${view.person.name} · ${view.productName}</p>
      ${
        view.forcedBefore
          ? html`<div class="alert alert-warning">${t(context, 'vpForcedBeforeWarning')}</div>`
          : null
      }
      <dl class="summary-list">
        ${summary('vpAdministeredOn', formatDateTime(view.administeredAt, context.language))}
        ${summary('vpAssigned', String(view.assigned))} ${summary('vpCurrent', String(view.current))}
        ${summary('vpProposedNational', view.proposed === null ? t(context, 'vpUnknown') : String(view.proposed))}
      </dl>
      <h2 class="h4">${t(context, 'vpNationalSituation')}</h2>
      ${
        view.nationalSituation === null
          ? html`<div class="alert alert-warning">${t(context, 'vpNationalUnavailable')}</div>`
          : view.nationalSituation.length === 0
            ? html`<p>${t(context, 'vpNationalNone')}</p>`
            : dosesElsewhereTable(
                context,
                t(context, 'vpNationalSituation'),
                view.nationalSituation.map((dose) => ({
                  on: dose.date,
                  product: dose.productCode,
                  doseNumber: dose.doseNumber,
                  where: dose.countryCode ?? dose.regionCode ?? '',
                })),
              )
      }
      <form method="post" action="${action}" novalidate>
        ${csrfField(context)}
        ${textInput(context, view.errors, {
          name: 'doseNumber',
          label: t(context, 'vpDoseToSet'),
          value: view.values.doseNumber,
          inputmode: 'numeric',
          maxlength: 2,
          size: 'short',
          autofocus: view.errors.length === 0,
        })}
        ${textArea(context, view.errors, {
          name: 'reason',
          label: t(context, 'vpForceReason'),
          value: view.values.reason,
          maxlength: 500,
        })}
        <button type="submit" class="btn btn-primary">${t(context, 'vpForceSubmit')}</button>
        <a class="btn btn-outline-primary ms-2" href="${VP_BASE}/persons/${String(view.person.id)}"
          >${t(context, 'vpBackToPerson')}</a
        >
      </form>`,
    view.errors,
  );
}

// ------------------------------------------------------------------------------------------------
// VAX-16 infection entry, CONS-5 refusal, VAX-19 anomaly report

/**
 * The infection form: a new entry (VAX-16), or the correction of one an operator entered (VAX-14), whose
 * place stays as entered since the API corrects only the test type and the dates.
 */
export type InfectionFormMode =
  | { kind: 'enter' }
  | { kind: 'correct'; infectionId: number; countryCode: string | null; regionCode: string | null };

export function infectionPage(
  context: PageContext,
  role: StaffRole,
  view: {
    person: PersonSummary;
    mode: InfectionFormMode;
    values: FormValues;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const { values, errors, mode } = view;
  const personPath = `${VP_BASE}/persons/${String(view.person.id)}`;
  const correcting = mode.kind === 'correct';
  const title = t(context, correcting ? 'vpInfectionCorrectTitle' : 'vpInfectionTitle', {
    name: view.person.name,
  });
  const place = correcting
    ? html`<dl class="summary-list">
        <div class="summary-row">
          <dt>${t(context, 'vpTestWhere')}</dt>
          <dd>
            ${
              mode.countryCode === null
                ? `${t(context, 'vpTestInItaly')} · ${t(context, 'vpRegionCode')} ${mode.regionCode ?? ''}`
                : `${t(context, 'vpTestAbroad')} · ${t(context, 'vpCountryCode')} ${mode.countryCode}`
            }
          </dd>
        </div>
      </dl>`
    : html`${choiceGroup(context, errors, {
        name: 'abroad',
        legend: t(context, 'vpTestWhere'),
        options: [
          { value: 'no', label: t(context, 'vpTestInItaly') },
          { value: 'yes', label: t(context, 'vpTestAbroad') },
        ],
        values: [values.abroad ?? 'no'],
      })}
      ${textInput(context, errors, {
        name: 'regionCode',
        label: t(context, 'vpRegionCode'),
        hint: t(context, 'vpRegionCodeHint'),
        value: values.regionCode,
        inputmode: 'numeric',
        maxlength: 2,
        size: 'short',
      })}
      ${textInput(context, errors, {
        name: 'countryCode',
        label: t(context, 'vpCountryCode'),
        hint: t(context, 'vpCountryCodeHint'),
        value: values.countryCode,
        code: true,
        maxlength: 2,
        size: 'short',
      })}`;
  return page(
    context,
    role,
    title,
    html`${errorSummary(context, errors, { testType: 'testType-0', abroad: 'abroad-0' })}
      <h1>${title}</h1>
      <p class="lead">${t(context, correcting ? 'vpInfectionCorrectIntro' : 'vpInfectionIntro')}</p>
      <form
        method="post"
        action="${personPath}/infections${correcting ? `/${String(mode.infectionId)}` : ''}"
        novalidate
      >
        ${csrfField(context)}
        ${textInput(context, errors, {
          name: 'sampledOn',
          label: t(context, 'vpSampledOn'),
          type: 'date',
          value: values.sampledOn,
          autofocus: errors.length === 0,
        })}
        ${textInput(context, errors, {
          name: 'resultOn',
          label: t(context, 'vpResultOn'),
          type: 'date',
          value: values.resultOn,
        })}
        ${textInput(context, errors, {
          name: 'recoveredOn',
          label: t(context, 'vpRecoveredOnLabel'),
          hint: t(context, 'vpRecoveredOnHint'),
          type: 'date',
          value: values.recoveredOn,
        })}
        ${choiceGroup(context, errors, {
          name: 'testType',
          legend: t(context, 'vpTestType'),
          options: optionsOf(context, 'vpTest_', TEST_TYPE_VALUES),
          values: values.testType === undefined ? [] : [values.testType],
        })}
        ${place}
        <button type="submit" class="btn btn-primary">
          ${t(context, correcting ? 'vpInfectionCorrectSubmit' : 'vpInfectionSubmit')}
        </button>
        <a class="btn btn-outline-primary ms-2" href="${personPath}">${t(context, 'vpCancel')}</a>
      </form>`,
    errors,
  );
}

export function refusalPage(
  context: PageContext,
  role: StaffRole,
  view: { person: PersonSummary; values: FormValues; errors: readonly FieldError[] },
): SafeHtml {
  const { values, errors } = view;
  const title = t(context, 'vpRefusalTitle', { name: view.person.name });
  return page(
    context,
    role,
    title,
    html`${errorSummary(context, errors)}
      <h1>${title}</h1>
      <p class="lead">${t(context, 'vpRefusalIntro')}</p>
      <form method="post" action="${VP_BASE}/persons/${String(view.person.id)}/refusal" novalidate>
        ${csrfField(context)}
        ${textInput(context, errors, {
          name: 'signerName',
          label: t(context, 'vpSignerName'),
          value: values.signerName,
          maxlength: 200,
          autocomplete: 'off',
          autofocus: errors.length === 0,
        })}
        ${consentFields(context, errors, values, { withInformationNote: false, withSignerName: false })}
        ${checkbox(context, errors, {
          name: 'healthWorker',
          label: t(context, 'vpHealthWorker'),
          checked: values.healthWorker === 'yes',
        })}
        <button type="submit" class="btn btn-primary">${t(context, 'vpRefusalSubmit')}</button>
        <a class="btn btn-outline-primary ms-2" href="${VP_BASE}/persons/${String(view.person.id)}"
          >${t(context, 'vpCancel')}</a
        >
      </form>`,
    errors,
  );
}

export function anomalyPage(
  context: PageContext,
  role: StaffRole,
  view: {
    person: PersonSummary;
    administrations: readonly Option[];
    values: FormValues;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const { values, errors } = view;
  const title = t(context, 'vpReportTitle', { name: view.person.name });
  return page(
    context,
    role,
    title,
    html`${errorSummary(context, errors, { concerns: 'concerns-0' })}
      <h1>${title}</h1>
      <p class="lead">${t(context, 'vpReportIntro')}</p>
      <form method="post" action="${VP_BASE}/persons/${String(view.person.id)}/anomaly-report" novalidate>
        ${csrfField(context)}
        ${textArea(context, errors, {
          name: 'description',
          label: t(context, 'vpReportDescription'),
          hint: t(context, 'vpReportDescriptionHint'),
          value: values.description,
          maxlength: 2000,
          autofocus: errors.length === 0,
        })}
        ${choiceGroup(context, errors, {
          name: 'concerns',
          legend: t(context, 'vpReportConcerns'),
          options: [
            { value: 'registry', label: t(context, 'vpConcerns_registry') },
            { value: 'national', label: t(context, 'vpConcerns_national') },
          ],
          values: values.concerns === undefined ? [] : [values.concerns],
        })}
        ${selectInput(context, errors, {
          name: 'administrationId',
          label: t(context, 'vpReportAdministration'),
          options: [
            { value: 'none', label: t(context, 'vpReportNoAdministration') },
            ...view.administrations,
          ],
          value: values.administrationId ?? 'none',
        })}
        <button type="submit" class="btn btn-primary">${t(context, 'vpReportSubmit')}</button>
        <a class="btn btn-outline-primary ms-2" href="${VP_BASE}/persons/${String(view.person.id)}"
          >${t(context, 'vpCancel')}</a
        >
      </form>`,
    errors,
  );
}

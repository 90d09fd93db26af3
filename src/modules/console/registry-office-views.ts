import type { StaffRole } from '../../platform/auth/roles.ts';
import type { AnswerOutcome } from '../registry/foreigners.ts';
import { ANOMALY_STATUSES } from '../vaccination/tables.ts';
import { choiceGroup, errorSummary, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { csrfField, formatDateTime, t, type PageContext } from '../portal/layout.ts';
import { fileInput, formatNumber } from './authority-views.ts';
import { dataTable, pager, successNotice } from './console-kit.ts';
import { consolePage } from './views.ts';

/*
 * The health authority's registry office (authority console): the anomaly reports operators file (VAX-19)
 * and the foreigners' TS identifiers, the request file and its answer (REG-9).
 */

export type AnomalyStatus = (typeof ANOMALY_STATUSES)[number];
export const REPORT_MOVES = ['in_progress', 'closed'] as const;
export type ReportMove = (typeof REPORT_MOVES)[number];
export const REPORTS_PAGE_SIZE = 50;

export interface ReportLine {
  id: number;
  personId: number;
  administrationId: number | null;
  concerns: 'registry' | 'national';
  description: string;
  authority: string;
  status: AnomalyStatus;
  resolution: string | null;
  createdAt: Date;
  createdBy: string | null;
}

const statusText = (context: PageContext, status: AnomalyStatus): string =>
  t(context, `vpReportStatus_${status}`);

export function reportsPage(
  context: PageContext,
  role: StaffRole,
  view: {
    status: AnomalyStatus | undefined;
    page: number;
    total: number;
    reports: readonly ReportLine[];
    errors: readonly FieldError[];
  },
): SafeHtml {
  const pages = Math.max(1, Math.ceil(view.total / REPORTS_PAGE_SIZE));
  const link = (page: number) =>
    `/console/anomaly-reports?${new URLSearchParams({ status: view.status ?? '', page: String(page) }).toString()}`;
  return consolePage(context, role, {
    title: t(context, 'roReportsTitle'),
    current: '/console/anomaly-reports',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors, { status: 'status-0' })}
      <h1>${t(context, 'roReportsTitle')}</h1>
      <p class="lead">${t(context, 'roReportsIntro')}</p>
      <form method="get" action="/console/anomaly-reports" class="row align-items-end mb-3" novalidate>
        <div class="col-12 col-md-5">
          ${choiceGroup(context, view.errors, {
            name: 'status',
            legend: t(context, 'authStatusColumn'),
            values: [view.status ?? ''],
            options: [
              { value: '', label: t(context, 'authAnyOption') },
              ...ANOMALY_STATUSES.map((status) => ({ value: status, label: statusText(context, status) })),
            ],
          })}
        </div>
        <div class="col-12 col-md-3 mb-4">
          <button type="submit" class="btn btn-outline-primary">${t(context, 'authShowButton')}</button>
        </div>
      </form>
      ${dataTable(
        t(context, 'roReportsCaption', { total: formatNumber(context, view.total), page: view.page, pages }),
        [
          t(context, 'roReportColumn'),
          t(context, 'roFiledColumn'),
          t(context, 'authAuthorityColumn'),
          t(context, 'roPersonColumn'),
          t(context, 'vpReportConcerns'),
          t(context, 'authStatusColumn'),
        ],
        view.reports.map(
          (report) =>
            html`<tr>
              <th scope="row"><a href="/console/anomaly-reports/${report.id}">#${report.id}</a></th>
              <td>${formatDateTime(report.createdAt, context.language)}</td>
              <td>${report.authority}</td>
              <td>${report.personId}</td>
              <td>${t(context, `vpConcerns_${report.concerns}`)}</td>
              <td>${statusText(context, report.status)}</td>
            </tr>`,
        ),
        t(context, 'roReportsNone'),
      )}
      ${pager(
        context,
        view.page > 1 ? link(view.page - 1) : undefined,
        view.page < pages ? link(view.page + 1) : undefined,
      )}`,
  });
}

export interface HistoryLine {
  at: Date;
  actor: string | null;
  role: string | null;
  action: string;
}

const actionText = (context: PageContext, action: string): string =>
  action === 'file' || action === 'in_progress' || action === 'closed'
    ? t(context, `roAction_${action}`)
    : action;

const figure = (label: string, value: HtmlValue): HtmlValue =>
  html`<dt class="col-5 col-md-3">${label}</dt>
    <dd class="col-7 col-md-9">${value}</dd>`;

export function reportPage(
  context: PageContext,
  role: StaffRole,
  view: {
    report: ReportLine;
    history: readonly HistoryLine[];
    done: ReportMove | undefined;
    values: { status?: string | undefined; resolution?: string | undefined };
    errors: readonly FieldError[];
  },
): SafeHtml {
  const { report } = view;
  const title = t(context, 'roReportTitle', { id: report.id });
  return consolePage(context, role, {
    title,
    current: '/console/anomaly-reports',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors, { status: 'status-0' })}
      ${successNotice(view.done === undefined ? undefined : t(context, `roDone_${view.done}`))}
      <h1>${title}</h1>
      <dl class="row">
        ${figure(t(context, 'authStatusColumn'), statusText(context, report.status))}
        ${figure(t(context, 'roPersonColumn'), String(report.personId))}
        ${report.administrationId === null ? null : figure(t(context, 'roAdministration'), String(report.administrationId))}
        ${figure(t(context, 'vpReportConcerns'), t(context, `vpConcerns_${report.concerns}`))}
        ${figure(t(context, 'vpReportDescription'), report.description)}
        ${figure(t(context, 'authAuthorityColumn'), report.authority)}
        ${figure(t(context, 'roFiledBy'), report.createdBy ?? '–')}
        ${figure(t(context, 'roFiledColumn'), formatDateTime(report.createdAt, context.language))}
        ${report.resolution === null ? null : figure(t(context, 'roResolution'), report.resolution)}
      </dl>
      ${
        report.status === 'closed'
          ? html`<p>${t(context, 'roClosedNote')}</p>`
          : html`<form method="post" action="/console/anomaly-reports/${report.id}" novalidate class="mb-5">
              ${csrfField(context)}
              ${choiceGroup(context, view.errors, {
                name: 'status',
                legend: t(context, 'roMoveLegend'),
                values: [view.values.status ?? (report.status === 'open' ? 'in_progress' : 'closed')],
                options: REPORT_MOVES.filter((move) => move !== report.status).map((move) => ({
                  value: move,
                  label: t(context, `roMove_${move}`),
                })),
              })}
              ${textInput(context, view.errors, {
                name: 'resolution',
                label: t(context, 'roResolution'),
                hint: t(context, 'roResolutionHint'),
                value: view.values.resolution,
                maxlength: 2000,
                autofocus: true,
              })}
              <button type="submit" class="btn btn-primary">${t(context, 'roMoveButton')}</button>
            </form>`
      }
      <h2 class="h4">${t(context, 'roHistory')}</h2>
      ${dataTable(
        t(context, 'roHistoryCaption'),
        [t(context, 'roWhen'), t(context, 'roWho'), t(context, 'roAction')],
        view.history.map(
          (line) =>
            html`<tr>
              <td>${formatDateTime(line.at, context.language)}</td>
              <td>${line.actor ?? '–'}${line.role === null ? null : html` (${line.role})`}</td>
              <td>${actionText(context, line.action)}</td>
            </tr>`,
        ),
        '–',
      )}
      <p><a href="/console/anomaly-reports">${t(context, 'roBackToReports')}</a></p>`,
  });
}

export interface ImportOutcome {
  fileName: string;
  outcomes: readonly AnswerOutcome[];
}

/** The outcomes of a row not attached: listed with their line and reason. */
type Refused = Exclude<AnswerOutcome['outcome'], 'attached' | 'already_attached'>;

const countOf = (outcomes: readonly AnswerOutcome[], kind: AnswerOutcome['outcome']): number =>
  outcomes.filter((outcome) => outcome.outcome === kind).length;

function importOutcome(context: PageContext, result: ImportOutcome): HtmlValue {
  const refused = result.outcomes.filter(
    (outcome): outcome is AnswerOutcome & { outcome: Refused } =>
      outcome.outcome !== 'attached' && outcome.outcome !== 'already_attached',
  );
  return html`<section class="mb-5" aria-labelledby="import-outcome">
    <h2 class="h4" id="import-outcome" tabindex="-1" autofocus>
      ${t(context, 'roOutcomeHeading', { file: result.fileName })}
    </h2>
    <ul>
      <li>${t(context, 'roAttached', { count: countOf(result.outcomes, 'attached') })}</li>
      <li>${t(context, 'roAlreadyAttached', { count: countOf(result.outcomes, 'already_attached') })}</li>
    </ul>
    ${dataTable(
      t(context, 'roUnmatchedCaption', { count: refused.length }),
      [t(context, 'roLineColumn'), t(context, 'roReasonColumn')],
      refused.map(
        (outcome) =>
          html`<tr>
            <th scope="row">${outcome.line}</th>
            <td>${t(context, `roOutcome_${outcome.outcome}`)}: ${outcome.detail}</td>
          </tr>`,
      ),
      t(context, 'roUnmatchedNone'),
    )}
  </section>`;
}

export function foreignersPage(
  context: PageContext,
  role: StaffRole,
  view: { pending: number; result: ImportOutcome | undefined; errors: readonly FieldError[] },
): SafeHtml {
  return consolePage(context, role, {
    title: t(context, 'roForeignersTitle'),
    current: '/console/foreigners',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${t(context, 'roForeignersTitle')}</h1>
      <p class="lead">${t(context, 'roForeignersIntro')}</p>
      ${view.result === undefined ? null : importOutcome(context, view.result)}
      <p>${t(context, 'roPendingCount', { count: formatNumber(context, view.pending) })}</p>
      <p>
        <a class="btn btn-outline-primary me-2" href="/console/foreigners/request.csv" download
          >${t(context, 'roDownloadCsv')}</a
        >
        <a class="btn btn-outline-primary" href="/console/foreigners/request.xlsx" download
          >${t(context, 'roDownloadXlsx')}</a
        >
      </p>
      <h2 class="h4">${t(context, 'roAnswerHeading')}</h2>
      <form method="post" action="/console/foreigners" enctype="multipart/form-data" novalidate class="mb-5">
        ${csrfField(context)}
        ${fileInput(context, view.errors, { label: t(context, 'roAnswerFile'), hint: t(context, 'roAnswerHint') })}
        <button type="submit" class="btn btn-primary">${t(context, 'roAnswerButton')}</button>
      </form>`,
  });
}

import type { StaffRole } from '../../platform/auth/roles.ts';
import type { Language } from '../../platform/i18n.ts';
import { choiceGroup, errorSummary, selectInput, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { csrfField, formatDateTime, t, type PageContext } from '../portal/layout.ts';
import type { TextKey } from '../portal/texts.ts';
import { ACCESSIBILITY_FEATURES, HUB_STATUSES, type HubStatus } from '../booking/tables.ts';
import { LIST_TYPES } from '../eligibility/tables.ts';
import { ROW_REJECTIONS } from '../eligibility/lists/rows.ts';
import { dataTable, filterSelect, pager, successNotice } from './console-kit.ts';
import { consolePage } from './views.ts';

/*
 * The authority console's pages (issue 9, ADR 0018): hubs and their days (BOOK-1..3), list uploads with
 * their progress (ELIG-18, UX-4), plan versions (ELIG-1), late records (VAX-3), the national outbox
 * (NAT-1) and the messages sent (BOOK-17, BOOK-18). Views are data in, HTML out; the routes are in
 * authority-pages.ts.
 */

const locale = (language: Language): string => (language === 'it' ? 'it-IT' : 'en-GB');

export const formatNumber = (context: PageContext, value: number): string =>
  new Intl.NumberFormat(locale(context.language)).format(value);

export const formatShare = (context: PageContext, share: number): string =>
  new Intl.NumberFormat(locale(context.language), { style: 'percent', maximumFractionDigits: 1 }).format(
    share,
  );

/** A calendar day as "lun 12 apr 2021": the console's tables are dense. */
export const formatDay = (context: PageContext, day: string): string =>
  new Intl.DateTimeFormat(locale(context.language), {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(`${day}T00:00:00Z`));

export const formatDuration = (context: PageContext, ms: number | null): string => {
  if (ms === null) return '–';
  if (ms < 1000) return `${formatNumber(context, ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 120)
    return `${new Intl.NumberFormat(locale(context.language), { maximumFractionDigits: 1 }).format(seconds)} s`;
  return `${formatNumber(context, Math.round(seconds / 60))} min`;
};

export const AUTHORITY_ROLES = ['asl_admin', 'region_admin'] as const satisfies readonly StaffRole[];

const statusLabel = (context: PageContext, status: HubStatus | null): string =>
  status === null ? t(context, 'hubNotConfigured') : t(context, `hubStatus_${status}`);

// ---------------------------------------------------------------------------------------------------
// Hubs (BOOK-1..3)

export interface HubListItem {
  id: number;
  code: string;
  name: string;
  municipality: string;
  healthAuthorityCode: string;
  stations: number | null;
  status: HubStatus | null;
}

export function hubsPage(context: PageContext, role: StaffRole, hubs: readonly HubListItem[]): SafeHtml {
  return consolePage(context, role, {
    title: t(context, 'authHubsTitle'),
    current: '/console/hubs',
    body: html`<h1>${t(context, 'authHubsTitle')}</h1>
      <p class="lead">${t(context, 'authHubsIntro')}</p>
      ${dataTable(
        t(context, 'hubsCaption', { count: hubs.length }),
        [
          t(context, 'authHubColumn'),
          t(context, 'municipality'),
          t(context, 'authAuthorityColumn'),
          t(context, 'authStationsColumn'),
          t(context, 'authStatusColumn'),
        ],
        hubs.map(
          (hub) =>
            html`<tr>
              <th scope="row">
                <a href="/console/hubs/${hub.id}">${hub.name}</a> <span class="text-muted">${hub.code}</span>
              </th>
              <td>${hub.municipality}</td>
              <td>${hub.healthAuthorityCode}</td>
              <td>${hub.stations ?? '–'}</td>
              <td>${statusLabel(context, hub.status)}</td>
            </tr>`,
        ),
        t(context, 'hubsNone'),
      )}`,
  });
}

export interface HubDayLine {
  day: string;
  capacity: number;
  booked: number;
  doses: number;
  dosesBooked: number;
}

export interface HubPageView {
  hub: HubListItem & { address: string; accessibility: readonly string[] };
  days: readonly HubDayLine[];
  values?: { stations?: string | undefined; accessibility?: readonly string[]; status?: string | undefined };
  errors: readonly FieldError[];
  saved?: boolean;
  today: string;
}

export function hubPage(context: PageContext, role: StaffRole, view: HubPageView): SafeHtml {
  const { hub } = view;
  const values = view.values ?? {
    stations: hub.stations === null ? '' : String(hub.stations),
    accessibility: hub.accessibility,
    status: hub.status ?? 'reserve',
  };
  return consolePage(context, role, {
    title: hub.name,
    current: '/console/hubs',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors, { accessibility: 'accessibility-0', status: 'status-0' })}
      ${successNotice(view.saved ? t(context, 'hubSaved') : undefined)}
      <p><a href="/console/hubs">${t(context, 'backToHubs')}</a></p>
      <h1>${hub.name}</h1>
      <p class="lead">
        ${hub.address}, ${hub.municipality} · ${hub.healthAuthorityCode} · ${statusLabel(context, hub.status)}
      </p>
      <div class="row">
        <div class="col-12 col-lg-5">
          <h2 class="h4">${t(context, 'hubSettingsTitle')}</h2>
          <form method="post" action="/console/hubs/${hub.id}" novalidate>
            ${csrfField(context)}
            ${textInput(context, view.errors, {
              name: 'stations',
              label: t(context, 'authStationsLabel'),
              autofocus: view.errors.length === 0,
              hint: t(context, 'stationsHint'),
              value: values.stations,
              type: 'number',
              inputmode: 'numeric',
              min: '5',
              size: 'short',
            })}
            ${choiceGroup(context, view.errors, {
              name: 'status',
              legend: t(context, 'hubStatusLegend'),
              options: HUB_STATUSES.map((status) => ({
                value: status,
                label: t(context, `hubStatus_${status}`),
                hint: t(context, `hubStatusHint_${status}`),
              })),
              values: values.status === undefined ? [] : [values.status],
            })}
            ${choiceGroup(context, view.errors, {
              name: 'accessibility',
              legend: t(context, 'accessibilityLegend'),
              type: 'checkbox',
              options: ACCESSIBILITY_FEATURES.map((feature) => ({
                value: feature,
                label: t(context, `feature_${feature}`),
              })),
              values: values.accessibility ?? [],
            })}
            <button type="submit" class="btn btn-primary">${t(context, 'authSaveButton')}</button>
          </form>
        </div>
        <div class="col-12 col-lg-7">
          <h2 class="h4">${t(context, 'hubDaysTitle')}</h2>
          <form method="get" action="/console/hubs/${hub.id}/day" class="mb-3" novalidate>
            ${textInput(context, [], {
              name: 'day',
              label: t(context, 'authDayLabel'),
              hint: t(context, 'authDayHint'),
              type: 'date',
              value: view.today,
              size: 'medium',
            })}
            <button type="submit" class="btn btn-outline-primary">${t(context, 'openDayButton')}</button>
          </form>
          ${dataTable(
            t(context, 'hubDaysCaption'),
            [
              t(context, 'authDayColumn'),
              t(context, 'authCapacityColumn'),
              t(context, 'authBookedColumn'),
              t(context, 'authDosesColumn'),
            ],
            view.days.map(
              (day) =>
                html`<tr>
                  <th scope="row">
                    <a href="/console/hubs/${hub.id}/day?day=${day.day}">${formatDay(context, day.day)}</a>
                  </th>
                  <td>${formatNumber(context, day.capacity)}</td>
                  <td>${formatNumber(context, day.booked)}</td>
                  <td>${formatNumber(context, day.dosesBooked)} / ${formatNumber(context, day.doses)}</td>
                </tr>`,
            ),
            t(context, 'hubDaysNone'),
          )}
        </div>
      </div>`,
  });
}

export interface HubDayView {
  hubId: number;
  hubName: string;
  hubStations: number | null;
  day: string;
  current:
    | {
        opensAt: string;
        closesAt: string;
        stations: number;
        minutesPerVaccination: number;
        slotMinutes: number;
      }
    | undefined;
  slots: number;
  capacity: number;
  booked: number;
  /** BOOK-12: slots a capacity change limited (a closed day, stations cut). */
  limitedSlots: number;
  stock: readonly { product: string; productName: string; doses: number | null; booked: number }[];
  values?: Record<string, string | undefined>;
  errors: readonly FieldError[];
  saved?: boolean;
}

const hhmm = (time: string): string => time.slice(0, 5);

export function hubDayPage(context: PageContext, role: StaffRole, view: HubDayView): SafeHtml {
  const current = view.current;
  const values = view.values ?? {
    opensAt: current === undefined ? '09:00' : hhmm(current.opensAt),
    closesAt: current === undefined ? '18:00' : hhmm(current.closesAt),
    stations: String(current?.stations ?? view.hubStations ?? ''),
    minutesPerVaccination: String(current?.minutesPerVaccination ?? 10),
    slotMinutes: String(current?.slotMinutes ?? 15),
    ...Object.fromEntries(
      view.stock.map((line) => [`stock_${line.product}`, line.doses === null ? '' : String(line.doses)]),
    ),
  };
  const title = t(context, 'hubDayTitle', { hub: view.hubName, day: formatDay(context, view.day) });
  const number = (name: string, label: TextKey, hint?: TextKey) =>
    textInput(context, view.errors, {
      name,
      label: t(context, label),
      ...(hint === undefined ? {} : { hint: t(context, hint) }),
      value: values[name],
      type: 'number',
      inputmode: 'numeric',
      size: 'short',
    });
  return consolePage(context, role, {
    title,
    current: '/console/hubs',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      ${successNotice(view.saved ? t(context, 'hubDaySaved') : undefined)}
      <p><a href="/console/hubs/${view.hubId}">${t(context, 'backToHub', { hub: view.hubName })}</a></p>
      <h1>${title}</h1>
      ${
        current === undefined
          ? html`<p class="lead">${t(context, 'hubDayNotOpen')}</p>`
          : html`<dl class="row">
              <dt class="col-6 col-md-3">${t(context, 'authHoursLabel')}</dt>
              <dd class="col-6 col-md-9">${hhmm(current.opensAt)}–${hhmm(current.closesAt)}</dd>
              <dt class="col-6 col-md-3">${t(context, 'authStationsColumn')}</dt>
              <dd class="col-6 col-md-9">${current.stations}</dd>
              <dt class="col-6 col-md-3">${t(context, 'placesLabel')}</dt>
              <dd class="col-6 col-md-9">
                ${t(context, 'placesValue', {
                  booked: formatNumber(context, view.booked),
                  capacity: formatNumber(context, view.capacity),
                  slots: formatNumber(context, view.slots),
                })}
              </dd>
            </dl>`
      }
      ${dataTable(
        t(context, 'stockCaption'),
        [t(context, 'authProductColumn'), t(context, 'authDosesColumn'), t(context, 'authBookedColumn')],
        view.stock
          .filter((line) => line.doses !== null)
          .map(
            (line) =>
              html`<tr>
                <th scope="row">${line.productName}</th>
                <td>${formatNumber(context, line.doses ?? 0)}</td>
                <td>${formatNumber(context, line.booked)}</td>
              </tr>`,
          ),
        t(context, 'stockNone'),
      )}
      <h2 class="h4 mt-4">${t(context, current === undefined ? 'hubDayOpenTitle' : 'hubDayChangeTitle')}</h2>
      ${
        view.hubStations === null
          ? html`<p>${t(context, 'hubDayConfigureFirst')}</p>`
          : html`<form method="post" action="/console/hubs/${view.hubId}/day" novalidate>
              ${csrfField(context)}
              <input type="hidden" name="day" value="${view.day}" />
              <div class="row">
                <div class="col-12 col-md-6">
                  ${textInput(context, view.errors, {
                    name: 'opensAt',
                    label: t(context, 'opensAtLabel'),
                    autofocus: view.errors.length === 0,
                    type: 'time',
                    value: values.opensAt,
                    size: 'medium',
                  })}
                  ${textInput(context, view.errors, {
                    name: 'closesAt',
                    label: t(context, 'closesAtLabel'),
                    type: 'time',
                    value: values.closesAt,
                    size: 'medium',
                  })}
                  ${number('stations', 'dayStationsLabel', 'dayStationsHint')}
                  ${number('minutesPerVaccination', 'minutesPerVaccinationLabel')}
                  ${number('slotMinutes', 'slotMinutesLabel')}
                </div>
                <fieldset class="col-12 col-md-6">
                  <legend class="form-legend">${t(context, 'stockLegend')}</legend>
                  <p class="form-text">${t(context, 'stockHint')}</p>
                  ${view.stock.map((line) =>
                    textInput(context, view.errors, {
                      name: `stock_${line.product}`,
                      label: line.productName,
                      value: values[`stock_${line.product}`],
                      type: 'number',
                      inputmode: 'numeric',
                      size: 'short',
                    }),
                  )}
                </fieldset>
              </div>
              ${
                view.limitedSlots === 0
                  ? null
                  : choiceGroup(context, view.errors, {
                      name: 'reopenClosedPlaces',
                      type: 'checkbox',
                      legend: t(context, 'limitedSlotsLegend'),
                      hint: t(context, 'limitedSlotsHint', {
                        slots: formatNumber(context, view.limitedSlots),
                      }),
                      options: [{ value: 'yes', label: t(context, 'reopenClosedPlacesLabel') }],
                      values: values.reopenClosedPlaces === 'yes' ? ['yes'] : [],
                    })
              }
              <button type="submit" class="btn btn-primary">${t(context, 'authSaveButton')}</button>
            </form>`
      }`,
  });
}

// ---------------------------------------------------------------------------------------------------
// List uploads (ELIG-18, UX-4)

export interface UploadLine {
  id: number;
  listType: string;
  sourceAuthority: string;
  fileName: string;
  status: 'running' | 'completed' | 'failed';
  failureCode: string | null;
  rowsTotal: number | null;
  rowsRead: number;
  rowsLoaded: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rejectedByReason: Record<string, number>;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface ListsPageView {
  authorities: readonly { code: string; name: string }[];
  listTypes: readonly { code: string; closedFrom: string | null }[];
  uploads: readonly UploadLine[];
  values: { listType?: string | undefined; sourceAuthority?: string | undefined };
  errors: readonly FieldError[];
}

const uploadStatus = (context: PageContext, upload: UploadLine): string =>
  t(context, `uploadStatus_${upload.status}`);

const percentOf = (upload: Pick<UploadLine, 'rowsRead' | 'rowsTotal' | 'status'>): number | null =>
  upload.status === 'completed'
    ? 100
    : upload.rowsTotal === null || upload.rowsTotal === 0
      ? null
      : Math.min(100, Math.floor((upload.rowsRead / upload.rowsTotal) * 100));

export function listsPage(context: PageContext, role: StaffRole, view: ListsPageView): SafeHtml {
  return consolePage(context, role, {
    title: t(context, 'listsTitle'),
    current: '/console/lists',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${t(context, 'listsTitle')}</h1>
      <p class="lead">${t(context, 'listsIntro')}</p>
      <form method="post" action="/console/lists" enctype="multipart/form-data" novalidate class="mb-5">
        ${csrfField(context)}
        ${selectInput(context, view.errors, {
          name: 'listType',
          label: t(context, 'listTypeLabel'),
          value: view.values.listType,
          options: LIST_TYPES.map((code) => {
            const closedFrom = view.listTypes.find((type) => type.code === code)?.closedFrom ?? null;
            return {
              value: code,
              label:
                closedFrom === null
                  ? t(context, `listType_${code}`)
                  : t(context, 'listTypeClosed', { type: t(context, `listType_${code}`), from: closedFrom }),
            };
          }),
        })}
        ${selectInput(context, view.errors, {
          name: 'sourceAuthority',
          label: t(context, 'sourceAuthorityLabel'),
          value:
            view.values.sourceAuthority ??
            (view.authorities.length === 1 ? view.authorities[0]?.code : undefined),
          options: view.authorities.map((authority) => ({
            value: authority.code,
            label: `${authority.name} (${authority.code})`,
          })),
        })}
        ${fileInput(context, view.errors)}
        <button type="submit" class="btn btn-primary">${t(context, 'uploadButton')}</button>
      </form>
      <h2 class="h4">${t(context, 'uploadsTitle')}</h2>
      ${dataTable(
        t(context, 'uploadsCaption'),
        [
          t(context, 'authFileColumn'),
          t(context, 'listTypeLabel'),
          t(context, 'authAuthorityColumn'),
          t(context, 'startedColumn'),
          t(context, 'authStatusColumn'),
          t(context, 'authRowsColumn'),
        ],
        view.uploads.map(
          (upload) =>
            html`<tr>
              <th scope="row"><a href="/console/lists/${upload.id}">${upload.fileName}</a></th>
              <td>${t(context, `listType_${upload.listType as (typeof LIST_TYPES)[number]}`)}</td>
              <td>${upload.sourceAuthority}</td>
              <td>${formatDateTime(upload.startedAt, context.language)}</td>
              <td>
                ${uploadStatus(context, upload)}${upload.status === 'running' ? ` (${percentOf(upload) ?? '…'}%)` : ''}
              </td>
              <td>${formatNumber(context, upload.rowsRead)}</td>
            </tr>`,
        ),
        t(context, 'uploadsNone'),
      )}`,
  });
}

/** The one file field of an upload form (`name="file"`, CSV or XLSX), its hint and error tied to it. */
export function fileInput(
  context: PageContext,
  errors: readonly FieldError[],
  words: { label: string; hint: string } = {
    label: t(context, 'listFileLabel'),
    hint: t(context, 'listFileHint'),
  },
): SafeHtml {
  const error = errors.find((one) => one.field === 'file');
  return html`<div class="mb-4 field${error ? ' field-invalid' : ''}">
    <label class="form-label d-block" for="file">${words.label}</label>
    <p class="form-text" id="file-hint">${words.hint}</p>
    ${
      error === undefined
        ? null
        : html`<p class="field-error" id="file-error">
            <strong>${t(context, 'errorWord')}</strong> ${error.message}
          </p>`
    }
    <input
      class="form-control"
      id="file"
      name="file"
      type="file"
      accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
      aria-describedby="file-hint${error ? ' file-error' : ''}"
      ${error ? html`aria-invalid="true"` : null}
    />
  </div>`;
}

/** The catalogue's words for a rejection, its per-row details (the report has them) left out. */
const reasonText = (code: string, language: Language): string =>
  (ROW_REJECTIONS[code as keyof typeof ROW_REJECTIONS]?.[language] ?? '').replace(/\{[a-zA-Z]+\}/g, '…');

export function uploadPage(
  context: PageContext,
  role: StaffRole,
  upload: UploadLine,
  assets: { script: string },
): SafeHtml {
  const percent = percentOf(upload);
  const running = upload.status === 'running';
  const progressText = t(context, 'uploadProgressText', {
    read: formatNumber(context, upload.rowsRead),
    total: upload.rowsTotal === null ? '?' : formatNumber(context, upload.rowsTotal),
    percent: percent ?? '?',
  });
  const language = context.language;
  const reasons = Object.entries(upload.rejectedByReason).sort(([a], [b]) => a.localeCompare(b));
  return consolePage(context, role, {
    title: t(context, 'uploadTitle', { file: upload.fileName }),
    current: '/console/lists',
    body: html`<p><a href="/console/lists">${t(context, 'backToLists')}</a></p>
      <h1>${t(context, 'uploadTitle', { file: upload.fileName })}</h1>
      <p class="lead">
        ${t(context, `listType_${upload.listType as (typeof LIST_TYPES)[number]}`)} ·
        ${upload.sourceAuthority} · ${formatDateTime(upload.startedAt, language)}
      </p>
      <div
        class="upload-progress mb-4"
        data-progress-url="${running ? `/lists/uploads/${upload.id}` : ''}"
        data-text-template="${t(context, 'uploadProgressText', { read: '{read}', total: '{total}', percent: '{percent}' })}"
      >
        <label for="upload-progress" class="form-label">${t(context, 'uploadProgressLabel')}</label>
        <progress
          id="upload-progress"
          class="w-100 d-block"
          ${upload.rowsTotal === null ? null : html`max="${upload.rowsTotal}"`}
          ${running && upload.rowsTotal === null ? null : html`value="${running ? upload.rowsRead : (upload.rowsTotal ?? 1)}"`}
        >
          ${percent === null ? '' : `${percent}%`}
        </progress>
        <p class="upload-progress-text" role="status" aria-live="polite">
          <span class="upload-status">${uploadStatus(context, upload)}</span>:
          <span class="upload-count">${progressText}</span>
        </p>
        ${
          running
            ? html`<p>
                  ${t(context, 'uploadRunningHint')}
                  <a href="/console/lists/${upload.id}" class="upload-refresh"
                    >${t(context, 'authRefreshLink')}</a
                  >
                </p>
                <script src="${assets.script}" defer></script>`
            : null
        }
      </div>
      ${
        upload.status === 'failed'
          ? html`<div class="alert alert-danger">
              ${t(context, 'uploadFailed', { code: upload.failureCode ?? '' })}
            </div>`
          : null
      }
      ${
        upload.status === 'completed'
          ? html`<h2 class="h4">${t(context, 'uploadSummaryTitle')}</h2>
              <dl class="row">
                ${(
                  [
                    ['rowsRead', upload.rowsRead],
                    ['rowsLoaded', upload.rowsLoaded],
                    ['rowsUpdated', upload.rowsUpdated],
                    ['rowsUnchanged', upload.rowsUnchanged],
                    ['rowsRejected', upload.rowsRejected],
                  ] as const
                ).map(
                  ([key, value]) =>
                    html`<dt class="col-8 col-md-3">${t(context, key)}</dt>
                      <dd class="col-4 col-md-9">${formatNumber(context, value)}</dd>`,
                )}
              </dl>
              ${
                reasons.length === 0
                  ? html`<p>${t(context, 'uploadNoRejections')}</p>`
                  : html`${dataTable(
                        t(context, 'rejectionsCaption'),
                        [
                          t(context, 'authReasonColumn'),
                          t(context, 'reasonTextColumn'),
                          t(context, 'authRowsColumn'),
                        ],
                        reasons.map(
                          ([code, count]) =>
                            html`<tr>
                              <th scope="row"><code>${code}</code></th>
                              <td>${reasonText(code, language)}</td>
                              <td class="text-end">${formatNumber(context, count)}</td>
                            </tr>`,
                        ),
                        '',
                      )}
                      <p>
                        <a
                          class="btn btn-outline-primary"
                          href="/lists/uploads/${upload.id}/rejections"
                          download
                          >${t(context, 'downloadRejections')}</a
                        >
                      </p>`
              }`
          : null
      }`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Plan versions (ELIG-1)

export interface PlanVersionLine {
  id: string;
  kind: string;
  regionCode: string | null;
  effectiveFrom: string;
  loadedAt: Date;
  sha256: string;
}

export function planPage(
  context: PageContext,
  role: StaffRole,
  view: {
    versions: readonly PlanVersionLine[];
    on: string;
    inForce: { national: string; calendar: string | null } | undefined;
    errors: readonly FieldError[];
  },
): SafeHtml {
  const inForce = new Set([view.inForce?.national, view.inForce?.calendar].filter((id) => id != null));
  return consolePage(context, role, {
    title: t(context, 'planTitle'),
    current: '/console/plan',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${t(context, 'planTitle')}</h1>
      <p class="lead">${t(context, 'planIntro')}</p>
      <form method="get" action="/console/plan" class="mb-3" novalidate>
        ${textInput(context, view.errors, {
          name: 'on',
          label: t(context, 'planOnLabel'),
          autofocus: view.errors.length === 0,
          type: 'date',
          value: view.on,
          size: 'medium',
        })}
        <button type="submit" class="btn btn-outline-primary">${t(context, 'authShowButton')}</button>
      </form>
      <p role="status">
        ${
          view.inForce === undefined
            ? t(context, 'planNoneInForce', { on: formatDay(context, view.on) })
            : t(context, 'planInForceOn', {
                on: formatDay(context, view.on),
                national: view.inForce.national,
                calendar: view.inForce.calendar ?? '–',
              })
        }
      </p>
      ${dataTable(
        t(context, 'planCaption'),
        [
          t(context, 'planVersionColumn'),
          t(context, 'planKindColumn'),
          t(context, 'effectiveFromColumn'),
          t(context, 'loadedAtColumn'),
          t(context, 'inForceColumn'),
        ],
        view.versions.map(
          (version) =>
            html`<tr>
              <th scope="row">${version.id}</th>
              <td>
                ${t(context, version.kind === 'national' ? 'planKindNational' : 'planKindRegional')}${version.regionCode === null ? '' : ` (${version.regionCode})`}
              </td>
              <td>${formatDay(context, version.effectiveFrom)}</td>
              <td>${formatDateTime(version.loadedAt, context.language)}</td>
              <td>
                ${inForce.has(version.id) ? html`<strong>${t(context, 'inForceYes')}</strong>` : t(context, 'inForceNo')}
              </td>
            </tr>`,
        ),
        t(context, 'planNone'),
      )}`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Late records (VAX-3)

export function lateRecordsPage(
  context: PageContext,
  role: StaffRole,
  view: {
    values: { from: string; to: string; lateAfterMinutes: string };
    rows: readonly {
      point: string;
      operator: string;
      recorded: number;
      late: number;
      latestDelayMinutes: number | null;
    }[];
    errors: readonly FieldError[];
  },
): SafeHtml {
  return consolePage(context, role, {
    title: t(context, 'lateTitle'),
    current: '/console/late-records',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${t(context, 'lateTitle')}</h1>
      <p class="lead">${t(context, 'lateIntro')}</p>
      <form method="get" action="/console/late-records" class="row align-items-end mb-3" novalidate>
        <div class="col-12 col-md-4">
          ${textInput(context, view.errors, { name: 'from', label: t(context, 'authFromLabel'), type: 'date', value: view.values.from })}
        </div>
        <div class="col-12 col-md-4">
          ${textInput(context, view.errors, { name: 'to', label: t(context, 'authToLabel'), type: 'date', value: view.values.to })}
        </div>
        <div class="col-12 col-md-4">
          ${textInput(context, view.errors, {
            name: 'lateAfterMinutes',
            label: t(context, 'lateAfterLabel'),
            type: 'number',
            inputmode: 'numeric',
            value: view.values.lateAfterMinutes,
            size: 'short',
          })}
        </div>
        <div class="col-12 mb-4">
          <button type="submit" class="btn btn-outline-primary">${t(context, 'authShowButton')}</button>
        </div>
      </form>
      ${dataTable(
        t(context, 'lateCaption'),
        [
          t(context, 'authPointColumn'),
          t(context, 'authOperatorColumn'),
          t(context, 'recordedColumn'),
          t(context, 'lateColumn'),
          t(context, 'latestDelayColumn'),
        ],
        view.rows.map(
          (row) =>
            html`<tr>
              <th scope="row">${row.point}</th>
              <td>${row.operator}</td>
              <td>${formatNumber(context, row.recorded)}</td>
              <td>${formatNumber(context, row.late)}</td>
              <td>
                ${row.latestDelayMinutes === null ? '–' : `${formatNumber(context, row.latestDelayMinutes)} min`}
              </td>
            </tr>`,
        ),
        t(context, 'lateNone'),
      )}`,
  });
}

// ---------------------------------------------------------------------------------------------------
// National outbox (NAT-1)

export interface NationalFlowFigures {
  pending: number;
  failing: number;
  oldestPendingSince: Date | null;
  acknowledgedLastHour: number;
  lagMsP50: number | null;
  lagMsP95: number | null;
  lagMsMax: number | null;
}

export function nationalFlowPage(
  context: PageContext,
  role: StaffRole,
  figures: NationalFlowFigures,
  chart: HtmlValue,
): SafeHtml {
  const items: [TextKey, string][] = [
    ['outboxPending', formatNumber(context, figures.pending)],
    ['outboxFailing', formatNumber(context, figures.failing)],
    [
      'outboxOldest',
      figures.oldestPendingSince === null
        ? '–'
        : formatDateTime(figures.oldestPendingSince, context.language),
    ],
    ['outboxAcknowledged', formatNumber(context, figures.acknowledgedLastHour)],
    ['outboxLagP50', formatDuration(context, figures.lagMsP50)],
    ['outboxLagP95', formatDuration(context, figures.lagMsP95)],
    ['outboxLagMax', formatDuration(context, figures.lagMsMax)],
  ];
  return consolePage(context, role, {
    title: t(context, 'outboxTitle'),
    current: '/console/national-flow',
    body: html`<h1>${t(context, 'outboxTitle')}</h1>
      <p class="lead">${t(context, 'outboxIntro')}</p>
      <dl class="row">
        ${items.map(
          ([key, value]) =>
            html`<dt class="col-8 col-md-4">${t(context, key)}</dt>
              <dd class="col-4 col-md-8">${value}</dd>`,
        )}
      </dl>
      ${chart}`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Messages sent (BOOK-17, BOOK-18)

/** Only the last characters of a recipient are shown (SEC-5): enough to tell two apart, not to write. */
export const maskRecipient = (recipient: string | null): string =>
  recipient === null || recipient === '' ? '–' : `••••${recipient.slice(-4)}`;

export interface MessageLine {
  id: number;
  personId: number;
  channel: string;
  template: string;
  recipient: string | null;
  status: string;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
}

export function messagesPage(
  context: PageContext,
  role: StaffRole,
  view: {
    values: { status?: string | undefined; channel?: string | undefined; personId?: string | undefined };
    statuses: readonly string[];
    channels: readonly string[];
    total: number;
    page: number;
    pageSize: number;
    messages: readonly MessageLine[];
    errors: readonly FieldError[];
  },
): SafeHtml {
  const query = (page: number) =>
    `/console/messages?${new URLSearchParams({
      ...(view.values.status ? { status: view.values.status } : {}),
      ...(view.values.channel ? { channel: view.values.channel } : {}),
      ...(view.values.personId ? { personId: view.values.personId } : {}),
      page: String(page),
    }).toString()}`;
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  return consolePage(context, role, {
    title: t(context, 'messagesTitle'),
    current: '/console/messages',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${t(context, 'messagesTitle')}</h1>
      <p class="lead">${t(context, 'messagesIntro')}</p>
      <form method="get" action="/console/messages" class="row align-items-end mb-3" novalidate>
        <div class="col-12 col-md-4">
          ${filterSelect(context, view.errors, {
            name: 'status',
            label: t(context, 'authStatusColumn'),
            value: view.values.status,
            values: view.statuses,
          })}
        </div>
        <div class="col-12 col-md-4">
          ${filterSelect(context, view.errors, {
            name: 'channel',
            label: t(context, 'authChannelColumn'),
            value: view.values.channel,
            values: view.channels,
          })}
        </div>
        <div class="col-12 col-md-4">
          ${textInput(context, view.errors, {
            name: 'personId',
            label: t(context, 'authPersonIdLabel'),
            value: view.values.personId,
            inputmode: 'numeric',
            size: 'medium',
          })}
        </div>
        <div class="col-12 mb-4">
          <button type="submit" class="btn btn-outline-primary">${t(context, 'authShowButton')}</button>
        </div>
      </form>
      ${dataTable(
        t(context, 'messagesCaption', { total: formatNumber(context, view.total), page: view.page, pages }),
        [
          t(context, 'messageColumn'),
          t(context, 'authCreatedColumn'),
          t(context, 'authChannelColumn'),
          t(context, 'templateColumn'),
          t(context, 'recipientColumn'),
          t(context, 'authStatusColumn'),
          t(context, 'attemptsColumn'),
        ],
        view.messages.map(
          (message) =>
            html`<tr>
              <th scope="row"><a href="/console/messages/${message.id}">#${message.id}</a></th>
              <td>${formatDateTime(message.createdAt, context.language)}</td>
              <td>${message.channel}</td>
              <td>${message.template}</td>
              <td><span class="text-monospace">${maskRecipient(message.recipient)}</span></td>
              <td>${message.status}</td>
              <td>${message.attempts}</td>
            </tr>`,
        ),
        t(context, 'messagesNone'),
      )}
      ${pager(
        context,
        view.page > 1 ? query(view.page - 1) : undefined,
        view.page < pages ? query(view.page + 1) : undefined,
      )}`,
  });
}

export function messagePage(
  context: PageContext,
  role: StaffRole,
  view: {
    message: MessageLine & {
      attemptLog: readonly {
        attempt: number;
        adapter: string;
        outcome: string;
        finishedAt: Date;
        error: string | null;
      }[];
    };
    rendered: { subject: string; body: string } | null;
    renderError: string | null;
    /** Set when the retention job removed the text and recipient: the retention in days. */
    contentsRemovedAfterDays: number | null;
  },
): SafeHtml {
  const { message } = view;
  const title = t(context, 'messageTitle', { id: message.id });
  return consolePage(context, role, {
    title,
    current: '/console/messages',
    body: html`<p><a href="/console/messages">${t(context, 'backToMessages')}</a></p>
      <h1>${title}</h1>
      <dl class="row">
        <dt class="col-6 col-md-3">${t(context, 'authChannelColumn')}</dt>
        <dd class="col-6 col-md-9">${message.channel}</dd>
        <dt class="col-6 col-md-3">${t(context, 'templateColumn')}</dt>
        <dd class="col-6 col-md-9">${message.template}</dd>
        <dt class="col-6 col-md-3">${t(context, 'recipientColumn')}</dt>
        <dd class="col-6 col-md-9">${maskRecipient(message.recipient)}</dd>
        <dt class="col-6 col-md-3">${t(context, 'authStatusColumn')}</dt>
        <dd class="col-6 col-md-9">${message.status}</dd>
        <dt class="col-6 col-md-3">${t(context, 'authCreatedColumn')}</dt>
        <dd class="col-6 col-md-9">${formatDateTime(message.createdAt, context.language)}</dd>
        <dt class="col-6 col-md-3">${t(context, 'authSentColumn')}</dt>
        <dd class="col-6 col-md-9">
          ${message.sentAt === null ? '–' : formatDateTime(message.sentAt, context.language)}
        </dd>
      </dl>
      ${
        view.contentsRemovedAfterDays !== null
          ? html`<div class="alert alert-info">
              ${t(context, 'messageContentsRemoved', { days: view.contentsRemovedAfterDays })}
            </div>`
          : view.rendered === null
            ? html`<div class="alert alert-warning">
                ${t(context, 'messageNotRendered', { reason: view.renderError ?? '' })}
              </div>`
            : // The text keeps its lines as sent, so a long one scrolls: the keyboard must reach it too (WCAG 2.1.1).
              html`<h2 class="h4" id="message-text">${t(context, 'messageTextTitle')}</h2>
                ${view.rendered.subject === '' ? null : html`<p><strong>${view.rendered.subject}</strong></p>`}
                <pre class="message-body" tabindex="0" aria-labelledby="message-text">
${view.rendered.body}</pre>`
      }
      ${dataTable(
        t(context, 'attemptsCaption'),
        [
          t(context, 'attemptsColumn'),
          t(context, 'adapterColumn'),
          t(context, 'outcomeColumn'),
          t(context, 'finishedColumn'),
        ],
        message.attemptLog.map(
          (attempt) =>
            html`<tr>
              <th scope="row">${attempt.attempt}</th>
              <td>${attempt.adapter}</td>
              <td>${attempt.outcome}${attempt.error === null ? '' : ` – ${attempt.error}`}</td>
              <td>${formatDateTime(attempt.finishedAt, context.language)}</td>
            </tr>`,
        ),
        t(context, 'attemptsNone'),
      )}`,
  });
}

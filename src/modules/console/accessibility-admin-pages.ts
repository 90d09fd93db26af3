import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { romeDate } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { PlatformContext } from '../../platform/http/app.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { AccessibilityService, type AuthorityScope } from '../accessibility/service.ts';
import {
  HomeListQuery,
  HomeOutcomeBody,
  HomePlanBody,
  SessionBody,
  WithdrawBody,
} from '../accessibility/schemas.ts';
import type { HomeRequestRow } from '../accessibility/repo.ts';
import {
  HOME_STATUSES,
  SESSION_KINDS,
  SUPPORTS,
  type HomeStatus,
  type SessionKind,
  type Support,
} from '../accessibility/tables.ts';
import { BookingService } from '../booking/service.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { choiceGroup, errorSummary, selectInput, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import {
  checkFields,
  FormText,
  HTML_PAGE,
  pageLanguage,
  refusalOf,
  type PageKit,
  type Refusal,
} from '../portal/kit.ts';
import { text } from '../portal/texts.ts';
import { csrfField, formatTime, t, type PageContext } from '../portal/layout.ts';
import type { TextKey } from '../portal/texts.ts';
import { addDays } from './authority-pages.ts';
import { AUTHORITY_ROLES, formatDay, formatNumber } from './authority-views.ts';
import { staffOf } from './routes.ts';
import { dataTable, DayText, Id, pager, successNotice } from './console-kit.ts';
import { consolePage } from './views.ts';

/*
 * The authority console's pages for people with disabilities (BOOK-14..16): the home-vaccination list
 * with its visits and outcomes, the dedicated sessions with their bookings, and the transports to
 * organise. A health authority's administrator sees their authority (and those under it), the region's
 * all of them; all the work is AccessibilityService's, the same the JSON routes call.
 */

const IdParams = Type.Object({ id: Id });
const HOME_PAGE_SIZE = 50;
/** How far ahead the sessions page and the transports page look by default. */
const DAYS_AHEAD = 30;

/** One of a home request's actions (plan, outcome, withdraw): a heading, then its own posted form. */
const homeActionForm = (
  context: PageContext,
  form: {
    title: string;
    hint?: string;
    action: string;
    fields: SafeHtml;
    button: string;
    secondary?: boolean;
  },
): SafeHtml =>
  html`<h2 class="h4 mt-4">${form.title}</h2>
    ${form.hint === undefined ? null : html`<p>${form.hint}</p>`}
    <form method="post" action="${form.action}" novalidate>
      ${csrfField(context)} ${form.fields}
      <button type="submit" class="btn ${form.secondary ? 'btn-outline-primary' : 'btn-primary'}">
        ${form.button}
      </button>
    </form>`;

const figure = (label: string, value: string): HtmlValue =>
  html`<dt class="col-5 col-md-3">${label}</dt>
    <dd class="col-7 col-md-9">${value}</dd>`;

const hhmm = (time: string | null): string => (time === null ? '' : time.slice(0, 5));

// ---------------------------------------------------------------------------------------------------
// Home vaccination (BOOK-14)

export interface HomeListLine {
  id: number;
  name: string;
  birthDate: string;
  municipality: string | null;
  gp: string | null;
  status: HomeStatus;
  visitDay: string | null;
  visitTime: string | null;
}

export interface HomeListView {
  filters: { status?: string | undefined; municipalityIstat?: string | undefined; gp?: string | undefined };
  lines: readonly HomeListLine[];
  total: number;
  page: number;
  errors: readonly FieldError[];
}

export function homeListPage(context: PageContext, role: StaffRole, view: HomeListView): SafeHtml {
  const title = t(context, 'admHomeTitle');
  const query = (page: number) =>
    `/console/home-vaccinations?${new URLSearchParams({
      ...Object.fromEntries(
        Object.entries(view.filters).filter(([, value]) => value !== undefined && value !== ''),
      ),
      page: String(page),
    }).toString()}`;
  const shown = (view.page - 1) * HOME_PAGE_SIZE + view.lines.length;
  return consolePage(context, role, {
    title,
    current: '/console/home-vaccinations',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <h1>${title}</h1>
      <form method="get" action="/console/home-vaccinations" novalidate>
        <fieldset>
          <legend class="form-legend">${t(context, 'homeFiltersLegend')}</legend>
          <div class="row">
            <div class="col-12 col-md-4">
              ${textInput(context, view.errors, {
                name: 'gp',
                label: t(context, 'homeGpLabel'),
                value: view.filters.gp,
                autofocus: true,
              })}
            </div>
            <div class="col-12 col-md-4">
              ${selectInput(context, view.errors, {
                name: 'status',
                label: t(context, 'homeStatusLabel'),
                value: view.filters.status ?? '',
                options: [
                  { value: '', label: t(context, 'homeStatusAll') },
                  ...HOME_STATUSES.map((status) => ({
                    value: status,
                    label: t(context, `homeStatus_${status}`),
                  })),
                ],
              })}
            </div>
            <div class="col-12 col-md-4">
              ${textInput(context, view.errors, {
                name: 'municipalityIstat',
                label: t(context, 'homeMunicipalityLabel'),
                value: view.filters.municipalityIstat,
                inputmode: 'numeric',
                size: 'medium',
              })}
            </div>
          </div>
          <button type="submit" class="btn btn-outline-primary">${t(context, 'homeFilterButton')}</button>
        </fieldset>
      </form>
      ${dataTable(
        t(context, 'homeCaption', { total: formatNumber(context, view.total) }),
        [
          t(context, 'homePersonColumn'),
          t(context, 'homeMunicipalityColumn'),
          t(context, 'homeGpColumn'),
          t(context, 'homeStatusColumn'),
          t(context, 'homeVisitColumn'),
          t(context, 'homeActionColumn'),
        ],
        view.lines.map(
          (line) =>
            html`<tr>
              <th scope="row">${line.name} (${formatDay(context, line.birthDate)})</th>
              <td>${line.municipality ?? '–'}</td>
              <td>${line.gp ?? '–'}</td>
              <td>${t(context, `homeStatus_${line.status}`)}</td>
              <td>
                ${line.visitDay === null ? '–' : `${formatDay(context, line.visitDay)} ${hhmm(line.visitTime)}`}
              </td>
              <td>
                <a href="/console/home-vaccinations/${line.id}"
                  >${t(context, 'homeOpen')}<span class="visually-hidden">: ${line.name}</span></a
                >
              </td>
            </tr>`,
        ),
        t(context, 'homeNone'),
      )}
      ${pager(
        context,
        view.page > 1 ? query(view.page - 1) : undefined,
        shown < view.total ? query(view.page + 1) : undefined,
      )}`,
  });
}

export interface HomeRequestView {
  request: HomeRequestRow;
  municipality: string | null;
  saved: boolean;
  values: Record<string, string | undefined>;
  errors: readonly FieldError[];
}

export function homeRequestPage(context: PageContext, role: StaffRole, view: HomeRequestView): SafeHtml {
  const row = view.request;
  const title = t(context, 'homeRequestTitle', { id: row.id });
  const values = view.values;
  const canPlan = row.status === 'requested' || row.status === 'planned';
  const canRecord = row.status === 'planned';
  const canWithdraw = row.status === 'requested' || row.status === 'planned' || row.status === 'done';
  const gp = row.gp_name === null ? '–' : `${row.gp_name}${row.gp_code === null ? '' : ` (${row.gp_code})`}`;
  return consolePage(context, role, {
    title,
    current: '/console/home-vaccinations',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors, { outcome: 'outcome-0' })}
      ${successNotice(view.saved ? t(context, 'homeSaved') : undefined)}
      <p><a href="/console/home-vaccinations">${t(context, 'homeBack')}</a></p>
      <h1>${title}</h1>
      <dl class="row">
        ${figure(t(context, 'homeStatusColumn'), t(context, `homeStatus_${row.status}`))}
        ${figure(t(context, 'homeMunicipalityColumn'), view.municipality ?? '–')}
        ${figure(t(context, 'homeAddressLabel'), row.address ?? '–')}
        ${figure(t(context, 'homeReasonLabel'), t(context, `admReason_${row.reason}`))}
        ${figure(t(context, 'homeGpColumn'), gp)}
        ${row.notes === null ? null : figure(t(context, 'homeNotesLabel'), row.notes)}
        ${
          row.visit_day === null
            ? null
            : figure(
                t(context, 'homeVisitColumn'),
                `${formatDay(context, row.visit_day)} ${hhmm(row.visit_time)} – ${row.team ?? ''}`,
              )
        }
        ${row.outcome_reason === null ? null : figure(t(context, 'homeOutcomeReasonLabel'), row.outcome_reason)}
      </dl>
      ${
        canPlan
          ? homeActionForm(context, {
              title: t(context, 'homePlanTitle'),
              hint: t(context, 'homePlanHint'),
              action: `/console/home-vaccinations/${row.id}/plan`,
              fields: html`${textInput(context, view.errors, {
                name: 'visitDay',
                label: t(context, 'homeVisitDayLabel'),
                type: 'date',
                value: values.visitDay ?? row.visit_day ?? '',
                size: 'medium',
                autofocus: row.status === 'requested',
              })}
              ${textInput(context, view.errors, {
                name: 'visitTime',
                label: t(context, 'homeVisitTimeLabel'),
                type: 'time',
                value: values.visitTime ?? hhmm(row.visit_time),
                size: 'medium',
              })}
              ${textInput(context, view.errors, {
                name: 'team',
                label: t(context, 'homeTeamLabel'),
                value: values.team ?? row.team ?? row.gp_name ?? '',
                maxlength: 120,
              })}
              ${choiceGroup(context, view.errors, {
                name: 'byGp',
                legend: t(context, 'homeByGpLabel'),
                type: 'checkbox',
                values: (values.byGp ?? (row.by_gp ? 'true' : '')) === 'true' ? ['true'] : [],
                options: [{ value: 'true', label: t(context, 'yesWord') }],
              })}`,
              button: t(context, 'homePlanButton'),
            })
          : null
      }
      ${
        canRecord
          ? homeActionForm(context, {
              title: t(context, 'homeOutcomeTitle'),
              action: `/console/home-vaccinations/${row.id}/outcome`,
              fields: html`${choiceGroup(context, view.errors, {
                name: 'outcome',
                legend: t(context, 'homeOutcomeLegend'),
                values: values.outcome === undefined ? [] : [values.outcome],
                options: (['done', 'not_possible'] as const).map((outcome) => ({
                  value: outcome,
                  label: t(context, `homeOutcome_${outcome}`),
                })),
              })}
              ${textInput(context, view.errors, {
                name: 'reason',
                label: t(context, 'homeOutcomeReasonField'),
                value: values.reason,
                maxlength: 500,
              })}`,
              button: t(context, 'homeOutcomeButton'),
            })
          : null
      }
      ${
        canWithdraw
          ? homeActionForm(context, {
              title: t(context, 'homeWithdrawTitle'),
              action: `/console/home-vaccinations/${row.id}/withdraw`,
              fields: html`${textInput(context, view.errors, {
                name: 'withdrawReason',
                label: t(context, 'homeWithdrawReasonLabel'),
                value: values.withdrawReason,
                maxlength: 500,
              })}`,
              button: t(context, 'homeWithdrawButton'),
              secondary: true,
            })
          : null
      }`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Dedicated sessions (BOOK-15) and transports (BOOK-16)

export interface SessionLine {
  id: number;
  kind: SessionKind;
  hub: string;
  startsAt: Date;
  endsAt: Date;
  peopleBooked: number;
  groupSize: number;
  placesTaken: number;
  places: number;
  supports: readonly Support[];
  status: 'open' | 'cancelled';
}

export interface SessionsView {
  sessions: readonly SessionLine[];
  hubs: readonly { id: number; name: string }[];
  values: Record<string, string | readonly string[] | undefined>;
  errors: readonly FieldError[];
}

const supportsText = (context: PageContext, supports: readonly Support[]): string =>
  supports.map((support) => t(context, `sessionSupport_${support}`)).join(', ') || '–';

const sessionWhen = (context: PageContext, startsAt: Date, endsAt: Date): string =>
  `${formatDay(context, romeDate(startsAt))}, ${formatTime(startsAt, context.language)}–${formatTime(endsAt, context.language)}`;

export function sessionsPage(context: PageContext, role: StaffRole, view: SessionsView): SafeHtml {
  const title = t(context, 'admSessionsTitle');
  const single = (name: string): string | undefined => {
    const value = view.values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const supports = [view.values.supports ?? []].flat();
  return consolePage(context, role, {
    title,
    current: '/console/sessions',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors, { kind: 'kind-0', supports: 'supports-0' })}
      <h1>${title}</h1>
      <p><a href="/console/transports">${t(context, 'transportsLink')}</a></p>
      ${dataTable(
        t(context, 'sessionsCaption'),
        [
          t(context, 'sessionWhenColumn'),
          t(context, 'sessionKindColumn'),
          t(context, 'sessionHubColumn'),
          t(context, 'sessionFillColumn'),
          t(context, 'sessionStatusColumn'),
        ],
        view.sessions.map(
          (session) =>
            html`<tr>
              <th scope="row">
                <a href="/console/sessions/${session.id}"
                  >${sessionWhen(context, session.startsAt, session.endsAt)}<span class="visually-hidden"
                    >: ${t(context, 'sessionOpenLink', { id: session.id })}</span
                  ></a
                >
              </th>
              <td>
                ${t(context, `sessionKind_${session.kind}`)}<br /><span class="small"
                  >${supportsText(context, session.supports)}</span
                >
              </td>
              <td>${session.hub}</td>
              <td>
                ${t(context, 'sessionFillValue', {
                  people: session.peopleBooked,
                  group: session.groupSize,
                  taken: session.placesTaken,
                  places: session.places,
                })}
              </td>
              <td>${t(context, `sessionStatus_${session.status}`)}</td>
            </tr>`,
        ),
        t(context, 'sessionsNone'),
      )}
      <h2 class="h4 mt-4">${t(context, 'sessionOpenTitle')}</h2>
      <form method="post" action="/console/sessions" novalidate>
        ${csrfField(context)}
        <div class="row">
          <div class="col-12 col-md-6">
            ${textInput(context, view.errors, {
              name: 'day',
              label: t(context, 'sessionDayLabel'),
              type: 'date',
              value: single('day'),
              size: 'medium',
              autofocus: true,
            })}
            ${textInput(context, view.errors, {
              name: 'from',
              label: t(context, 'sessionFromLabel'),
              type: 'time',
              value: single('from'),
              size: 'medium',
            })}
            ${textInput(context, view.errors, {
              name: 'to',
              label: t(context, 'sessionToLabel'),
              type: 'time',
              value: single('to'),
              size: 'medium',
            })}
            ${selectInput(context, view.errors, {
              name: 'pointId',
              label: t(context, 'capHubLabel'),
              value: single('pointId'),
              options: view.hubs.map((hub) => ({ value: String(hub.id), label: hub.name })),
            })}
          </div>
          <div class="col-12 col-md-6">
            ${choiceGroup(context, view.errors, {
              name: 'kind',
              legend: t(context, 'sessionKindLegend'),
              values: [single('kind') ?? ''],
              options: SESSION_KINDS.map((kind) => ({
                value: kind,
                label: t(context, `sessionKind_${kind}`),
              })),
            })}
            ${choiceGroup(context, view.errors, {
              name: 'supports',
              legend: t(context, 'sessionSupportLegend'),
              type: 'checkbox',
              values: supports,
              options: SUPPORTS.map((support) => ({
                value: support,
                label: t(context, `sessionSupport_${support}`),
              })),
            })}
            ${textInput(context, view.errors, {
              name: 'groupSize',
              label: t(context, 'sessionGroupLabel'),
              type: 'number',
              inputmode: 'numeric',
              value: single('groupSize') ?? '6',
              size: 'short',
            })}
            ${textInput(context, view.errors, {
              name: 'places',
              label: t(context, 'sessionPlacesLabel'),
              hint: t(context, 'sessionPlacesHint'),
              type: 'number',
              inputmode: 'numeric',
              value: single('places'),
              size: 'short',
            })}
            ${textInput(context, view.errors, {
              name: 'notes',
              label: t(context, 'sessionNotesLabel'),
              value: single('notes'),
              maxlength: 500,
            })}
          </div>
        </div>
        <button type="submit" class="btn btn-primary">${t(context, 'sessionOpenButton')}</button>
      </form>`,
  });
}

export interface SessionView {
  session: SessionLine;
  bookings: readonly {
    code: string;
    name: string;
    withCaregiver: boolean;
    transport: string | null;
    phone: string | null;
  }[];
  notice: 'opened' | 'cancelled' | undefined;
  values: Record<string, string | undefined>;
  errors: readonly FieldError[];
}

export function sessionPage(context: PageContext, role: StaffRole, view: SessionView): SafeHtml {
  const { session } = view;
  const title = t(context, 'sessionTitle', { id: session.id });
  return consolePage(context, role, {
    title,
    current: '/console/sessions',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      ${successNotice(view.notice === undefined ? undefined : t(context, view.notice === 'opened' ? 'sessionOpened' : 'sessionCancelled'))}
      <p><a href="/console/sessions">${t(context, 'sessionBack')}</a></p>
      <h1>${title}</h1>
      <dl class="row">
        ${figure(t(context, 'sessionWhenColumn'), sessionWhen(context, session.startsAt, session.endsAt))}
        ${figure(t(context, 'sessionKindColumn'), t(context, `sessionKind_${session.kind}`))}
        ${figure(t(context, 'sessionHubColumn'), session.hub)}
        ${figure(t(context, 'sessionGroupColumn'), `${session.peopleBooked} / ${session.groupSize}`)}
        ${figure(t(context, 'sessionPlacesColumn'), `${session.placesTaken} / ${session.places}`)}
        ${figure(t(context, 'sessionSupportColumn'), supportsText(context, session.supports))}
        ${figure(t(context, 'sessionStatusColumn'), t(context, `sessionStatus_${session.status}`))}
      </dl>
      ${dataTable(
        t(context, 'sessionBookingsCaption'),
        [
          t(context, 'sessionCodeColumn'),
          t(context, 'transportWhoColumn'),
          t(context, 'sessionCaregiverColumn'),
          t(context, 'sessionTransportColumn'),
          t(context, 'transportPhoneColumn'),
        ],
        view.bookings.map(
          (line) =>
            html`<tr>
              <th scope="row">${line.code}</th>
              <td>${line.name}</td>
              <td>${t(context, line.withCaregiver ? 'yesWord' : 'noWord')}</td>
              <td>
                ${line.transport === null ? '–' : t(context, `admTransport_${line.transport}` as TextKey)}
              </td>
              <td>${line.phone ?? '–'}</td>
            </tr>`,
        ),
        t(context, 'sessionBookingsNone'),
      )}
      ${
        session.status === 'open'
          ? html`<form method="post" action="/console/sessions/${session.id}/cancel" novalidate class="mt-4">
              ${csrfField(context)}
              ${textInput(context, view.errors, {
                name: 'reason',
                label: t(context, 'sessionCancelReasonLabel'),
                value: view.values.reason,
                maxlength: 500,
                autofocus: view.errors.length > 0,
              })}
              <button type="submit" class="btn btn-outline-primary">
                ${t(context, 'sessionCancelButton')}
              </button>
            </form>`
          : null
      }`,
  });
}

export interface TransportsView {
  from: string;
  to: string;
  lines: readonly {
    day: string;
    hub: string;
    startsAt: Date;
    code: string;
    name: string;
    where: string;
    phone: string | null;
    transport: string;
  }[];
  errors: readonly FieldError[];
}

export function transportsPage(context: PageContext, role: StaffRole, view: TransportsView): SafeHtml {
  const title = t(context, 'transportsTitle');
  return consolePage(context, role, {
    title,
    current: '/console/sessions',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)}
      <p><a href="/console/sessions">${t(context, 'sessionBack')}</a></p>
      <h1>${title}</h1>
      <form method="get" action="/console/transports" novalidate>
        <div class="row">
          <div class="col-12 col-md-4">
            ${textInput(context, view.errors, {
              name: 'from',
              label: t(context, 'transportsFromLabel'),
              type: 'date',
              value: view.from,
              size: 'medium',
              autofocus: true,
            })}
          </div>
          <div class="col-12 col-md-4">
            ${textInput(context, view.errors, {
              name: 'to',
              label: t(context, 'transportsToLabel'),
              type: 'date',
              value: view.to,
              size: 'medium',
            })}
          </div>
        </div>
        <button type="submit" class="btn btn-outline-primary">${t(context, 'transportsShow')}</button>
      </form>
      ${dataTable(
        t(context, 'transportsCaption'),
        [
          t(context, 'transportDayColumn'),
          t(context, 'transportHubColumn'),
          t(context, 'transportWhoColumn'),
          t(context, 'transportKindColumn'),
        ],
        view.lines.map(
          (line) =>
            html`<tr>
              <th scope="row">
                ${formatDay(context, line.day)}, ${formatTime(line.startsAt, context.language)}
              </th>
              <td>${line.hub}</td>
              <td>
                ${line.name}<br /><span class="small">${line.where}</span><br /><span class="small"
                  >${t(context, 'transportPhoneColumn')}: ${line.phone ?? '–'}</span
                >
              </td>
              <td>
                ${t(context, `admTransport_${line.transport}` as TextKey)}<br /><span
                  class="small text-nowrap"
                  >${line.code}</span
                >
              </td>
            </tr>`,
        ),
        t(context, 'transportsNone'),
      )}`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Routes

/** BOOK-14..16 in the authority console. */
export function registerAccessibilityAdminPages(
  console: App,
  { kit, database, config, clock }: { kit: PageKit } & Pick<PlatformContext, 'database' | 'config' | 'clock'>,
): void {
  const db = database.db;
  const { pageContext, sendPage, formFailed } = kit;
  const eligibility = new EligibilityService(db, clock, config.REGION_CODE);
  const booking = new BookingService(db, clock, eligibility);
  const service = new AccessibilityService(db, clock, eligibility, booking);
  const access = { access: AUTHORITY_ROLES };
  const schema = (operationId: string, summary: string) => ({ operationId, tags: ['console'], summary });
  const scopeOf = (request: FastifyRequest): Promise<AuthorityScope> => {
    const staff = staffOf(request);
    return service.scopeOf(staff.role, staff.healthAuthorityCodes);
  };
  const role = (request: FastifyRequest) => staffOf(request).role;

  // ---- Home vaccination --------------------------------------------------------------------------

  console.get(
    '/home-vaccinations',
    {
      schema: {
        ...schema(
          'consoleHomeVaccinations',
          'Authority console: the home-vaccination list, filtered by status, municipality and GP (BOOK-14)',
        ),
        querystring: Type.Object(
          { status: FormText, municipalityIstat: FormText, gp: FormText, page: FormText },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const raw = Object.fromEntries(
        Object.entries(request.query).map(([name, value]) => [name, value?.trim() || undefined]),
      ) as Record<string, string | undefined>;
      const fields = HomeListQuery.properties;
      const refusals = checkFields(request, raw, [
        { name: 'status', label: 'homeStatusLabel', schema: fields.status, optional: true },
        {
          name: 'municipalityIstat',
          label: 'homeMunicipalityLabel',
          schema: fields.municipalityIstat,
          optional: true,
        },
        { name: 'gp', label: 'homeGpLabel', schema: fields.gp, optional: true },
        {
          name: 'page',
          label: 'authPagesLabel',
          schema: Type.String({ pattern: '^[1-9][0-9]{0,3}$' }),
          optional: true,
        },
      ]);
      const filters = { status: raw.status, municipalityIstat: raw.municipalityIstat, gp: raw.gp };
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          homeListPage(context, role(request), { filters, lines: [], total: 0, page: 1, errors }),
        );
      const page = Number(raw.page ?? '1');
      const rows = await service.homeList(
        {
          status: raw.status as HomeStatus | undefined,
          municipalityIstat: raw.municipalityIstat,
          gp: raw.gp,
          limit: HOME_PAGE_SIZE,
          offset: (page - 1) * HOME_PAGE_SIZE,
        },
        await scopeOf(request),
      );
      return sendPage(
        reply,
        200,
        homeListPage(await pageContext(request), role(request), {
          filters,
          page,
          total: Number(rows[0]?.total ?? 0),
          lines: rows.map((row) => ({
            id: Number(row.id),
            name: `${row.given_name} ${row.surname}`,
            birthDate: String(row.birth_date),
            municipality: row.municipality_name,
            gp: row.gp_name,
            status: row.status,
            visitDay: row.visit_day,
            visitTime: row.visit_time,
          })),
          errors: [],
        }),
      );
    },
  );

  const homeView = async (request: FastifyRequest, id: number) => {
    const row = await service.homeRequest(id, await scopeOf(request));
    const [listed] = await service.homeList(
      { municipalityIstat: row.municipality_istat ?? undefined, limit: 1, offset: 0 },
      row.municipality_istat === null ? [] : [row.health_authority_code],
    );
    return { request: row, municipality: listed?.municipality_name ?? row.municipality_istat };
  };

  console.get(
    '/home-vaccinations/:id',
    {
      schema: {
        ...schema(
          'consoleHomeVaccination',
          'Authority console: a home-vaccination request: plan the visit, record the outcome, withdraw (BOOK-14)',
        ),
        params: IdParams,
        querystring: Type.Object(
          { saved: Type.Optional(Type.Literal('1')) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const view = await homeView(request, request.params.id);
      return sendPage(
        reply,
        200,
        homeRequestPage(await pageContext(request), role(request), {
          ...view,
          saved: request.query.saved === '1',
          values: {},
          errors: [],
        }),
      );
    },
  );

  const homeAction = (
    path: 'plan' | 'outcome' | 'withdraw',
    operationId: string,
    summary: string,
    fieldNames: readonly string[],
    run: (
      request: FastifyRequest,
      id: number,
      values: Record<string, string | undefined>,
      scope: AuthorityScope,
    ) => Promise<Refusal[] | undefined>,
  ) =>
    console.post(
      `/home-vaccinations/:id/${path}`,
      {
        schema: {
          ...schema(operationId, summary),
          params: IdParams,
          body: Type.Object(Object.fromEntries(fieldNames.map((name) => [name, FormText])), {
            additionalProperties: false,
          }),
        },
        config: access,
      },
      async (request, reply) => {
        const id = request.params.id;
        const body = request.body as Record<string, string | undefined>;
        const values = Object.fromEntries(fieldNames.map((name) => [name, body[name]?.trim()]));
        const failed = async (refusals: Refusal[]) => {
          const view = await homeView(request, id);
          return formFailed(
            request,
            reply,
            refusals,
            'body',
            (context, errors) =>
              homeRequestPage(context, role(request), { ...view, saved: false, values, errors }),
            `/console/home-vaccinations/${id}`,
          );
        };
        try {
          const refusals = await run(request, id, values, await scopeOf(request));
          if (refusals !== undefined && refusals.length > 0) return await failed(refusals);
        } catch (error) {
          if (!(error instanceof DomainError) || error.code === 'HOME_VACCINATION_NOT_FOUND') throw error;
          if (error.options.pointer === undefined && error.code.endsWith('OUT_OF_SCOPE')) throw error;
          return failed([refusalOf(error, fieldNames, fieldNames[0])]);
        }
        return reply.redirect(`/console/home-vaccinations/${id}?saved=1`, 303);
      },
    );

  homeAction(
    'plan',
    'consolePlanHomeVaccination',
    'Authority console: plans (or re-plans) the home visit: day, time, team or GP; the person is told (BOOK-14)',
    ['visitDay', 'visitTime', 'team', 'byGp'],
    async (request, id, values, scope) => {
      const fields = HomePlanBody.properties;
      const refusals = checkFields(request, values, [
        { name: 'visitDay', label: 'homeVisitDayLabel', schema: fields.visitDay },
        { name: 'visitTime', label: 'homeVisitTimeLabel', schema: fields.visitTime, optional: true },
        { name: 'team', label: 'homeTeamLabel', schema: fields.team },
      ]);
      if (refusals.length > 0) return refusals;
      await service.planHomeVisit(
        id,
        {
          visitDay: values.visitDay ?? '',
          visitTime: values.visitTime === '' ? undefined : values.visitTime,
          team: values.team ?? '',
          byGp: values.byGp === 'true',
        },
        scope,
        actingContextOf(request, clock.now()),
      );
      return undefined;
    },
  );

  homeAction(
    'outcome',
    'consoleRecordHomeVaccinationOutcome',
    'Authority console: records the home visit’s outcome: done, or not possible with the reason (BOOK-14)',
    ['outcome', 'reason'],
    async (request, id, values, scope) => {
      const fields = HomeOutcomeBody.properties;
      const refusals = checkFields(request, values, [
        { name: 'outcome', label: 'homeOutcomeLegend', schema: fields.outcome },
        { name: 'reason', label: 'homeOutcomeReasonField', schema: fields.reason, optional: true },
      ]);
      if (refusals.length > 0) return refusals;
      await service.recordHomeOutcome(
        id,
        {
          outcome: values.outcome as 'done' | 'not_possible',
          reason: values.reason === '' ? undefined : values.reason,
        },
        scope,
        actingContextOf(request, clock.now()),
      );
      return undefined;
    },
  );

  homeAction(
    'withdraw',
    'consoleWithdrawHomeVaccination',
    'Authority console: withdraws a home-vaccination request with the reason; the hubs are offered again (BOOK-14)',
    ['withdrawReason'],
    async (request, id, values, scope) => {
      const refusals = checkFields(request, values, [
        { name: 'withdrawReason', label: 'homeWithdrawReasonLabel', schema: WithdrawBody.properties.reason },
      ]);
      if (refusals.length > 0) return refusals;
      await service.withdrawHome(
        id,
        values.withdrawReason ?? '',
        scope,
        undefined,
        actingContextOf(request, clock.now()),
      );
      return undefined;
    },
  );

  // ---- Dedicated sessions ------------------------------------------------------------------------

  const hubsOf = async (scope: AuthorityScope) =>
    (await booking.listHubs())
      .filter((hub) => scope === null || scope.includes(hub.health_authority_code))
      .map((hub) => ({ id: hub.id, name: hub.name }));

  const sessionLine = (row: Awaited<ReturnType<AccessibilityService['sessions']>>[number]): SessionLine => ({
    id: Number(row.id),
    kind: row.kind,
    hub: row.point_name,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    peopleBooked: row.people_booked,
    groupSize: row.group_size,
    placesTaken: row.places_taken,
    places: row.places,
    supports: row.supports,
    status: row.status,
  });

  const sessionsView = async (request: FastifyRequest) => {
    const scope = await scopeOf(request);
    const today = romeDate(clock.now());
    const [rows, hubs] = await Promise.all([
      service.sessions({ from: today, to: addDays(today, 90) }, scope),
      hubsOf(scope),
    ]);
    return { sessions: rows.map(sessionLine), hubs };
  };

  console.get(
    '/sessions',
    {
      schema: {
        ...schema(
          'consoleDedicatedSessions',
          'Authority console: the dedicated sessions (deaf, blind, transported people) and the form to open one (BOOK-15)',
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) =>
      sendPage(
        reply,
        200,
        sessionsPage(await pageContext(request), role(request), {
          ...(await sessionsView(request)),
          values: { day: addDays(romeDate(clock.now()), 1), from: '09:00', to: '11:00' },
          errors: [],
        }),
      ),
  );

  const SESSION_FIELDS = ['day', 'from', 'to', 'pointId', 'kind', 'groupSize', 'places', 'notes'] as const;

  console.post(
    '/sessions',
    {
      schema: {
        ...schema(
          'consoleOpenDedicatedSession',
          'Authority console: opens a dedicated session at a hub: kind, day and hours, group size, support people (BOOK-15)',
        ),
        body: Type.Object(
          {
            ...Object.fromEntries(SESSION_FIELDS.map((name) => [name, FormText])),
            supports: Type.Optional(
              Type.Union([
                Type.String({ maxLength: 40 }),
                Type.Array(Type.String({ maxLength: 40 }), { maxItems: 3 }),
              ]),
            ),
          },
          { additionalProperties: false },
        ),
      },
      config: access,
    },
    async (request, reply) => {
      const body = request.body as Record<string, string | string[] | undefined>;
      const values: Record<string, string | undefined> = Object.fromEntries(
        SESSION_FIELDS.map((name) => {
          const value = body[name];
          return [name, typeof value === 'string' ? value.trim() : undefined];
        }),
      );
      const supports = [body.supports ?? []].flat();
      const failed = async (refusals: Refusal[]) => {
        const view = await sessionsView(request);
        return formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) =>
            sessionsPage(context, role(request), { ...view, values: { ...values, supports }, errors }),
          '/console/sessions',
        );
      };
      const fields = SessionBody.properties;
      const integer = Type.String({ pattern: '^[0-9]{1,6}$' });
      const refusals = checkFields(request, values, [
        { name: 'day', label: 'sessionDayLabel', schema: fields.day },
        { name: 'from', label: 'sessionFromLabel', schema: fields.from },
        { name: 'to', label: 'sessionToLabel', schema: fields.to },
        { name: 'pointId', label: 'capHubLabel', schema: integer },
        { name: 'kind', label: 'sessionKindLegend', schema: fields.kind },
        { name: 'groupSize', label: 'sessionGroupLabel', schema: integer },
        { name: 'places', label: 'sessionPlacesLabel', schema: integer, optional: true },
        { name: 'notes', label: 'sessionNotesLabel', schema: fields.notes, optional: true },
      ]);
      const groupSize = Number(values.groupSize);
      if (refusals.every((refusal) => refusal.field !== 'groupSize') && (groupSize < 1 || groupSize > 12))
        refusals.push({
          code: 'REQUEST_INVALID',
          field: 'groupSize',
          params: { field: text(pageLanguage(request), 'sessionGroupLabel') },
        });
      const unknown = supports.filter((support) => !(SUPPORTS as readonly string[]).includes(support));
      if (unknown.length > 0)
        refusals.push({ code: 'REQUEST_INVALID', field: 'supports', params: { field: 'supports' } });
      if (refusals.length > 0) return failed(refusals);
      const day = values.day ?? '';
      try {
        const session = await service.openSession(
          {
            pointId: Number(values.pointId),
            kind: values.kind as SessionKind,
            supports: supports as Support[],
            startsAt: AccessibilityService.instantOf(day, values.from ?? ''),
            endsAt: AccessibilityService.instantOf(day, values.to ?? ''),
            groupSize,
            places: values.places === undefined || values.places === '' ? undefined : Number(values.places),
            notes: values.notes === '' ? undefined : values.notes,
          },
          await scopeOf(request),
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`/console/sessions/${session.id}?done=opened`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const refusal = refusalOf(error, [...SESSION_FIELDS, 'supports'], 'pointId');
        if (error.options.pointer === '/startsAt') refusal.field = 'from';
        return failed([refusal]);
      }
    },
  );

  const sessionView = async (request: FastifyRequest, id: number) => {
    const { session, bookings } = await service.roster(id, await scopeOf(request));
    const [row] = (
      await service.sessions(
        { from: session.day, to: session.day, pointId: Number(session.vaccination_point_id) },
        null,
      )
    ).filter((one) => Number(one.id) === id);
    if (row === undefined) throw new DomainError('DEDICATED_SESSION_NOT_FOUND', { pointer: '/id' });
    return {
      session: sessionLine(row),
      bookings: bookings.map((line) => ({
        code: line.code,
        name: `${line.given_name} ${line.surname}`,
        withCaregiver: line.with_caregiver,
        transport: line.transport,
        phone: line.phone,
      })),
    };
  };

  console.get(
    '/sessions/:id',
    {
      schema: {
        ...schema(
          'consoleDedicatedSession',
          'Authority console: a dedicated session with the people booked into it, and the form to cancel it (BOOK-15)',
        ),
        params: IdParams,
        querystring: Type.Object(
          { done: Type.Optional(Type.Enum(['opened', 'cancelled'])) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) =>
      sendPage(
        reply,
        200,
        sessionPage(await pageContext(request), role(request), {
          ...(await sessionView(request, request.params.id)),
          notice: request.query.done,
          values: {},
          errors: [],
        }),
      ),
  );

  console.post(
    '/sessions/:id/cancel',
    {
      schema: {
        ...schema(
          'consoleCancelDedicatedSession',
          'Authority console: cancels a dedicated session; its appointments are cancelled and each person told (BOOK-15)',
        ),
        params: IdParams,
        body: Type.Object({ reason: FormText }, { additionalProperties: false }),
      },
      config: access,
    },
    async (request, reply) => {
      const id = request.params.id;
      const values = { reason: request.body.reason?.trim() };
      const failed = async (refusals: Refusal[]) => {
        const view = await sessionView(request, id);
        return formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) =>
            sessionPage(context, role(request), { ...view, notice: undefined, values, errors }),
          `/console/sessions/${id}`,
        );
      };
      const refusals = checkFields(request, values, [
        { name: 'reason', label: 'sessionCancelReasonLabel', schema: WithdrawBody.properties.reason },
      ]);
      if (refusals.length > 0) return failed(refusals);
      try {
        await service.cancelSession(
          id,
          values.reason ?? '',
          await scopeOf(request),
          actingContextOf(request, clock.now()),
        );
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'DEDICATED_SESSION_NOT_FOUND') throw error;
        if (error.options.pointer === undefined && error.code.endsWith('OUT_OF_SCOPE')) throw error;
        return failed([refusalOf(error, ['reason'], 'reason')]);
      }
      return reply.redirect(`/console/sessions/${id}?done=cancelled`, 303);
    },
  );

  // ---- Transports (BOOK-16) ----------------------------------------------------------------------

  console.get(
    '/transports',
    {
      schema: {
        ...schema(
          'consoleTransportsNeeded',
          'Authority console: the transports to organise, by day and hub, for hub bookings and dedicated sessions (BOOK-16)',
        ),
        querystring: Type.Object({ from: FormText, to: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const today = romeDate(clock.now());
      const from = request.query.from?.trim() || today;
      const to =
        request.query.to?.trim() || (/^\d{4}-\d{2}-\d{2}$/.test(from) ? addDays(from, DAYS_AHEAD) : from);
      const refusals = checkFields(request, { from, to }, [
        { name: 'from', label: 'transportsFromLabel', schema: DayText },
        { name: 'to', label: 'transportsToLabel', schema: DayText },
      ]);
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          transportsPage(context, role(request), { from, to, lines: [], errors }),
        );
      const rows = await service.transports({ from, to }, await scopeOf(request));
      return sendPage(
        reply,
        200,
        transportsPage(await pageContext(request), role(request), {
          from,
          to,
          errors: [],
          lines: rows.map((row) => ({
            day: romeDate(row.startsAt),
            hub: row.point.name,
            startsAt: row.startsAt,
            code: row.code,
            name: row.person === undefined ? '–' : `${row.person.given_name} ${row.person.surname}`,
            where:
              row.person === undefined
                ? '–'
                : [row.person.address, row.person.municipality_name]
                    .filter((part) => part !== null)
                    .join(', ') || '–',
            phone: row.person?.phone ?? null,
            transport: row.transport,
          })),
        }),
      );
    },
  );
}

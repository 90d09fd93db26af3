import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { romeDate } from '../../platform/clock.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import type { PlatformContext } from '../../platform/http/app.ts';
import { DomainError } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { BookingService } from '../booking/service.ts';
import { CapacityService, type AuthorityScope, type ChangeSummary } from '../capacity/service.ts';
import type { ChangeRow, OutcomeRow } from '../capacity/repo.ts';
import { CHANGE_KINDS, type ChangeKind } from '../capacity/rules.ts';
import { CreateChangeBody } from '../capacity/schemas.ts';
import { EligibilityService } from '../eligibility/service.ts';
import { listProducts } from '../reference/service.ts';
import { choiceGroup, errorSummary, selectInput, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { checkFields, FormText, HTML_PAGE, refusalOf, type PageKit, type Refusal } from '../portal/kit.ts';
import { csrfField, formatKm, formatTime, t, type PageContext } from '../portal/layout.ts';
import { AUTHORITY_ROLES, formatDay, formatNumber } from './authority-views.ts';
import { staffOf } from './routes.ts';
import { dataTable, Id, pager } from './console-kit.ts';
import { consolePage } from './views.ts';

/*
 * The authority console's capacity changes (BOOK-12, ADR 0013 last section): a health authority's
 * administrator (their hubs only, SEC-2) or the region's closes a hub-day, cuts its stations from a time or
 * a product's doses; the preview says who loses their place and where they would go; applying moves or
 * cancels the bookings and tells each person; the outcome lists them booking by booking. All the work is
 * CapacityService's, the same the JSON routes under /capacity call.
 */

const ChangeParams = Type.Object({ changeId: Id });
const OUTCOMES_PAGE = 50;
const CHANGES_PAGE = 20;
const OUTCOMES = ['moved', 'to_choose'] as const;
type Outcome = (typeof OUTCOMES)[number];

type ChangeDetail = ChangeRow & { messages: Record<string, number> };

interface HubChoice {
  id: number;
  name: string;
  code: string;
}

// ---------------------------------------------------------------------------------------------------
// Views

const hubName = (hubs: readonly HubChoice[], id: number): string =>
  hubs.find((hub) => hub.id === id)?.name ?? `#${id}`;

const kindText = (context: PageContext, change: ChangeRow): string => {
  const kind = t(context, `capKind_${change.kind}`);
  if (change.kind === 'cut_stations')
    return `${kind}: ${t(context, 'capCutStationsValue', { time: (change.from_time ?? '').slice(0, 5), stations: change.stations ?? 0 })}`;
  if (change.kind === 'cut_stock')
    return `${kind}: ${t(context, 'capCutStockValue', { product: change.product_code ?? '', doses: change.doses ?? 0 })}`;
  return kind;
};

export interface CapacityFormView {
  hubs: readonly HubChoice[];
  products: readonly { code: string; name: string }[];
  changes: readonly ChangeRow[];
  page: number;
  more: boolean;
  values: Record<string, string | undefined>;
  errors: readonly FieldError[];
}

export function capacityChangesPage(context: PageContext, role: StaffRole, view: CapacityFormView): SafeHtml {
  const values = view.values;
  const title = t(context, 'capTitle');
  return consolePage(context, role, {
    title,
    current: '/console/capacity',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors, { kind: 'kind-0' })}
      <h1>${title}</h1>
      <h2 class="h4">${t(context, 'capNewTitle')}</h2>
      <p>${t(context, 'capNewIntro')}</p>
      <form method="post" action="/console/capacity" novalidate>
        ${csrfField(context)}
        <div class="row">
          <div class="col-12 col-md-6">
            ${textInput(context, view.errors, {
              name: 'day',
              label: t(context, 'capDayLabel'),
              type: 'date',
              value: values.day,
              size: 'medium',
              autofocus: view.errors.length === 0,
            })}
            ${selectInput(context, view.errors, {
              name: 'pointId',
              label: t(context, 'capHubLabel'),
              value: values.pointId,
              options: view.hubs.map((hub) => ({
                value: String(hub.id),
                label: `${hub.name} (${hub.code})`,
              })),
            })}
            ${choiceGroup(context, view.errors, {
              name: 'kind',
              legend: t(context, 'capKindLegend'),
              values: [values.kind ?? 'close_day'],
              options: CHANGE_KINDS.map((kind) => ({
                value: kind,
                label: t(context, `capKind_${kind}`),
                hint: kind === 'close_day' ? undefined : t(context, `capKindHint_${kind}`),
              })),
            })}
          </div>
          <div class="col-12 col-md-6">
            ${textInput(context, view.errors, {
              name: 'fromTime',
              label: t(context, 'capFromTimeLabel'),
              type: 'time',
              value: values.fromTime,
              size: 'medium',
            })}
            ${textInput(context, view.errors, {
              name: 'stations',
              label: t(context, 'capStationsLabel'),
              type: 'number',
              inputmode: 'numeric',
              value: values.stations,
              size: 'short',
            })}
            ${selectInput(context, view.errors, {
              name: 'product',
              label: t(context, 'capProductLabel'),
              value: values.product,
              options: view.products.map((product) => ({ value: product.code, label: product.name })),
            })}
            ${textInput(context, view.errors, {
              name: 'doses',
              label: t(context, 'capDosesLabel'),
              type: 'number',
              inputmode: 'numeric',
              value: values.doses,
              size: 'short',
            })}
            ${textInput(context, view.errors, {
              name: 'note',
              label: t(context, 'capNoteLabel'),
              value: values.note,
              maxlength: 500,
            })}
          </div>
        </div>
        <button type="submit" class="btn btn-primary">${t(context, 'capPreviewButton')}</button>
      </form>
      <h2 class="h4 mt-5">${t(context, 'capPastCaption')}</h2>
      ${dataTable(
        t(context, 'capPastCaption'),
        [
          t(context, 'capNumberColumn'),
          t(context, 'capHubColumn'),
          t(context, 'capDayColumn'),
          t(context, 'capKindColumn'),
          t(context, 'capStatusColumn'),
          t(context, 'capAffectedColumn'),
        ],
        view.changes.map(
          (change) =>
            html`<tr>
              <th scope="row">
                <a
                  href="/console/capacity/${change.id}"
                  aria-label="${t(context, 'capOpen', { id: change.id })}"
                  >${change.id}</a
                >
              </th>
              <td>${hubName(view.hubs, change.vaccination_point_id)}</td>
              <td>${formatDay(context, change.day)}</td>
              <td>${kindText(context, change)}</td>
              <td>${t(context, `capStatus_${change.status}`)}</td>
              <td>${formatNumber(context, (change.preview as ChangeSummary).affected)}</td>
            </tr>`,
        ),
        t(context, 'capNone'),
      )}
      ${pager(
        context,
        view.page > 1 ? `/console/capacity?page=${view.page - 1}` : undefined,
        view.more ? `/console/capacity?page=${view.page + 1}` : undefined,
      )}`,
  });
}

export interface ChangePageView {
  change: ChangeDetail;
  hubs: readonly HubChoice[];
  outcomes: { total: number; rows: readonly OutcomeRow[] };
  filter: Outcome | undefined;
  page: number;
  notice: 'applied' | 'discarded' | undefined;
  errors: readonly FieldError[];
}

const figure = (label: string, value: string): HtmlValue =>
  html`<dt class="col-7 col-md-4">${label}</dt>
    <dd class="col-5 col-md-8">${value}</dd>`;

export function capacityChangePage(context: PageContext, role: StaffRole, view: ChangePageView): SafeHtml {
  const { change } = view;
  const summary = change.preview as ChangeSummary;
  const previewed = change.status === 'previewed';
  const title = t(context, 'capChangeTitle', { id: change.id });
  const km = (value: number | null) =>
    value === null ? '–' : t(context, 'capKmValue', { km: formatKm(value, context.language) });
  const when = (instant: Date) =>
    `${formatDay(context, romeDate(new Date(instant)))}, ${formatTime(new Date(instant), context.language)}`;
  const outcomeLink = (outcome: Outcome | undefined, page: number) =>
    `/console/capacity/${change.id}?${outcome === undefined ? '' : `outcome=${outcome}&`}page=${page}`;
  const first = (view.page - 1) * OUTCOMES_PAGE;
  const notice =
    view.notice === undefined
      ? null
      : html`<div class="alert alert-success" role="status">
          ${t(context, view.notice === 'applied' ? 'capApplied' : 'capDiscarded')}
        </div>`;
  return consolePage(context, role, {
    title,
    current: '/console/capacity',
    hasErrors: view.errors.length > 0,
    body: html`${errorSummary(context, view.errors)} ${notice}
      <p><a href="/console/capacity">${t(context, 'capBack')}</a></p>
      <h1>${title}</h1>
      <dl class="row">
        ${figure(t(context, 'capHubColumn'), hubName(view.hubs, change.vaccination_point_id))}
        ${figure(t(context, 'capDayColumn'), formatDay(context, change.day))}
        ${figure(t(context, 'capKindColumn'), kindText(context, change))}
        ${figure(t(context, 'capStatusColumn'), t(context, `capStatus_${change.status}`))}
        ${change.note === null ? null : figure(t(context, 'capNoteValue'), change.note)}
      </dl>
      <h2 class="h4">${previewed ? t(context, 'capPreviewHeading') : t(context, 'capOutcomeHeading')}</h2>
      <dl class="row">
        ${figure(t(context, 'capAffectedLabel'), formatNumber(context, summary.affected))}
        ${figure(t(context, 'capPeopleLabel'), formatNumber(context, summary.people))}
        ${
          change.status === 'applied' || change.status === 'applying'
            ? html`${figure(t(context, 'capMovedLabel'), formatNumber(context, change.moved))}
              ${figure(t(context, 'capToChooseLabel'), formatNumber(context, change.to_choose))}
              ${figure(t(context, 'capNotifiedLabel'), formatNumber(context, change.notified))}`
            : html`${figure(t(context, 'capWouldMoveLabel'), formatNumber(context, summary.moved))}
              ${figure(t(context, 'capToChooseLabel'), formatNumber(context, summary.toChoose))}`
        }
        ${figure(t(context, 'capSecondDosesLabel'), formatNumber(context, summary.secondDosesMoved))}
        ${figure(t(context, 'capAverageKmLabel'), km(summary.averageKm))}
        ${figure(t(context, 'capFarthestKmLabel'), km(summary.farthestKm))}
      </dl>
      ${dataTable(
        t(context, previewed ? 'capDestinationsCaption' : 'capDestinationsDoneCaption'),
        [t(context, 'capHubColumn'), t(context, 'capDayColumn'), t(context, 'capBookingsColumn')],
        summary.destinations.map(
          (line) =>
            html`<tr>
              <th scope="row">${line.hubName} (${line.hubCode})</th>
              <td>${formatDay(context, line.day)}</td>
              <td>${formatNumber(context, line.bookings)}</td>
            </tr>`,
        ),
        t(context, 'capDestinationsNone'),
      )}
      ${
        previewed
          ? html`<p>${t(context, 'capApplyHint')}</p>
              <div class="d-flex flex-wrap gap-3">
                <form method="post" action="/console/capacity/${change.id}/apply">
                  ${csrfField(context)}
                  <button type="submit" class="btn btn-primary" autofocus>
                    ${t(context, 'capApplyButton')}
                  </button>
                </form>
                <form method="post" action="/console/capacity/${change.id}/discard">
                  ${csrfField(context)}
                  <button type="submit" class="btn btn-outline-primary">
                    ${t(context, 'capDiscardButton')}
                  </button>
                </form>
              </div>`
          : null
      }
      ${
        change.status === 'applied' || change.status === 'applying'
          ? html`<form method="get" action="/console/capacity/${change.id}" class="mt-4">
                ${choiceGroup(context, [], {
                  name: 'outcome',
                  legend: t(context, 'capOutcomesFilterLegend'),
                  values: [view.filter ?? ''],
                  options: [
                    { value: '', label: t(context, 'capOutcomesAll') },
                    ...OUTCOMES.map((outcome) => ({
                      value: outcome,
                      label: t(context, `capOutcome_${outcome}`),
                    })),
                  ],
                })}
                <button type="submit" class="btn btn-outline-primary btn-sm mb-3">
                  ${t(context, 'capFilterButton')}
                </button>
              </form>
              ${dataTable(
                t(context, 'capOutcomesCaption', {
                  from: view.outcomes.total === 0 ? 0 : first + 1,
                  to: first + view.outcomes.rows.length,
                  total: view.outcomes.total,
                }),
                [
                  t(context, 'capCodeColumn'),
                  t(context, 'capFromColumn'),
                  t(context, 'capToColumn'),
                  t(context, 'capMessageColumn'),
                ],
                view.outcomes.rows.map(
                  (row) =>
                    html`<tr>
                      <th scope="row">
                        <span class="text-nowrap">${row.code}</span><br /><span class="fw-normal"
                          >${t(context, 'capDoseValue', { dose: row.dose_number, product: row.product_code })}</span
                        ><br />${t(context, `capOutcome_${row.outcome}`)}
                      </th>

                      <td>
                        ${hubName(view.hubs, Number(row.from_point_id))}<br />${when(row.from_starts_at)}
                      </td>
                      <td>
                        ${
                          row.to_point_id === null || row.to_starts_at === null
                            ? '–'
                            : html`${hubName(view.hubs, Number(row.to_point_id))}<br />${when(row.to_starts_at)}${
                                  row.km === null
                                    ? null
                                    : html`<br />${t(context, 'capKmFromHome', { km: formatKm(Number(row.km), context.language) })}`
                                }`
                        }
                      </td>
                      <td>
                        ${
                          row.message_id === null
                            ? t(context, 'capNoMessage')
                            : `${row.message_channel ?? ''} (${row.message_status ?? ''})`
                        }
                      </td>
                    </tr>`,
                ),
                t(context, 'capNoOutcomes'),
              )}
              ${pager(
                context,
                view.page > 1 ? outcomeLink(view.filter, view.page - 1) : undefined,
                first + view.outcomes.rows.length < view.outcomes.total
                  ? outcomeLink(view.filter, view.page + 1)
                  : undefined,
              )}`
          : null
      }`,
  });
}

// ---------------------------------------------------------------------------------------------------
// Routes

const scopeOf = (request: FastifyRequest): AuthorityScope => {
  const staff = staffOf(request);
  return staff.role === 'region_admin' ? null : staff.healthAuthorityCodes;
};

const FIELDS = ['pointId', 'day', 'kind', 'fromTime', 'stations', 'product', 'doses', 'note'] as const;

/** BOOK-12 in the authority console: create (preview), apply, discard, outcomes, past changes. */
export function registerCapacityChangePages(
  console: App,
  { kit, database, config, clock }: { kit: PageKit } & Pick<PlatformContext, 'database' | 'config' | 'clock'>,
): void {
  const db = database.db;
  const { pageContext, sendPage, formFailed } = kit;
  const eligibility = new EligibilityService(db, clock, config.REGION_CODE);
  const capacity = new CapacityService(db, clock, eligibility);
  const booking = new BookingService(db, clock, eligibility);
  const access = { access: AUTHORITY_ROLES };
  const schema = (operationId: string, summary: string) => ({ operationId, tags: ['console'], summary });

  /** The hubs the administrator may change (their authorities', or all for the region). */
  const hubsOf = async (request: FastifyRequest): Promise<HubChoice[]> => {
    const scope = scopeOf(request);
    return (await booking.listHubs())
      .filter((hub) => hub.stations !== null)
      .filter((hub) => scope === null || scope.includes(hub.health_authority_code))
      .map((hub) => ({ id: hub.id, name: hub.name, code: hub.code }));
  };

  /** Every hub, to name the places people are moved to (they may be another authority's). */
  const allHubs = async (): Promise<HubChoice[]> =>
    (await booking.listHubs()).map((hub) => ({ id: hub.id, name: hub.name, code: hub.code }));

  const formView = async (request: FastifyRequest, page: number) => {
    const [hubs, products, changes] = await Promise.all([
      hubsOf(request),
      listProducts(db, { effectiveOn: romeDate(clock.now()) }),
      capacity.list(scopeOf(request), {}, { limit: CHANGES_PAGE + 1, offset: (page - 1) * CHANGES_PAGE }),
    ]);
    return {
      hubs,
      products: products.map((product) => ({ code: product.code, name: product.name })),
      changes: changes.slice(0, CHANGES_PAGE),
      more: changes.length > CHANGES_PAGE,
      page,
    };
  };

  console.get(
    '/capacity',
    {
      schema: {
        ...schema(
          'consoleCapacityChanges',
          'Authority console: the form to close a hub-day or cut its stations or doses, and the past changes (BOOK-12)',
        ),
        querystring: Type.Object(
          { page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }) },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const view = await formView(request, request.query.page);
      return sendPage(
        reply,
        200,
        capacityChangesPage(await pageContext(request), staffOf(request).role, {
          ...view,
          values: { day: romeDate(clock.now()), kind: 'close_day' },
          errors: [],
        }),
      );
    },
  );

  console.post(
    '/capacity',
    {
      schema: {
        ...schema(
          'consoleCreateCapacityChange',
          'Authority console: records a capacity change with its preview, nothing moved yet; 303 to its page (BOOK-12)',
        ),
        body: Type.Object(Object.fromEntries(FIELDS.map((name) => [name, FormText])), {
          additionalProperties: false,
        }),
      },
      config: access,
    },
    async (request, reply) => {
      const body = request.body as Record<string, string | undefined>;
      const values: Record<string, string | undefined> = Object.fromEntries(
        FIELDS.map((name) => [name, body[name]?.trim()]),
      );
      const failed = async (refusals: Refusal[]) => {
        const view = await formView(request, 1);
        return formFailed(
          request,
          reply,
          refusals,
          'body',
          (context, errors) =>
            capacityChangesPage(context, staffOf(request).role, { ...view, values, errors }),
          '/console/capacity',
        );
      };
      const kind = (values.kind ?? '') as ChangeKind;
      const fields = CreateChangeBody.properties;
      const integer = Type.String({ pattern: '^[0-9]{1,6}$' });
      const refusals = checkFields(request, values, [
        { name: 'day', label: 'capDayLabel', schema: fields.day },
        { name: 'pointId', label: 'capHubLabel', schema: integer },
        { name: 'kind', label: 'capKindLegend', schema: Type.Enum(CHANGE_KINDS) },
        {
          name: 'fromTime',
          label: 'capFromTimeLabel',
          schema: fields.fromTime,
          optional: kind !== 'cut_stations',
        },
        { name: 'stations', label: 'capStationsLabel', schema: integer, optional: kind !== 'cut_stations' },
        { name: 'product', label: 'capProductLabel', schema: fields.product, optional: kind !== 'cut_stock' },
        { name: 'doses', label: 'capDosesLabel', schema: integer, optional: kind !== 'cut_stock' },
        { name: 'note', label: 'capNoteLabel', schema: fields.note, optional: true },
      ]);
      if (refusals.length > 0) return failed(refusals);
      const number = (value: string | undefined) =>
        value === undefined || value === '' ? undefined : Number(value);
      try {
        const change = await capacity.create(
          {
            kind,
            pointId: Number(values.pointId),
            day: values.day ?? '',
            fromTime: kind === 'cut_stations' ? values.fromTime : undefined,
            stations: kind === 'cut_stations' ? number(values.stations) : undefined,
            product: kind === 'cut_stock' ? values.product : undefined,
            doses: kind === 'cut_stock' ? number(values.doses) : undefined,
            note: values.note === '' ? undefined : values.note,
          },
          scopeOf(request),
          actingContextOf(request, clock.now()),
        );
        return reply.redirect(`/console/capacity/${change.id}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return failed([refusalOf(error, [...FIELDS], 'pointId')]);
      }
    },
  );

  const changeView = async (
    request: FastifyRequest,
    changeId: number,
    filter: Outcome | undefined,
    page: number,
  ) => {
    const scope = scopeOf(request);
    const change = await capacity.get(changeId, scope);
    const [hubs, outcomes] = await Promise.all([
      allHubs(),
      change.status === 'previewed' || change.status === 'discarded'
        ? Promise.resolve({ total: 0, rows: [] })
        : capacity.outcomes(
            changeId,
            scope,
            { outcome: filter },
            { limit: OUTCOMES_PAGE, offset: (page - 1) * OUTCOMES_PAGE },
          ),
    ]);
    return { change, hubs, outcomes, filter, page };
  };

  console.get(
    '/capacity/:changeId',
    {
      schema: {
        ...schema(
          'consoleCapacityChange',
          'Authority console: a capacity change: its preview (who loses their place, where they would go) or its outcome booking by booking (BOOK-12)',
        ),
        params: ChangeParams,
        querystring: Type.Object(
          {
            outcome: Type.Optional(Type.Union([Type.Enum(OUTCOMES), Type.Literal('')])),
            page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
            done: Type.Optional(Type.Enum(['applied', 'discarded'])),
          },
          { additionalProperties: false },
        ),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const { outcome, page, done } = request.query;
      const view = await changeView(
        request,
        request.params.changeId,
        outcome === '' || outcome === undefined ? undefined : outcome,
        page,
      );
      return sendPage(
        reply,
        200,
        capacityChangePage(await pageContext(request), staffOf(request).role, {
          ...view,
          notice: done,
          errors: [],
        }),
      );
    },
  );

  const act = (path: 'apply' | 'discard', operationId: string, summary: string) =>
    console.post(
      `/capacity/:changeId/${path}`,
      {
        schema: {
          ...schema(operationId, summary),
          params: ChangeParams,
          body: Type.Object({}, { additionalProperties: false }),
        },
        config: access,
      },
      async (request, reply) => {
        const { changeId } = request.params;
        const context = actingContextOf(request, clock.now());
        try {
          if (path === 'apply') await capacity.apply(changeId, scopeOf(request), context);
          else await capacity.discard(changeId, scopeOf(request), context);
          return reply.redirect(
            `/console/capacity/${changeId}?done=${path === 'apply' ? 'applied' : 'discarded'}`,
            303,
          );
        } catch (error) {
          if (!(error instanceof DomainError) || error.code === 'CAPACITY_CHANGE_NOT_FOUND') throw error;
          if (error.code === 'CAPACITY_HUB_OUT_OF_SCOPE') throw error;
          const view = await changeView(request, changeId, undefined, 1);
          return formFailed(
            request,
            reply,
            [refusalOf(error, [])],
            'body',
            (pageContextValue, errors) =>
              capacityChangePage(pageContextValue, staffOf(request).role, {
                ...view,
                notice: undefined,
                errors,
              }),
            `/console/capacity/${changeId}`,
          );
        }
      },
    );

  act(
    'apply',
    'consoleApplyCapacityChange',
    'Authority console: applies a previewed change: the cut, the moves, the notices; 303 to its outcome (BOOK-12)',
  );
  act(
    'discard',
    'consoleDiscardCapacityChange',
    'Authority console: drops a change not applied yet; 303 to its page (BOOK-12)',
  );
}

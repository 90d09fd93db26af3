import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { StaffRole } from '../../platform/auth/roles.ts';
import { romeDate } from '../../platform/clock.ts';
import type { PlatformContext } from '../../platform/http/app.ts';
import { defineProblems, problem } from '../../platform/http/problem.ts';
import type { App } from '../../platform/http/types.ts';
import { ExportService, type PointScope } from '../exports/service.ts';
import type { BookingCapacityRow, CoverageRow, DosesByLotRow } from '../exports/repo.ts';
import { listVaccinationPoints } from '../reference/service.ts';
import type { OutboxLagHour } from '../vaccination/national-repo.ts';
import { errorSummary, textInput, type FieldError } from '../portal/forms.ts';
import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';
import { checkFields, FormText, HTML_PAGE, type PageKit } from '../portal/kit.ts';
import { t, type PageContext } from '../portal/layout.ts';
import type { TextKey } from '../portal/texts.ts';
import { DayText } from './console-kit.ts';
import { chartFigure, type ChartRow } from './dashboard-charts.ts';
import { AUTHORITY_ROLES, formatDay, formatDuration, formatNumber, formatShare } from './authority-views.ts';
import { addDays, authoritiesOf } from './authority-pages.ts';
import { staffOf } from './routes.ts';
import { consolePage } from './views.ts';
import { noShowsFigure } from './no-show-figure.ts';
import { noShowsPerHubDay } from '../waiting-list/repo.ts';

defineProblems({
  DASHBOARD_PERIOD_INVALID: problem(
    400,
    { it: 'Periodo non valido', en: 'Invalid period' },
    {
      it: 'Il periodo va dal {from} al {to}: indichi una data iniziale non successiva a quella finale e al più {days} giorni.',
      en: 'The period runs from {from} to {to}: give a first day not after the last one, and at most {days} days.',
    },
  ),
});

/*
 * UX-5: the dashboards of the authority console, over the exports' reports (EXP-3) and the national
 * flow's figures (NAT-1): bookings against capacity per hub and per day, coverage by category, age band
 * and municipality, doses by product, the outbox lag. Every chart comes with its text and its table
 * (dashboard-charts.ts).
 */

/** Municipalities drawn in the chart (the table lists them all): a region has hundreds. */
const MUNICIPALITIES_CHARTED = 25;
/** The longest period a dashboard draws: a chart of more days than this is no longer read. */
const MAX_PERIOD_DAYS = 62;

type DashboardKey = 'capacity' | 'coverage' | 'doses' | 'flow';

const DASHBOARDS: readonly { key: DashboardKey; href: string; label: TextKey }[] = [
  { key: 'capacity', href: '/console/dashboards', label: 'dashCapacityTab' },
  { key: 'coverage', href: '/console/dashboards/coverage', label: 'dashCoverageTab' },
  { key: 'doses', href: '/console/dashboards/doses', label: 'dashDosesTab' },
  { key: 'flow', href: '/console/national-flow', label: 'dashFlowTab' },
];

function dashboardNav(context: PageContext, current: DashboardKey): SafeHtml {
  return html`<nav aria-label="${t(context, 'dashNavLabel')}" class="mb-4">
    <ul class="nav nav-pills">
      ${DASHBOARDS.map(
        (dashboard) =>
          html`<li class="nav-item">
            <a
              class="nav-link${dashboard.key === current ? ' active' : ''}"
              href="${dashboard.href}"
              ${dashboard.key === current ? html`aria-current="page"` : null}
              >${t(context, dashboard.label)}</a
            >
          </li>`,
      )}
    </ul>
  </nav>`;
}

function dashboardPage(
  context: PageContext,
  role: StaffRole,
  page: {
    key: DashboardKey;
    title: string;
    intro: string;
    errors: readonly FieldError[];
    form: HtmlValue;
    body: HtmlValue;
  },
): SafeHtml {
  return consolePage(context, role, {
    title: page.title,
    current: '/console/dashboards',
    hasErrors: page.errors.length > 0,
    body: html`${errorSummary(context, page.errors)}${dashboardNav(context, page.key)}
      <h1>${page.title}</h1>
      <p class="lead">${page.intro}</p>
      ${page.form}${page.body}`,
  });
}

function periodForm(
  context: PageContext,
  action: string,
  values: { from: string; to: string },
  errors: readonly FieldError[],
): SafeHtml {
  return html`<form method="get" action="${action}" class="row align-items-end mb-4" novalidate>
    <div class="col-12 col-md-4">
      ${textInput(context, errors, { name: 'from', label: t(context, 'authFromLabel'), type: 'date', value: values.from })}
    </div>
    <div class="col-12 col-md-4">
      ${textInput(context, errors, { name: 'to', label: t(context, 'authToLabel'), type: 'date', value: values.to })}
    </div>
    <div class="col-12 col-md-4 mb-4">
      <button type="submit" class="btn btn-outline-primary">${t(context, 'authShowButton')}</button>
    </div>
  </form>`;
}

// ---------------------------------------------------------------------------------------------------
// The figures (exported for the tests: what the chart and the table say must agree)

/** BOOK-2: per hub over the period, and per day over the hubs, booked places against capacity. */
export function capacityFigures(context: PageContext, rows: readonly BookingCapacityRow[]): SafeHtml {
  const byHub = new Map<string, { capacity: number; booked: number }>();
  const byDay = new Map<string, { capacity: number; booked: number }>();
  for (const row of rows) {
    const hub = byHub.get(row.pointName) ?? { capacity: 0, booked: 0 };
    hub.capacity += row.capacity;
    hub.booked += row.booked;
    byHub.set(row.pointName, hub);
    const day = byDay.get(row.day) ?? { capacity: 0, booked: 0 };
    day.capacity += row.capacity;
    day.booked += row.booked;
    byDay.set(row.day, day);
  }
  const series = [
    { label: t(context, 'seriesBooked'), style: 'solid' as const },
    { label: t(context, 'seriesCapacity'), style: 'outline' as const },
  ];
  const format = (value: number) => formatNumber(context, value);
  const total = [...byHub.values()].reduce(
    (sum, hub) => ({ capacity: sum.capacity + hub.capacity, booked: sum.booked + hub.booked }),
    { capacity: 0, booked: 0 },
  );
  const busiest = [...byHub.entries()].sort(
    ([, a], [, b]) => b.booked / Math.max(1, b.capacity) - a.booked / Math.max(1, a.capacity),
  )[0];
  const summary =
    rows.length === 0
      ? t(context, 'dashNoData')
      : t(context, 'capacitySummary', {
          booked: formatNumber(context, total.booked),
          capacity: formatNumber(context, total.capacity),
          share: formatShare(context, total.booked / Math.max(1, total.capacity)),
          hub: busiest?.[0] ?? '',
          hubShare: formatShare(
            context,
            (busiest?.[1].booked ?? 0) / Math.max(1, busiest?.[1].capacity ?? 0),
          ),
        });
  const toRows = (
    entries: Iterable<[string, { capacity: number; booked: number }]>,
    label: (key: string) => string,
  ): ChartRow[] =>
    [...entries].map(([key, value]) => ({ label: label(key), values: [value.booked, value.capacity] }));
  return html`${chartFigure(
      {
        id: 'capacity-by-hub',
        title: t(context, 'capacityByHubTitle'),
        summary,
        series,
        rows: toRows(
          [...byHub.entries()].sort(([a], [b]) => a.localeCompare(b)),
          (key) => key,
        ),
        format,
      },
      'bars',
      { rowHeader: t(context, 'authHubColumn'), empty: t(context, 'dashNoData') },
    )}
    ${chartFigure(
      {
        id: 'capacity-by-day',
        title: t(context, 'capacityByDayTitle'),
        summary: t(context, 'capacityByDaySummary', { days: byDay.size }),
        series,
        rows: toRows(
          [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)),
          (day) => formatDay(context, day),
        ),
        format,
      },
      'columns',
      { rowHeader: t(context, 'authDayColumn'), empty: t(context, 'dashNoData') },
    )}
    <section class="mb-5" aria-labelledby="capacity-detail-heading">
      <h2 class="h4" id="capacity-detail-heading">${t(context, 'capacityDetailTitle')}</h2>
      <div class="table-responsive">
        <table class="table table-sm">
          <caption>
            ${t(context, 'capacityDetailCaption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t(context, 'authHubColumn')}</th>
              <th scope="col">${t(context, 'authDayColumn')}</th>
              <th scope="col" class="text-end">${t(context, 'seriesBooked')}</th>
              <th scope="col" class="text-end">${t(context, 'seriesCapacity')}</th>
              <th scope="col" class="text-end">${t(context, 'utilisationColumn')}</th>
              <th scope="col" class="text-end">${t(context, 'authDosesColumn')}</th>
              <th scope="col" class="text-end">${t(context, 'administeredColumn')}</th>
            </tr>
          </thead>
          <tbody>
            ${
              rows.length === 0
                ? html`<tr>
                    <td colspan="7">${t(context, 'dashNoData')}</td>
                  </tr>`
                : rows.map(
                    (row) =>
                      html`<tr>
                        <th scope="row">${row.pointName}</th>
                        <td>${formatDay(context, row.day)}</td>
                        <td class="text-end">${formatNumber(context, row.booked)}</td>
                        <td class="text-end">${formatNumber(context, row.capacity)}</td>
                        <td class="text-end">
                          ${row.utilisation === null ? '–' : formatShare(context, row.utilisation)}
                        </td>
                        <td class="text-end">
                          ${formatNumber(context, row.dosesBooked)} / ${formatNumber(context, row.doses)}
                        </td>
                        <td class="text-end">${formatNumber(context, row.administered)}</td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>
      </div>
    </section>`;
}

/** EXP-3: coverage by a dimension: shares of the population where there is one, counts otherwise. */
export function coverageFigure(
  context: PageContext,
  dimension: 'category' | 'ageBand' | 'municipality',
  rows: readonly CoverageRow[],
): SafeHtml {
  const shares = dimension !== 'category';
  const series = [
    { label: t(context, 'seriesAtLeastOne'), style: 'solid' as const },
    { label: t(context, 'seriesCompleted'), style: 'hatched' as const },
    { label: t(context, 'seriesBooster'), style: 'outline' as const },
  ];
  const label = (row: CoverageRow) =>
    row.label ?? row.key ?? t(context, dimension === 'category' ? 'categoryUnknown' : 'unknownValue');
  const chartRows = (
    dimension === 'municipality'
      ? [...rows].sort((a, b) => (b.population ?? 0) - (a.population ?? 0)).slice(0, MUNICIPALITIES_CHARTED)
      : rows
  ).map((row) => ({
    label: label(row),
    values: shares
      ? [row.atLeastOneDoseShare, row.completedCycleShare, row.boosterShare]
      : [row.atLeastOneDose, row.completedCycle, row.booster],
  }));
  const tableRows = rows.map((row) => ({
    label: shares ? `${label(row)} (${formatNumber(context, row.population ?? 0)})` : label(row),
    values: shares
      ? [row.atLeastOneDoseShare, row.completedCycleShare, row.boosterShare]
      : [row.atLeastOneDose, row.completedCycle, row.booster],
  }));
  const best = [...tableRows].sort((a, b) => (b.values[0] ?? 0) - (a.values[0] ?? 0))[0];
  const format = shares
    ? (value: number) => formatShare(context, value)
    : (value: number) => formatNumber(context, value);
  const summary =
    rows.length === 0
      ? t(context, 'dashNoData')
      : t(context, shares ? 'coverageShareSummary' : 'coverageCountSummary', {
          count: rows.length,
          best: best?.label ?? '',
          value: best?.values[0] === null || best?.values[0] === undefined ? '–' : format(best.values[0]),
        });
  const spec = {
    id: `coverage-${dimension}`,
    title: t(context, `coverageBy_${dimension}`),
    summary,
    series,
    rows: chartRows,
    format,
    ...(shares ? { max: 1 } : {}),
  };
  const note =
    dimension === 'municipality' && rows.length > MUNICIPALITIES_CHARTED
      ? html`<p>${t(context, 'coverageMunicipalitiesNote', { count: MUNICIPALITIES_CHARTED })}</p>`
      : dimension === 'category'
        ? html`<p>${t(context, 'coverageCategoryNote')}</p>`
        : null;
  return chartFigure(spec, 'bars', {
    rowHeader: t(context, `coverageDimension_${dimension}`),
    empty: t(context, 'dashNoData'),
    note,
    tableRows,
    ...(dimension === 'municipality' && rows.length > MUNICIPALITIES_CHARTED
      ? { foldTableAs: t(context, 'coverageAllMunicipalities', { count: rows.length }) }
      : {}),
  });
}

/** VAX-4: doses per product in the period: first, second, and later doses (additional, booster). */
export function dosesFigure(context: PageContext, rows: readonly DosesByLotRow[]): SafeHtml {
  const byProduct = new Map<string, { first: number; second: number; other: number; total: number }>();
  for (const row of rows) {
    const product = byProduct.get(row.productName) ?? { first: 0, second: 0, other: 0, total: 0 };
    product.first += row.firstDoses;
    product.second += row.secondDoses;
    product.other += row.laterPrimaryDoses + row.additionalDoses + row.boosterDoses;
    product.total += row.doses;
    byProduct.set(row.productName, product);
  }
  const entries = [...byProduct.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((sum, [, product]) => sum + product.total, 0);
  const top = [...entries].sort(([, a], [, b]) => b.total - a.total)[0];
  return chartFigure(
    {
      id: 'doses-by-product',
      title: t(context, 'dosesByProductTitle'),
      summary:
        entries.length === 0
          ? t(context, 'dashNoData')
          : t(context, 'dosesSummary', {
              total: formatNumber(context, total),
              products: entries.length,
              top: top?.[0] ?? '',
              topDoses: formatNumber(context, top?.[1].total ?? 0),
            }),
      series: [
        { label: t(context, 'seriesFirstDoses'), style: 'solid' },
        { label: t(context, 'seriesSecondDoses'), style: 'hatched' },
        { label: t(context, 'seriesOtherDoses'), style: 'outline' },
      ],
      rows: entries.map(([name, product]) => ({
        label: name,
        values: [product.first, product.second, product.other],
      })),
      format: (value) => formatNumber(context, value),
    },
    'bars',
    { rowHeader: t(context, 'authProductColumn'), empty: t(context, 'dashNoData') },
  );
}

const hourLabel = (context: PageContext, hour: Date): string =>
  new Intl.DateTimeFormat(context.language === 'it' ? 'it-IT' : 'en-GB', {
    timeZone: 'Europe/Rome',
    hour: '2-digit',
    minute: '2-digit',
  }).format(hour);

/** NAT-1: the lag recorded → acknowledged per hour of the last day (hours with acknowledgements). */
export function outboxLagFigure(context: PageContext, hours: readonly OutboxLagHour[], now: Date): SafeHtml {
  const worst = [...hours].sort((a, b) => b.lagMsP95 - a.lagMsP95)[0];
  void now;
  return chartFigure(
    {
      id: 'outbox-lag',
      title: t(context, 'outboxLagTitle'),
      summary:
        hours.length === 0
          ? t(context, 'outboxLagNone')
          : t(context, 'outboxLagSummary', {
              hours: hours.length,
              acknowledged: formatNumber(
                context,
                hours.reduce((sum, hour) => sum + hour.acknowledged, 0),
              ),
              worstHour: worst === undefined ? '' : hourLabel(context, worst.hour),
              worstLag: formatDuration(context, worst?.lagMsP95 ?? null),
            }),
      series: [
        { label: t(context, 'seriesLagP50'), style: 'solid' },
        { label: t(context, 'seriesLagP95'), style: 'hatched' },
      ],
      rows: hours.map((hour) => ({
        label: hourLabel(context, hour.hour),
        values: [hour.lagMsP50, hour.lagMsP95],
      })),
      format: (value) => formatDuration(context, value),
    },
    'columns',
    { rowHeader: t(context, 'authHourColumn'), empty: t(context, 'outboxLagNone') },
  );
}

// ---------------------------------------------------------------------------------------------------
// Routes

export function registerDashboardPages(
  console: App,
  { kit, database, clock }: { kit: PageKit } & Pick<PlatformContext, 'database' | 'config' | 'clock'>,
): void {
  const { pageContext, sendPage, formFailed } = kit;
  const exportsService = new ExportService(database.db, clock);
  const access = { access: AUTHORITY_ROLES };
  const today = () => romeDate(clock.now());

  /** The points of the administrator's authorities (null: the region's, all of them). */
  const pointScope = async (request: FastifyRequest): Promise<PointScope> => {
    const authorities = authoritiesOf(request);
    if (authorities === null) return null;
    return (await listVaccinationPoints(database.db))
      .filter((point) => authorities.includes(point.healthAuthorityCode))
      .map((point) => point.id);
  };

  const PeriodForm = Type.Object({ from: FormText, to: FormText }, { additionalProperties: false });

  /** The period of the form, checked: both dates, from ≤ to, at most MAX_PERIOD_DAYS. */
  const period = (
    request: FastifyRequest<{ Querystring: { from?: string; to?: string } }>,
    defaultDays: [number, number],
  ) => {
    const values = {
      from: request.query.from || addDays(today(), defaultDays[0]),
      to: request.query.to || addDays(today(), defaultDays[1]),
    };
    const refusals = checkFields(request, values, [
      { name: 'from', label: 'authFromLabel', schema: DayText },
      { name: 'to', label: 'authToLabel', schema: DayText },
    ]);
    if (
      refusals.length === 0 &&
      (values.from > values.to || addDays(values.from, MAX_PERIOD_DAYS) < values.to)
    )
      refusals.push({
        code: 'DASHBOARD_PERIOD_INVALID',
        field: 'to',
        params: { from: values.from, to: values.to, days: MAX_PERIOD_DAYS },
      });
    return { values, refusals };
  };

  console.get(
    '/dashboards',
    {
      schema: {
        operationId: 'consoleDashboardCapacity',
        tags: ['console'],
        summary:
          'Dashboards: booked places against capacity per hub and per day, as charts and tables (UX-5, BOOK-2)',
        querystring: PeriodForm,
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const role = staffOf(request).role;
      const { values, refusals } = period(request, [0, 6]);
      const render = (context: PageContext, errors: FieldError[], body: HtmlValue) =>
        dashboardPage(context, role, {
          key: 'capacity',
          title: t(context, 'dashCapacityTitle'),
          intro: t(context, 'dashCapacityIntro'),
          errors,
          form: periodForm(context, '/console/dashboards', values, errors),
          body,
        });
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          render(context, errors, null),
        );
      const points = await pointScope(request);
      const rows = await exportsService.bookingCapacity({ ...values, points });
      const noShows = await noShowsPerHubDay(database.db, { ...values, points });
      const context = await pageContext(request);
      const figures = html`${capacityFigures(context, rows)} ${noShowsFigure(context, noShows)}`;
      return sendPage(reply, 200, render(context, [], figures));
    },
  );

  console.get(
    '/dashboards/coverage',
    {
      schema: {
        operationId: 'consoleDashboardCoverage',
        tags: ['console'],
        summary:
          'Dashboards: coverage on a day by category, age band and municipality, as charts and tables (UX-5, EXP-3)',
        querystring: Type.Object({ on: FormText }, { additionalProperties: false }),
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const role = staffOf(request).role;
      const values = { on: request.query.on || today() };
      const refusals = checkFields(request, values, [
        { name: 'on', label: 'coverageOnLabel', schema: DayText },
      ]);
      const render = (context: PageContext, errors: FieldError[], body: HtmlValue) =>
        dashboardPage(context, role, {
          key: 'coverage',
          title: t(context, 'dashCoverageTitle'),
          intro: t(context, 'dashCoverageIntro'),
          errors,
          form: html`<form
            method="get"
            action="/console/dashboards/coverage"
            class="row align-items-end mb-4"
            novalidate
          >
            <div class="col-12 col-md-4">
              ${textInput(context, errors, { name: 'on', label: t(context, 'coverageOnLabel'), type: 'date', value: values.on })}
            </div>
            <div class="col-12 col-md-4 mb-4">
              <button type="submit" class="btn btn-outline-primary">${t(context, 'authShowButton')}</button>
            </div>
          </form>`,
          body,
        });
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          render(context, errors, null),
        );
      const points = await pointScope(request);
      const [byCategory, byAgeBand, byMunicipality] = await Promise.all(
        (['category', 'ageBand', 'municipality'] as const).map((by) =>
          exportsService.coverage({ on: values.on, by, points }),
        ),
      );
      const context = await pageContext(request);
      return sendPage(
        reply,
        200,
        render(
          context,
          [],
          html`${coverageFigure(context, 'category', byCategory?.rows ?? [])}
          ${coverageFigure(context, 'ageBand', byAgeBand?.rows ?? [])}
          ${coverageFigure(context, 'municipality', byMunicipality?.rows ?? [])}`,
        ),
      );
    },
  );

  console.get(
    '/dashboards/doses',
    {
      schema: {
        operationId: 'consoleDashboardDoses',
        tags: ['console'],
        summary:
          'Dashboards: doses given per product in a period (first, second, later), as a chart and a table (UX-5, VAX-4)',
        querystring: PeriodForm,
        response: HTML_PAGE,
      },
      config: access,
    },
    async (request, reply) => {
      const role = staffOf(request).role;
      const { values, refusals } = period(request, [-27, 0]);
      const render = (context: PageContext, errors: FieldError[], body: HtmlValue) =>
        dashboardPage(context, role, {
          key: 'doses',
          title: t(context, 'dashDosesTitle'),
          intro: t(context, 'dashDosesIntro'),
          errors,
          form: periodForm(context, '/console/dashboards/doses', values, errors),
          body,
        });
      if (refusals.length > 0)
        return formFailed(request, reply, refusals, 'query', (context, errors) =>
          render(context, errors, null),
        );
      const rows = await exportsService.dosesByLot({ ...values, points: await pointScope(request) });
      const context = await pageContext(request);
      return sendPage(reply, 200, render(context, [], dosesFigure(context, rows)));
    },
  );
}

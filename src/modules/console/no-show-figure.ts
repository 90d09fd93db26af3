import type { NoShowsRow } from '../waiting-list/repo.ts';
import { html, type SafeHtml } from '../portal/html.ts';
import { t, type PageContext } from '../portal/layout.ts';
import { chartFigure, type ChartRow } from './dashboard-charts.ts';
import { formatDay, formatNumber } from './authority-views.ts';

/*
 * UX-5: the no-shows of the capacity dashboard (bookings not attended, recorded in booking_no_shows by the
 * waiting-list module): a bar per hub over the period (no-shows and those booked again), with its text
 * alternative, and the data per hub and day as a table.
 */
export function noShowsFigure(context: PageContext, rows: readonly NoShowsRow[]): SafeHtml {
  const byHub = new Map<string, { noShows: number; rebooked: number }>();
  for (const row of rows) {
    const hub = byHub.get(row.pointName) ?? { noShows: 0, rebooked: 0 };
    hub.noShows += row.noShows;
    hub.rebooked += row.rebooked;
    byHub.set(row.pointName, hub);
  }
  const total = rows.reduce((sum, row) => sum + row.noShows, 0);
  const rebooked = rows.reduce((sum, row) => sum + row.rebooked, 0);
  const busiest = [...byHub.entries()].sort(([, a], [, b]) => b.noShows - a.noShows)[0]?.[0] ?? '–';
  const series = [
    { label: t(context, 'noShowsSeries'), style: 'solid' as const },
    { label: t(context, 'noShowsRebookedSeries'), style: 'hatched' as const },
  ];
  const format = (value: number) => formatNumber(context, value);
  const hubRows: ChartRow[] = [...byHub.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ label: name, values: [value.noShows, value.rebooked] }));
  const dayRows: ChartRow[] = rows.map((row) => ({
    label: `${row.pointName}, ${formatDay(context, row.day)}`,
    values: [row.noShows, row.rebooked],
  }));
  return html`${chartFigure(
    {
      id: 'no-shows-by-hub',
      title: t(context, 'noShowsTitle'),
      summary:
        rows.length === 0
          ? t(context, 'noShowsNone')
          : t(context, 'noShowsSummary', {
              count: formatNumber(context, total),
              rebooked: formatNumber(context, rebooked),
              busiest,
            }),
      series,
      rows: hubRows,
      format,
    },
    'bars',
    {
      rowHeader: t(context, 'authHubColumn'),
      empty: t(context, 'dashNoData'),
      tableRows: dayRows,
      foldTableAs: t(context, 'noShowsByDayTitle'),
    },
  )}`;
}

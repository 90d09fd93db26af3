import { html, type HtmlValue, type SafeHtml } from '../portal/html.ts';

/*
 * UX-5: the dashboards' charts, drawn on the server as SVG inside the page. No chart library: the charts
 * are bars and columns, a hundred lines here, and a library would bring a script (the consoles work
 * without one), a bundle, and colours as the only way to tell series apart. Each chart is an image with a
 * title and a text summary (role="img", <title>, <desc>), its series told apart by fill (solid, hatched,
 * outline) as well as colour and named in a legend, its values written next to the bars, and its data
 * given again as a table under it (UX-2: no information by colour alone).
 */

/** How a series is drawn: three fills a reader tells apart without colour. */
export type SeriesStyle = 'solid' | 'hatched' | 'outline';

export interface ChartSeries {
  label: string;
  style: SeriesStyle;
}

export interface ChartRow {
  label: string;
  /** One value per series; null where the series has no value for this row. */
  values: readonly (number | null)[];
}

export interface ChartSpec {
  /** Unique in the page: the SVG's ids (title, description, hatch pattern) derive from it. */
  id: string;
  title: string;
  /** The text alternative: what the chart shows, in a sentence or two. */
  summary: string;
  series: readonly ChartSeries[];
  rows: readonly ChartRow[];
  /** The scale's end; by default the largest value. */
  max?: number;
  format: (value: number) => string;
}

const INK = '#1a1a1a';
const BAR = '#004d99';
const GRID = '#767676';
const LABEL_WIDTH = 190;
const PLOT_WIDTH = 440;
const VALUE_WIDTH = 130;
const BAR_HEIGHT = 14;
const ROW_GAP = 10;

/** The label as it fits in the chart; the table under it has it whole. */
export const clip = (label: string, length: number): string =>
  label.length <= length ? label : `${label.slice(0, length - 1)}…`;

/** The end of the scale: the largest value (at least 1, so an all-zero chart still draws). */
export const scaleMax = (spec: Pick<ChartSpec, 'rows' | 'max'>): number =>
  spec.max ??
  Math.max(1, ...spec.rows.flatMap((row) => row.values.filter((value): value is number => value !== null)));

function definitions(id: string): SafeHtml {
  return html`<defs>
    <pattern
      id="${id}-hatch"
      width="6"
      height="6"
      patternUnits="userSpaceOnUse"
      patternTransform="rotate(45)"
    >
      <rect width="6" height="6" fill="#ffffff" />
      <rect width="3" height="6" fill="${BAR}" />
    </pattern>
  </defs>`;
}

function fillOf(id: string, style: SeriesStyle): SafeHtml {
  switch (style) {
    case 'solid':
      return html`fill="${BAR}"`;
    case 'hatched':
      return html`fill="url(#${id}-hatch)" stroke="${BAR}" stroke-width="1"`;
    case 'outline':
      return html`fill="#ffffff" stroke="${BAR}" stroke-width="2"`;
  }
}

function swatch(id: string, series: ChartSeries, x: number, y: number): SafeHtml {
  return html`<rect x="${x}" y="${y}" width="18" height="12" ${fillOf(id, series.style)} />
    <text x="${x + 24}" y="${y + 10}" font-size="12" fill="${INK}">${series.label}</text>`;
}

function legend(id: string, series: readonly ChartSeries[], y: number): SafeHtml {
  return html`<g> ${series.map((one, index) => swatch(id, one, LABEL_WIDTH + index * 200, y))} </g>`;
}

const frame = (spec: ChartSpec, width: number, height: number, body: HtmlValue): SafeHtml =>
  html`<svg
    class="dashboard-chart"
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 ${width} ${height}"
    width="100%"
    role="img"
    aria-labelledby="${spec.id}-title ${spec.id}-desc"
    focusable="false"
  >
    <title id="${spec.id}-title">${spec.title}</title>
    <desc id="${spec.id}-desc">${spec.summary}</desc>
    ${definitions(spec.id)}${body}
  </svg>`;

/** Horizontal bars: one group per row (a hub's day, a category, a product), one bar per series. */
export function barChart(spec: ChartSpec): SafeHtml {
  const max = scaleMax(spec);
  const group = spec.series.length * BAR_HEIGHT + ROW_GAP;
  const top = 28;
  const height = top + Math.max(1, spec.rows.length) * group + 8;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const x = (value: number) => (Math.min(value, max) / max) * PLOT_WIDTH;
  const rows = spec.rows.map((row, rowIndex) => {
    const y0 = top + rowIndex * group;
    return html`<g>
      <text
        x="${LABEL_WIDTH - 8}"
        y="${y0 + (group - ROW_GAP) / 2 + 4}"
        font-size="12"
        text-anchor="end"
        fill="${INK}"
      >
        ${clip(row.label, 28)}
      </text>
      ${row.values.map((value, seriesIndex) => {
        const series = spec.series[seriesIndex];
        if (value === null || series === undefined) return null;
        const y = y0 + seriesIndex * BAR_HEIGHT;
        const w = Math.max(value > 0 ? 1 : 0, x(value));
        return html`<rect
            x="${LABEL_WIDTH}"
            y="${y + 1}"
            width="${w.toFixed(1)}"
            height="${BAR_HEIGHT - 2}"
            ${fillOf(spec.id, series.style)}
          />
          <text x="${LABEL_WIDTH + w + 4}" y="${y + BAR_HEIGHT - 3}" font-size="11" fill="${INK}"
            >${spec.format(value)}</text
          >`;
      })}
    </g>`;
  });
  const axis = html`<line
    x1="${LABEL_WIDTH}"
    y1="${top - 4}"
    x2="${LABEL_WIDTH}"
    y2="${height - 6}"
    stroke="${GRID}"
  />`;
  return frame(spec, width, height, html`${legend(spec.id, spec.series, 4)}${axis}${rows}`);
}

/** Columns over time (hours, days): one group per row, left to right, one column per series. */
export function columnChart(spec: ChartSpec): SafeHtml {
  const max = scaleMax(spec);
  const plotHeight = 180;
  const top = 28;
  const left = 60;
  const count = Math.max(1, spec.rows.length);
  const slot = Math.min(120, Math.max(24, Math.floor(680 / count)));
  const column = Math.max(4, Math.floor((slot - 6) / Math.max(1, spec.series.length)));
  // Never narrower than the bar charts: the same scale for the text on the page.
  const width = Math.max(LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, left + count * slot + 10);
  const height = top + plotHeight + 40;
  const base = top + plotHeight;
  const h = (value: number) => (Math.min(value, max) / max) * plotHeight;
  const columns = spec.rows.map((row, rowIndex) => {
    const x0 = left + rowIndex * slot + 3;
    return html`<g>
      ${row.values.map((value, seriesIndex) => {
        const series = spec.series[seriesIndex];
        if (value === null || series === undefined) return null;
        const height = Math.max(value > 0 ? 1 : 0, h(value));
        const x = x0 + seriesIndex * column;
        // Values are written over the columns when there is room; the table has them all anyway.
        const label =
          column >= 28
            ? html`<text
                x="${x + (column - 1) / 2}"
                y="${(base - height - 3).toFixed(1)}"
                font-size="10"
                text-anchor="middle"
                fill="${INK}"
                >${spec.format(value)}</text
              >`
            : null;
        return html`<rect
            x="${x}"
            y="${(base - height).toFixed(1)}"
            width="${column - 1}"
            height="${height.toFixed(1)}"
            ${fillOf(spec.id, series.style)}
          />${label}`;
      })}
      <text x="${x0 + (slot - 6) / 2}" y="${base + 14}" font-size="10" text-anchor="middle" fill="${INK}">
        ${clip(row.label, Math.max(6, Math.floor(slot / 6)))}
      </text>
    </g>`;
  });
  const scale = html`<g>
    <line x1="${left}" y1="${top}" x2="${left}" y2="${base}" stroke="${GRID}" />
    <line x1="${left}" y1="${base}" x2="${width - 6}" y2="${base}" stroke="${GRID}" />
    <text x="${left - 6}" y="${top + 4}" font-size="11" text-anchor="end" fill="${INK}"
      >${spec.format(max)}</text
    >
    <text x="${left - 6}" y="${base}" font-size="11" text-anchor="end" fill="${INK}">${spec.format(0)}</text>
  </g>`;
  const legendAt = html`<g>
    ${spec.series.map((one, index) => swatch(spec.id, one, left + index * 200, 4))}
  </g>`;
  return frame(spec, width, height, html`${legendAt}${scale}${columns}`);
}

/** The chart's data as a table: the row label, then one column per series (UX-2). */
export function chartTable(
  spec: Pick<ChartSpec, 'id' | 'title' | 'series' | 'rows' | 'format'>,
  rowHeader: string,
  empty: string,
): SafeHtml {
  return html`<div class="table-responsive">
    <table class="table table-sm chart-data" id="${spec.id}-data">
      <caption>
        ${spec.title}
      </caption>
      <thead>
        <tr>
          <th scope="col">${rowHeader}</th>
          ${spec.series.map((series) => html`<th scope="col" class="text-end">${series.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${
          spec.rows.length === 0
            ? html`<tr>
                <td colspan="${spec.series.length + 1}">${empty}</td>
              </tr>`
            : spec.rows.map(
                (row) =>
                  html`<tr>
                    <th scope="row">${row.label}</th>
                    ${row.values.map(
                      (value) => html`<td class="text-end">${value === null ? '–' : spec.format(value)}</td>`,
                    )}
                  </tr>`,
              )
        }
      </tbody>
    </table>
  </div>`;
}

/** A chart with its heading, its image and its table: the unit the dashboards are made of. */
export function chartFigure(
  spec: ChartSpec,
  kind: 'bars' | 'columns',
  options: {
    rowHeader: string;
    empty: string;
    note?: HtmlValue;
    /** The table's rows when the chart draws only some of them (by default the chart's). */
    tableRows?: readonly ChartRow[];
    /** A long table is folded under this summary (a native <details>: no script, keyboard-operable). */
    foldTableAs?: string;
  },
): SafeHtml {
  return html`<section class="dashboard-figure mb-5" aria-labelledby="${spec.id}-heading">
    <h2 class="h4" id="${spec.id}-heading">${spec.title}</h2>
    <p>${spec.summary}</p>
    ${options.note ?? null}
    ${
      spec.rows.length === 0
        ? null
        : html`<figure class="mb-3">${kind === 'bars' ? barChart(spec) : columnChart(spec)}</figure>`
    }
    ${
      options.foldTableAs === undefined
        ? chartTable({ ...spec, rows: options.tableRows ?? spec.rows }, options.rowHeader, options.empty)
        : html`<details>
            <summary>${options.foldTableAs}</summary>
            ${chartTable({ ...spec, rows: options.tableRows ?? spec.rows }, options.rowHeader, options.empty)}
          </details>`
    }
  </section>`;
}

import { describe, expect, it } from 'vitest';
import { barChart, chartFigure, clip, columnChart, scaleMax, type ChartSpec } from './dashboard-charts.ts';

const spec: ChartSpec = {
  id: 'test-chart',
  title: 'Booked <and> capacity',
  summary: 'Two hubs & their places',
  series: [
    { label: 'Booked', style: 'solid' },
    { label: 'Capacity', style: 'outline' },
  ],
  rows: [
    { label: 'Hub A', values: [50, 100] },
    { label: 'Hub B', values: [0, 200] },
  ],
  format: (value) => String(value),
};

/** The markup on one line: the templates are formatted for reading, not for matching. */
const flat = (markup: string): string => markup.replace(/\s+/g, ' ');

/** The widths of the bars (the legend's swatches, at the top, left out). */
const widths = (svg: string): number[] =>
  [...flat(svg).matchAll(/<rect x="190" y="(?!4")[\d.]+" width="([\d.]+)"/g)].map((match) =>
    Number(match[1]),
  );

describe('UX-5 server-rendered charts', () => {
  it('UX-5 bars are proportional to the values on one scale, ending at the largest value', () => {
    const svg = flat(barChart(spec).value);
    expect(scaleMax(spec)).toBe(200);
    expect(widths(svg)).toEqual([110, 220, 0, 440]);
  });

  it('UX-5 a chart is an image named by its title and described by its summary, both escaped', () => {
    const svg = flat(barChart(spec).value);
    expect(svg).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="test-chart-title test-chart-desc"/);
    expect(svg).toContain('<title id="test-chart-title">Booked &lt;and&gt; capacity</title>');
    expect(svg).toContain('<desc id="test-chart-desc">Two hubs &amp; their places</desc>');
  });

  it('UX-2 series differ by fill, not colour alone, and every bar carries its value as text', () => {
    const svg = flat(
      barChart({ ...spec, series: [spec.series[0]!, { label: 'Capacity', style: 'hatched' }] }).value,
    );
    expect(svg).toContain('fill="url(#test-chart-hatch)"');
    expect(svg).toContain('<pattern id="test-chart-hatch"');
    expect(svg).toMatch(/>\s*50\s*<\/text/);
    expect(svg).toMatch(/>\s*200\s*<\/text/);
  });

  it('UX-5 columns over time draw one group per row, with the scale written at both ends', () => {
    const svg = flat(
      columnChart({ ...spec, rows: [...spec.rows, { label: '10:00', values: [null, 20] }] }).value,
    );
    expect(svg.match(/<rect x="\d+" y="[\d.]+" width="\d+" height="\d+\.\d"/g)).toHaveLength(5);
    expect(svg).toMatch(/>\s*200\s*<\/text/);
    expect(svg).toMatch(/>\s*0\s*<\/text/);
  });

  it('UX-2 the figure gives the data as a table with headers, and only the table when there is nothing to draw', () => {
    const figure = flat(chartFigure(spec, 'bars', { rowHeader: 'Hub', empty: 'No data' }).value);
    expect(figure).toContain('<th scope="col">Hub</th>');
    expect(figure).toMatch(
      /<th scope="row">Hub A<\/th> <td class="text-end">50<\/td> ?<td class="text-end">100<\/td>/,
    );
    const empty = chartFigure({ ...spec, rows: [] }, 'bars', { rowHeader: 'Hub', empty: 'No data' }).value;
    expect(empty).not.toContain('<svg');
    expect(empty).toContain('No data');
  });

  it('UX-5 long labels are clipped in the chart only', () => {
    expect(clip('Centro vaccinale della Fiera di Cremona', 12)).toBe('Centro vacc…');
    expect(clip('Short', 12)).toBe('Short');
  });
});

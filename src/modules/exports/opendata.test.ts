import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AGE_BANDS,
  AGE_SUMMARY_HEADER,
  COUNT_COLUMNS,
  DELIVERY_SUMMARY_HEADER,
  PUBLISHED_AGE_BANDS,
  administeredShare,
  ageSummaryHeaderLine,
  ageSummaryLine,
  deliverySummaryHeaderLine,
  deliverySummaryLine,
  OPEN_DATA_AREAS,
  OPEN_DATA_HEADER,
  ageBand,
  areaKey,
  categoryColumn,
  csvField,
  doseColumn,
  openDataHeaderLine,
  openDataLine,
  type OpenDataRow,
} from './opendata.ts';
import { csvColumnTypes, publishedOpenData, SHARED_DATA } from './testing.ts';
import type { RiskCategory } from '../vaccination/rules.ts';

const PUBLISHED = readFileSync(
  path.join(SHARED_DATA, 'opendata-vaccini-2021-05-04', 'somministrazioni-vaccini-latest.csv'),
  'utf8',
);
const [publishedHeader = '', ...publishedLines] = PUBLISHED.split('\n').filter((line) => line !== '');

/** The published areas, each with the four columns that describe it. */
const publishedAreas = [
  ...new Map(
    publishedLines.map((line) => {
      const cells = line.split(',');
      return [cells[2] ?? '', cells.slice(18).join(',')] as const;
    }),
  ),
].sort();

const keyOfArea = new Map(Object.entries(OPEN_DATA_AREAS).map(([key, area]) => [area.area, key]));

/** A published line read back into our row shape. */
function parsePublished(line: string): OpenDataRow {
  const cells = line.split(',');
  const at = (column: (typeof OPEN_DATA_HEADER)[number]) => cells[OPEN_DATA_HEADER.indexOf(column)] ?? '';
  return {
    day: at('data_somministrazione'),
    supplier: at('fornitore'),
    areaKey: keyOfArea.get(at('area')) ?? `unknown ${at('area')}`,
    band: at('fascia_anagrafica'),
    counts: Object.fromEntries(
      COUNT_COLUMNS.map((column) => [column, Number(at(column))]),
    ) as OpenDataRow['counts'],
  };
}

describe('EXP-2 the open-data format', () => {
  it('EXP-2 our header is the published header, column for column', () => {
    expect(OPEN_DATA_HEADER.join(',')).toBe(publishedHeader);
    expect(openDataHeaderLine()).toBe(`${publishedHeader}\n`);
  });

  it('EXP-2 every published line, read into a row and written back, is the same line (value formats)', () => {
    expect(publishedLines).toHaveLength(44_358);
    const different = publishedLines.filter((line) => openDataLine(parsePublished(line)) !== `${line}\n`);
    expect(different).toEqual([]);
  });

  it('EXP-2 the file ends its lines with \\n and has no byte-order mark, as ours', () => {
    expect(PUBLISHED.charCodeAt(0)).not.toBe(0xfeff);
    expect(PUBLISHED.endsWith('\n')).toBe(true);
    expect(PUBLISHED.includes('\r')).toBe(false);
  });

  it('EXP-2 we know exactly the published areas (21: the regions, Trentino-Alto Adige as its two provinces)', () => {
    expect(publishedAreas).toHaveLength(21);
    expect(Object.keys(OPEN_DATA_AREAS)).toHaveLength(21);
  });

  it.each(publishedAreas)('EXP-2 area %s: NUTS codes, ISTAT code and name as published', (area, columns) => {
    const key = keyOfArea.get(area);
    expect(key).toBeDefined();
    const ours = OPEN_DATA_AREAS[key ?? ''];
    expect([ours?.nuts1, ours?.nuts2, ours?.istat, ours?.name].join(',')).toBe(columns);
  });

  it.each([
    ['03', '015', 'LOM'],
    ['04', '021', 'PAB'],
    ['04', '022', 'PAT'],
    ['02', '007', 'VDA'],
  ])('EXP-2 region %s, province %s is published as %s', (region, province, area) => {
    expect(OPEN_DATA_AREAS[areaKey(region, province)]?.area).toBe(area);
  });

  it.each([
    [0, '00-04'],
    [4, '00-04'],
    [5, '05-11'],
    [11, '05-11'],
    [12, '12-15'],
    [15, '12-15'],
    [16, '16-19'],
    [19, '16-19'],
    [20, '20-29'],
    [29, '20-29'],
    [59, '50-59'],
    [60, '60-69'],
    [79, '70-79'],
    [80, '80-89'],
    [89, '80-89'],
    [90, '90+'],
    [107, '90+'],
  ])('EXP-2 age %i is in band %s', (age, band) => {
    expect(ageBand(age)).toBe(band);
  });

  it.each([-1, 1.5, Number.NaN])('EXP-2 %s is not an age', (age) => {
    expect(() => ageBand(age)).toThrow(RangeError);
  });

  it('EXP-2 every published age band is one of ours, and the bands cover every age once', () => {
    const published = new Set(publishedLines.map((line) => line.split(',')[3]));
    const labels = AGE_BANDS.map((band) => band.label);
    expect([...published].filter((band) => !labels.includes(band ?? ''))).toEqual([]);
    for (let age = 0; age <= 120; age++) {
      expect(AGE_BANDS.filter((b) => age >= b.minAge && (b.maxAge === null || age <= b.maxAge))).toHaveLength(
        1,
      );
    }
  });

  it.each<[RiskCategory, number, string]>([
    ['Operatore sanitario', 45, 'categoria_operatori_sanitari_sociosanitari'],
    [
      'Operatore non sanitario in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale',
      30,
      'categoria_personale_non_sanitario',
    ],
    [
      'Ospite in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale',
      88,
      'categoria_ospiti_rsa',
    ],
    ['Età > 60 anni', 61, 'categoria_60_69'],
    ['Età > 60 anni', 69, 'categoria_60_69'],
    ['Età > 60 anni', 70, 'categoria_70_79'],
    ['Età > 60 anni', 79, 'categoria_70_79'],
    ['Età > 60 anni', 80, 'categoria_over80'],
    ['Età > 60 anni', 101, 'categoria_over80'],
    ['Soggetto vulnerabile per patologia', 40, 'categoria_soggetti_fragili'],
    ['Altro', 25, 'categoria_altro'],
    ['Altro', 85, 'categoria_altro'],
  ])('EXP-2 a dose of "%s" at %i counts in %s', (category, age, column) => {
    expect(categoryColumn(category, age)).toBe(column);
  });

  it.each([
    ['primary', 1, 'prima_dose'],
    ['primary', 2, 'seconda_dose'],
    ['primary', 3, null],
    ['booster', 3, null],
    ['additional', 3, null],
  ] as const)('EXP-2 a dose of kind %s numbered %i goes in %s', (kind, number, column) => {
    expect(doseColumn(kind, number)).toBe(column);
  });

  it.each([
    ['Pfizer/BioNTech', 'Pfizer/BioNTech'],
    [42, '42'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
  ])('EXP-2 the CSV field %j is written %j', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('EXP-2 an unknown area is refused, not written with empty columns', () => {
    const row = parsePublished(publishedLines[0] ?? '');
    expect(() => openDataLine({ ...row, areaKey: '99' })).toThrow(/no open-data area/);
  });
});

const AGE_SUMMARY = publishedOpenData('anagrafica-vaccini-summary-latest.csv');
const DELIVERY_SUMMARY = publishedOpenData('vaccini-summary-latest.csv');
const linesOf = (csv: string) => csv.split('\n').filter((line) => line !== '');

describe('EXP-2 the two summary files of the publication', () => {
  it('EXP-2 anagrafica-vaccini-summary: our header is the published header, column for column', () => {
    expect(ageSummaryHeaderLine()).toBe(`${linesOf(AGE_SUMMARY)[0]}\n`);
    // The same count columns as the daily file, in the order of this file.
    expect(new Set(AGE_SUMMARY_HEADER)).toEqual(
      new Set(['fascia_anagrafica', 'totale', ...COUNT_COLUMNS, 'ultimo_aggiornamento']),
    );
  });

  it('EXP-2 vaccini-summary: our header is the published header, column for column', () => {
    expect(deliverySummaryHeaderLine()).toBe(`${linesOf(DELIVERY_SUMMARY)[0]}\n`);
    expect(DELIVERY_SUMMARY_HEADER).toHaveLength(9);
  });

  it('EXP-2 every published age-band line, read into a row and written back, is the same line; totale = first + second', () => {
    const [, ...lines] = linesOf(AGE_SUMMARY);
    expect(lines.map((line) => line.split(',')[0])).toEqual(PUBLISHED_AGE_BANDS);
    for (const line of lines) {
      const cells = line.split(',');
      const at = (column: string) => cells[AGE_SUMMARY_HEADER.indexOf(column as never)] ?? '';
      const counts = Object.fromEntries(
        COUNT_COLUMNS.map((column) => [column, Number(at(column))]),
      ) as OpenDataRow['counts'];
      expect(ageSummaryLine({ band: at('fascia_anagrafica'), counts }, at('ultimo_aggiornamento'))).toBe(
        `${line}\n`,
      );
    }
  });

  it('EXP-2 every published area line, read into a row and written back, is the same line (the share recomputed)', () => {
    const [, ...lines] = linesOf(DELIVERY_SUMMARY);
    expect(lines).toHaveLength(21);
    for (const line of lines) {
      const [area = '', administered, delivered, , updatedOn = ''] = line.split(',');
      const row = {
        areaKey: keyOfArea.get(area) ?? `unknown ${area}`,
        administered: Number(administered),
        delivered: Number(delivered),
      };
      expect(deliverySummaryLine(row, updatedOn)).toBe(`${line}\n`);
    }
  });

  it.each([
    [474_789, 552_720, '85.9'],
    [2_027_756, 2_441_980, '83.0'],
    [1, 8, '12.5'],
    [1, 16, '6.3'],
    [1, 3, '33.3'],
    [2, 3, '66.7'],
    [0, 5, '0.0'],
    [45, 40, '112.5'],
    [7, 0, null],
  ])(
    'EXP-2 %i administered of %i delivered is the share %s (one decimal, half up)',
    (given, delivered, share) => {
      expect(administeredShare(given, delivered)).toBe(share);
    },
  );

  it.each([
    [-1, 5],
    [1.5, 5],
    [1, Number.NaN],
  ])('EXP-2 %s of %s are not dose counts', (given, delivered) => {
    expect(() => administeredShare(given, delivered)).toThrow(RangeError);
  });

  it('EXP-2 an area with no delivered dose has an empty share, not a made-up one', () => {
    expect(deliverySummaryLine({ areaKey: '03', administered: 3, delivered: 0 }, '2021-05-04')).toBe(
      'LOM,3,0,,2021-05-04,ITC,ITC4,3,Lombardia\n',
    );
  });

  it.each([
    [
      'anagrafica-vaccini-summary-latest.csv',
      AGE_SUMMARY,
      { fascia_anagrafica: 'text', totale: 'integer', prima_dose: 'integer', ultimo_aggiornamento: 'date' },
    ],
    [
      'vaccini-summary-latest.csv',
      DELIVERY_SUMMARY,
      {
        area: 'text',
        dosi_somministrate: 'integer',
        dosi_consegnate: 'integer',
        percentuale_somministrazione: 'number',
        ultimo_aggiornamento: 'date',
        codice_regione_ISTAT: 'integer',
      },
    ],
  ])(
    'EXP-2 the column types read from the published %s are those of COLUMNS-README.md',
    (_file, csv, expected) => {
      expect(csvColumnTypes(csv)).toMatchObject(expected);
    },
  );

  it('EXP-2 every band we may write is a band label of ours, the published ones included', () => {
    expect(PUBLISHED_AGE_BANDS.every((band) => AGE_BANDS.some((b) => b.label === band))).toBe(true);
  });
});

import type { RiskCategory } from '../vaccination/rules.ts';

/*
 * EXP-2: the Italian government's public vaccination open data (italia/covid19-opendata-vaccini),
 * `somministrazioni-vaccini-latest.csv` as published on 4 May 2021, with the category columns of that
 * time. Facts of the format only (header, value formats, the area codes), copied from the file kept in
 * ../shared/data/opendata-vaccini-2021-05-04 (CC BY 4.0); its header is compared with ours by a test.
 * Pure: no I/O.
 */

/** The header of the published file, column for column. */
export const OPEN_DATA_HEADER = [
  'data_somministrazione',
  'fornitore',
  'area',
  'fascia_anagrafica',
  'sesso_maschile',
  'sesso_femminile',
  'categoria_operatori_sanitari_sociosanitari',
  'categoria_personale_non_sanitario',
  'categoria_ospiti_rsa',
  'categoria_60_69',
  'categoria_70_79',
  'categoria_over80',
  'categoria_forze_armate',
  'categoria_personale_scolastico',
  'categoria_soggetti_fragili',
  'categoria_altro',
  'prima_dose',
  'seconda_dose',
  'codice_NUTS1',
  'codice_NUTS2',
  'codice_regione_ISTAT',
  'nome_area',
] as const;

export type OpenDataColumn = (typeof OPEN_DATA_HEADER)[number];

export interface OpenDataArea {
  /** The published `area`: the region's (or autonomous province's) three-letter code. */
  area: string;
  nuts1: string;
  nuts2: string;
  /** `codice_regione_ISTAT` as published: the region's ISTAT code without leading zero (4 for both PAB and PAT). */
  istat: number;
  name: string;
}

/**
 * The published areas by the region's ISTAT code; Trentino-Alto Adige (04) is published as its two
 * autonomous provinces, keyed here by their province codes (021 Bolzano, 022 Trento).
 */
export const OPEN_DATA_AREAS: Readonly<Record<string, OpenDataArea>> = {
  '01': { area: 'PIE', nuts1: 'ITC', nuts2: 'ITC1', istat: 1, name: 'Piemonte' },
  '02': { area: 'VDA', nuts1: 'ITC', nuts2: 'ITC2', istat: 2, name: "Valle d'Aosta / Vallée d'Aoste" },
  '03': { area: 'LOM', nuts1: 'ITC', nuts2: 'ITC4', istat: 3, name: 'Lombardia' },
  '021': { area: 'PAB', nuts1: 'ITH', nuts2: 'ITH1', istat: 4, name: 'Provincia Autonoma Bolzano / Bozen' },
  '022': { area: 'PAT', nuts1: 'ITH', nuts2: 'ITH2', istat: 4, name: 'Provincia Autonoma Trento' },
  '05': { area: 'VEN', nuts1: 'ITH', nuts2: 'ITH3', istat: 5, name: 'Veneto' },
  '06': { area: 'FVG', nuts1: 'ITH', nuts2: 'ITH4', istat: 6, name: 'Friuli-Venezia Giulia' },
  '07': { area: 'LIG', nuts1: 'ITC', nuts2: 'ITC3', istat: 7, name: 'Liguria' },
  '08': { area: 'EMR', nuts1: 'ITH', nuts2: 'ITH5', istat: 8, name: 'Emilia-Romagna' },
  '09': { area: 'TOS', nuts1: 'ITI', nuts2: 'ITI1', istat: 9, name: 'Toscana' },
  '10': { area: 'UMB', nuts1: 'ITI', nuts2: 'ITI2', istat: 10, name: 'Umbria' },
  '11': { area: 'MAR', nuts1: 'ITI', nuts2: 'ITI3', istat: 11, name: 'Marche' },
  '12': { area: 'LAZ', nuts1: 'ITI', nuts2: 'ITI4', istat: 12, name: 'Lazio' },
  '13': { area: 'ABR', nuts1: 'ITF', nuts2: 'ITF1', istat: 13, name: 'Abruzzo' },
  '14': { area: 'MOL', nuts1: 'ITF', nuts2: 'ITF2', istat: 14, name: 'Molise' },
  '15': { area: 'CAM', nuts1: 'ITF', nuts2: 'ITF3', istat: 15, name: 'Campania' },
  '16': { area: 'PUG', nuts1: 'ITF', nuts2: 'ITF4', istat: 16, name: 'Puglia' },
  '17': { area: 'BAS', nuts1: 'ITF', nuts2: 'ITF5', istat: 17, name: 'Basilicata' },
  '18': { area: 'CAL', nuts1: 'ITF', nuts2: 'ITF6', istat: 18, name: 'Calabria' },
  '19': { area: 'SIC', nuts1: 'ITG', nuts2: 'ITG1', istat: 19, name: 'Sicilia' },
  '20': { area: 'SAR', nuts1: 'ITG', nuts2: 'ITG2', istat: 20, name: 'Sardegna' },
};

/** The key of OPEN_DATA_AREAS for a place: its region, or its province in Trentino-Alto Adige. */
export function areaKey(regionCode: string, provinceCode: string): string {
  return regionCode === '04' ? provinceCode : regionCode;
}

export interface AgeBand {
  label: string;
  minAge: number;
  /** Inclusive; null: no upper bound. */
  maxAge: number | null;
}

/**
 * `fascia_anagrafica`. The published file of 4 May 2021 starts at 16-19 (nobody younger had been
 * vaccinated yet); younger people vaccinated later get 12-15 and 05-11 (the label the publisher used
 * from December 2021), and 00-04 for completeness of the coverage report's population.
 */
export const AGE_BANDS: readonly AgeBand[] = [
  { label: '00-04', minAge: 0, maxAge: 4 },
  { label: '05-11', minAge: 5, maxAge: 11 },
  { label: '12-15', minAge: 12, maxAge: 15 },
  { label: '16-19', minAge: 16, maxAge: 19 },
  { label: '20-29', minAge: 20, maxAge: 29 },
  { label: '30-39', minAge: 30, maxAge: 39 },
  { label: '40-49', minAge: 40, maxAge: 49 },
  { label: '50-59', minAge: 50, maxAge: 59 },
  { label: '60-69', minAge: 60, maxAge: 69 },
  { label: '70-79', minAge: 70, maxAge: 79 },
  { label: '80-89', minAge: 80, maxAge: 89 },
  { label: '90+', minAge: 90, maxAge: null },
];

/** The band of an age in completed years (ageOn: a birthday counts from its own day). */
export function ageBand(age: number): string {
  if (!Number.isInteger(age) || age < 0) throw new RangeError(`not an age: ${age}`);
  const band = AGE_BANDS.find((b) => age >= b.minAge && (b.maxAge === null || age <= b.maxAge));
  if (band === undefined) throw new RangeError(`no band for age ${age}`);
  return band.label;
}

/**
 * Which category column counts a dose, from the registry's risk category (VAX-2) and the age on the
 * day. "Età > 60 anni" splits by age into the published 60-69, 70-79 and over-80 columns. The registry
 * does not tell the armed forces or school staff apart from "Altro": those two columns stay 0.
 */
export interface CategoryRule {
  column: OpenDataColumn;
  riskCategory: RiskCategory | null;
  minAge: number | null;
  maxAge: number | null;
}

export const CATEGORY_RULES: readonly CategoryRule[] = [
  {
    column: 'categoria_operatori_sanitari_sociosanitari',
    riskCategory: 'Operatore sanitario',
    minAge: null,
    maxAge: null,
  },
  {
    column: 'categoria_personale_non_sanitario',
    riskCategory:
      'Operatore non sanitario in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale',
    minAge: null,
    maxAge: null,
  },
  {
    column: 'categoria_ospiti_rsa',
    riskCategory: 'Ospite in struttura sanitaria e socio-sanitaria residenziale e semi-residenziale',
    minAge: null,
    maxAge: null,
  },
  // Below 70 (60 included, and a wrongly recorded younger age) counts as 60-69: every dose has one column.
  { column: 'categoria_60_69', riskCategory: 'Età > 60 anni', minAge: null, maxAge: 69 },
  { column: 'categoria_70_79', riskCategory: 'Età > 60 anni', minAge: 70, maxAge: 79 },
  { column: 'categoria_over80', riskCategory: 'Età > 60 anni', minAge: 80, maxAge: null },
  { column: 'categoria_forze_armate', riskCategory: null, minAge: null, maxAge: null },
  { column: 'categoria_personale_scolastico', riskCategory: null, minAge: null, maxAge: null },
  {
    column: 'categoria_soggetti_fragili',
    riskCategory: 'Soggetto vulnerabile per patologia',
    minAge: null,
    maxAge: null,
  },
  { column: 'categoria_altro', riskCategory: 'Altro', minAge: null, maxAge: null },
];

export function categoryColumn(riskCategory: RiskCategory, age: number): OpenDataColumn {
  const rule = CATEGORY_RULES.find(
    (r) =>
      r.riskCategory === riskCategory &&
      (r.minAge === null || age >= r.minAge) &&
      (r.maxAge === null || age <= r.maxAge),
  );
  if (rule === undefined) throw new RangeError(`no open-data category for "${riskCategory}" at ${age}`);
  return rule.column;
}

export type OpenDataDose = 'prima_dose' | 'seconda_dose';

/**
 * The dose column, or null for a dose the 2021 format has no column for (boosters and additional
 * doses came later). Dose 1 of a primary cycle is a first dose, a single Janssen dose included, as
 * the publisher counted it; dose 2 of a primary cycle is a second dose.
 */
export function doseColumn(
  doseKind: 'primary' | 'additional' | 'booster',
  doseNumber: number,
): OpenDataDose | null {
  if (doseKind !== 'primary') return null;
  if (doseNumber === 1) return 'prima_dose';
  if (doseNumber === 2) return 'seconda_dose';
  return null;
}

/** One row of the file: counts of a day, supplier, area and age band. */
export interface OpenDataRow {
  day: string;
  supplier: string;
  areaKey: string;
  band: string;
  counts: Record<Exclude<OpenDataColumn, KeyColumn>, number>;
}

type KeyColumn =
  | 'data_somministrazione'
  | 'fornitore'
  | 'area'
  | 'fascia_anagrafica'
  | 'codice_NUTS1'
  | 'codice_NUTS2'
  | 'codice_regione_ISTAT'
  | 'nome_area';

export const COUNT_COLUMNS = OPEN_DATA_HEADER.filter(
  (column): column is Exclude<OpenDataColumn, KeyColumn> =>
    !(
      [
        'data_somministrazione',
        'fornitore',
        'area',
        'fascia_anagrafica',
        'codice_NUTS1',
        'codice_NUTS2',
        'codice_regione_ISTAT',
        'nome_area',
      ] as readonly string[]
    ).includes(column),
);

/** RFC 4180: quoted only when needed (the published file never needed it). */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function openDataHeaderLine(): string {
  return `${OPEN_DATA_HEADER.join(',')}\n`;
}

/** A row as a line of the file, `\n`-terminated like the published one. */
export function openDataLine(row: OpenDataRow): string {
  const area = OPEN_DATA_AREAS[row.areaKey];
  if (area === undefined) throw new RangeError(`no open-data area for ${row.areaKey}`);
  const values: Record<OpenDataColumn, string | number> = {
    data_somministrazione: row.day,
    fornitore: row.supplier,
    area: area.area,
    fascia_anagrafica: row.band,
    ...row.counts,
    codice_NUTS1: area.nuts1,
    codice_NUTS2: area.nuts2,
    codice_regione_ISTAT: area.istat,
    nome_area: area.name,
  };
  return `${OPEN_DATA_HEADER.map((column) => csvField(values[column])).join(',')}\n`;
}

/*
 * The two summary files of the same publication (EXP-2), with the headers of 4 May 2021:
 * `anagrafica-vaccini-summary-latest.csv` (totals by age band) and `vaccini-summary-latest.csv` (doses
 * administered against doses delivered, by area). Both carry `ultimo_aggiornamento`, the day the totals
 * run to. The published files cover Italy; ours cover the region: the age-band file has no area column,
 * so its totals are the region's (to be set beside the region's rows of the daily file, not beside the
 * national age-band file); the delivery file has the region's area rows only (two for Trentino-Alto Adige).
 */

/** The header of anagrafica-vaccini-summary-latest.csv; the category columns are in another order there. */
export const AGE_SUMMARY_HEADER = [
  'fascia_anagrafica',
  'totale',
  'sesso_maschile',
  'sesso_femminile',
  'categoria_operatori_sanitari_sociosanitari',
  'categoria_personale_non_sanitario',
  'categoria_ospiti_rsa',
  'categoria_personale_scolastico',
  'categoria_60_69',
  'categoria_70_79',
  'categoria_over80',
  'categoria_soggetti_fragili',
  'categoria_forze_armate',
  'categoria_altro',
  'prima_dose',
  'seconda_dose',
  'ultimo_aggiornamento',
] as const satisfies readonly (OpenDataColumn | 'totale' | 'ultimo_aggiornamento')[];

/** The header of vaccini-summary-latest.csv. */
export const DELIVERY_SUMMARY_HEADER = [
  'area',
  'dosi_somministrate',
  'dosi_consegnate',
  'percentuale_somministrazione',
  'ultimo_aggiornamento',
  'codice_NUTS1',
  'codice_NUTS2',
  'codice_regione_ISTAT',
  'nome_area',
] as const;

/** The bands of the published age-band file: each has a line, zeros included. */
export const PUBLISHED_AGE_BANDS: readonly string[] = AGE_BANDS.filter((band) => band.minAge >= 16).map(
  (band) => band.label,
);

/**
 * One line of the age-band file. As in the daily file, boosters and additional doses are left out, so
 * that totale = m + f = categories = first + second doses, as in the published file.
 */
export interface AgeSummaryRow {
  band: string;
  counts: OpenDataRow['counts'];
}

/**
 * One area of the delivery file. `administered`: every COVID dose of the period (this format has no
 * dose columns, so boosters count here). `delivered`: the doses the region set out on its hubs' days
 * (the registry records no deliveries: see docs/adr/0016-exports.md).
 */
export interface DeliverySummaryRow {
  areaKey: string;
  administered: number;
  delivered: number;
}

/**
 * `percentuale_somministrazione`: administered over delivered, in percent with one decimal as published
 * ("85.9", "83.0"), rounded half up in integers (no binary fraction decides a .x5); null when nothing
 * was delivered (no share is made up).
 */
export function administeredShare(administered: number, delivered: number): string | null {
  if (
    !Number.isSafeInteger(administered) ||
    !Number.isSafeInteger(delivered) ||
    administered < 0 ||
    delivered < 0
  )
    throw new RangeError(`not dose counts: ${administered}, ${delivered}`);
  if (delivered === 0) return null;
  const scaled = administered * 1000;
  let tenths = Math.floor(scaled / delivered);
  if (2 * (scaled - tenths * delivered) >= delivered) tenths += 1;
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

export function ageSummaryHeaderLine(): string {
  return `${AGE_SUMMARY_HEADER.join(',')}\n`;
}

/** A band's line; `updatedOn` is the last day of the totals. */
export function ageSummaryLine(row: AgeSummaryRow, updatedOn: string): string {
  const total = row.counts.prima_dose + row.counts.seconda_dose;
  const values: Record<(typeof AGE_SUMMARY_HEADER)[number], string | number> = {
    fascia_anagrafica: row.band,
    totale: total,
    ...row.counts,
    ultimo_aggiornamento: updatedOn,
  };
  return `${AGE_SUMMARY_HEADER.map((column) => csvField(values[column])).join(',')}\n`;
}

export function deliverySummaryHeaderLine(): string {
  return `${DELIVERY_SUMMARY_HEADER.join(',')}\n`;
}

/** An area's line; an area with no delivered dose has an empty share (no division by zero is made up). */
export function deliverySummaryLine(row: DeliverySummaryRow, updatedOn: string): string {
  const area = OPEN_DATA_AREAS[row.areaKey];
  if (area === undefined) throw new RangeError(`no open-data area for ${row.areaKey}`);
  const values: Record<(typeof DELIVERY_SUMMARY_HEADER)[number], string | number> = {
    area: area.area,
    dosi_somministrate: row.administered,
    dosi_consegnate: row.delivered,
    percentuale_somministrazione: administeredShare(row.administered, row.delivered) ?? '',
    ultimo_aggiornamento: updatedOn,
    codice_NUTS1: area.nuts1,
    codice_NUTS2: area.nuts2,
    codice_regione_ISTAT: area.istat,
    nome_area: area.name,
  };
  return `${DELIVERY_SUMMARY_HEADER.map((column) => csvField(values[column])).join(',')}\n`;
}

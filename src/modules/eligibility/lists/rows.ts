import type { Localized } from '../../../platform/i18n.ts';
import { format } from '../../../platform/i18n.ts';
import {
  normalizeIdentifier,
  validateHealthCardNumber,
  validateTaxCode,
  type BelfioreLookup,
} from '../../registry/identifiers.ts';
import { conditionsForExemptionCode, findCondition, type FragilityTables } from '../fragility-tables.ts';
import type { EntitlementSource, LinkRelation, ListType } from '../tables.ts';
import { COLUMN_COUNT_MISMATCH_FIELD, type ListRecord } from './reader.ts';

/*
 * ELIG-18: what one row of a list means, decided without the database. A row is usable when its tax
 * code or its health-card number passes the registry's identifier rules (REG-2, REG-3); a row with
 * neither cannot be loaded and goes to the rejection report with the reason.
 */

/** The columns of each list type; a file missing one of them is refused before anything is loaded. */
export const LIST_COLUMNS: Record<ListType, readonly string[]> = {
  fragile: ['codice_fiscale', 'numero_tessera_sanitaria', 'condizione'],
  specialist: ['codice_fiscale', 'numero_tessera_sanitaria', 'condizione'],
  caregivers: [
    'codice_fiscale',
    'numero_tessera_sanitaria',
    'codice_fiscale_fragile',
    'numero_tessera_sanitaria_fragile',
    'relazione',
  ],
};

/** Common header spellings of the same column, as health authorities' exports name them. */
const COLUMN_ALIASES: Record<string, string> = {
  cf: 'codice_fiscale',
  tessera_sanitaria: 'numero_tessera_sanitaria',
  numero_tessera: 'numero_tessera_sanitaria',
  ts: 'numero_tessera_sanitaria',
  cf_fragile: 'codice_fiscale_fragile',
  ts_fragile: 'numero_tessera_sanitaria_fragile',
  codice_esenzione: 'condizione',
  esenzione: 'condizione',
  patologia: 'condizione',
};

export const canonicalColumn = (name: string): string => COLUMN_ALIASES[name] ?? name;

export function missingColumns(listType: ListType, header: readonly string[]): string[] {
  const present = new Set(header.map(canonicalColumn));
  return LIST_COLUMNS[listType].filter((column) => !present.has(column));
}

export const ROW_REJECTIONS = {
  ROW_COLUMNS: {
    it: 'La riga ha un numero di colonne diverso dall’intestazione: controlli separatori e virgolette.',
    en: 'The row has a different number of columns from the header: check separators and quotes.',
  },
  ROW_NO_USABLE_IDENTIFIER: {
    it: 'Né il codice fiscale ({taxCodeProblem}) né il numero di tessera sanitaria ({healthCardProblem}) sono utilizzabili: senza almeno uno dei due la persona non si può riconoscere.',
    en: 'Neither the tax code ({taxCodeProblem}) nor the health-card number ({healthCardProblem}) can be used: without at least one the person cannot be identified.',
  },
  ROW_PERSON_NOT_FOUND: {
    it: 'Nessun assistito della regione con questo codice fiscale o numero di tessera sanitaria.',
    en: 'No person of the region has this tax code or health-card number.',
  },
  ROW_IDENTIFIERS_DISAGREE: {
    it: 'Il codice fiscale e il numero di tessera sanitaria appartengono a due assistiti diversi.',
    en: 'The tax code and the health-card number belong to two different people.',
  },
  ROW_CONDITION_UNKNOWN: {
    it: 'La condizione «{condition}» non è un codice della Tabella 1, un codice di esenzione mappato o L104.',
    en: 'Condition "{condition}" is not a Table 1 code, a mapped exemption code or L104.',
  },
  ROW_RELATION_UNKNOWN: {
    it: 'La relazione «{relation}» non è tra convivente, caregiver, genitore/tutore/affidatario.',
    en: 'Relation "{relation}" is not one of cohabitant, caregiver, parent/guardian/foster parent.',
  },
  ROW_FRAGILE_NOT_FOUND: {
    it: 'La persona fragile indicata non è riconoscibile o non è un assistito della regione.',
    en: 'The fragile person given cannot be identified or is not a person of the region.',
  },
  ROW_LINK_NOT_ALLOWED: {
    it: 'Il collegamento non è previsto per la condizione della persona fragile ({reason}).',
    en: 'The link is not provided for by the fragile person’s condition ({reason}).',
  },
  ROW_LINK_LIMIT: {
    it: 'La persona fragile ha già 3 conviventi o caregiver collegati.',
    en: 'The fragile person already has 3 cohabitants or caregivers linked.',
  },
} as const satisfies Record<string, Localized>;

export type RowRejectionCode = keyof typeof ROW_REJECTIONS;

export interface RowRejection {
  rowNumber: number;
  code: RowRejectionCode;
  /** Italian first (the senders are Italian health authorities), English after. */
  message: string;
}

export function rejection(
  rowNumber: number,
  code: RowRejectionCode,
  params: Record<string, string | number> = {},
): RowRejection {
  const text = ROW_REJECTIONS[code];
  return { rowNumber, code, message: `${format(text.it, params)} / ${format(text.en, params)}` };
}

/** Who a row names: at least one identifier passed the registry's rules. */
export interface RowIdentity {
  taxCode: string | null;
  healthCardNumber: string | null;
}

export interface IdentityContext {
  lookupPlace: BelfioreLookup;
  /** The day the list is loaded, to tell the century of a tax code's birth year. */
  referenceDate: string;
}

export function rowIdentity(
  taxCodeText: string | undefined,
  healthCardText: string | undefined,
  context: IdentityContext,
): RowIdentity | { taxCodeProblem: string; healthCardProblem: string } {
  const taxCodeInput = normalizeIdentifier(taxCodeText ?? '');
  const healthCardInput = normalizeIdentifier(healthCardText ?? '');
  const taxCode = taxCodeInput === '' ? undefined : validateTaxCode(taxCodeInput, context);
  const healthCard = healthCardInput === '' ? undefined : validateHealthCardNumber(healthCardInput);
  const identity: RowIdentity = {
    taxCode: taxCode?.valid === true ? taxCode.normalized : null,
    healthCardNumber: healthCard?.valid === true ? healthCard.normalized : null,
  };
  if (identity.taxCode !== null || identity.healthCardNumber !== null) return identity;
  return {
    taxCodeProblem: taxCode === undefined ? 'EMPTY' : taxCode.valid ? '' : taxCode.code,
    healthCardProblem: healthCard === undefined ? 'EMPTY' : healthCard.valid ? '' : healthCard.code,
  };
}

export interface EntitlementRowIntent {
  rowNumber: number;
  identity: RowIdentity;
  category: 'extremely_vulnerable' | 'severe_disability';
  conditionCode: string | null;
  source: EntitlementSource;
}

export interface LinkRowIntent {
  rowNumber: number;
  identity: RowIdentity;
  fragile: RowIdentity;
  relation: LinkRelation;
}

/** Letters and digits only, upper case, accents dropped: `L. 104/92`, `Legge 104` and `disabilità grave` compare. */
const squeeze = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');

const isSevereDisability = (text: string): boolean => {
  const word = squeeze(text);
  return (
    /^(L|LEGGE)104(92|1992)?(ART3(C|COMMA)3)?$/.test(word) ||
    word === 'DISABILITAGRAVE' ||
    word === 'SEVEREDISABILITY'
  );
};

/** ELIG-6, ELIG-7: a Table 1 code, an exemption code mapped to one (data), or L104. */
export function rowCondition(
  text: string,
  tables: FragilityTables,
): { category: 'extremely_vulnerable' | 'severe_disability'; conditionCode: string | null } | undefined {
  const trimmed = text.trim();
  if (isSevereDisability(trimmed)) return { category: 'severe_disability', conditionCode: null };
  const byCode = findCondition(tables, trimmed.toLowerCase());
  if (byCode !== undefined) return { category: 'extremely_vulnerable', conditionCode: byCode.code };
  // An exemption code covering several conditions is recorded as the first the tables list for it.
  const byExemption = conditionsForExemptionCode(tables, trimmed)[0];
  return byExemption === undefined
    ? undefined
    : { category: 'extremely_vulnerable', conditionCode: byExemption.code };
}

const RELATION_WORDS: Record<string, LinkRelation | 'neutral'> = {
  CONVIVENTE: 'cohabitant',
  CONVIVENTI: 'cohabitant',
  COHABITANT: 'cohabitant',
  CAREGIVER: 'caregiver',
  GENITORE: 'parent_guardian_foster',
  GENITORI: 'parent_guardian_foster',
  TUTORE: 'parent_guardian_foster',
  TUTORI: 'parent_guardian_foster',
  AFFIDATARIO: 'parent_guardian_foster',
  AFFIDATARIA: 'parent_guardian_foster',
  AFFIDATARI: 'parent_guardian_foster',
  PARENT: 'parent_guardian_foster',
  GUARDIAN: 'parent_guardian_foster',
  FOSTER: 'parent_guardian_foster',
  FAMILIARE: 'neutral',
  FAMILIARI: 'neutral',
  LEGALE: 'neutral',
};

/**
 * ELIG-8 relations as lists write them ("conviventi", "familiare convivente", "genitore/tutore/
 * affidatario", "tutore legale"): every word must be known and all name the same relation, so that
 * "genitore/coniuge" is rejected rather than guessed.
 */
function relationOf(text: string): LinkRelation | undefined {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((word) => word !== '');
  const relations = new Set(words.map((word) => RELATION_WORDS[word]));
  relations.delete('neutral');
  if (relations.size !== 1) return undefined;
  const [relation] = relations;
  return relation === undefined || relation === 'neutral' ? undefined : relation;
}

/** The file's own name of each canonical column, worked out once from the header. */
export type ColumnNames = Readonly<Record<string, string>>;

export function columnNames(header: readonly string[]): ColumnNames {
  return Object.fromEntries(header.map((name) => [canonicalColumn(name), name]));
}

const fieldOf = (record: ListRecord, columns: ColumnNames, column: string): string | undefined =>
  record.fields[columns[column] ?? column];

/** What an entitlement list row (fragile, specialist) asks for, or why it is rejected. */
export function interpretEntitlementRow(
  record: ListRecord,
  listType: 'fragile' | 'specialist',
  tables: FragilityTables,
  context: IdentityContext,
  columns: ColumnNames,
): EntitlementRowIntent | RowRejection {
  const field = (column: string) => fieldOf(record, columns, column);
  if (record.fields[COLUMN_COUNT_MISMATCH_FIELD] === '1') return rejection(record.rowNumber, 'ROW_COLUMNS');
  const identity = rowIdentity(field('codice_fiscale'), field('numero_tessera_sanitaria'), context);
  if ('taxCodeProblem' in identity) return rejection(record.rowNumber, 'ROW_NO_USABLE_IDENTIFIER', identity);
  const conditionText = field('condizione') ?? '';
  const condition = rowCondition(conditionText, tables);
  if (condition === undefined)
    return rejection(record.rowNumber, 'ROW_CONDITION_UNKNOWN', { condition: conditionText });
  const source: EntitlementSource =
    listType === 'specialist'
      ? 'specialist_list'
      : condition.category === 'severe_disability'
        ? 'inps_list'
        : 'regional_list';
  return { rowNumber: record.rowNumber, identity, ...condition, source };
}

/** What a caregivers list row asks for (ELIG-8 is checked against the database later). */
export function interpretLinkRow(
  record: ListRecord,
  context: IdentityContext,
  columns: ColumnNames,
): LinkRowIntent | RowRejection {
  const field = (column: string) => fieldOf(record, columns, column);
  if (record.fields[COLUMN_COUNT_MISMATCH_FIELD] === '1') return rejection(record.rowNumber, 'ROW_COLUMNS');
  const identity = rowIdentity(field('codice_fiscale'), field('numero_tessera_sanitaria'), context);
  if ('taxCodeProblem' in identity) return rejection(record.rowNumber, 'ROW_NO_USABLE_IDENTIFIER', identity);
  const fragile = rowIdentity(
    field('codice_fiscale_fragile'),
    field('numero_tessera_sanitaria_fragile'),
    context,
  );
  if ('taxCodeProblem' in fragile) return rejection(record.rowNumber, 'ROW_FRAGILE_NOT_FOUND');
  const relationText = field('relazione') ?? '';
  const relation = relationOf(relationText);
  if (relation === undefined)
    return rejection(record.rowNumber, 'ROW_RELATION_UNKNOWN', { relation: relationText });
  return { rowNumber: record.rowNumber, identity, fragile, relation };
}

export const isRejection = (value: object): value is RowRejection => 'code' in value && 'message' in value;

/**
 * The person a row names, given the ids its identifiers resolve to: the two must not name two
 * different people; a health-card number unknown to the registry (a renewed card) does not stop a
 * known tax code.
 */
export function resolveRowPerson(
  byTaxCode: number | undefined,
  byHealthCard: number | undefined,
): { personId: number } | { code: 'ROW_PERSON_NOT_FOUND' | 'ROW_IDENTIFIERS_DISAGREE' } {
  if (byTaxCode !== undefined && byHealthCard !== undefined && byTaxCode !== byHealthCard) {
    return { code: 'ROW_IDENTIFIERS_DISAGREE' };
  }
  const personId = byTaxCode ?? byHealthCard;
  return personId === undefined ? { code: 'ROW_PERSON_NOT_FOUND' } : { personId };
}

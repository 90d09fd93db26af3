import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../reference/files.ts';
import type { BelfioreCode } from '../../reference/service.ts';
import { belfioreLookup } from '../../registry/identifiers.ts';
import { buildTaxCode } from '../../registry/tax-code.ts';
import { parseFragilityTables } from '../fragility-tables.ts';
import type { LinkRelation, ListType } from '../tables.ts';
import { COLUMN_COUNT_MISMATCH_FIELD, type ListRecord } from './reader.ts';
import {
  canonicalColumn,
  columnNames,
  interpretEntitlementRow,
  interpretLinkRow,
  isRejection,
  LIST_COLUMNS,
  missingColumns,
  rejection,
  resolveRowPerson,
  ROW_REJECTIONS,
  rowCondition,
  rowIdentity,
  type IdentityContext,
  type RowIdentity,
} from './rows.ts';

const TABLES = parseFragilityTables(
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'plan', 'fragility-tables.json'), 'utf8')) as unknown,
);

/** A few hand-written Belfiore entries: a municipality valid since ever, a foreign country, a recent municipality. */
const PLACES: BelfioreCode[] = [
  { code: 'D150', name: 'CREMONA', provinceOrCountry: 'CR', validFrom: null, validTo: null, foreign: false },
  { code: 'B157', name: 'BRESCIA', provinceOrCountry: 'BS', validFrom: null, validTo: null, foreign: false },
  { code: 'A944', name: 'BOLOGNA', provinceOrCountry: 'BO', validFrom: null, validTo: null, foreign: false },
  {
    code: 'Z404',
    name: "STATI UNITI D'AMERICA",
    provinceOrCountry: null,
    validFrom: null,
    validTo: null,
    foreign: true,
  },
  { code: 'Z110', name: 'FRANCIA', provinceOrCountry: null, validFrom: null, validTo: null, foreign: true },
  // Test entry: a municipality created in 1990, so nobody born before then can carry its code.
  {
    code: 'M399',
    name: 'COMUNE DI PROVA',
    provinceOrCountry: 'CR',
    validFrom: '1990-01-01',
    validTo: null,
    foreign: false,
  },
];

const CONTEXT: IdentityContext = { lookupPlace: belfioreLookup(PLACES), referenceDate: '2021-04-10' };

const MARIO = buildTaxCode({
  surname: 'Rossi',
  givenName: 'Mario',
  sex: 'M',
  birthDate: '1950-03-15',
  birthPlaceCode: 'D150',
});
const ANNA = buildTaxCode({
  surname: 'Bianchi',
  givenName: 'Anna',
  sex: 'F',
  birthDate: '1985-07-22',
  birthPlaceCode: 'B157',
});
const JOHN = buildTaxCode({
  surname: 'Smith',
  givenName: 'John',
  sex: 'M',
  birthDate: '1970-01-05',
  birthPlaceCode: 'Z404',
});
const LUCA = buildTaxCode({
  surname: 'Verdi',
  givenName: 'Luca',
  sex: 'M',
  birthDate: '2008-02-10',
  birthPlaceCode: 'A944',
});
/** Born in Rome: H501 is not in the lookup. */
const ROMAN = buildTaxCode({
  surname: 'Neri',
  givenName: 'Paolo',
  sex: 'M',
  birthDate: '1960-05-05',
  birthPlaceCode: 'H501',
});
/** Born in 1950 in a municipality created in 1990. */
const TOO_EARLY = buildTaxCode({
  surname: 'Gialli',
  givenName: 'Marta',
  sex: 'F',
  birthDate: '1950-05-05',
  birthPlaceCode: 'M399',
});
/** MARIO with a wrong check character. */
const BAD_CHECK = MARIO.slice(0, 15) + (MARIO[15] === 'A' ? 'B' : 'A');

const TS_MARIO = '80380000001234567890';
const TS_ANNA = '80380000009876543210';
const TS_LUCA = '80380001110002223334';
const TS_BAD_PREFIX = '80390000001234567890';
const TS_SHORT = '8038000000123456789';
const TS_LETTER = '8038000000123456789X';

const spaced = (code: string): string => ` ${code.toLowerCase().replace(/(.{4})/g, '$1 ')} `;

const record = (fields: Record<string, string>, rowNumber = 2): ListRecord => ({ rowNumber, fields });

// ---------------------------------------------------------------------------------------------------

describe('list columns', () => {
  it.each<[ListType, string[], string[]]>([
    ['fragile', ['codice_fiscale', 'numero_tessera_sanitaria', 'condizione'], []],
    ['fragile', ['cf', 'ts', 'codice_esenzione'], []],
    ['fragile', ['cf', 'tessera_sanitaria', 'esenzione'], []],
    ['fragile', ['codice_fiscale', 'numero_tessera', 'patologia'], []],
    ['fragile', ['cognome', 'nome', 'cf', 'ts', 'codice_esenzione', 'note'], []],
    ['fragile', ['cf', 'condizione'], ['numero_tessera_sanitaria']],
    ['fragile', ['ts', 'patologia'], ['codice_fiscale']],
    ['fragile', ['cf', 'ts'], ['condizione']],
    ['fragile', ['cf', 'ts', 'relazione'], ['condizione']],
    ['fragile', [], ['codice_fiscale', 'numero_tessera_sanitaria', 'condizione']],
    ['specialist', ['cf', 'ts', 'esenzione'], []],
    ['specialist', ['codice_fiscale', 'numero_tessera_sanitaria', 'condizione'], []],
    ['specialist', ['nome', 'cognome'], ['codice_fiscale', 'numero_tessera_sanitaria', 'condizione']],
    [
      'caregivers',
      [
        'codice_fiscale',
        'numero_tessera_sanitaria',
        'codice_fiscale_fragile',
        'numero_tessera_sanitaria_fragile',
        'relazione',
      ],
      [],
    ],
    ['caregivers', ['cf', 'ts', 'cf_fragile', 'ts_fragile', 'relazione'], []],
    ['caregivers', ['cf', 'tessera_sanitaria', 'cf_fragile', 'ts_fragile', 'relazione'], []],
    ['caregivers', ['cf', 'ts', 'relazione'], ['codice_fiscale_fragile', 'numero_tessera_sanitaria_fragile']],
    ['caregivers', ['cf', 'ts', 'cf_fragile', 'ts_fragile'], ['relazione']],
    ['caregivers', ['cf', 'ts', 'cf_fragile', 'ts_fragile', 'condizione'], ['relazione']],
    ['caregivers', ['cf_fragile', 'ts_fragile', 'relazione'], ['codice_fiscale', 'numero_tessera_sanitaria']],
  ])('ELIG-18 a %s list with header %j misses %j', (listType, header, missing) => {
    expect(missingColumns(listType, header)).toEqual(missing);
  });

  it.each([
    ['cf', 'codice_fiscale'],
    ['ts', 'numero_tessera_sanitaria'],
    ['tessera_sanitaria', 'numero_tessera_sanitaria'],
    ['numero_tessera', 'numero_tessera_sanitaria'],
    ['cf_fragile', 'codice_fiscale_fragile'],
    ['ts_fragile', 'numero_tessera_sanitaria_fragile'],
    ['codice_esenzione', 'condizione'],
    ['esenzione', 'condizione'],
    ['patologia', 'condizione'],
    ['codice_fiscale', 'codice_fiscale'],
    ['relazione', 'relazione'],
    ['nome', 'nome'],
  ])('ELIG-18 header %s is column %s', (name, canonical) => {
    expect(canonicalColumn(name)).toBe(canonical);
  });

  it('ELIG-18 columnNames maps each canonical column to the file’s own header name', () => {
    expect(columnNames(['cf', 'ts', 'codice_esenzione', 'nome'])).toEqual({
      codice_fiscale: 'cf',
      numero_tessera_sanitaria: 'ts',
      condizione: 'codice_esenzione',
      nome: 'nome',
    });
  });

  it('ELIG-18 every list type needs an identifier column pair', () => {
    for (const columns of Object.values(LIST_COLUMNS)) {
      expect(columns).toContain('codice_fiscale');
      expect(columns).toContain('numero_tessera_sanitaria');
    }
  });
});

describe('rowCondition', () => {
  it.each([
    ['L104'],
    ['l104'],
    [' L104 '],
    ['L104_ART3_C3'],
    ['l104_art3_c3'],
    ['L.104'],
    ['l.104'],
    ['SEVERE_DISABILITY'],
    ['severe_disability'],
    ['DISABILITA_GRAVE'],
    ['disabilita_grave'],
  ])('ELIG-7 ELIG-18 condition %j is severe disability', (text) => {
    expect(rowCondition(text, TABLES)).toEqual({ category: 'severe_disability', conditionCode: null });
  });

  it.each([
    ['diabetes_type_1', 'diabetes_type_1'],
    ['DIABETES_TYPE_1', 'diabetes_type_1'],
    [' transplant_solid_organ ', 'transplant_solid_organ'],
    ['obesity_severe', 'obesity_severe'],
    ['neuro_immunosuppressive_therapy', 'neuro_immunosuppressive_therapy'],
    ['hiv_aids_or_low_cd4', 'hiv_aids_or_low_cd4'],
  ])('ELIG-6 ELIG-18 condition %j is the Table 1 code %s', (text, conditionCode) => {
    expect(rowCondition(text, TABLES)).toEqual({ category: 'extremely_vulnerable', conditionCode });
  });

  it.each(TABLES.conditions.map((condition) => [condition.code] as const))(
    'ELIG-6 ELIG-18 every Table 1 code is read as itself: %s',
    (code) => {
      expect(rowCondition(code, TABLES)).toEqual({ category: 'extremely_vulnerable', conditionCode: code });
    },
  );

  it.each([
    ['013', 'diabetes_type_1'],
    ['013.250', 'diabetes_type_1'],
    [' 013 250 ', 'diabetes_type_1'],
    ['0130', 'diabetes_type_1'],
    ['021', 'cardio_heart_failure_nyha_3_4'],
    ['021.428', 'cardio_heart_failure_nyha_3_4'],
    ['0A02', 'cardio_post_cardiogenic_shock'],
    ['0a02.428', 'cardio_post_cardiogenic_shock'],
    ['002', 'cardio_post_cardiogenic_shock'],
    ['024', 'resp_idiopathic_pulmonary_fibrosis'],
    ['057', 'resp_oxygen_therapy'],
    ['RF0100', 'neuro_als_motor_neuron'],
    ['046', 'neuro_multiple_sclerosis'],
    ['RFG101', 'neuro_myasthenia_gravis'],
    ['rfg101', 'neuro_myasthenia_gravis'],
    ['034', 'neuro_myasthenia_gravis'],
    ['034.358', 'neuro_myasthenia_gravis'],
    ['022', 'endocrine_addison'],
    ['018', 'cystic_fibrosis'],
    ['023', 'renal_chronic_dialysis'],
    ['028', 'immune_primary_or_autoimmune_severe'],
    ['RM0120', 'immune_primary_or_autoimmune_severe'],
    ['RCG160', 'immune_primary_or_autoimmune_severe'],
    ['008', 'liver_cirrhosis'],
    ['0B02', 'cerebrovascular_stroke'],
    ['048', 'oncology_advanced'],
    ['048.174', 'oncology_advanced'],
    ['RDG010', 'hemoglobinopathy'],
    ['065', 'down_syndrome'],
    ['RN0660', 'down_syndrome'],
    ['050', 'transplant_solid_organ_waiting_list'],
    ['052', 'transplant_solid_organ'],
    ['020', 'hiv_aids_or_low_cd4'],
    ['020.V08', 'hiv_aids_or_low_cd4'],
  ])(
    'ELIG-6 ELIG-18 exemption code %j is Table 1 condition %s (the first the tables list)',
    (text, conditionCode) => {
      expect(rowCondition(text, TABLES)).toEqual({ category: 'extremely_vulnerable', conditionCode });
    },
  );

  it.each([
    ['999'],
    ['XYZ'],
    [''],
    ['   '],
    ['01'],
    ['013A'],
    ['RFG1011'],
    ['RFG'],
    ['extremely_vulnerable'],
    ['diabetes'],
  ])('ELIG-18 condition %j is unknown', (text) => {
    expect(rowCondition(text, TABLES)).toBeUndefined();
  });
});

describe('rowIdentity', () => {
  it('ELIG-18 the hand-built tax codes are the expected ones', () => {
    expect(MARIO).toMatch(/^RSSMRA50C15D150[A-Z]$/);
    expect(ANNA).toMatch(/^BNCNNA85L62B157[A-Z]$/);
    expect(JOHN).toMatch(/^SMTJHN70A05Z404[A-Z]$/);
    expect(BAD_CHECK).not.toBe(MARIO);
  });

  it.each<[string, string | undefined, string | undefined, RowIdentity]>([
    ['a valid CF only', MARIO, '', { taxCode: MARIO, healthCardNumber: null }],
    ['a valid CF, no TS field', MARIO, undefined, { taxCode: MARIO, healthCardNumber: null }],
    ['a valid CF in lower case with spaces', spaced(MARIO), '', { taxCode: MARIO, healthCardNumber: null }],
    ['a valid CF of a woman', ANNA, '', { taxCode: ANNA, healthCardNumber: null }],
    ['a valid CF of a person born abroad', JOHN, '', { taxCode: JOHN, healthCardNumber: null }],
    ['a valid TS only', '', TS_MARIO, { taxCode: null, healthCardNumber: TS_MARIO }],
    ['a valid TS, no CF field', undefined, TS_MARIO, { taxCode: null, healthCardNumber: TS_MARIO }],
    [
      'a valid TS with spaces',
      '',
      ' 8038 0000 0012 3456 7890 ',
      { taxCode: null, healthCardNumber: TS_MARIO },
    ],
    ['both valid', MARIO, TS_MARIO, { taxCode: MARIO, healthCardNumber: TS_MARIO }],
    ['a valid CF, an invalid TS', MARIO, TS_BAD_PREFIX, { taxCode: MARIO, healthCardNumber: null }],
    ['an invalid CF, a valid TS', BAD_CHECK, TS_MARIO, { taxCode: null, healthCardNumber: TS_MARIO }],
  ])('ELIG-18 %s: usable', (_what, taxCode, healthCard, identity) => {
    expect(rowIdentity(taxCode, healthCard, CONTEXT)).toEqual(identity);
  });

  it.each<[string, string | undefined, string | undefined, string, string]>([
    ['both empty', '', '', 'EMPTY', 'EMPTY'],
    ['both missing', undefined, undefined, 'EMPTY', 'EMPTY'],
    ['both blank', '   ', '\t', 'EMPTY', 'EMPTY'],
    ['a wrong check character, no TS', BAD_CHECK, '', 'TAX_CODE_CHECK_CHARACTER', 'EMPTY'],
    ['no CF, a TS with a wrong prefix', '', TS_BAD_PREFIX, 'EMPTY', 'HEALTH_CARD_PREFIX'],
    ['both invalid', BAD_CHECK, TS_BAD_PREFIX, 'TAX_CODE_CHECK_CHARACTER', 'HEALTH_CARD_PREFIX'],
    ['a short CF, a short TS', MARIO.slice(0, 15), TS_SHORT, 'TAX_CODE_LENGTH', 'HEALTH_CARD_LENGTH'],
    [
      'a CF born in an unknown place, a TS with a letter',
      ROMAN,
      TS_LETTER,
      'TAX_CODE_PLACE_UNKNOWN',
      'HEALTH_CARD_DIGITS',
    ],
    [
      'a CF of a place not yet existing at birth',
      TOO_EARLY,
      '',
      'TAX_CODE_PLACE_NOT_VALID_ON_BIRTH_DATE',
      'EMPTY',
    ],
  ])(
    'ELIG-18 %s: not usable, problems %s / %s',
    (_what, taxCode, healthCard, taxCodeProblem, healthCardProblem) => {
      expect(rowIdentity(taxCode, healthCard, CONTEXT)).toEqual({ taxCodeProblem, healthCardProblem });
    },
  );
});

describe('interpretEntitlementRow', () => {
  const ALIASED = columnNames(['cf', 'ts', 'codice_esenzione']);
  const CANONICAL = columnNames(['codice_fiscale', 'numero_tessera_sanitaria', 'condizione']);

  it.each<
    [
      string,
      'fragile' | 'specialist',
      string,
      'extremely_vulnerable' | 'severe_disability',
      string | null,
      string,
    ]
  >([
    ['fragile', 'fragile', '013', 'extremely_vulnerable', 'diabetes_type_1', 'regional_list'],
    [
      'fragile',
      'fragile',
      'transplant_solid_organ',
      'extremely_vulnerable',
      'transplant_solid_organ',
      'regional_list',
    ],
    ['fragile', 'fragile', 'L104', 'severe_disability', null, 'inps_list'],
    ['fragile', 'fragile', 'DISABILITA_GRAVE', 'severe_disability', null, 'inps_list'],
    ['specialist', 'specialist', '052', 'extremely_vulnerable', 'transplant_solid_organ', 'specialist_list'],
    ['specialist', 'specialist', 'L104', 'severe_disability', null, 'specialist_list'],
  ])(
    'ELIG-4 ELIG-18 a %s list row with condition %j: %s %s from %s',
    (_list, listType, condition, category, conditionCode, source) => {
      const row = record({ cf: MARIO, ts: TS_MARIO, codice_esenzione: condition }, 7);
      expect(interpretEntitlementRow(row, listType, TABLES, CONTEXT, ALIASED)).toEqual({
        rowNumber: 7,
        identity: { taxCode: MARIO, healthCardNumber: TS_MARIO },
        category,
        conditionCode,
        source,
      });
    },
  );

  it.each<[string, Record<string, string>, RowIdentity]>([
    [
      'CF only',
      { codice_fiscale: MARIO, numero_tessera_sanitaria: '', condizione: '013' },
      { taxCode: MARIO, healthCardNumber: null },
    ],
    [
      'TS only',
      { codice_fiscale: '', numero_tessera_sanitaria: TS_ANNA, condizione: '013' },
      { taxCode: null, healthCardNumber: TS_ANNA },
    ],
    [
      'CF valid, TS invalid',
      { codice_fiscale: MARIO, numero_tessera_sanitaria: TS_SHORT, condizione: '013' },
      { taxCode: MARIO, healthCardNumber: null },
    ],
  ])('ELIG-18 a row with canonical columns and %s is loaded', (_what, fields, identity) => {
    const result = interpretEntitlementRow(record(fields), 'fragile', TABLES, CONTEXT, CANONICAL);
    expect(isRejection(result)).toBe(false);
    expect(result).toMatchObject({
      identity,
      category: 'extremely_vulnerable',
      conditionCode: 'diabetes_type_1',
    });
  });

  it('ELIG-18 a row whose column count differs from the header is rejected with ROW_COLUMNS, whatever it holds', () => {
    const row = record(
      { cf: MARIO, ts: TS_MARIO, codice_esenzione: '013', [COLUMN_COUNT_MISMATCH_FIELD]: '1' },
      12,
    );
    const result = interpretEntitlementRow(row, 'fragile', TABLES, CONTEXT, ALIASED);
    expect(result).toEqual(rejection(12, 'ROW_COLUMNS'));
    expect(result).toMatchObject({ rowNumber: 12, code: 'ROW_COLUMNS' });
    expect(isRejection(result)).toBe(true);
  });

  it.each<[string, string, string, string, string]>([
    ['both invalid', BAD_CHECK, TS_BAD_PREFIX, 'TAX_CODE_CHECK_CHARACTER', 'HEALTH_CARD_PREFIX'],
    ['both empty', '', '', 'EMPTY', 'EMPTY'],
    ['CF empty, TS too short', '', TS_SHORT, 'EMPTY', 'HEALTH_CARD_LENGTH'],
  ])(
    'ELIG-18 a row with %s identifiers is rejected with ROW_NO_USABLE_IDENTIFIER naming both problems',
    (_what, cf, ts, taxCodeProblem, healthCardProblem) => {
      const result = interpretEntitlementRow(
        record({ cf, ts, codice_esenzione: '013' }, 5),
        'fragile',
        TABLES,
        CONTEXT,
        ALIASED,
      );
      expect(result).toMatchObject({ rowNumber: 5, code: 'ROW_NO_USABLE_IDENTIFIER' });
      if (!isRejection(result)) throw new Error('expected a rejection');
      expect(result.message).toContain(
        `Né il codice fiscale (${taxCodeProblem}) né il numero di tessera sanitaria (${healthCardProblem})`,
      );
      expect(result.message).toContain(
        `Neither the tax code (${taxCodeProblem}) nor the health-card number (${healthCardProblem})`,
      );
    },
  );

  it('ELIG-18 identifiers are checked before the condition', () => {
    const result = interpretEntitlementRow(
      record({ cf: '', ts: '', codice_esenzione: 'XYZ' }),
      'fragile',
      TABLES,
      CONTEXT,
      ALIASED,
    );
    expect(result).toMatchObject({ code: 'ROW_NO_USABLE_IDENTIFIER' });
  });

  it.each([['XYZ'], ['999'], ['L. 104 bis'], ['']])(
    'ELIG-18 a row with condition %j is rejected with ROW_CONDITION_UNKNOWN',
    (condition) => {
      const result = interpretEntitlementRow(
        record({ cf: MARIO, ts: TS_MARIO, codice_esenzione: condition }, 9),
        'specialist',
        TABLES,
        CONTEXT,
        ALIASED,
      );
      expect(result).toEqual(rejection(9, 'ROW_CONDITION_UNKNOWN', { condition }));
      if (!isRejection(result)) throw new Error('expected a rejection');
      expect(result.message).toContain(`La condizione «${condition}»`);
      expect(result.message).toContain(`Condition "${condition}"`);
    },
  );

  it('ELIG-18 a row read without a condition column is rejected with ROW_CONDITION_UNKNOWN', () => {
    const columns = columnNames(['cf', 'ts']);
    const result = interpretEntitlementRow(
      record({ cf: MARIO, ts: TS_MARIO }),
      'fragile',
      TABLES,
      CONTEXT,
      columns,
    );
    expect(result).toMatchObject({ code: 'ROW_CONDITION_UNKNOWN' });
  });
});

describe('interpretLinkRow', () => {
  const ALIASED = columnNames(['cf', 'ts', 'cf_fragile', 'ts_fragile', 'relazione']);
  const CANONICAL = columnNames([
    'codice_fiscale',
    'numero_tessera_sanitaria',
    'codice_fiscale_fragile',
    'numero_tessera_sanitaria_fragile',
    'relazione',
  ]);
  const linkRow = (relazione: string, overrides: Record<string, string> = {}, rowNumber = 3): ListRecord =>
    record(
      { cf: ANNA, ts: TS_ANNA, cf_fragile: LUCA, ts_fragile: TS_LUCA, relazione, ...overrides },
      rowNumber,
    );

  it.each<[string, LinkRelation]>([
    ['convivente', 'cohabitant'],
    ['Convivente', 'cohabitant'],
    [' CONVIVENTE ', 'cohabitant'],
    ['cohabitant', 'cohabitant'],
    ['caregiver', 'caregiver'],
    ['Caregiver', 'caregiver'],
    ['genitore', 'parent_guardian_foster'],
    ['Genitore', 'parent_guardian_foster'],
    ['tutore', 'parent_guardian_foster'],
    ['affidatario', 'parent_guardian_foster'],
    ['genitore/tutore/affidatario', 'parent_guardian_foster'],
    ['Genitore / Tutore / Affidatario', 'parent_guardian_foster'],
    ['genitore-tutore-affidatario', 'parent_guardian_foster'],
    ['genitore tutore affidatario', 'parent_guardian_foster'],
    ['genitore_tutore_affidatario', 'parent_guardian_foster'],
    ['parent_guardian_foster', 'parent_guardian_foster'],
    ['conviventi', 'cohabitant'],
    ['familiare convivente', 'cohabitant'],
    ['genitori', 'parent_guardian_foster'],
    ['tutore legale', 'parent_guardian_foster'],
  ])('ELIG-8 ELIG-18 relation %j is %s', (relazione, relation) => {
    expect(interpretLinkRow(linkRow(relazione), CONTEXT, ALIASED)).toEqual({
      rowNumber: 3,
      identity: { taxCode: ANNA, healthCardNumber: TS_ANNA },
      fragile: { taxCode: LUCA, healthCardNumber: TS_LUCA },
      relation,
    });
  });

  it.each([['coniuge'], ['figlio'], ['badante'], [''], ['genitore/coniuge']])(
    'ELIG-8 ELIG-18 relation %j is rejected with ROW_RELATION_UNKNOWN',
    (relazione) => {
      const result = interpretLinkRow(linkRow(relazione, {}, 4), CONTEXT, ALIASED);
      expect(result).toEqual(rejection(4, 'ROW_RELATION_UNKNOWN', { relation: relazione }));
      if (!isRejection(result)) throw new Error('expected a rejection');
      expect(result.message).toContain(`La relazione «${relazione}»`);
      expect(result.message).toContain(`Relation "${relazione}"`);
    },
  );

  it('ELIG-18 canonical column names work as well as aliases', () => {
    const row = record({
      codice_fiscale: spaced(ANNA),
      numero_tessera_sanitaria: '',
      codice_fiscale_fragile: '',
      numero_tessera_sanitaria_fragile: TS_LUCA,
      relazione: 'caregiver',
    });
    expect(interpretLinkRow(row, CONTEXT, CANONICAL)).toEqual({
      rowNumber: 2,
      identity: { taxCode: ANNA, healthCardNumber: null },
      fragile: { taxCode: null, healthCardNumber: TS_LUCA },
      relation: 'caregiver',
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['a column-count mismatch', { [COLUMN_COUNT_MISMATCH_FIELD]: '1' }, 'ROW_COLUMNS'],
    ['a mismatch and no identifiers', { [COLUMN_COUNT_MISMATCH_FIELD]: '1', cf: '', ts: '' }, 'ROW_COLUMNS'],
    [
      'no usable identifier of the linked person',
      { cf: BAD_CHECK, ts: TS_SHORT },
      'ROW_NO_USABLE_IDENTIFIER',
    ],
    ['no identifier of the linked person', { cf: '', ts: '' }, 'ROW_NO_USABLE_IDENTIFIER'],
    [
      'no usable identifier of the fragile person',
      { cf_fragile: BAD_CHECK, ts_fragile: TS_BAD_PREFIX },
      'ROW_FRAGILE_NOT_FOUND',
    ],
    ['no identifier of the fragile person', { cf_fragile: '', ts_fragile: '' }, 'ROW_FRAGILE_NOT_FOUND'],
    [
      'no fragile person and an unknown relation',
      { cf_fragile: '', ts_fragile: '', relazione: 'coniuge' },
      'ROW_FRAGILE_NOT_FOUND',
    ],
    [
      'a linked person without identifiers and an unknown relation',
      { cf: '', ts: '', relazione: 'coniuge' },
      'ROW_NO_USABLE_IDENTIFIER',
    ],
  ])('ELIG-18 a caregivers row with %s is rejected with %s', (_what, overrides, code) => {
    const result = interpretLinkRow(linkRow('convivente', overrides, 8), CONTEXT, ALIASED);
    expect(result).toMatchObject({ rowNumber: 8, code });
    expect(isRejection(result)).toBe(true);
  });

  it('ELIG-18 the fragile person may be named by the health-card number alone and the linked one by the CF alone', () => {
    const result = interpretLinkRow(
      linkRow('tutore', { ts: '', cf_fragile: '', ts_fragile: TS_LUCA }),
      CONTEXT,
      ALIASED,
    );
    expect(result).toMatchObject({
      identity: { taxCode: ANNA, healthCardNumber: null },
      fragile: { taxCode: null, healthCardNumber: TS_LUCA },
      relation: 'parent_guardian_foster',
    });
  });
});

describe('resolveRowPerson', () => {
  it.each<[number | undefined, number | undefined, ReturnType<typeof resolveRowPerson>]>([
    [41, 41, { personId: 41 }],
    [41, undefined, { personId: 41 }],
    [undefined, 42, { personId: 42 }],
    [41, 42, { code: 'ROW_IDENTIFIERS_DISAGREE' }],
    [undefined, undefined, { code: 'ROW_PERSON_NOT_FOUND' }],
  ])('ELIG-18 tax code names %s, health card names %s: %j', (byTaxCode, byHealthCard, expected) => {
    expect(resolveRowPerson(byTaxCode, byHealthCard)).toEqual(expected);
  });
});

describe('rejections', () => {
  it.each(Object.keys(ROW_REJECTIONS) as (keyof typeof ROW_REJECTIONS)[])(
    'ELIG-18 rejection %s reads in Italian, then English',
    (code) => {
      const result = rejection(3, code, {
        taxCodeProblem: 'TAX_CODE_LENGTH',
        healthCardProblem: 'EMPTY',
        condition: 'XYZ',
        relation: 'coniuge',
        reason: 'LINK_RELATION_NOT_ALLOWED',
      });
      expect(result.rowNumber).toBe(3);
      expect(result.code).toBe(code);
      const [italian, english] = result.message.split(' / ');
      expect(italian).toBeTruthy();
      expect(english).toBeTruthy();
      expect(result.message).not.toMatch(/\{\w+\}/);
    },
  );

  it('ELIG-18 a rejection without its params leaves the placeholders visible', () => {
    expect(rejection(3, 'ROW_CONDITION_UNKNOWN').message).toContain('{condition}');
  });

  it.each<[object, boolean]>([
    [rejection(2, 'ROW_PERSON_NOT_FOUND'), true],
    [{ rowNumber: 2, identity: { taxCode: MARIO, healthCardNumber: null }, relation: 'caregiver' }, false],
    [{ taxCodeProblem: 'EMPTY', healthCardProblem: 'EMPTY' }, false],
  ])('ELIG-18 isRejection(%j) is %s', (value, expected) => {
    expect(isRejection(value)).toBe(expected);
  });
});

describe('spellings found in real lists', () => {
  it.each([
    'L. 104/92',
    'L.104/1992 art. 3 c. 3',
    'Legge 104',
    'L104 art3 c3',
    'disabilità grave',
    'DISABILITA GRAVE',
  ])('ELIG-7 "%s" is severe disability', (text) => {
    expect(rowCondition(text, TABLES)).toEqual({ category: 'severe_disability', conditionCode: null });
  });
});

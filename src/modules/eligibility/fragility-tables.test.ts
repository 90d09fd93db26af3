import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../reference/files.ts';
import prevalence from '../population/data/fragility-prevalence.json' with { type: 'json' };
import {
  conditionsForExemptionCode,
  findCondition,
  FragilityTablesError,
  loadFragilityTables,
  normalizeExemptionCode,
  parseFragilityTables,
  type FragilityTables,
} from './fragility-tables.ts';
import { parsePlanFile } from './plan-file.ts';

type Raw = Record<string, unknown> & {
  areas: Record<string, unknown>[];
  conditions: (Record<string, unknown> & { exemptionCodes: Record<string, unknown>[] })[];
  severeDisability: Record<string, unknown>;
};

const raw = (): Raw =>
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'plan', 'fragility-tables.json'), 'utf8')) as Raw;
const tables = (): FragilityTables => parseFragilityTables(raw());
const codes = (conditions: { code: string }[]): string[] => conditions.map((c) => c.code);

/** The areas of pathology of Table 1, as seed 003 names them, in its order. */
const SEED_AREAS: [string, string][] = [
  ['respiratory', 'Malattie respiratorie'],
  ['cardiocirculatory', 'Malattie cardiocircolatorie'],
  ['neurological', 'Malattie neurologiche'],
  ['diabetes_endocrine', 'Diabete/altre endocrinopatie severe (quali morbo di Addison)'],
  ['cystic_fibrosis', 'Fibrosi cistica'],
  ['renal', 'Insufficienza renale/patologia renale'],
  ['autoimmune_immunodeficiency', 'Malattie autoimmuni - immunodeficienze primitive'],
  ['liver', 'Malattia epatica'],
  ['cerebrovascular', 'Malattie cerebrovascolari'],
  ['oncology', 'Patologia oncologica'],
  ['hemoglobinopathies', 'Emoglobinopatie'],
  ['down_syndrome', 'Sindrome di Down'],
  ['transplant', 'Trapianto di organo solido e di cellule staminali emopoietiche'],
  ['obesity', 'Grave obesità'],
  ['hiv', 'HIV'],
];

/** Every condition of seed 003 Table 1 by area, the sub-conditions of one bullet split. */
const SEED_CONDITIONS: [string, string[]][] = [
  ['respiratory', ['resp_idiopathic_pulmonary_fibrosis', 'resp_oxygen_therapy']],
  ['cardiocirculatory', ['cardio_heart_failure_nyha_3_4', 'cardio_post_cardiogenic_shock']],
  [
    'neurological',
    [
      'neuro_als_motor_neuron',
      'neuro_multiple_sclerosis',
      'neuro_muscular_dystrophy',
      'neuro_infantile_cerebral_palsy',
      'neuro_immunosuppressive_therapy',
      'neuro_myasthenia_gravis',
      'neuro_dysimmune',
    ],
  ],
  [
    'diabetes_endocrine',
    ['diabetes_type_1', 'diabetes_type_2_complex', 'endocrine_addison', 'endocrine_panhypopituitarism'],
  ],
  ['cystic_fibrosis', ['cystic_fibrosis']],
  ['renal', ['renal_chronic_dialysis']],
  ['autoimmune_immunodeficiency', ['immune_primary_or_autoimmune_severe', 'immune_secondary_to_therapy']],
  ['liver', ['liver_cirrhosis']],
  ['cerebrovascular', ['cerebrovascular_stroke', 'cerebrovascular_stroke_ranking_3']],
  ['oncology', ['oncology_advanced', 'oncology_on_therapy']],
  ['hemoglobinopathies', ['hemoglobinopathy']],
  ['down_syndrome', ['down_syndrome']],
  [
    'transplant',
    [
      'transplant_solid_organ_waiting_list',
      'transplant_solid_organ',
      'transplant_hematopoietic',
      'transplant_hematopoietic_chronic_gvhd',
    ],
  ],
  ['obesity', ['obesity_severe']],
  ['hiv', ['hiv_aids_or_low_cd4']],
];

/** The conditions Table 1 marks with `*` ("Vaccinare anche i conviventi"). */
const STARRED = [
  'neuro_immunosuppressive_therapy',
  'immune_primary_or_autoimmune_severe',
  'immune_secondary_to_therapy',
  'oncology_on_therapy',
  'transplant_solid_organ_waiting_list',
  'transplant_solid_organ',
  'transplant_hematopoietic',
  'transplant_hematopoietic_chronic_gvhd',
];

describe('plan/fragility-tables.json', () => {
  it('ELIG-6 parses, and loadFragilityTables reads the same from the project root', async () => {
    expect(await loadFragilityTables()).toEqual(tables());
  });

  it('ELIG-6 lists the areas of Table 1 in its order', () => {
    expect(tables().areas.map((a) => a.code)).toEqual(SEED_AREAS.map(([code]) => code));
  });

  it.each(SEED_AREAS)('ELIG-6 area %s is "%s"', (code, italian) => {
    expect(tables().areas.find((a) => a.code === code)?.label.it).toBe(italian);
  });

  it.each(SEED_CONDITIONS)('ELIG-6 area %s has every condition of the seed table', (area, expected) => {
    expect(codes(tables().conditions.filter((c) => c.area === area))).toEqual(expected);
  });

  it('ELIG-6 has 32 conditions in the order of Table 1', () => {
    expect(codes(tables().conditions)).toEqual(SEED_CONDITIONS.flatMap(([, conditions]) => conditions));
  });

  it('ELIG-8 the immune-related flag is exactly on the conditions Table 1 marks with *', () => {
    expect(codes(tables().conditions.filter((c) => c.immuneRelated))).toEqual(STARRED);
  });

  it('ELIG-6 Table 1 applies from 16, the age the national versions give the extremely vulnerable', () => {
    expect(tables().minAge).toBe(16);
    for (const name of readdirSync(path.join(PROJECT_ROOT, 'plan', 'versions'))) {
      const plan = parsePlanFile(
        JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'plan', 'versions', name), 'utf8')) as unknown,
        name,
      );
      const category = plan.categories.find((c) => c.code === 'extremely_vulnerable');
      if (category) expect(category.ageFrom, name).toBe(tables().minAge);
    }
  });

  it('ELIG-7 severe disability is L.104/1992 art. 3 c. 3: physical, sensory, intellectual, psychic', () => {
    expect(tables().severeDisability).toMatchObject({
      code: 'severe_disability',
      law: 'L.104/1992 art. 3 c. 3',
      kinds: ['physical', 'sensory', 'intellectual', 'psychic'],
    });
    expect(tables().severeDisability.sources.length).toBeGreaterThan(0);
  });

  it('ELIG-9 severe obesity has no exemption code: a pharmacist certifies it', () => {
    const obesity = findCondition(tables(), 'obesity_severe');
    expect(obesity?.exemptionCodes).toEqual([]);
    expect(obesity?.note).toMatch(/pharmacist/);
  });

  it.each([['008'], ['013'], ['018'], ['020'], ['021'], ['022'], ['023'], ['024']])(
    'ELIG-6 chronic-disease code %s is mapped and confirmed (ASL Biella list)',
    (code) => {
      const entries = tables().conditions.flatMap((c) => c.exemptionCodes.filter((e) => e.code === code));
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) expect(entry).toMatchObject({ system: 'chronic', confirmed: true });
    },
  );

  it('ELIG-6 every code not confirmed from a public page says so in its note', () => {
    for (const condition of tables().conditions) {
      for (const entry of condition.exemptionCodes.filter((e) => !e.confirmed)) {
        expect(entry.note, `${condition.code} ${entry.code}`).toMatch(/not confirmed/i);
      }
    }
  });

  it('ELIG-6 every condition code of the synthetic population is in the tables, with the same area and * flag', () => {
    for (const condition of prevalence.conditions) {
      const found = findCondition(tables(), condition.code);
      expect(found, condition.code).toBeDefined();
      expect(found?.area, condition.code).toBe(condition.area);
      expect(found?.immuneRelated, condition.code).toBe(condition.cohabitantsEntitled);
    }
  });

  it('ELIG-6 findCondition returns nothing for an unknown code', () => {
    expect(findCondition(tables(), 'asthma')).toBeUndefined();
  });
});

describe('ELIG-6 exemption codes', () => {
  it.each([
    ['048', ['oncology_advanced', 'oncology_on_therapy']],
    [' 048 ', ['oncology_advanced', 'oncology_on_therapy']],
    ['013', ['diabetes_type_1', 'diabetes_type_2_complex']],
    ['rfg101', ['neuro_myasthenia_gravis']],
    ['RF0100', ['neuro_als_motor_neuron']],
    ['052', ['transplant_solid_organ', 'transplant_hematopoietic', 'transplant_hematopoietic_chronic_gvhd']],
    ['050', ['transplant_solid_organ_waiting_list', 'transplant_hematopoietic']],
    ['024', ['resp_idiopathic_pulmonary_fibrosis', 'resp_oxygen_therapy']],
    ['020', ['hiv_aids_or_low_cd4']],
    ['046', ['neuro_multiple_sclerosis']],
  ])('ELIG-6 code "%s" stands for %j', (code, expected) => {
    expect(codes(conditionsForExemptionCode(tables(), code))).toEqual(expected);
  });

  it.each([
    ['013.250', ['diabetes_type_1', 'diabetes_type_2_complex']],
    ['048.174', ['oncology_advanced', 'oncology_on_therapy']],
    [
      '002.437',
      ['cardio_post_cardiogenic_shock', 'cerebrovascular_stroke', 'cerebrovascular_stroke_ranking_3'],
    ],
    [
      '052.V42.0',
      ['transplant_solid_organ', 'transplant_hematopoietic', 'transplant_hematopoietic_chronic_gvhd'],
    ],
  ])('ELIG-6 a chronic code with its ICD-9-CM diagnosis, "%s", stands for its group', (code, expected) => {
    expect(codes(conditionsForExemptionCode(tables(), code))).toEqual(expected);
  });

  it.each([[''], ['   '], ['999'], ['E01'], ['RFG1019'], ['0131A'], ['01']])(
    'ELIG-6 code "%s" stands for no condition',
    (code) => {
      expect(conditionsForExemptionCode(tables(), code)).toEqual([]);
    },
  );

  it.each([
    [' 048.174 ', '048174'],
    ['rfg101', 'RFG101'],
    ['0 2 4', '024'],
  ])('ELIG-6 "%s" normalizes to %s', (code, expected) => {
    expect(normalizeExemptionCode(code)).toBe(expected);
  });
});

describe('parseFragilityTables refusals', () => {
  const refusal = (mutate: (file: Raw) => void): string => {
    const file = raw();
    mutate(file);
    try {
      parseFragilityTables(file, 'plan/fragility-tables.json');
    } catch (error) {
      expect(error).toBeInstanceOf(FragilityTablesError);
      return (error as FragilityTablesError).problems.join('\n');
    }
    throw new Error('the tables were accepted');
  };
  const condition = (file: Raw, code: string): Raw['conditions'][number] => {
    const found = file.conditions.find((c) => c.code === code);
    if (!found) throw new Error(`no condition ${code}`);
    return found;
  };

  it.each<[string, (file: Raw) => void, string]>([
    [
      'a condition code used twice',
      (f) => void f.conditions.push({ ...condition(f, 'liver_cirrhosis') }),
      'conditions "liver_cirrhosis": the code is used twice',
    ],
    [
      'a condition in an undeclared area',
      (f) => void (condition(f, 'liver_cirrhosis').area = 'hepatic'),
      'conditions "liver_cirrhosis": area "hepatic" is not in areas',
    ],
    [
      'an area without conditions',
      (f) =>
        void f.areas.push({
          code: 'dermatology',
          label: { it: 'Malattie della pelle', en: 'Skin diseases' },
        }),
      'areas "dermatology": no condition is in this area',
    ],
    [
      'an exemption code listed twice',
      (f) => {
        const entries = condition(f, 'liver_cirrhosis').exemptionCodes;
        entries.push({ ...entries[0] });
      },
      'conditions "liver_cirrhosis": exemption code 008 is listed twice',
    ],
    [
      'an unconfirmed code without a note',
      (f) =>
        void condition(f, 'transplant_solid_organ_waiting_list').exemptionCodes.splice(0, 1, {
          code: '050',
          system: 'chronic',
          confirmed: false,
        }),
      'conditions "transplant_solid_organ_waiting_list": exemption code 050 is not confirmed and needs a note saying so',
    ],
    [
      'a condition without codes or a note',
      (f) => void delete condition(f, 'obesity_severe').note,
      'conditions "obesity_severe": a condition without exemption codes needs a note saying how it is identified',
    ],
    [
      'an exemption code written with a dot',
      (f) => void ((condition(f, 'liver_cirrhosis').exemptionCodes[0] ?? {}).code = '008.571'),
      'must match pattern',
    ],
    [
      'an unknown exemption system',
      (f) => void ((condition(f, 'liver_cirrhosis').exemptionCodes[0] ?? {}).system = 'regional'),
      'must be equal to one of the allowed values',
    ],
    [
      'another law for severe disability',
      (f) => void (f.severeDisability.law = 'L.68/1999'),
      'severeDisability/law',
    ],
    [
      'a kind of disability outside Table 2',
      (f) => void (f.severeDisability.kinds = ['physical', 'temporary']),
      'severeDisability/kinds/1',
    ],
    [
      'a missing immune-related flag',
      (f) => void delete condition(f, 'liver_cirrhosis').immuneRelated,
      'immuneRelated',
    ],
  ])('ELIG-6 refuses %s', (_name, mutate, expected) => {
    expect(refusal(mutate)).toContain(expected);
  });
});

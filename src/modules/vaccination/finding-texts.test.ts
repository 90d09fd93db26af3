import { describe, expect, it } from 'vitest';
import { format } from '../../platform/i18n.ts';
import { vaccinationProblems } from './errors.ts';
import { FINDING_TEXTS, findingsText, findingText } from './finding-texts.ts';
import {
  NON_CONFORMING_CODES,
  REFUSAL_CODES,
  type NonConformingCode,
  type NonConformingFinding,
  type RefusalCode,
} from './rules.ts';

const PRODUCT_NAMES = new Map([
  ['COMIRNATY-30', 'Comirnaty'],
  ['SPIKEVAX', 'Spikevax'],
  ['COMIRNATY-10-PED', 'Comirnaty 10 mcg pediatrico'],
]);
/** The plan's figures the rules put in VAX-12 and VAX-17 findings (plan/registry-policies.json). */
const PEDIATRIC = { minAge: 5, maxAge: 11, pediatricProduct: 'COMIRNATY-10-PED', volumeMl: 0.2 };
const INFECTION_WINDOW = { withinDays: 14, secondDoseWithinDays: 180 };
const LANGUAGES = ['it', 'en'] as const;
const PLACEHOLDER = /\{\w+\}/;

/** A finding each code of rules.ts gives, and what its words must show: a new code without a row fails typecheck. */
const NON_CONFORMING: Record<
  NonConformingCode,
  { rule: string; params: NonConformingFinding['params']; shown: string[] }
> = {
  PEDIATRIC_NON_CONFORMING: {
    rule: 'VAX-12',
    params: { age: 8, product: 'COMIRNATY-30', ...PEDIATRIC },
    shown: ['8', '5', '11', 'Comirnaty 10 mcg pediatrico', 'Comirnaty'],
  },
  HETEROLOGOUS_DOSE: { rule: 'VAX-13', params: { first: 'SPIKEVAX' }, shown: ['Spikevax'] },
  DOSE_TOO_EARLY: { rule: 'VAX-13', params: { days: 9, minDays: 28 }, shown: ['9', '28'] },
  SECOND_DOSE_AFTER_INFECTION_WINDOW: {
    rule: 'VAX-17',
    params: { days: 200, ...INFECTION_WINDOW },
    shown: ['200', '14', '180'],
  },
};

/** The params each refusal of rules.ts carries; its words are the problem of the same code. */
const REFUSALS: Record<RefusalCode, { rule: string; params: Record<string, string | number> }> = {
  ADDITIONAL_DOSE_BEFORE_PRIMARY_CYCLE: { rule: 'VAX-9', params: {} },
  ADDITIONAL_DOSE_NOT_ADMISSIBLE: { rule: 'VAX-9', params: { category: 'Altro' } },
  BOOSTER_BEFORE_PRIMARY_CYCLE: { rule: 'VAX-10', params: {} },
  BOOSTER_NOT_ADMISSIBLE: { rule: 'VAX-10', params: { category: 'Altro' } },
  NON_EMA_BOOSTER_TOO_EARLY: { rule: 'VAX-11', params: { days: 10 } },
  NON_EMA_NEW_PRIMARY_CYCLE: { rule: 'VAX-11', params: { days: 200 } },
  NON_EMA_BOOSTER_PRODUCT: { rule: 'VAX-11', params: { product: 'SPIKEVAX' } },
};

describe('UX-1 the rules’ findings in plain words', () => {
  it.each(NON_CONFORMING_CODES.map((code) => [NON_CONFORMING[code].rule, code] as const))(
    '%s UX-1 %s is said in Italian and English with its params, product codes by name',
    (rule, code) => {
      const { params, shown } = NON_CONFORMING[code];
      const finding: NonConformingFinding = { rule, code, severity: 'non_conforming', params };
      for (const language of LANGUAGES) {
        const text = findingText(finding, language, PRODUCT_NAMES);
        expect(FINDING_TEXTS[code][language]).not.toContain(code);
        expect(text).not.toMatch(PLACEHOLDER);
        for (const value of shown) expect(text).toContain(value);
        expect(text).not.toMatch(/COMIRNATY-30|COMIRNATY-10-PED|SPIKEVAX/);
      }
      expect(findingText(finding, 'it', PRODUCT_NAMES)).not.toBe(findingText(finding, 'en', PRODUCT_NAMES));
    },
  );

  it.each(REFUSAL_CODES.map((code) => [REFUSALS[code].rule, code] as const))(
    '%s UX-1 the refusal %s is a problem with words in Italian and English for its params',
    (_rule, code) => {
      for (const language of LANGUAGES) {
        const detail = format(vaccinationProblems[code].detail[language], REFUSALS[code].params);
        expect(detail).not.toMatch(PLACEHOLDER);
        expect(detail).not.toContain(code);
      }
    },
  );

  it('VAX-12 VAX-13 UX-1 several findings make one text per language, one sentence each, no codes', () => {
    const findings: NonConformingFinding[] = [
      {
        rule: 'VAX-12',
        code: 'PEDIATRIC_NON_CONFORMING',
        severity: 'non_conforming',
        params: { age: 8, product: 'COMIRNATY-30', ...PEDIATRIC },
      },
      {
        rule: 'VAX-13',
        code: 'DOSE_TOO_EARLY',
        severity: 'non_conforming',
        params: { days: 9, minDays: 21 },
      },
    ];
    const text = findingsText(findings, PRODUCT_NAMES);
    expect(text.it).toBe(
      'La persona aveva 8 anni alla prima dose del ciclo: da 5 a 11 anni la dose è Comirnaty 10 mcg pediatrico, 0,2 ml. Controlli il vaccino (Comirnaty) e il volume. Giorni dalla dose precedente: 9; con questo vaccino ne devono passare almeno 21.',
    );
    expect(text.en).toContain('The person was 8 at the first dose of the cycle');
    expect(text.en).toContain('Days since the previous dose: 9; this vaccine needs at least 21.');
    expect(`${text.it} ${text.en}`).not.toMatch(/NON_CONFORMING|TOO_EARLY/);
  });
});

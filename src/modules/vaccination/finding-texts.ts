import { format, type Language, type Localized } from '../../platform/i18n.ts';
import type { NonConformingCode, NonConformingFinding } from './rules.ts';

/**
 * UX-1: a non-conforming dose (spec 40-vaccination.md) in the words of the operator who must decide
 * whether to record it anyway: what the rule expects and what this dose is. Params are the finding's,
 * the plan's figures among them (ages, days, product: plan/registry-policies.json); product codes are
 * shown by their catalogue names.
 */
export const FINDING_TEXTS: Record<NonConformingCode, Localized> = {
  PEDIATRIC_NON_CONFORMING: {
    it: 'La persona aveva {age} anni alla prima dose del ciclo: da {minAge} a {maxAge} anni la dose è {pediatricProduct}, {volumeMl} ml. Controlli il vaccino ({product}) e il volume.',
    en: 'The person was {age} at the first dose of the cycle: from {minAge} to {maxAge} the dose is {pediatricProduct}, {volumeMl} ml. Check the vaccine ({product}) and the volume.',
  },
  HETEROLOGOUS_DOSE: {
    it: 'La prima dose del ciclo è stata {first}: la seconda si fa con lo stesso vaccino.',
    en: 'The first dose of the cycle was {first}: the second is given with the same vaccine.',
  },
  DOSE_TOO_EARLY: {
    it: 'Giorni dalla dose precedente: {days}; con questo vaccino ne devono passare almeno {minDays}.',
    en: 'Days since the previous dose: {days}; this vaccine needs at least {minDays}.',
  },
  SECOND_DOSE_AFTER_INFECTION_WINDOW: {
    it: 'Con un’infezione nei primi {withinDays} giorni dopo la prima dose, la seconda si fa entro {secondDoseWithinDays} giorni dal test positivo; ne sono passati {days}.',
    en: 'After an infection within {withinDays} days of the first dose, the second dose is due within {secondDoseWithinDays} days of the positive test; {days} have passed.',
  },
};

/** One finding in a language; product codes among its params become the names in `productNames`. */
export function findingText(
  finding: NonConformingFinding,
  language: Language,
  productNames: ReadonlyMap<string, string>,
): string {
  const params = Object.fromEntries(
    Object.entries(finding.params ?? {}).map(([name, value]) => [
      name,
      typeof value === 'number'
        ? value.toLocaleString(language === 'it' ? 'it-IT' : 'en-GB')
        : (productNames.get(String(value)) ?? value),
    ]),
  );
  return format(FINDING_TEXTS[finding.code][language], params);
}

/** Every finding, one sentence after the other, in both languages: a problem's `{findings}` param. */
export const findingsText = (
  findings: readonly NonConformingFinding[],
  productNames: ReadonlyMap<string, string>,
): Localized => {
  const inLanguage = (language: Language) =>
    findings.map((finding) => findingText(finding, language, productNames)).join(' ');
  return { it: inLanguage('it'), en: inLanguage('en') };
};

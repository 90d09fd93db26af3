import { beforeAll, describe, expect, it } from 'vitest';
import { buildTaxCode, taxCodeCheckCharacter } from '../registry/tax-code.ts';
import { ageOn } from '../../platform/calendar.ts';
import { personToCsvLine } from './csv.ts';
import {
  AGE_BANDS,
  generatePopulation,
  luhnCheckDigit,
  POPULATION_REFERENCE_DATE,
  prevalenceAgeGroup,
  TABLE1_CONDITIONS,
  type SyntheticPerson,
} from './generator.ts';
import { loadPopulationReference } from './reference-files.ts';
import type { BelfiorePlace, PopulationReference } from './reference.ts';

const SAMPLE = 100_000;

let reference: PopulationReference;
let people: SyntheticPerson[];
let places: Map<string, BelfiorePlace>;
let municipalities: Map<string, PopulationReference['municipalities'][number]>;

beforeAll(async () => {
  reference = await loadPopulationReference();
  places = new Map(reference.belfiore.map((p) => [p.code, p]));
  municipalities = new Map(reference.municipalities.map((m) => [m.istat, m]));
  people = [...generatePopulation(reference, { people: SAMPLE, seed: 1 })];
});

const csv = (list: Iterable<SyntheticPerson>): string => [...list].map(personToCsvLine).join('');
const ageOf = (p: SyntheticPerson): number => ageOn(p.birthDate, POPULATION_REFERENCE_DATE);
const share = (count: number, total: number): number => count / total;

describe('synthetic population: determinism', () => {
  it('the same count, seed and region give byte-identical output', () => {
    const a = csv(generatePopulation(reference, { people: 5_000, seed: 42 }));
    const b = csv(generatePopulation(reference, { people: 5_000, seed: 42, regionCode: '03' }));
    expect(a).toBe(b);
    expect(csv(people.slice(0, 5_000))).not.toBe(a);
  });

  it('a smaller count is a prefix of a larger one', () => {
    expect(csv(generatePopulation(reference, { people: 1_234, seed: 1 }))).toBe(csv(people.slice(0, 1_234)));
  });

  it('another region gives other people, domiciled there', () => {
    const tuscans = [...generatePopulation(reference, { people: 2_000, seed: 1, regionCode: '09' })];
    expect(tuscans.every((p) => municipalities.get(p.domicileMunicipalityIstat)?.regionCode === '09')).toBe(
      true,
    );
    expect(csv(tuscans)).not.toBe(csv(people.slice(0, 2_000)));
  });

  it.each([
    [{ people: -1, seed: 1 }],
    [{ people: 1.5, seed: 1 }],
    [{ people: 10, seed: 0.5 }],
    [{ people: 10, seed: 1, regionCode: '3' }],
    [{ people: 10, seed: 1, regionCode: '99' }],
  ])('refuses options %o before generating anything', (options) => {
    expect(() => generatePopulation(reference, options)).toThrow(RangeError);
  });
});

describe('synthetic population: identity', () => {
  it('REG-2 every tax code is valid and consistent with surname, name, sex, birth date and place', () => {
    const wrong = people.filter(
      (p) =>
        p.taxCode !== buildTaxCode(p) ||
        !/^[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z]$/.test(p.taxCode) ||
        taxCodeCheckCharacter(p.taxCode.slice(0, 15)) !== p.taxCode[15],
    );
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('REG-2 tax codes and health-card numbers are unique', () => {
    expect(new Set(people.map((p) => p.taxCode)).size).toBe(SAMPLE);
    expect(new Set(people.map((p) => p.healthCardNumber)).size).toBe(SAMPLE);
  });

  it('REG-2 tax codes stay unique when everyone is born in the same few places (collisions resolved)', () => {
    // Everyone domiciled in Milan, most born there: about 80 prefixes come up twice and are re-picked.
    const milan = reference.municipalities.filter((m) => m.istat === '015146');
    const crowded: PopulationReference = { municipalities: milan, belfiore: reference.belfiore };
    const crowd = [...generatePopulation(crowded, { people: 200_000, seed: 7 })];
    expect(new Set(crowd.map((p) => p.taxCode)).size).toBe(crowd.length);
    expect(crowd.every((p) => p.taxCode === buildTaxCode(p))).toBe(true);
  });

  it('REG-3 health-card numbers have 20 digits, start with 80380 and end with a Luhn digit', () => {
    const wrong = people.filter(
      (p) =>
        !/^80380\d{15}$/.test(p.healthCardNumber) ||
        luhnCheckDigit(p.healthCardNumber.slice(0, 19)) !== Number(p.healthCardNumber[19]),
    );
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('REG-2 every birth place is a Belfiore code valid on the birth date, abolished municipalities included', () => {
    const invalid = people.filter((p) => {
      const place = places.get(p.birthPlaceCode);
      if (!place) return true;
      return (
        (place.validFrom !== null && p.birthDate < place.validFrom) ||
        (place.validTo !== null && p.birthDate >= place.validTo)
      );
    });
    expect(invalid.slice(0, 3)).toEqual([]);
    const abolished = people.filter((p) => {
      const place = places.get(p.birthPlaceCode)!;
      return !place.foreign && place.validTo !== null;
    });
    expect(share(abolished.length, SAMPLE)).toBeGreaterThan(0.005);
  });

  it('REG-2 some people are born abroad, with Z-codes of countries', () => {
    const abroad = people.filter((p) => p.birthPlaceCode.startsWith('Z'));
    expect(abroad.every((p) => places.get(p.birthPlaceCode)?.foreign === true)).toBe(true);
    expect(share(abroad.length, SAMPLE)).toBeGreaterThan(0.08);
    expect(share(abroad.length, SAMPLE)).toBeLessThan(0.18);
    expect(new Set(abroad.map((p) => p.birthPlaceCode)).size).toBeGreaterThan(15);
  });
});

describe('synthetic population: places and contacts', () => {
  it('REG-10 the domicile is a municipality of the region and its CAP belongs to it', () => {
    const wrong = people.filter((p) => {
      const m = municipalities.get(p.domicileMunicipalityIstat);
      return m?.regionCode !== '03' || !m.caps.includes(p.domicileCap);
    });
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('REG-10 domiciles follow municipality populations (Milan holds about an eighth of Lombardy)', () => {
    const milan = people.filter((p) => p.domicileMunicipalityIstat === '015146').length;
    expect(share(milan, SAMPLE)).toBeGreaterThan(0.1);
    expect(share(milan, SAMPLE)).toBeLessThan(0.15);
  });

  it('ELIG-11 a few people are resident in another region but domiciled here', () => {
    const elsewhere = people.filter((p) => p.residenceMunicipalityIstat !== p.domicileMunicipalityIstat);
    expect(
      elsewhere.every((p) => municipalities.get(p.residenceMunicipalityIstat)?.regionCode !== '03'),
    ).toBe(true);
    expect(share(elsewhere.length, SAMPLE)).toBeGreaterThan(0.005);
    expect(share(elsewhere.length, SAMPLE)).toBeLessThan(0.03);
  });

  it('REG-10 most people have a phone, fewer an e-mail (the elderly least), some neither', () => {
    const adults = people.filter((p) => ageOf(p) >= 18 && ageOf(p) < 65);
    const old = people.filter((p) => ageOf(p) >= 80);
    const phone = (list: SyntheticPerson[]): number => share(list.filter((p) => p.phone).length, list.length);
    const email = (list: SyntheticPerson[]): number => share(list.filter((p) => p.email).length, list.length);
    expect(phone(people)).toBeGreaterThan(0.8);
    expect(email(people)).toBeLessThan(phone(people));
    expect(email(old)).toBeLessThan(email(adults) / 3);
    expect(phone(old)).toBeLessThan(phone(adults));
    expect(people.some((p) => !p.phone && !p.email && ageOf(p) >= 18)).toBe(true);
    expect(people.filter((p) => p.phone).every((p) => /^\+393\d{9}$/.test(p.phone!))).toBe(true);
    expect(
      people.filter((p) => p.email).every((p) => /^[a-z]+\.?[a-z]+\d*@[a-z]+\.example$/.test(p.email!)),
    ).toBe(true);
  });
});

describe('synthetic population: age pyramid and households', () => {
  it('the age and sex pyramid is within 0.2 points of the target in every 5-year band (100k people)', () => {
    const total = AGE_BANDS.reduce((sum, band) => sum + band.male + band.female, 0);
    for (const band of AGE_BANDS) {
      const inBand = people.filter((p) => ageOf(p) >= band.from && ageOf(p) <= band.to);
      const males = inBand.filter((p) => p.sex === 'M').length;
      expect(Math.abs(share(males, SAMPLE) - band.male / total), `${band.from}-${band.to} M`).toBeLessThan(
        0.002,
      );
      expect(
        Math.abs(share(inBand.length - males, SAMPLE) - band.female / total),
        `${band.from}-${band.to} F`,
      ).toBeLessThan(0.002);
    }
  });

  it('ELIG-8 households group cohabitants: sizes 1-5 close to Lombardy, one domicile each, an adult in each', () => {
    const households = new Map<number, SyntheticPerson[]>();
    for (const p of people) households.set(p.householdId, [...(households.get(p.householdId) ?? []), p]);
    const sizes = [...households.values()].map((members) => members.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(5);
    expect(SAMPLE / households.size).toBeGreaterThan(2.1);
    expect(SAMPLE / households.size).toBeLessThan(2.4);
    expect(share(sizes.filter((s) => s === 1).length, households.size)).toBeGreaterThan(0.3);
    for (const members of households.values()) {
      expect(new Set(members.map((p) => `${p.domicileMunicipalityIstat} ${p.domicileCap}`)).size).toBe(1);
      expect(members.some((p) => ageOf(p) >= 18)).toBe(true);
    }
  });

  it('ELIG-8 children live with a parent at least 18 years older who usually shares their surname', () => {
    const households = new Map<number, SyntheticPerson[]>();
    for (const p of people) households.set(p.householdId, [...(households.get(p.householdId) ?? []), p]);
    let minors = 0;
    let withSurname = 0;
    for (const members of households.values()) {
      for (const child of members.filter((p) => ageOf(p) < 18)) {
        minors++;
        expect(members.some((p) => ageOf(p) - ageOf(child) >= 18)).toBe(true);
        if (members.some((p) => p !== child && p.surname === child.surname && ageOf(p) >= 18)) withSurname++;
      }
    }
    expect(share(withSurname, minors)).toBeGreaterThan(0.8);
  });
});

describe('synthetic population: fragility (ELIG-6, ELIG-7)', () => {
  it('ELIG-6 conditions are Table 1 codes, more frequent with age', () => {
    const known = new Set(TABLE1_CONDITIONS.map((c) => c.code));
    expect(people.every((p) => p.table1Conditions.every((code) => known.has(code)))).toBe(true);
    const rate = (group: number): number => {
      const list = people.filter((p) => prevalenceAgeGroup(ageOf(p)) === group);
      return share(list.filter((p) => p.table1Conditions.length > 0).length, list.length);
    };
    expect(rate(0)).toBeLessThan(0.02);
    expect(rate(1)).toBeLessThan(rate(3));
    expect(rate(4)).toBeGreaterThan(0.15);
    const any = share(people.filter((p) => p.table1Conditions.length > 0).length, SAMPLE);
    expect(any).toBeGreaterThan(0.05);
    expect(any).toBeLessThan(0.12);
  });

  it('ELIG-7 severe disability affects about 3%, most among the very old and with Down syndrome', () => {
    const disabled = share(people.filter((p) => p.severeDisability).length, SAMPLE);
    expect(disabled).toBeGreaterThan(0.015);
    expect(disabled).toBeLessThan(0.05);
    const down = people.filter((p) => p.table1Conditions.includes('down_syndrome'));
    expect(down.length).toBeGreaterThan(10);
    expect(share(down.filter((p) => p.severeDisability).length, down.length)).toBeGreaterThan(0.5);
  });
});

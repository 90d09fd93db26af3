import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './files.ts';
import { ageAllowed, parseProductsFile, ProductsFileError, type ProductEntry, type ProductsFile } from './products.ts';

const raw = (): { products: Record<string, unknown>[] } =>
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'plan', 'products.json'), 'utf8')) as {
    products: Record<string, unknown>[];
  };

const catalogue = (): ProductsFile => parseProductsFile(raw());

const product = (code: string): ProductEntry => {
  const entry = catalogue().products.find((p) => p.code === code);
  if (!entry) throw new Error(`no product ${code}`);
  return entry;
};

const valueSetCodes = (file: string): Set<string> => {
  const text = readFileSync(path.join(PROJECT_ROOT, 'reference', 'eu-dcc', 'valuesets', file), 'utf8');
  return new Set(Object.keys((JSON.parse(text) as { valueSetValues: Record<string, unknown> }).valueSetValues));
};

const refusal = (mutate: (file: { products: Record<string, unknown>[] }) => void): string => {
  const file = raw();
  mutate(file);
  try {
    parseProductsFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ProductsFileError);
    return (error as Error).message;
  }
  throw new Error('the catalogue was accepted');
};

describe('plan/products.json', () => {
  it('validates against its schema', () => {
    expect(catalogue().products.map((p) => p.code)).toEqual([
      'COMIRNATY-30',
      'COMIRNATY-10-PED',
      'SPIKEVAX',
      'VAXZEVRIA',
      'JANSSEN',
      'NUVAXOVID',
      'VAXIGRIP-TETRA',
    ]);
  });

  it('DCC-1 every COVID-19 product carries EU product and manufacturer codes of the EU value sets', () => {
    const products = valueSetCodes('vaccine-medicinal-product.json');
    const holders = valueSetCodes('vaccine-mah-manf.json');
    const prophylaxis = valueSetCodes('vaccine-prophylaxis.json');
    const covid = catalogue().products.filter((p) => p.covid);
    expect(covid).toHaveLength(6);
    for (const entry of covid) {
      expect(products.has(entry.euProductCode ?? ''), entry.code).toBe(true);
      expect(holders.has(entry.manufacturerCode ?? ''), entry.code).toBe(true);
      expect(prophylaxis.has(entry.dccProphylaxisCode ?? ''), entry.code).toBe(true);
      expect(entry.targetDisease.snomed).toBe('840539006');
    }
  });

  it('VAX-1 Comirnaty: EU/1/20/1528, AIC 049269018, 2 doses 21 days apart, 0.3 ml 30 mcg, from age 12', () => {
    const comirnaty = product('COMIRNATY-30');
    expect(comirnaty).toMatchObject({
      euProductCode: 'EU/1/20/1528',
      aic: '049269018',
      manufacturerCode: 'ORG-100030215',
      primaryCycleDoses: 2,
      dosage: { volumeMl: 0.3, antigenMicrograms: 30 },
      ages: { minYears: 12, maxYears: null },
    });
    expect(comirnaty.intervals).toEqual([{ afterDose: 1, minDays: 21, recommendedDays: 21, maxDays: 42 }]);
  });

  it('BOOK-10 second-dose intervals: 21 days Comirnaty, 28 days Spikevax, 4-12 weeks Vaxzevria', () => {
    expect(product('COMIRNATY-30').intervals[0]?.recommendedDays).toBe(21);
    expect(product('SPIKEVAX').intervals[0]?.recommendedDays).toBe(28);
    expect(product('VAXZEVRIA').intervals[0]).toMatchObject({ minDays: 28, maxDays: 84 });
    expect(product('NUVAXOVID').intervals[0]?.recommendedDays).toBe(21);
  });

  it('DCC-2 Janssen is a single-dose primary cycle', () => {
    expect(product('JANSSEN')).toMatchObject({ primaryCycleDoses: 1, intervals: [], euProductCode: 'EU/1/20/1525' });
  });

  it('VAX-11 mRNA booster dosages: Comirnaty 30 mcg / 0.3 ml, Spikevax 50 mcg / 0.25 ml', () => {
    expect(product('COMIRNATY-30').boosterDosage).toMatchObject({ volumeMl: 0.3, antigenMicrograms: 30 });
    expect(product('SPIKEVAX').boosterDosage).toMatchObject({ volumeMl: 0.25, antigenMicrograms: 50 });
  });

  it('VAX-12 Comirnaty 10 mcg pediatric: ages 5-11, 2 doses of 0.2 ml 21 days apart', () => {
    const pediatric = product('COMIRNATY-10-PED');
    expect(pediatric).toMatchObject({
      euProductCode: 'EU/1/20/1528',
      primaryCycleDoses: 2,
      dosage: { volumeMl: 0.2, antigenMicrograms: 10 },
      ages: { minYears: 5, maxYears: 11 },
    });
    expect(pediatric.intervals[0]?.minDays).toBe(21);
    expect(ageAllowed(pediatric, 4)).toBe(false);
    expect(ageAllowed(pediatric, 5)).toBe(true);
    expect(ageAllowed(pediatric, 11)).toBe(true);
    expect(ageAllowed(pediatric, 12)).toBe(false);
  });

  it('Vaxzevria is preferred from 60 (plan of April 2021) and still allowed from 18', () => {
    expect(product('VAXZEVRIA').ages).toMatchObject({ minYears: 18, preferredMinYears: 60 });
  });

  it('holds a non-COVID vaccine, allowed from 6 months of age', () => {
    const flu = product('VAXIGRIP-TETRA');
    expect(flu.covid).toBe(false);
    expect(flu.targetDisease.display).toBe('Influenza');
    expect(ageAllowed(flu, 0, 5)).toBe(false);
    expect(ageAllowed(flu, 0, 6)).toBe(true);
    expect(ageAllowed(flu, 90)).toBe(true);
  });

  it('every entry has an effective date', () => {
    for (const entry of catalogue().products) expect(entry.effectiveFrom).toMatch(/^20\d\d-\d\d-\d\d$/);
  });
});

describe('the product schema refuses a bad entry and names it', () => {
  it('a field out of range', () => {
    const message = refusal((file) => {
      const spikevax = file.products[2] as { intervals: { minDays: number }[] };
      spikevax.intervals[0]!.minDays = 0;
    });
    expect(message).toContain('plan/products.json');
    expect(message).toContain('products[2] "SPIKEVAX" intervals/0/minDays: must be >= 1');
  });

  it('a malformed AIC code', () => {
    expect(refusal((file) => (file.products[0]!.aic = '4926901'))).toMatch(/products\[0\] "COMIRNATY-30" aic: must match/);
  });

  it('an unknown property, with its name', () => {
    const message = refusal((file) => (file.products[4]!.dosis = 1));
    expect(message).toContain('products[4] "JANSSEN"');
    expect(message).toContain('dosis');
  });

  it('a missing effective date', () => {
    const message = refusal((file) => delete file.products[3]!.effectiveFrom);
    expect(message).toContain('products[3] "VAXZEVRIA"');
    expect(message).toContain('effectiveFrom');
  });

  it('intervals that do not match the doses of the cycle', () => {
    const message = refusal((file) => (file.products[4]!.primaryCycleDoses = 2));
    expect(message).toContain('products[4] "JANSSEN": 2 doses in the primary cycle need 1 interval(s), found 0');
  });

  it('a code used twice', () => {
    const message = refusal((file) => (file.products[1]!.code = 'COMIRNATY-30'));
    expect(message).toContain('products[1] "COMIRNATY-30": the code is used by an earlier entry');
  });

  it('a recommended interval shorter than the minimum', () => {
    const message = refusal((file) => {
      (file.products[3] as { intervals: { recommendedDays: number }[] }).intervals[0]!.recommendedDays = 20;
    });
    expect(message).toContain('products[3] "VAXZEVRIA": intervals[0]: recommendedDays < minDays');
  });

  it('a COVID-19 product without the codes its certificate needs', () => {
    const message = refusal((file) => (file.products[5]!.manufacturerCode = null));
    expect(message).toContain('products[5] "NUVAXOVID": a COVID-19 product needs euProductCode and manufacturerCode');
  });
});

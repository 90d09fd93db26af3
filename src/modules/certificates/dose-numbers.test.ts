import { describe, expect, it } from 'vitest';
import { certificateDoses } from './dose-numbers.ts';

describe('DCC-2 dn/sd of a vaccination certificate', () => {
  it.each<[string, Parameters<typeof certificateDoses>[0], string]>([
    ['first of two', { doseNumber: 1, doseKind: 'primary', cycleDoses: 2, productCycleDoses: 2 }, '1/2'],
    ['second of two', { doseNumber: 2, doseKind: 'primary', cycleDoses: 2, productCycleDoses: 2 }, '2/2'],
    ['Janssen', { doseNumber: 1, doseKind: 'primary', cycleDoses: 1, productCycleDoses: 1 }, '1/1'],
    [
      'one dose after a prior infection',
      { doseNumber: 1, doseKind: 'primary', cycleDoses: 1, productCycleDoses: 2 },
      '1/1',
    ],
    ['first booster', { doseNumber: 3, doseKind: 'booster', cycleDoses: 2, productCycleDoses: 2 }, '3/3'],
    ['second booster', { doseNumber: 4, doseKind: 'booster', cycleDoses: 2, productCycleDoses: 2 }, '4/4'],
    [
      'booster after Janssen',
      { doseNumber: 2, doseKind: 'booster', cycleDoses: 1, productCycleDoses: 1 },
      '2/2',
    ],
    [
      'additional dose',
      { doseNumber: 3, doseKind: 'additional', cycleDoses: 2, productCycleDoses: 2 },
      '3/3',
    ],
    [
      'cycle not said by the region',
      { doseNumber: 1, doseKind: 'primary', cycleDoses: null, productCycleDoses: 2 },
      '1/2',
    ],
  ])('DCC-2 %s is %s', (_case, dose, expected) => {
    const { dn, sd } = certificateDoses(dose);
    expect(`${dn}/${sd}`).toBe(expected);
  });
});

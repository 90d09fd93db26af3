import { describe, expect, it } from 'vitest';
import { apiStatus, newPersonRefusals, ord7CategoryOf, storedStatus, type NewPersonFacts } from './rules.ts';
import { PERSON_STATUSES } from './schemas.ts';

const TODAY = '2021-04-12';
const base: NewPersonFacts = {
  status: 'ACTIVE_REGION',
  identifierType: 'CF',
  identifierValue: 'RSSMRA85T10A562S',
  identifierPending: false,
  ord7Category: undefined,
  birthDate: '1985-12-10',
  mobile: undefined,
  email: undefined,
};
const codes = (facts: Partial<NewPersonFacts>) =>
  newPersonRefusals({ ...base, ...facts }, TODAY).map((r) => r.code);

describe('REG-4 statuses', () => {
  it.each(PERSON_STATUSES)('REG-4 status %s is stored and read back unchanged', (status) => {
    expect(apiStatus(storedStatus(status))).toBe(status);
  });
});

describe('REG-6 REG-8 REG-9 who may be inserted with which identifier', () => {
  it.each([
    ['ACTIVE_REGION', 'CF', {}],
    ['ACTIVE_REGION', 'CF_TEMP', { identifierValue: '12345678903' }],
    ['OUT_OF_REGION', 'CF', {}],
    ['AIRE', 'CF', { mobile: '+39 333 1234567' }],
    ['AIRE', 'ORD7', { identifierValue: 'ORD7ABC123', email: 'a@b.example' }],
    ['FOREIGN', 'ORD7', { identifierValue: 'ORD7ABC123', ord7Category: 'diplomatic', mobile: '3331234567' }],
    ['FOREIGN', 'TS_FOREIGN', { identifierValue: 'TSF1234567890' }],
    ['FOREIGN', 'TS_FOREIGN', { identifierValue: undefined, identifierPending: true }],
    ['FOREIGN', 'STP', { identifierValue: 'STP0300301234567' }],
    ['FOREIGN', 'ENI', { identifierValue: 'ENI0300301234567' }],
  ] as const)('REG-6 a %s person with a %s identifier is accepted', (status, identifierType, extra) => {
    expect(codes({ status, identifierType, ...extra })).toEqual([]);
  });

  it.each([
    ['ACTIVE_REGION', 'ORD7'],
    ['ACTIVE_REGION', 'TS_FOREIGN'],
    ['OUT_OF_REGION', 'STP'],
    ['AIRE', 'TS_FOREIGN'],
    ['FOREIGN', 'CF'],
  ] as const)('REG-1 a %s person cannot have a %s identifier', (status, identifierType) => {
    expect(codes({ status, identifierType, mobile: '3331234567', ord7Category: 'diplomatic' })).toContain(
      'PERSON_IDENTIFIER_NOT_ALLOWED',
    );
  });

  it.each(['DECEASED', 'OBSOLETE'] as const)('REG-4 nobody is inserted as %s', (status) => {
    expect(codes({ status })).toEqual(['PERSON_STATUS_NOT_CREATABLE']);
  });

  it('REG-8 an AIRE person needs a mobile phone or an e-mail', () => {
    expect(codes({ status: 'AIRE' })).toEqual(['PERSON_CONTACT_REQUIRED']);
    expect(codes({ status: 'AIRE', email: 'x@y.example' })).toEqual([]);
  });

  it('REG-8 an Ordinance-7 foreigner needs a category and a contact', () => {
    expect(codes({ status: 'FOREIGN', identifierType: 'ORD7', identifierValue: 'ORD7ABC123' })).toEqual([
      'PERSON_ORD7_CATEGORY_REQUIRED',
      'PERSON_CONTACT_REQUIRED',
    ]);
  });

  it('REG-8 an AIRE person under Ordinance 7 is category (a)', () => {
    expect(ord7CategoryOf('AIRE', undefined, 'ORD7')).toBe('aire');
    expect(ord7CategoryOf('FOREIGN', 'eu_institution', 'ORD7')).toBe('eu_institution');
    expect(ord7CategoryOf('AIRE', undefined, 'CF')).toBeNull();
  });

  it('REG-9 only a TS_FOREIGN identifier may be pending; any other needs its value', () => {
    expect(codes({ identifierPending: true, identifierValue: undefined })).toEqual([
      'PERSON_IDENTIFIER_NOT_ALLOWED',
    ]);
    expect(codes({ identifierValue: undefined })).toEqual(['FIELD_REQUIRED']);
  });

  it.each([
    ['2021-04-13', true],
    ['2021-04-12', false],
    ['1900-01-01', false],
    ['1899-12-31', true],
  ])('REG-6 birth date %s refused: %s', (birthDate, refused) => {
    expect(codes({ birthDate }).includes('PERSON_BIRTH_DATE_INVALID')).toBe(refused);
  });
});

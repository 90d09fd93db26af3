import { describe, expect, it } from 'vitest';
import { csvField, parseCsvLine, PERSON_CSV_COLUMNS, personToCsvLine, textArrayLiteral } from './csv.ts';
import type { SyntheticPerson } from './generator.ts';

describe('population CSV for COPY', () => {
  it.each([
    [null, ''],
    ['', '""'],
    ['Rossi', 'Rossi'],
    ["D'Angelo", "D'Angelo"],
    ['De Luca', 'De Luca'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded', '" padded"'],
    [42, '42'],
    [true, 't'],
    [false, 'f'],
  ] as const)('field %j is written %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each([
    [[], '{}'],
    [['down_syndrome'], '{down_syndrome}'],
    [['a', 'b'], '{a,b}'],
    [['with space', 'q"uote', 'NULL'], '{"with space","q\\"uote","NULL"}'],
  ])('text[] literal of %j is %s', (values, expected) => {
    expect(textArrayLiteral(values)).toBe(expected);
  });

  it('a person becomes one line whose fields parse back, NULL for missing contacts', () => {
    const person: SyntheticPerson = {
      taxCode: 'RSSMRA85T10A562S',
      healthCardNumber: '80380000000000000018',
      surname: "Dell'Orto",
      givenName: 'Mary Grace',
      sex: 'F',
      birthDate: '1985-12-10',
      birthPlaceCode: 'A562',
      residenceMunicipalityIstat: '015146',
      domicileMunicipalityIstat: '015146',
      domicileCap: '20121',
      householdId: 7,
      phone: null,
      email: 'mary.dellorto@mail.example',
      status: 'active',
      table1Conditions: ['diabetes_type_1', 'obesity_severe'],
      severeDisability: true,
    };
    const line = personToCsvLine(person);
    expect(line.endsWith('\n')).toBe(true);
    const fields = parseCsvLine(line.slice(0, -1));
    expect(fields).toHaveLength(PERSON_CSV_COLUMNS.length);
    const row = Object.fromEntries(PERSON_CSV_COLUMNS.map((column, i) => [column, fields[i]]));
    expect(row).toMatchObject({
      tax_code: 'RSSMRA85T10A562S',
      surname: "Dell'Orto",
      given_name: 'Mary Grace',
      phone: null,
      table1_conditions: '{diabetes_type_1,obesity_severe}',
      severe_disability: 't',
      household_id: '7',
    });
  });
});

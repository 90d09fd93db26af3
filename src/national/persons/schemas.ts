import { Type, type Static } from 'typebox';
import {
  NATIONAL_IDENTIFIER_TYPES,
  NATIONAL_PERSON_STATUSES,
  type NationalIdentifierType,
} from './tables.ts';

/**
 * The identifier formats the national registry answers to. ORD7, TS_FOREIGN, STP and ENI codes are
 * issued by the real systems in formats not published: these are the simulator's conventions.
 */
export const NATIONAL_IDENTIFIER_FORMATS: Record<NationalIdentifierType, string> = {
  CF: '[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]',
  ORD7: 'ORD7[A-Z0-9]{12}',
  TS_FOREIGN: 'TSF[0-9]{13}',
  STP: 'STP[0-9]{13}',
  ENI: 'ENI[0-9]{13}',
};

const NATIONAL_IDENTIFIER_PATTERN = `^(?:${Object.values(NATIONAL_IDENTIFIER_FORMATS).join('|')})$`;

export const NationalPersonParams = Type.Object({
  identifier: Type.String({
    pattern: NATIONAL_IDENTIFIER_PATTERN,
    description:
      'CF (codice fiscale, 16 characters), ORD7 + 12 of A-Z 0-9 (Ordinance 7/2021), TSF + 13 digits (TS_FOREIGN), STP or ENI + 13 digits; upper case',
  }),
});

export const NationalPersonSchema = Type.Object(
  {
    identifier: Type.Object({
      type: Type.Enum([...NATIONAL_IDENTIFIER_TYPES]),
      value: Type.String(),
    }),
    surname: Type.String(),
    givenName: Type.String(),
    sex: Type.Enum(['M', 'F']),
    birthDate: Type.String({ format: 'date' }),
    birthPlaceCode: Type.Union([
      Type.String({ description: 'Belfiore code of the birth municipality, or Z-code of the birth country' }),
      Type.Null(),
    ]),
    status: Type.Enum([...NATIONAL_PERSON_STATUSES], {
      description: 'REG-4 as seen by the region the simulator serves',
    }),
    regionOfAssistance: Type.Union([
      Type.String({
        description: 'ISTAT code of the region of assistance; null for AIRE and Ordinance 7 people',
      }),
      Type.Null(),
    ]),
    residence: Type.Object({
      municipalityIstat: Type.Union([
        Type.String({ description: 'ISTAT municipality code, when in Italy' }),
        Type.Null(),
      ]),
      countryCode: Type.Union([
        Type.String({ description: 'Z-code of the country, when abroad' }),
        Type.Null(),
      ]),
    }),
    domicile: Type.Union([
      Type.Object({
        municipalityIstat: Type.String({ description: 'ISTAT municipality code' }),
        cap: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ]),
    healthCardNumber: Type.Union([
      Type.String({ description: 'Health card (tessera sanitaria) number, 20 digits' }),
      Type.Null(),
    ]),
    contacts: Type.Object({
      mobile: Type.Union([Type.Null(), Type.String()]),
      email: Type.Union([Type.Null(), Type.String()]),
    }),
  },
  { $id: 'NationalPerson' },
);
export type NationalPerson = Static<typeof NationalPersonSchema>;

import { Type, type Static } from 'typebox';
import { CalendarDate, Nullable } from '../../platform/http/schema-types.ts';
import { NationalPersonParams } from '../persons/schemas.ts';
import { DOSE_KINDS } from './tables.ts';

const RegionCode = Type.String({ pattern: '^(0[1-9]|1[0-9]|20)$', description: 'ISTAT region code' });
const SourceId = Type.String({
  pattern: '^[A-Za-z0-9._-]{1,64}$',
  description: "The sending region's stable id of the administration",
});
const ProductCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' });
const DoseNumber = Type.Integer({ minimum: 1, maximum: 20 });
const CountryCode = Type.String({ pattern: '^Z[0-9]{3}$', description: 'Belfiore code of the country' });

export const AdministrationKeyParams = Type.Object({ regionCode: RegionCode, sourceId: SourceId });

const Version = Type.Integer({
  minimum: 1,
  maximum: 2 ** 31 - 1,
  description: 'Grows with every change of the administration at the sender',
});

export const AdministrationChangeBody = Type.Union([
  Type.Object(
    {
      version: Version,
      deleted: Type.Literal(false),
      personIdentifier: NationalPersonParams.properties.identifier,
      administeredOn: CalendarDate,
      productCode: ProductCode,
      aic: Nullable(Type.String({ pattern: '^[0-9]{9}$' })),
      lot: Type.String({ minLength: 1, maxLength: 40 }),
      doseNumber: DoseNumber,
      doseKind: Type.Enum([...DOSE_KINDS]),
      cycleDoses: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 20,
          description:
            'DCC-2: the doses completing the primary cycle this dose belongs to (the certificate’s sd)',
        }),
      ),
      covid: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      version: Version,
      deleted: Type.Literal(true),
      personIdentifier: NationalPersonParams.properties.identifier,
    },
    { additionalProperties: false },
  ),
]);
export type AdministrationChange = Static<typeof AdministrationChangeBody>;

export const AdministrationReceipt = Type.Object({
  outcome: Type.Enum(['applied', 'duplicate', 'superseded'], {
    description:
      'applied: this version is now the national one; duplicate: this version was already applied (a replay); superseded: a newer version is already applied',
  }),
  version: Type.Integer({ description: 'The version the national registry holds now' }),
});
export type AdministrationReceiptT = Static<typeof AdministrationReceipt>;

export const MobilityQuery = Type.Object({
  region: RegionCode,
  after: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,18}$', description: 'The `next` of the previous page' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
});

export const MobilityAdministration = Type.Object({
  regionCode: RegionCode,
  sourceId: SourceId,
  version: Type.Integer(),
  deleted: Type.Boolean(),
  personIdentifier: Type.String(),
  administeredOn: Nullable(CalendarDate),
  productCode: Nullable(Type.String()),
  aic: Nullable(Type.String()),
  lot: Nullable(Type.String()),
  doseNumber: Nullable(Type.Integer()),
  doseKind: Nullable(Type.Enum([...DOSE_KINDS])),
});
export type MobilityAdministrationT = Static<typeof MobilityAdministration>;

export const MobilityPage = Type.Object({
  items: Type.Array(MobilityAdministration),
  next: Type.String({ description: 'Where the next page starts; the same value when nothing new arrived' }),
});
export type MobilityPageT = Static<typeof MobilityPage>;

export const HealthCardVaccination = Type.Object({
  source: Type.Enum(['registry', 'abroad']),
  regionCode: Nullable(RegionCode),
  countryCode: Nullable(CountryCode),
  administeredOn: CalendarDate,
  productCode: Type.String(),
  aic: Nullable(Type.String()),
  doseNumber: Type.Integer(),
  doseKind: Type.Enum([...DOSE_KINDS]),
});
export type HealthCardVaccinationT = Static<typeof HealthCardVaccination>;

export const HealthCardVaccinations = Type.Object({
  identifier: Type.String(),
  vaccinations: Type.Array(HealthCardVaccination, { description: 'In date order' }),
});
export type HealthCardVaccinationsT = Static<typeof HealthCardVaccinations>;

export const AbroadVaccinationBody = Type.Object(
  {
    countryCode: CountryCode,
    administeredOn: CalendarDate,
    productCode: ProductCode,
    doseNumber: DoseNumber,
    doseKind: Type.Enum([...DOSE_KINDS]),
    enteredBy: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The local health authority operator who entered it',
    }),
  },
  { additionalProperties: false },
);
export type AbroadVaccinationInput = Static<typeof AbroadVaccinationBody>;

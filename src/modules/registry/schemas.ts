import { Type, type Static } from 'typebox';
import { CalendarDate } from '../../platform/http/schema-types.ts';
import { NationalPersonSchema } from '../../national/persons/schemas.ts';
import { IDENTIFIER_TYPES, ORD7_CATEGORIES } from './tables.ts';

/** REG-4 as the API names it; stored in lower case (see rules.ts). */
export const PERSON_STATUSES = [
  'ACTIVE_REGION',
  'OUT_OF_REGION',
  'AIRE',
  'FOREIGN',
  'DECEASED',
  'OBSOLETE',
] as const;
export type ApiPersonStatus = (typeof PERSON_STATUSES)[number];

const IstatCode = Type.String({ pattern: '^[0-9]{6}$', description: 'ISTAT municipality code' });
const Cap = Type.String({ pattern: '^[0-9]{5}$', description: 'CAP (postcode)' });
const Name = Type.String({ minLength: 1, maxLength: 100 });

const Place = Type.Object({
  address: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 200 })])),
  municipalityIstat: IstatCode,
  cap: Type.Optional(Type.Union([Type.Null(), Cap])),
});

const Contacts = {
  mobile: Type.Optional(Type.Union([Type.Null(), Type.String({ pattern: '^\\+?[0-9 ]{6,20}$' })])),
  landline: Type.Optional(Type.Union([Type.Null(), Type.String({ pattern: '^\\+?[0-9 ]{6,20}$' })])),
  email: Type.Optional(Type.Union([Type.Null(), Type.String({ format: 'email', maxLength: 254 })])),
};

export const Identifier = Type.Object({
  type: Type.Enum([...IDENTIFIER_TYPES]),
  value: Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 20 })], {
    description: 'null only for a TS_FOREIGN identifier still pending (REG-9)',
  }),
  pending: Type.Boolean(),
});

export const PersonView = Type.Object(
  {
    id: Type.Integer(),
    identifier: Identifier,
    taxCode: Type.Union([Type.Null(), Type.String()]),
    status: Type.Enum([...PERSON_STATUSES]),
    supersededBy: Type.Union([Type.Null(), Type.Object({ id: Type.Integer(), identifier: Type.String() })], {
      description: 'REG-7: on an obsolete identity, the current one',
    }),
    surname: Type.String(),
    givenName: Type.String(),
    sex: Type.Enum(['M', 'F']),
    birthDate: Type.String(),
    birthPlaceCode: Type.Union([Type.Null(), Type.String()]),
    healthCardNumber: Type.Union([Type.Null(), Type.String()]),
    residence: Type.Union([Type.Null(), Place]),
    domicile: Type.Union([Type.Null(), Place]),
    healthAuthorityCode: Type.Union([Type.Null(), Type.String()]),
    mobile: Type.Union([Type.Null(), Type.String()]),
    landline: Type.Union([Type.Null(), Type.String()]),
    email: Type.Union([Type.Null(), Type.String()]),
    ord7Category: Type.Union([Type.Null(), Type.Enum([...ORD7_CATEGORIES])]),
    provenance: Type.Enum(['region', 'national_import', 'manual']),
    version: Type.Integer({ description: 'Send it back on update: a stale version is refused' }),
  },
  { $id: 'Person' },
);
export type PersonViewT = Static<typeof PersonView>;

export const PersonIdParams = Type.Object({ personId: Type.Integer({ minimum: 1 }) });

export const SearchPersonsQuery = Type.Object(
  {
    identifier: Type.Optional(Type.String({ minLength: 5, maxLength: 20 })),
    surname: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })),
    givenName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    birthDate: Type.Optional(CalendarDate),
    healthAuthority: Type.Optional(Type.String({ minLength: 2, maxLength: 40 })),
    page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);
export type SearchPersonsQueryT = Static<typeof SearchPersonsQuery>;

export const PersonPage = Type.Object({
  items: Type.Array(PersonView),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  hasMore: Type.Boolean(),
});

export const CreatePersonBody = Type.Object(
  {
    identifier: Type.Object(
      {
        type: Type.Enum([...IDENTIFIER_TYPES]),
        value: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
        pending: Type.Optional(
          Type.Boolean({ description: 'TS_FOREIGN requested and not yet issued (REG-9)' }),
        ),
      },
      { additionalProperties: false },
    ),
    taxCode: Type.Optional(
      Type.String({ minLength: 16, maxLength: 16, description: 'An AIRE person’s CF, if any' }),
    ),
    status: Type.Enum([...PERSON_STATUSES]),
    surname: Name,
    givenName: Name,
    sex: Type.Enum(['M', 'F']),
    birthDate: CalendarDate,
    birthPlaceCode: Type.Optional(Type.String({ pattern: '^[A-Z][0-9]{3}$' })),
    healthCardNumber: Type.Optional(Type.String({ minLength: 20, maxLength: 24 })),
    residence: Type.Optional(Place),
    domicile: Type.Optional(Place),
    healthAuthorityCode: Type.Optional(Type.String({ minLength: 2, maxLength: 40 })),
    ord7Category: Type.Optional(Type.Enum([...ORD7_CATEGORIES])),
    ...Contacts,
    confirmedWarnings: Type.Optional(
      Type.Array(Type.String({ maxLength: 60 }), {
        maxItems: 10,
        description: 'Tax-code mismatch warnings the operator checked against the document (REG-2)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreatePersonBodyT = Static<typeof CreatePersonBody>;

export const UpdatePersonBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    surname: Type.Optional(Name),
    givenName: Type.Optional(Name),
    status: Type.Optional(Type.Enum(['ACTIVE_REGION', 'OUT_OF_REGION', 'AIRE', 'FOREIGN', 'DECEASED'])),
    healthCardNumber: Type.Optional(Type.Union([Type.Null(), Type.String({ minLength: 20, maxLength: 24 })])),
    residence: Type.Optional(Type.Union([Type.Null(), Place])),
    domicile: Type.Optional(Type.Union([Type.Null(), Place])),
    healthAuthorityCode: Type.Optional(
      Type.Union([Type.Null(), Type.String({ minLength: 2, maxLength: 40 })]),
    ),
    ...Contacts,
  },
  { additionalProperties: false },
);
export type UpdatePersonBodyT = Static<typeof UpdatePersonBody>;

export const MarkObsoleteBody = Type.Object(
  { currentPersonId: Type.Integer({ minimum: 1, description: 'The person with the current identity' }) },
  { additionalProperties: false },
);

export const RecordsMoveView = Type.Object({
  from: Type.Integer({ description: 'The obsolete identity' }),
  to: Type.Integer({ description: 'The current identity' }),
  moved: Type.Record(Type.String(), Type.Integer(), {
    description:
      'How many records of each kind moved (or were closed or renumbered); all zero when they had already moved',
  }),
});

export const NationalIdentifierParams = Type.Object({
  identifier: Type.String({
    minLength: 5,
    maxLength: 20,
    description: 'CF, ORD7, TS_FOREIGN, STP or ENI code',
  }),
});

export const NationalLookup = Type.Object({
  person: NationalPersonSchema,
  localPersonId: Type.Union([Type.Null(), Type.Integer()], {
    description: 'Set when the person is already here',
  }),
});

export const ImportPersonBody = Type.Object(
  { identifier: Type.String({ minLength: 5, maxLength: 20 }) },
  { additionalProperties: false },
);

const Localized = Type.Object({ it: Type.String(), en: Type.String() });

export const ImportedPerson = Type.Object({
  person: PersonView,
  imported: Type.Boolean({ description: 'false when the person was already in the regional registry' }),
  hint: Type.Union([Type.Null(), Localized], {
    description: 'REG-5: reminds to record a mobile or an e-mail',
  }),
});

import { Type } from 'typebox';
import { CITIZEN_CHANNELS, STAFF_ROLES } from './roles.ts';

export const CitizenSignInBody = Type.Object(
  {
    taxCode: Type.String({
      minLength: 11,
      maxLength: 16,
      description: 'Codice fiscale (16 characters) or temporary 11-digit code',
      examples: ['RSSMRA85T10A562S'],
    }),
    healthCardNumber: Type.String({
      pattern: '^\\s*\\d(\\s*\\d){19}\\s*$',
      description: 'Health-card (tessera sanitaria) number: 20 digits, starting 80380',
    }),
    channel: Type.Optional(Type.Enum([...CITIZEN_CHANNELS], { default: 'web' })),
  },
  { additionalProperties: false },
);

export const StaffSignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const SessionView = Type.Object(
  {
    kind: Type.Enum(['staff', 'citizen']),
    role: Type.Enum([...STAFF_ROLES, 'citizen']),
    channel: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    csrfToken: Type.String({
      description: `Send it back as the x-csrf-token header on writes authenticated by the cookie`,
    }),
    personId: Type.Optional(Type.Integer()),
    staff: Type.Optional(
      Type.Object({
        accountId: Type.Integer(),
        username: Type.String(),
        displayName: Type.String(),
        vaccinationPointIds: Type.Array(Type.Integer()),
        healthAuthorityCodes: Type.Array(Type.String()),
      }),
    ),
  },
  { $id: 'Session' },
);

export const SessionGrantView = Type.Object({
  token: Type.String({
    description: 'Bearer token for API clients; browsers get the same in an HttpOnly cookie',
  }),
  session: SessionView,
});

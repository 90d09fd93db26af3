import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { createNationalClient } from '../../national/client.ts';
import { PersonCertificates } from '../../national/certificates/schemas.ts';
import { RegistryService } from '../registry/service.ts';
import { PassService } from './service.ts';

const CITIZEN: readonly Role[] = ['citizen'];

const PassBody = Type.Object(
  {
    hc1: Type.String({
      minLength: 4,
      maxLength: 8000,
      description: 'The text of the QR code, starting HC1:',
    }),
    at: Type.Optional(
      Type.String({
        format: 'date-time',
        pattern: '^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]',
        description: 'When the pass is checked; default now',
      }),
    ),
  },
  { additionalProperties: false },
);

const PassView = Type.Object({
  status: Type.Enum(['valid', 'not_yet_valid', 'expired', 'invalid']),
  reasons: Type.Array(Type.Object({ code: Type.String(), detail: Type.String() }), {
    description: 'The first decided the status',
  }),
  holder: Type.Union([
    Type.Null(),
    Type.Object({
      surname: Type.Union([Type.Null(), Type.String()]),
      givenName: Type.Union([Type.Null(), Type.String()]),
      birthDate: Type.String(),
    }),
  ]),
  rules: Type.Union([Type.Null(), Type.String({ description: 'The Italian validity rules applied' })]),
});

const MyCertificates = Type.Array(
  Type.Object({
    ...PersonCertificates.items.properties,
    qrSvg: Type.String({ description: 'The QR code, SVG' }),
  }),
);

export const certificateRoutes: ModuleRoutes = (app, { database, clock, config }) => {
  const national = createNationalClient({
    baseUrl: config.NATIONAL_URL,
    token: config.NATIONAL_API_TOKEN,
    timeoutMs: config.NATIONAL_TIMEOUT_MS,
  });
  const passes = new PassService(national, clock);
  const registry = new RegistryService(database.db, clock, national, config.REGION_CODE);

  app.post(
    '/passes/verification',
    {
      schema: {
        operationId: 'verifyPass',
        tags: ['certificates'],
        summary:
          'Check a pass (an HC1: text) as a venue would: valid, not yet valid, expired or invalid, and why (DCC-3)',
        body: PassBody,
        response: { 200: PassView },
      },
      config: { access: 'public' },
    },
    async (request) => {
      const at = request.body.at === undefined ? undefined : new Date(request.body.at);
      const verdict = await passes.verify(request.body.hc1, at);
      return {
        status: verdict.status,
        reasons: verdict.reasons.map(({ code, detail }) => ({ code, detail })),
        holder:
          verdict.holder === null
            ? null
            : {
                surname: verdict.holder.names.fn ?? verdict.holder.names.fnt ?? null,
                givenName: verdict.holder.names.gn ?? verdict.holder.names.gnt ?? null,
                birthDate: verdict.holder.dob,
              },
        rules: verdict.rules,
      };
    },
  );

  app.get(
    '/me/certificates',
    {
      schema: {
        operationId: 'listMyCertificates',
        tags: ['certificates'],
        summary: 'My EU Digital COVID Certificates, with their QR codes (DCC-1)',
        response: { 200: MyCertificates },
      },
      config: { access: CITIZEN },
    },
    async (request) => {
      if (request.actor.kind !== 'citizen') throw new DomainError('ROLE_NOT_ALLOWED');
      const person = await registry.getPerson(request.actor.personId);
      if (person.identifier.value === null) throw new DomainError('CERTIFICATE_PERSON_WITHOUT_IDENTIFIER');
      return passes.certificatesOf(person.identifier.value);
    },
  );
};

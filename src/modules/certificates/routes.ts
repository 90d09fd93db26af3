import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/http/app.ts';
import type { Role } from '../../platform/auth/roles.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { createNationalClient } from '../../national/client.ts';
import { PersonCertificates } from '../../national/certificates/schemas.ts';
import { RegistryService } from '../registry/service.ts';
import { actingContextOf } from '../../platform/http/acting-context.ts';
import { PassService } from './service.ts';
import { CertificateDownloads } from './downloads.ts';
import { CertificateDownloadBody, PDF_FILE } from './schemas.ts';

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
  revocationChecked: Type.Boolean({
    description:
      'DCC-3: whether the national revocation list was consulted; false with the reason REVOCATION_NOT_CHECKED when it could not be read (a revoked pass is invalid, reason REVOKED)',
  }),
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
  const downloads = new CertificateDownloads(database.db, passes, clock);

  app.post(
    '/certificates/download',
    {
      schema: {
        operationId: 'downloadCertificate',
        tags: ['certificates'],
        summary:
          'A certificate as a PDF, with tax code, the last 8 digits of the health card and the code sent to the certificate contacts; no sign-in (DCC-4). Wrong data get one answer and are throttled like the sign-in',
        body: CertificateDownloadBody,
        response: PDF_FILE,
      },
      config: { access: 'public' },
    },
    async (request, reply) => {
      const file = await downloads.download(request.body, request.ip, actingContextOf(request, clock.now()));
      return sendCertificateFile(reply, file);
    },
  );

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
        revocationChecked: verdict.revocationChecked,
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

/** A certificate PDF as a download: never kept by a browser or a proxy (it carries personal data). */
export function sendCertificateFile(
  reply: FastifyReply,
  file: { pdf: Buffer; filename: string },
): FastifyReply {
  return reply
    .code(200)
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .send(file.pdf);
}

import { DomainError } from '../../platform/http/problem.ts';
import type { NationalRoutes } from '../app.ts';
import { NationalPersonParams } from '../persons/schemas.ts';
import { CertificatePlatform } from './service.ts';
import { DccRevocationListSchema, DccTrustListSchema, PersonCertificates } from './schemas.ts';

export const nationalCertificateRoutes: NationalRoutes = (app, { database, clock, certificates }) => {
  const platform = (): CertificatePlatform => {
    if (certificates === undefined) throw new DomainError('NATIONAL_SERVICE_UNAVAILABLE');
    return certificates;
  };

  app.get(
    '/dgc/trust-list',
    {
      schema: {
        operationId: 'getDccTrustList',
        tags: ['dgc'],
        summary: 'The document signers verifiers trust (DCC-3), as kid + certificate',
        response: { 200: DccTrustListSchema },
      },
      config: { guard: 'public' },
    },
    () => platform().trustList,
  );

  app.get(
    '/dgc/persons/:identifier/certificates',
    {
      schema: {
        operationId: 'getPersonCertificates',
        tags: ['dgc'],
        summary: 'The EU Digital COVID Certificates issued to a person (DCC-1)',
        security: [{ bearer: [] }],
        params: NationalPersonParams,
        response: { 200: PersonCertificates },
      },
      config: { guard: 'region' },
    },
    async (request) => {
      platform();
      return (await CertificatePlatform.certificatesOf(database.db, request.params.identifier)).map(
        (row) => ({
          uvci: row.uvci,
          doseNumber: row.dose_number,
          totalDoses: row.total_doses,
          vaccinatedOn: row.vaccinated_on,
          issuedAt: row.issued_at.toISOString(),
          hc1: row.hc1,
          revoked: row.revoked_at !== null,
          revokedAt: row.revoked_at?.toISOString() ?? null,
          replacedBy: row.replaced_by,
        }),
      );
    },
  );

  app.get(
    '/dgc/revocation-list',
    {
      schema: {
        operationId: 'getDccRevocationList',
        tags: ['dgc'],
        summary:
          'The revoked certificates as verifiers read them (DCC-3): UCI hashes (SHA-256 of the UVCI, first 16 bytes, base64)',
        security: [{ bearer: [] }],
        response: { 200: DccRevocationListSchema },
      },
      // A region-facing operation, so that the faults apply to it (a verifier facing a platform that is down).
      config: { guard: 'region' },
    },
    async () => {
      platform();
      return CertificatePlatform.revocationList(database.db, clock.now());
    },
  );
};

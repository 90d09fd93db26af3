import { DomainError } from '../../platform/http/problem.ts';
import type { NationalRoutes } from '../app.ts';
import { NationalPersonParams } from '../persons/schemas.ts';
import { CertificatePlatform } from './service.ts';
import { DccTrustListSchema, PersonCertificates } from './schemas.ts';

export const nationalCertificateRoutes: NationalRoutes = (app, { database, certificates }) => {
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
          vaccinatedOn: row.administered_on,
          issuedAt: row.issued_at.toISOString(),
          hc1: row.hc1,
        }),
      );
    },
  );
};

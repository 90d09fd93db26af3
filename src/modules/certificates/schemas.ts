import { Type } from 'typebox';
import { CitizenSignInBody } from '../../platform/auth/schemas.ts';

const CODE_CHARACTER = '[2-9A-HJ-NP-Za-hj-np-z]';

/** DCC-4: what the citizen types to download a certificate without signing in. */
export const CertificateDownloadBody = Type.Object(
  {
    taxCode: CitizenSignInBody.properties.taxCode,
    healthCardDigits: Type.String({
      pattern: '^\\s*\\d(\\s*\\d){7}\\s*$',
      description: 'The last 8 digits of the health-card (tessera sanitaria) number',
      examples: ['12345678'],
    }),
    authCode: Type.String({
      pattern: `^\\s*${CODE_CHARACTER}{5}[ -]?${CODE_CHARACTER}{5}\\s*$`,
      description:
        'The code (AUTHCODE) sent to the certificate contacts: 10 letters and digits, with or without the dash',
      examples: ['K7M2Q-9XAHD'],
    }),
  },
  { additionalProperties: false },
);

/** The certificate as a PDF file. */
export const PDF_FILE = {
  200: Type.String({
    contentMediaType: 'application/pdf',
    description: 'The certificate, PDF with its QR code',
  }),
};

import { Type, type Static } from 'typebox';

export const DccTrustListSchema = Type.Array(
  Type.Object({
    kid: Type.String({
      description: 'Base64 of the first 8 bytes of the SHA-256 of the signing certificate',
    }),
    certificate: Type.String({ description: 'Base64 of the DER signing certificate' }),
  }),
);
export type DccTrustList = Static<typeof DccTrustListSchema>;

export const PersonCertificates = Type.Array(
  Type.Object({
    uvci: Type.String(),
    doseNumber: Type.Integer(),
    totalDoses: Type.Integer(),
    vaccinatedOn: Type.String({ format: 'date' }),
    issuedAt: Type.String({ format: 'date-time' }),
    hc1: Type.String({ description: 'The text of the QR code' }),
  }),
);
export type PersonCertificatesT = Static<typeof PersonCertificates>;

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
    revoked: Type.Boolean({
      description:
        'DCC-3: revoked (the vaccination was corrected, moved to another person or deleted); the one in force is the newest not revoked',
    }),
    revokedAt: Type.Union([Type.Null(), Type.String({ format: 'date-time' })]),
    replacedBy: Type.Union([Type.Null(), Type.String()], {
      description:
        'The UVCI issued in its place for the same person; null when in force, or revoked without a successor of this person (deleted, moved)',
    }),
  }),
);
export type PersonCertificatesT = Static<typeof PersonCertificates>;

export const DccRevocationListSchema = Type.Object({
  generatedAt: Type.String({ format: 'date-time', description: 'When the platform produced this list' }),
  hashType: Type.Literal('UCI', {
    description: 'EU DCC revocation hash type UCI: SHA-256 of the UVCI as in `ci`, first 16 bytes',
  }),
  hashes: Type.Array(Type.String({ pattern: '^[A-Za-z0-9+/]{22}==$' }), {
    description: 'Base64 hashes of the revoked certificates, sorted',
  }),
});
export type DccRevocationList = Static<typeof DccRevocationListSchema>;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueDcc } from './issue.ts';
import { certificatePdf, readVaccinationCertificate } from './certificate-pdf.ts';
import { pdfQrText, pdfText, samplePayload, temporarySigning } from './testing.ts';
import { currentCertificate, normalizeAuthcode } from './downloads.ts';
import type { SigningMaterial } from './signing-certificates.ts';

describe('DCC-4 the certificate as a PDF', () => {
  let signing: SigningMaterial & { remove: () => Promise<void> };
  beforeAll(async () => {
    signing = await temporarySigning();
  });
  afterAll(() => signing.remove());

  it('DCC-4 the PDF says what the certificate says, in Italian and English, and its QR code is the certificate', async () => {
    const ci = 'URN:UVCI:01:IT:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const { hc1 } = issueDcc(samplePayload({ ci }), signing.signer, {
      issuerCountry: 'IT',
      issuedAt: new Date('2022-03-02T10:00:00Z'),
      expiresAt: new Date('2023-03-02T10:00:00Z'),
    });
    const content = readVaccinationCertificate(hc1);
    expect(content.holder).toEqual({ surname: 'Rossi', givenName: 'Mario', birthDate: '1960-01-01' });
    const pdf = await certificatePdf(hc1, content);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    for (const expected of [
      ci,
      'Rossi Mario',
      '01/01/1960',
      'Comirnaty',
      'Biontech Manufacturing GmbH',
      '2/2',
      '01/03/2022',
      'Ministero della Salute',
      'COVID-19',
      'Data della vaccinazione / Date of vaccination',
    ])
      expect(text).toContain(expected);
    expect(pdfQrText(pdf)).toBe(hc1);
  });

  it('DCC-4 a code is typed in any case, with or without its dash and spaces', () => {
    expect(normalizeAuthcode(' k7m2q-9xahd ')).toBe('K7M2Q9XAHD');
    expect(normalizeAuthcode('K7M2Q 9XAHD')).toBe('K7M2Q9XAHD');
  });

  it('DCC-4 the certificate of a vaccination is its newest one not revoked', () => {
    const base = {
      doseNumber: 1,
      totalDoses: 2,
      vaccinatedOn: '2021-12-01',
      hc1: 'HC1:X',
      revoked: false,
      revokedAt: null,
      replacedBy: null,
    };
    const older = {
      ...base,
      uvci: 'OLD',
      issuedAt: '2021-12-02T10:00:00.000Z',
      revoked: true,
      revokedAt: '2021-12-05T10:00:00.000Z',
      replacedBy: 'NEW',
    };
    const newer = { ...base, uvci: 'NEW', issuedAt: '2021-12-05T10:00:00.000Z' };
    const other = {
      ...base,
      uvci: 'OTHER',
      vaccinatedOn: '2021-12-22',
      issuedAt: '2021-12-23T10:00:00.000Z',
    };
    expect(currentCertificate([older, newer, other], '2021-12-01')?.uvci).toBe('NEW');
    expect(currentCertificate([older, other], '2021-12-01')).toBeUndefined();
  });
});

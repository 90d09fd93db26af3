import { createHash, X509Certificate } from 'node:crypto';
import { copyFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DCC_KEY_USAGE, keyUsageAllows } from './key-usage.ts';
import { ensureSigningCertificates, loadSigningCertificates, SIGNING_FILES } from './signing-certificates.ts';
import { temporarySigning } from './testing.ts';
import { trustIndex, trustList } from './trust-list.ts';

let signing: Awaited<ReturnType<typeof temporarySigning>>;
let other: Awaited<ReturnType<typeof temporarySigning>>;
beforeAll(async () => {
  signing = await temporarySigning({ country: 'IT', organisation: 'Regione Test' });
  other = await temporarySigning({ kinds: ['t'] });
});
afterAll(async () => {
  await signing.remove();
  await other.remove();
});

describe('DCC-1 the test signing hierarchy generated at set-up', () => {
  it('DCC-1 the CSCA is a self-signed EC P-256 CA that may only certify signers', () => {
    const csca = signing.cscaCertificate;
    expect(csca.ca).toBe(true);
    expect(csca.checkIssued(csca)).toBe(true);
    expect(csca.verify(csca.publicKey)).toBe(true);
    expect(csca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(csca.subject).toBe('C=IT\nO=Regione Test\nCN=Regione Test DCC CSCA');
  });

  it('DCC-1 the DSC is an EC P-256 end-entity certificate signed by the CSCA with the three DCC key usages', () => {
    const dsc = signing.dscCertificate;
    expect(dsc.ca).toBe(false);
    expect(dsc.checkIssued(signing.cscaCertificate)).toBe(true);
    expect(dsc.verify(signing.cscaCertificate.publicKey)).toBe(true);
    expect(dsc.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(dsc.keyUsage?.sort()).toEqual([
      '1.3.6.1.4.1.1847.2021.1.1',
      '1.3.6.1.4.1.1847.2021.1.2',
      '1.3.6.1.4.1.1847.2021.1.3',
    ]);
    expect(dsc.keyUsage?.sort()).toEqual(Object.values(DCC_KEY_USAGE).sort());
  });

  it('DCC-1 the signer kid is the first 8 bytes of the SHA-256 of the DSC in DER', () => {
    const digest = createHash('sha256').update(signing.dscCertificate.raw).digest();
    expect(Buffer.from(signing.signer.kid)).toEqual(digest.subarray(0, 8));
  });

  it('DCC-1 keys and certificates are PEM files; the private keys readable by their owner only', async () => {
    for (const name of Object.values(SIGNING_FILES)) {
      const text = await readFile(path.join(signing.dir, name), 'utf8');
      expect(text).toMatch(
        name.includes('key') ? /^-----BEGIN PRIVATE KEY-----/ : /^-----BEGIN CERTIFICATE-----/,
      );
      const mode = (await stat(path.join(signing.dir, name))).mode;
      if (name.includes('key')) expect(mode & 0o077).toBe(0);
      expect(mode & 0o600).toBe(0o600);
    }
  });

  it('DCC-1 set-up keeps the hierarchy a folder already holds', async () => {
    const again = await ensureSigningCertificates({ dir: signing.dir });
    expect(Buffer.from(again.signer.kid)).toEqual(Buffer.from(signing.signer.kid));
  });

  it('DCC-1 a key that does not belong to the DSC beside it is refused at load', async () => {
    const third = await temporarySigning();
    try {
      await copyFile(path.join(other.dir, SIGNING_FILES.dscKey), path.join(third.dir, SIGNING_FILES.dscKey));
      await expect(loadSigningCertificates(third.dir)).rejects.toThrow(
        'is not the key of the certificate beside it',
      );
    } finally {
      await third.remove();
    }
  });

  it('DCC-1 a DSC may be limited to some kinds of certificate', () => {
    expect(other.dscCertificate.keyUsage).toEqual([DCC_KEY_USAGE.t]);
    expect(keyUsageAllows(other.dscCertificate, 't')).toBe(true);
    expect(keyUsageAllows(other.dscCertificate, 'v')).toBe(false);
  });
});

describe('DCC-3 the trust list served to verification apps', () => {
  it('DCC-3 each signer is listed with its kid and its DER certificate, both base64', () => {
    const list = trustList([signing.dscCertificate.toString(), other.dscCertificate.raw]);
    expect(list).toEqual([
      {
        kid: Buffer.from(signing.signer.kid).toString('base64'),
        certificate: signing.dscCertificate.raw.toString('base64'),
      },
      {
        kid: Buffer.from(other.signer.kid).toString('base64'),
        certificate: other.dscCertificate.raw.toString('base64'),
      },
    ]);
    const parsed = new X509Certificate(Buffer.from(list[0]!.certificate, 'base64'));
    expect(parsed.fingerprint256).toBe(signing.dscCertificate.fingerprint256);
  });

  it('DCC-3 a PEM bundle lists every certificate once', () => {
    const bundle = [
      signing.dscCertificate.toString(),
      other.dscCertificate.toString(),
      signing.dscCertificate.toString(),
    ];
    expect(trustList([bundle.join('\n')]).map((entry) => entry.kid)).toEqual(
      [signing.signer.kid, other.signer.kid].map((kid) => Buffer.from(kid).toString('base64')),
    );
  });

  it('DCC-3 an unreadable certificate in a trust list is set aside, not trusted', () => {
    const list = [
      ...trustList([signing.dscCertificate.raw]),
      { kid: 'AAAAAAAAAAA=', certificate: 'bm90IGEgY2VydA==' },
    ];
    const index = trustIndex(list);
    expect([...index.byKid.keys()]).toEqual([Buffer.from(signing.signer.kid).toString('base64')]);
    expect(index.unreadable.map((entry) => entry.kid)).toEqual(['AAAAAAAAAAA=']);
  });
});

// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { kidOf, type CoseSigner } from './cose.ts';
import { DCC_KEY_USAGE } from './key-usage.ts';
import type { HcertGroup } from './hcert.ts';

/**
 * DCC-1: the test signing hierarchy generated at set-up. A country signing CA (CSCA, self-signed) and a
 * document signer (DSC) it certifies, both EC P-256, as the EU trust framework asks; the DSC carries the
 * DCC extended key usages, which tell verifiers which kinds of certificate it may sign. Node's crypto
 * cannot write X.509, hence @peculiar/x509 (ADR 0012). Keys and certificates are PEM files in a folder
 * the caller names; private keys are readable by their owner only.
 */

export const SIGNING_FILES = {
  cscaKey: 'csca.key.pem',
  cscaCertificate: 'csca.crt.pem',
  dscKey: 'dsc.key.pem',
  dscCertificate: 'dsc.crt.pem',
} as const;

export interface SigningCertificatesOptions {
  /** Folder for the four PEM files; created when missing. */
  dir: string;
  /** ISO 3166-1 alpha-2 country of the CSCA and the DSC. */
  country?: string;
  organisation?: string;
  /** Start of both certificates' validity. */
  now?: Date;
  cscaValidityYears?: number;
  dscValidityYears?: number;
  /** The kinds of certificate the DSC may sign (its extended key usages); default all three. */
  kinds?: readonly HcertGroup[];
}

export interface SigningMaterial {
  /** What `issueDcc` signs with: the DSC's private key and its kid. */
  signer: CoseSigner;
  dscCertificate: X509Certificate;
  cscaCertificate: X509Certificate;
  dir: string;
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

const webcrypto = globalThis.crypto;
x509.cryptoProvider.set(webcrypto);

function serialNumber(): string {
  const bytes = randomBytes(16);
  // A positive INTEGER: the top bit clear (RFC 5280 asks for a positive serial of at most 20 bytes).
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function addYears(at: Date, years: number): Date {
  const next = new Date(at);
  next.setUTCFullYear(next.getUTCFullYear() + years);
  return next;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

/** Generates a new CSCA and DSC into `dir`, replacing what is there. */
export async function generateSigningCertificates(
  options: SigningCertificatesOptions,
): Promise<SigningMaterial> {
  const country = options.country ?? 'IT';
  const organisation = (options.organisation ?? 'Vaxhub TEST').replace(/[,=+<>#;"\\]/g, ' ');
  const notBefore = options.now ?? new Date();
  const cscaKeys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const dscKeys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const cscaName = `C=${country}, O=${organisation}, CN=${organisation} DCC CSCA`;
  const csca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: cscaName,
    notBefore,
    notAfter: addYears(notBefore, options.cscaValidityYears ?? 10),
    signingAlgorithm: EC_P256,
    keys: cscaKeys,
    extensions: [
      // pathLength 0: the CSCA certifies document signers only, never another CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(cscaKeys.publicKey),
    ],
  });
  const dsc = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `C=${country}, O=${organisation}, CN=${organisation} DCC DSC`,
    issuer: csca.subject,
    notBefore,
    notAfter: addYears(notBefore, options.dscValidityYears ?? 2),
    signingAlgorithm: EC_P256,
    publicKey: dscKeys.publicKey,
    signingKey: cscaKeys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        (options.kinds ?? (['t', 'v', 'r'] as const)).map((kind) => DCC_KEY_USAGE[kind]),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(cscaKeys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(dscKeys.publicKey),
    ],
  });
  await mkdir(options.dir, { recursive: true });
  const files: [string, string, number][] = [
    [SIGNING_FILES.cscaKey, await privateKeyPem(cscaKeys.privateKey), 0o600],
    [SIGNING_FILES.cscaCertificate, csca.toString('pem'), 0o644],
    [SIGNING_FILES.dscKey, await privateKeyPem(dscKeys.privateKey), 0o600],
    [SIGNING_FILES.dscCertificate, dsc.toString('pem'), 0o644],
  ];
  // Each file lands whole (written aside, then renamed), so a crash never leaves half a key behind.
  for (const [name, content, mode] of files) {
    const target = path.join(options.dir, name);
    await writeFile(`${target}.tmp`, `${content}\n`, { mode });
    // writeFile sets the mode only when it creates the file: a leftover from a crash keeps its own.
    await chmod(`${target}.tmp`, mode);
    await rename(`${target}.tmp`, target);
  }
  return loadSigningCertificates(options.dir);
}

/** The hierarchy in `dir`, generated first when the folder does not hold one yet. */
export async function ensureSigningCertificates(
  options: SigningCertificatesOptions,
): Promise<SigningMaterial> {
  const present = Object.values(SIGNING_FILES).every((name) => existsSync(path.join(options.dir, name)));
  return present ? loadSigningCertificates(options.dir) : generateSigningCertificates(options);
}

export async function loadSigningCertificates(dir: string): Promise<SigningMaterial> {
  const read = (name: string) => readFile(path.join(dir, name), 'utf8');
  const dscCertificate = new X509Certificate(await read(SIGNING_FILES.dscCertificate));
  const cscaCertificate = new X509Certificate(await read(SIGNING_FILES.cscaCertificate));
  const privateKey: KeyObject = createPrivateKey(await read(SIGNING_FILES.dscKey));
  if (!dscCertificate.checkPrivateKey(privateKey)) {
    throw new Error(`${path.join(dir, SIGNING_FILES.dscKey)} is not the key of the certificate beside it`);
  }
  if (!dscCertificate.verify(cscaCertificate.publicKey)) {
    throw new Error(`${path.join(dir, SIGNING_FILES.dscCertificate)} is not signed by the CSCA beside it`);
  }
  return { signer: { privateKey, kid: kidOf(dscCertificate.raw) }, dscCertificate, cscaCertificate, dir };
}

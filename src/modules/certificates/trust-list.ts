import { X509Certificate, type KeyObject } from 'node:crypto';
import { kidOf } from './cose.ts';

/**
 * The trust list verifiers download (DCC-3): one entry per document signer certificate, as the
 * Italian gateway's `signercertificate` download and the EU gateway's trust list give it, the key
 * identifier and the certificate, both base64.
 */
export interface TrustListEntry {
  /** Base64 of the first 8 bytes of the SHA-256 of the certificate's DER. */
  kid: string;
  /** Base64 of the certificate's DER (no PEM armour). */
  certificate: string;
}

/** PEM text (one or more certificates) or DER bytes. */
export type CertificateInput = string | Uint8Array;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

export function certificatesDer(input: CertificateInput): Buffer[] {
  if (typeof input !== 'string') return [Buffer.from(input)];
  const blocks = [...input.matchAll(PEM_BLOCK)].map((match) =>
    Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'),
  );
  if (blocks.length > 0) return blocks;
  // A bare base64 DER, as test vectors and trust lists carry certificates.
  return [Buffer.from(input.replace(/\s+/g, ''), 'base64')];
}

/** DCC-3: the trust list of these signer certificates, in the order given, duplicates once. */
export function trustList(certificates: readonly CertificateInput[]): TrustListEntry[] {
  const seen = new Set<string>();
  const entries: TrustListEntry[] = [];
  for (const der of certificates.flatMap(certificatesDer)) {
    const certificate = der.toString('base64');
    if (seen.has(certificate)) continue;
    seen.add(certificate);
    entries.push({ kid: kidOf(der).toString('base64'), certificate });
  }
  return entries;
}

export interface TrustedSigner {
  kid: string;
  certificate: X509Certificate;
  publicKey: KeyObject;
}

export interface TrustIndex {
  /** Signers by base64 kid: several certificates may share a kid (8 bytes of a hash). */
  byKid: Map<string, TrustedSigner[]>;
  /** Entries whose certificate could not be read, with why: skipped, never trusted. */
  unreadable: { kid: string; problem: string }[];
}

const indexes = new WeakMap<readonly TrustListEntry[], TrustIndex>();

/**
 * The certificates of a trust list parsed once per list object: a server verifying many passes with
 * the same list reads its certificates once. A listed kid that differs from the certificate's own is
 * believed as the list says, as the apps do (the list is the trust anchor).
 */
export function trustIndex(list: readonly TrustListEntry[]): TrustIndex {
  const cached = indexes.get(list);
  if (cached) return cached;
  const index: TrustIndex = { byKid: new Map(), unreadable: [] };
  for (const entry of list) {
    try {
      const certificate = new X509Certificate(Buffer.from(entry.certificate, 'base64'));
      const signers = index.byKid.get(entry.kid) ?? [];
      signers.push({ kid: entry.kid, certificate, publicKey: certificate.publicKey });
      index.byKid.set(entry.kid, signers);
    } catch (error) {
      index.unreadable.push({ kid: entry.kid, problem: (error as Error).message });
    }
  }
  indexes.set(list, index);
  return index;
}

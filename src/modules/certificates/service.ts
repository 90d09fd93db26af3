import { NationalUnavailableError, type NationalClient } from '../../national/client.ts';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { qrSvg } from './qr.ts';
import type { TrustListEntry } from './trust-list.ts';
import { revocationCheck, type RevocationCheck } from './revocation.ts';
import { verifyPass } from './verify.ts';
import './errors.ts';

/** How long the national trust list is kept before it is asked for again. */
const TRUST_LIST_MINUTES = 10;
/** How long the national revocation list is reused before it is asked for again (DCC-3). */
const REVOCATION_LIST_MS = 30_000;

/**
 * The region's side of the certificates: verifying a pass for a venue (DCC-3) against the national trust
 * list, and a person's certificates from the national platform (DCC-1) with their QR codes.
 */
export class PassService {
  private trust: { list: TrustListEntry[]; until: number } | undefined;
  private revoked: { check: RevocationCheck; until: number } | undefined;

  constructor(
    private readonly national: NationalClient,
    private readonly clock: Clock,
    /** How long a fetched revocation list is reused (0: read it for every verification). */
    private readonly revocationListMs = REVOCATION_LIST_MS,
  ) {}

  /** The trust list changes when a signer is added or revoked: read again every few minutes. */
  private async trustList(): Promise<TrustListEntry[]> {
    const now = this.clock.now().getTime();
    if (this.trust !== undefined && this.trust.until > now) return this.trust.list;
    const list = await this.fromNational(() => this.national.dccTrustList());
    this.trust = { list, until: now + TRUST_LIST_MINUTES * 60_000 };
    return list;
  }

  async verify(hc1: string, at: Date | undefined) {
    const trust = await this.trustList();
    return verifyPass(hc1.trim(), at ?? this.clock.now(), trust, { revocation: await this.revocation() });
  }

  /**
   * DCC-3: the platform's revocation list, or why it could not be had; never an error, so that a
   * platform that is down still lets a venue verify (the verdict then says revocation was not checked).
   * The list is kept in memory for REVOCATION_LIST_MS as a read-only copy, to spare the platform one
   * call per scanned pass: a performance choice, not a rule of ours. Nothing is decided on it beyond
   * this verdict, and two processes may hold copies a few seconds apart; the platform's list (in its
   * database) is the only source.
   */
  private async revocation(): Promise<RevocationCheck> {
    const now = this.clock.now().getTime();
    if (this.revoked !== undefined && this.revoked.until > now) return this.revoked.check;
    try {
      const check = revocationCheck(await this.national.revocationList());
      this.revoked = { check, until: now + this.revocationListMs };
      return check;
    } catch (error) {
      if (error instanceof NationalUnavailableError) return { kind: 'unavailable', why: error.reason };
      throw error;
    }
  }

  /** The person's certificates on the national platform (DCC-1), revoked ones included when it says so. */
  async certificates(identifier: string) {
    return this.fromNational(() => this.national.certificates(identifier));
  }

  async certificatesOf(identifier: string) {
    const certificates = await this.certificates(identifier);
    return Promise.all(
      certificates.map(async (certificate) => ({ ...certificate, qrSvg: await qrSvg(certificate.hc1) })),
    );
  }

  private async fromNational<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof NationalUnavailableError) {
        throw new DomainError('CERTIFICATE_PLATFORM_UNREACHABLE', { headers: { 'retry-after': '30' } });
      }
      throw error;
    }
  }
}

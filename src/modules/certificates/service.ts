import { NationalUnavailableError, type NationalClient } from '../../national/client.ts';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { qrSvg } from './qr.ts';
import type { TrustListEntry } from './trust-list.ts';
import { verifyPass } from './verify.ts';
import './errors.ts';

/** How long the national trust list is kept before it is asked for again. */
const TRUST_LIST_MINUTES = 10;

/**
 * The region's side of the certificates: verifying a pass for a venue (DCC-3) against the national trust
 * list, and a person's certificates from the national platform (DCC-1) with their QR codes.
 */
export class PassService {
  private trust: { list: TrustListEntry[]; until: number } | undefined;

  constructor(
    private readonly national: NationalClient,
    private readonly clock: Clock,
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
    return verifyPass(hc1.trim(), at ?? this.clock.now(), await this.trustList());
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

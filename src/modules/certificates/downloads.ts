import { createHash, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/http/problem.ts';
import { recordAudit, type ActingContext } from '../../platform/audit/audit.ts';
import { normalizeTaxCode } from '../../platform/auth/service.ts';
import {
  ADDRESS_POLICY,
  IDENTIFIER_POLICY,
  clearFailures,
  lockedUntil,
  recordFailure,
  throttleKey,
} from '../../platform/auth/throttle.ts';
import type { PersonCertificatesT } from '../../national/client.ts';
import { certificatePdf, readVaccinationCertificate } from './certificate-pdf.ts';
import type { PassService } from './service.ts';
import type { CertificateTables } from './tables.ts';
import './errors.ts';

/*
 * DCC-4: downloading a certificate as a PDF. Anyone with the person's tax code, the last 8 digits of their
 * health card and the code (AUTHCODE) sent to their certificate contacts gets it, without signing in: the
 * code is the proof. Any mismatch gets one answer, counts towards the lockout of that tax code and of the
 * client address (the sign-in's throttle and policies, SEC-3), and is audited; so is every download. A
 * signed-in citizen downloads their own certificates without a code.
 */

/** How many of the health card's digits the form asks for: the last 8, as the Italian service did. */
export const CARD_DIGITS = 8;

export type CertificateSummary = PersonCertificatesT[number];

export interface DownloadInput {
  taxCode: string;
  /** The last 8 digits of the health-card number. */
  healthCardDigits: string;
  authCode: string;
}

export interface CertificateFile {
  pdf: Buffer;
  filename: string;
  uvci: string;
}

/** The code as typed: case, spaces and dashes do not matter ("abcde-fghjk" is ABCDEFGHJK). */
export const normalizeAuthcode = (value: string): string => value.replace(/[\s-]+/g, '').toUpperCase();

const codeHash = (salt: Uint8Array, code: string): Buffer =>
  createHash('sha256').update(salt).update(code, 'utf8').digest();

/** Compared in constant time, so timing does not tell how much of a guess was right. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The certificate in force of the vaccination given on `vaccinatedOn`: the newest not revoked (DCC-3). */
export function currentCertificate(
  certificates: readonly CertificateSummary[],
  vaccinatedOn: string,
): CertificateSummary | undefined {
  return certificates
    .filter((certificate) => certificate.vaccinatedOn === vaccinatedOn && !certificate.revoked)
    .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))[0];
}

export class CertificateDownloads {
  private readonly db: Kysely<DB & CertificateTables>;

  constructor(
    db: Kysely<DB>,
    private readonly passes: PassService,
    private readonly clock: Clock,
  ) {
    this.db = db.withTables<CertificateTables>();
  }

  /** DCC-4: tax code + last 8 digits of the health card + code → the certificate's PDF. */
  async download(
    input: DownloadInput,
    clientAddress: string,
    context: ActingContext,
  ): Promise<CertificateFile> {
    const now = this.clock.now();
    const taxCode = normalizeTaxCode(input.taxCode);
    const identifierKey = throttleKey('certificate', taxCode);
    const addressKey = throttleKey('address', clientAddress);
    const until = await lockedUntil(this.db, [identifierKey, addressKey], now);
    if (until !== undefined) {
      const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
      throw new DomainError('CERTIFICATE_DOWNLOAD_LOCKED', {
        params: { minutes: Math.ceil(seconds / 60) },
        headers: { 'retry-after': String(seconds) },
      });
    }

    const person = await this.db
      .selectFrom('persons')
      .select(['id', 'health_card_number'])
      .where('tax_code', '=', taxCode)
      .where('status', '=', 'active')
      .executeTakeFirst();
    const codes =
      person === undefined
        ? []
        : await this.db
            .selectFrom('certificate_authcodes')
            .select([
              'id',
              'administration_id',
              'vaccinated_on',
              'code_salt',
              'code_hash',
              sql<boolean>`superseded_at IS NOT NULL OR expires_at <= clock_timestamp()`.as('lapsed'),
            ])
            .where('person_id', '=', person.id)
            .orderBy('id', 'desc')
            .execute();
    const code = normalizeAuthcode(input.authCode);
    const card = person?.health_card_number?.slice(-CARD_DIGITS) ?? '';
    const cardMatches = sameBytes(Buffer.from(card), Buffer.from(input.healthCardDigits.replace(/\s+/g, '')));
    // Every code of the person is hashed, and one decoy when there is none: a miss costs what a hit costs.
    let match: (typeof codes)[number] | undefined;
    for (const candidate of codes.length > 0 ? codes : [undefined]) {
      const salt = candidate?.code_salt ?? Buffer.alloc(16);
      const same = sameBytes(codeHash(salt, code), candidate?.code_hash ?? Buffer.alloc(32));
      if (same && candidate !== undefined) match ??= candidate;
    }
    const audited = { entityType: 'certificate_download', entityId: identifierKey.slice(-16) };
    if (person === undefined || !cardMatches || match === undefined) {
      await recordFailure(this.db, identifierKey, IDENTIFIER_POLICY, now);
      await recordFailure(this.db, addressKey, ADDRESS_POLICY, now);
      await recordAudit(this.db, context, { ...audited, action: 'refuse' });
      throw new DomainError('CERTIFICATE_DOWNLOAD_REFUSED');
    }
    await clearFailures(this.db, identifierKey);
    const used = match;
    if (used.lapsed) {
      await recordAudit(this.db, context, {
        ...audited,
        action: 'refuse_lapsed_code',
        after: { authcodeId: used.id },
      });
      throw new DomainError('CERTIFICATE_AUTHCODE_EXPIRED');
    }

    const certificates = await this.passes.certificates(taxCode);
    const certificate = currentCertificate(certificates, used.vaccinated_on);
    if (certificate === undefined) throw new DomainError('CERTIFICATE_NOT_YET_AVAILABLE');
    const file = await this.fileOf(certificate);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('certificate_authcodes')
        .set({ last_used_at: sql<Date>`clock_timestamp()` })
        .where('id', '=', used.id)
        .execute();
      await recordAudit(trx, context, {
        ...audited,
        action: 'download',
        after: { authcodeId: used.id, administrationId: used.administration_id, uvci: certificate.uvci },
      });
    });
    return file;
  }

  /** A signed-in citizen's own certificate, by its UVCI (DCC-1): no code needed. */
  async downloadOwn(identifier: string, uvci: string, context: ActingContext): Promise<CertificateFile> {
    const certificate = (await this.passes.certificates(identifier)).find((one) => one.uvci === uvci);
    if (certificate === undefined) throw new DomainError('CERTIFICATE_NOT_FOUND', { pointer: '/query/uvci' });
    const file = await this.fileOf(certificate);
    await recordAudit(this.db, context, {
      entityType: 'certificate_download',
      entityId: context.actorId ?? 'citizen',
      action: 'download',
      after: { uvci },
    });
    return file;
  }

  /** The codes sent to a person, newest first: only the person is shown their last characters. */
  async codesOf(personId: number) {
    return this.db
      .selectFrom('certificate_authcodes')
      .select([
        'vaccinated_on as vaccinatedOn',
        'code_end as codeEnd',
        'created_at as sentAt',
        'expires_at as expiresAt',
        sql<boolean>`superseded_at IS NULL AND expires_at > clock_timestamp()`.as('usable'),
      ])
      .where('person_id', '=', personId)
      .orderBy('id', 'desc')
      .execute();
  }

  private async fileOf(certificate: CertificateSummary): Promise<CertificateFile> {
    const pdf = await certificatePdf(certificate.hc1, readVaccinationCertificate(certificate.hc1));
    return {
      pdf,
      filename: `certificato-covid-${certificate.vaccinatedOn}-${certificate.doseNumber}-${certificate.totalDoses}.pdf`,
      uvci: certificate.uvci,
    };
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { PROJECT_ROOT } from '../../modules/reference/files.ts';
import { parseProductsFile, type ProductEntry } from '../../modules/reference/products.ts';
import { certificateDoses } from '../../modules/certificates/dose-numbers.ts';
import { checkHcert, icaoTransliteration, vaccinationHcert } from '../../modules/certificates/hcert.ts';
import { issueDcc } from '../../modules/certificates/issue.ts';
import type { SigningMaterial } from '../../modules/certificates/signing-certificates.ts';
import {
  REVOCATION_HASH_TYPE,
  uvciHash,
  type RevocationList,
} from '../../modules/certificates/revocation.ts';
import { trustList, type TrustListEntry } from '../../modules/certificates/trust-list.ts';
import type { NationalDB } from '../db.ts';
import type { HealthCardVaccinationsTable } from '../vaccinations/tables.ts';

/** The issuer named in Italian certificates. */
const ISSUER = 'Ministero della Salute';
/** CWT expiry: the signature's technical life, not the pass's validity (that is DCC-3's rules). */
const SIGNATURE_DAYS = 365;
const UVCI_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * PN-DGC, the certificate platform (DCC-1, DCC-2): an EU DCC for every COVID vaccination the
 * health-card system holds, issued in the same transaction that records or changes it. A vaccination
 * of a product without EU codes (given abroad, not authorised by EMA) or of a person the national
 * registry does not know gets none. DCC-3: a change of what a certificate says revokes it and issues
 * another (new UVCI); a deletion revokes it; verifiers read the revoked ones as UCI hashes
 * (docs/adr/0015-national-flows-outbox.md, addendum).
 */
export class CertificatePlatform {
  private readonly products: ReadonlyMap<string, ProductEntry>;
  readonly trustList: TrustListEntry[];

  constructor(private readonly signing: SigningMaterial) {
    const file = path.join(PROJECT_ROOT, 'plan', 'products.json');
    this.products = new Map(
      parseProductsFile(JSON.parse(readFileSync(file, 'utf8')), file).products.map((entry) => [
        entry.code,
        entry,
      ]),
    );
    this.trustList = trustList([signing.dscCertificate.raw]);
    // The DCC schema is compiled on first use (about a second on a busy machine): done here, at start-up,
    // so that the first administration received does not spend it inside its transaction and its
    // sender's timeout.
    checkHcert({});
  }

  /**
   * Issues the certificate of one vaccination, or issues it again after a change (DCC-1, DCC-3): when
   * what the certificate says differs from the current one (holder, product, date, dn/sd), the current
   * one is revoked and a new one (new UVCI) issued, in the caller's transaction; when it says the same,
   * nothing happens (a new version that changed the lot only, a replay). A vaccination that can no longer
   * be certified (product without EU codes, person unknown) has its current certificate revoked.
   */
  async issue(
    trx: Transaction<NationalDB>,
    vaccination: Selectable<HealthCardVaccinationsTable>,
    now: Date,
  ): Promise<'issued' | 'unchanged' | 'none'> {
    const current = await trx
      .selectFrom('certificates')
      .select(['id', 'person_identifier', 'content_digest'])
      .where('health_card_vaccination_id', '=', vaccination.id)
      .where('revoked_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    const product = this.products.get(vaccination.product_code);
    const person = await trx
      .selectFrom('persons')
      .select(['surname', 'given_name', 'birth_date'])
      .where('identifier', '=', vaccination.person_identifier)
      .executeTakeFirst();
    if (
      product === undefined ||
      !product.covid ||
      product.euProductCode === null ||
      product.manufacturerCode === null ||
      product.dccProphylaxisCode === null ||
      person === undefined
    ) {
      if (current !== undefined) await revokeCertificate(trx, current.id, now, null);
      return 'none';
    }
    const { dn, sd } = certificateDoses({
      doseNumber: vaccination.dose_number,
      doseKind: vaccination.dose_kind,
      cycleDoses: vaccination.cycle_doses,
      productCycleDoses: product.primaryCycleDoses,
    });
    const holder = {
      names: {
        fn: person.surname,
        fnt: icaoTransliteration(person.surname),
        gn: person.given_name,
        gnt: icaoTransliteration(person.given_name),
      },
      dob: person.birth_date,
    };
    const says = {
      vp: product.dccProphylaxisCode,
      mp: product.euProductCode,
      ma: product.manufacturerCode,
      dn,
      sd,
      dt: vaccination.administered_on,
      co: 'IT',
      is: ISSUER,
    };
    const digest = createHash('sha256')
      .update(JSON.stringify([vaccination.person_identifier, holder, says]))
      .digest('hex');
    if (current?.content_digest === digest) return 'unchanged';

    const uvci = `URN:UVCI:01:IT:${[...randomBytes(26)].map((byte) => UVCI_ALPHABET[byte % 36]).join('')}`;
    const hcert = vaccinationHcert({ holder, vaccination: { ...says, ci: uvci } });
    const { hc1 } = issueDcc(hcert, this.signing.signer, {
      issuerCountry: 'IT',
      issuedAt: now,
      expiresAt: new Date(now.getTime() + SIGNATURE_DAYS * 86_400_000),
    });
    if (current !== undefined) {
      // The same holder is told which certificate replaces theirs; after a move to another person the
      // new certificate is someone else's, and the old holder's simply stops being in force.
      const sameHolder = current.person_identifier === vaccination.person_identifier;
      await revokeCertificate(trx, current.id, now, sameHolder ? uvci : null);
    }
    await trx
      .insertInto('certificates')
      .values({
        health_card_vaccination_id: vaccination.id,
        uvci,
        person_identifier: vaccination.person_identifier,
        dose_number: dn,
        total_doses: sd,
        hc1,
        issued_at: now,
        vaccinated_on: vaccination.administered_on,
        content_digest: digest,
      })
      .execute();
    return 'issued';
  }

  /** The revocation list verifiers read (DCC-3): the UCI hashes of every revoked certificate. */
  static async revocationList(db: Kysely<NationalDB>, now: Date): Promise<RevocationList> {
    const rows = await db
      .selectFrom('certificates')
      .select('uvci')
      .where('revoked_at', 'is not', null)
      .execute();
    return {
      generatedAt: now.toISOString(),
      hashType: REVOCATION_HASH_TYPE,
      hashes: rows.map((row) => uvciHash(row.uvci)).sort(),
    };
  }

  /** The person's certificates, revoked ones included, oldest vaccination first, then oldest issued. */
  static certificatesOf(db: Kysely<NationalDB>, identifier: string) {
    return db
      .selectFrom('certificates')
      .select([
        'uvci',
        'dose_number',
        'total_doses',
        'hc1',
        'issued_at',
        'vaccinated_on',
        'revoked_at',
        'replaced_by',
      ])
      .where('person_identifier', '=', identifier)
      .orderBy('vaccinated_on')
      .orderBy('issued_at')
      .orderBy('id')
      .execute();
  }
}

/**
 * Revokes the current certificates of vaccinations about to be deleted (NAT-1 deletion, a record no
 * longer COVID): no certificate is issued in their place. Needs no signing keys, so it runs whether or
 * not the simulator issues certificates.
 */
export async function revokeCertificatesOf(
  trx: Transaction<NationalDB>,
  vaccinationIds: readonly number[],
  now: Date,
): Promise<number> {
  if (vaccinationIds.length === 0) return 0;
  const revoked = await trx
    .updateTable('certificates')
    .set({ revoked_at: now, replaced_by: null })
    .where('health_card_vaccination_id', 'in', [...vaccinationIds])
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(revoked.numUpdatedRows);
}

/** Revokes one certificate still in force; `replacedBy` names its successor for the same holder. */
async function revokeCertificate(
  trx: Transaction<NationalDB>,
  id: number,
  now: Date,
  replacedBy: string | null,
): Promise<void> {
  const revoked = await trx
    .updateTable('certificates')
    .set({ revoked_at: now, replaced_by: replacedBy })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(revoked.numUpdatedRows) !== 1) throw new Error(`certificate ${id} was not in force`);
}

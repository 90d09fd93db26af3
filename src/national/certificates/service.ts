import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { PROJECT_ROOT } from '../../modules/reference/files.ts';
import { parseProductsFile, type ProductEntry } from '../../modules/reference/products.ts';
import { certificateDoses } from '../../modules/certificates/dose-numbers.ts';
import { icaoTransliteration, vaccinationHcert } from '../../modules/certificates/hcert.ts';
import { issueDcc } from '../../modules/certificates/issue.ts';
import type { SigningMaterial } from '../../modules/certificates/signing-certificates.ts';
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
 * registry does not know gets none.
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
  }

  /** Issues (or issues again, after a change) the certificate of one vaccination; whether it did. */
  async issue(
    trx: Transaction<NationalDB>,
    vaccination: Selectable<HealthCardVaccinationsTable>,
    now: Date,
  ): Promise<boolean> {
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
      await trx.deleteFrom('certificates').where('health_card_vaccination_id', '=', vaccination.id).execute();
      return false;
    }
    const { dn, sd } = certificateDoses({
      doseNumber: vaccination.dose_number,
      doseKind: vaccination.dose_kind,
      cycleDoses: vaccination.cycle_doses,
      productCycleDoses: product.primaryCycleDoses,
    });
    const uvci = `URN:UVCI:01:IT:${[...randomBytes(26)].map((byte) => UVCI_ALPHABET[byte % 36]).join('')}`;
    const hcert = vaccinationHcert({
      holder: {
        names: {
          fn: person.surname,
          fnt: icaoTransliteration(person.surname),
          gn: person.given_name,
          gnt: icaoTransliteration(person.given_name),
        },
        dob: person.birth_date,
      },
      vaccination: {
        vp: product.dccProphylaxisCode,
        mp: product.euProductCode,
        ma: product.manufacturerCode,
        dn,
        sd,
        dt: vaccination.administered_on,
        co: 'IT',
        is: ISSUER,
        ci: uvci,
      },
    });
    const { hc1 } = issueDcc(hcert, this.signing.signer, {
      issuerCountry: 'IT',
      issuedAt: now,
      expiresAt: new Date(now.getTime() + SIGNATURE_DAYS * 86_400_000),
    });
    const values = {
      uvci,
      person_identifier: vaccination.person_identifier,
      dose_number: dn,
      total_doses: sd,
      hc1,
      issued_at: now,
    };
    await trx
      .insertInto('certificates')
      .values({ health_card_vaccination_id: vaccination.id, ...values })
      .onConflict((conflict) => conflict.column('health_card_vaccination_id').doUpdateSet(values))
      .execute();
    return true;
  }

  /** The person's certificates, oldest vaccination first. */
  static certificatesOf(db: Kysely<NationalDB>, identifier: string) {
    return db
      .selectFrom('certificates as c')
      .innerJoin('health_card_vaccinations as v', 'v.id', 'c.health_card_vaccination_id')
      .select(['c.uvci', 'c.dose_number', 'c.total_doses', 'c.hc1', 'c.issued_at', 'v.administered_on'])
      .where('c.person_identifier', '=', identifier)
      .orderBy('v.administered_on')
      .execute();
  }
}

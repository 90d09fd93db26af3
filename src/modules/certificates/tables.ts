import type { Generated } from 'kysely';

/** migrations/0020_authcodes.sql: the download codes of DCC-4, as hashes (the code is never stored). */
export interface CertificateAuthcodesTable {
  id: Generated<number>;
  administration_id: number;
  /** The administration's version whose national acknowledgement drew the code. */
  version: number;
  person_id: number;
  /** The vaccination's date: it names the certificate among the person's. */
  vaccinated_on: string;
  /** What the certificate says, as the region knows it: a change of anything else keeps the code. */
  content: string;
  code_salt: Uint8Array;
  /** SHA-256 of the salt followed by the code's characters. */
  code_hash: Uint8Array;
  /** The code's last three characters, shown to the person only. */
  code_end: string;
  /** Whether it replaced an earlier code of the same administration (a certificate issued again). */
  reissue: boolean;
  created_at: Generated<Date>;
  expires_at: Date;
  superseded_at: Date | null;
  last_used_at: Date | null;
}

/** The certificates module's tables, added where used (`withTables`), like the messaging module's. */
// A type, not an interface: Kysely's withTables wants a record type.
export type CertificateTables = {
  certificate_authcodes: CertificateAuthcodesTable;
};

-- DCC-1, DCC-3: reissue and revocation. A certificate is no longer replaced in place: when a vaccination
-- changes what its certificate says (holder, product, date, dn/sd), or is deleted, moved to another
-- person or stops being certifiable, the current certificate is revoked (revoked_at) and, unless the
-- vaccination is gone, a new one (new UVCI) is issued in the same transaction. Revoked certificates are
-- kept: verifiers read their UVCI hashes from the revocation list, and the holder's list shows them as
-- revoked. One current certificate per vaccination at most: the partial unique index below.
--
-- content_digest: SHA-256 of what the certificate says apart from its UVCI (person identifier, names,
-- date of birth, vp, mp, ma, dn, sd, dt, co, is), so that a new version of a vaccination that says the
-- same issues nothing; null for certificates issued before this migration (a change reissues them).
-- replaced_by: the UVCI of the certificate issued in its place for the same person; null after a
-- deletion, or a move to another person (the new certificate is not this holder's).
-- vaccinated_on: kept on the certificate, since a deleted vaccination's row is gone.
ALTER TABLE certificates DROP CONSTRAINT certificates_pkey;
ALTER TABLE certificates DROP CONSTRAINT certificates_health_card_vaccination_id_fkey;
ALTER TABLE certificates ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE certificates ALTER COLUMN health_card_vaccination_id DROP NOT NULL;
ALTER TABLE certificates ADD CONSTRAINT certificates_vaccination
  FOREIGN KEY (health_card_vaccination_id) REFERENCES health_card_vaccinations (id) ON DELETE SET NULL;
ALTER TABLE certificates ADD COLUMN vaccinated_on date;
UPDATE certificates c SET vaccinated_on = v.administered_on
  FROM health_card_vaccinations v WHERE v.id = c.health_card_vaccination_id;
ALTER TABLE certificates ALTER COLUMN vaccinated_on SET NOT NULL;
ALTER TABLE certificates ADD COLUMN content_digest text CHECK (content_digest ~ '^[0-9a-f]{64}$');
ALTER TABLE certificates ADD COLUMN revoked_at timestamptz;
-- Deferred: the old certificate names its successor before the successor's row is inserted (the
-- unique index allows one current certificate at a time).
ALTER TABLE certificates ADD COLUMN replaced_by text
  REFERENCES certificates (uvci) DEFERRABLE INITIALLY DEFERRED;
-- A certificate still in force belongs to a vaccination. The platform revokes before it deletes (with its
-- clock); a vaccination deleted by any other path (an operator's SQL, a test simulating a lost record)
-- has its certificate revoked by the trigger below when ON DELETE SET NULL unlinks it, so the check holds
-- and the revocation list is right whatever deleted the row.
ALTER TABLE certificates ADD CONSTRAINT certificates_current_has_vaccination
  CHECK (revoked_at IS NOT NULL OR health_card_vaccination_id IS NOT NULL);

CREATE FUNCTION certificates_revoke_unlinked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.health_card_vaccination_id IS NULL AND NEW.revoked_at IS NULL THEN
    NEW.revoked_at := now();
    NEW.replaced_by := NULL;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER certificates_revoke_unlinked BEFORE UPDATE OF health_card_vaccination_id ON certificates
  FOR EACH ROW EXECUTE FUNCTION certificates_revoke_unlinked();
ALTER TABLE certificates ADD CONSTRAINT certificates_replaced_only_when_revoked
  CHECK (replaced_by IS NULL OR revoked_at IS NOT NULL);

CREATE UNIQUE INDEX certificates_one_current ON certificates (health_card_vaccination_id)
  WHERE revoked_at IS NULL;
-- The revocation list reads the revoked ones only.
CREATE INDEX certificates_revoked ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;

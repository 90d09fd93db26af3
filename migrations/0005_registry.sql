-- The subject registry's identity model (spec 10-registry.md) on top of the persons table of 0003.
--
-- REG-1: a person has one current identifier of one type. A codice fiscale lives in tax_code (an AIRE
-- person may have one too); the other types (CF_TEMP, ORD7, TS_FOREIGN, STP, ENI) in other_identifier.
-- REG-9: a foreigner may wait for the health-card system to issue a TS_FOREIGN identifier: pending.
-- REG-7: an obsolete identity points to the current one (superseded_by).
-- REG-5: provenance says where the record came from (e.g. imported from the national registry).
ALTER TABLE persons ALTER COLUMN tax_code DROP NOT NULL;
ALTER TABLE persons ALTER COLUMN birth_place_code DROP NOT NULL;

ALTER TABLE persons
  ADD COLUMN identifier_type text NOT NULL DEFAULT 'CF'
    CONSTRAINT persons_identifier_type CHECK (identifier_type IN ('CF', 'CF_TEMP', 'ORD7', 'TS_FOREIGN', 'STP', 'ENI')),
  ADD COLUMN other_identifier text
    CONSTRAINT persons_other_identifier_format CHECK (other_identifier ~ '^[A-Z0-9]{8,20}$'),
  ADD COLUMN identifier_pending boolean NOT NULL DEFAULT false,
  ADD COLUMN superseded_by bigint REFERENCES persons (id),
  ADD COLUMN provenance text NOT NULL DEFAULT 'region'
    CONSTRAINT persons_provenance CHECK (provenance IN ('region', 'national_import', 'manual')),
  ADD COLUMN ord7_category text
    CONSTRAINT persons_ord7_category CHECK (ord7_category IN ('aire', 'eu_institution', 'diplomatic', 'international_organisation')),
  ADD COLUMN residence_address text,
  ADD COLUMN domicile_address text,
  ADD COLUMN health_authority_code text REFERENCES health_authorities (code),
  ADD COLUMN landline text,
  ADD COLUMN version integer NOT NULL DEFAULT 1;

-- Which identifier a row carries follows from its type; a pending foreigner has none yet.
ALTER TABLE persons ADD CONSTRAINT persons_identifier_of_type CHECK (
  CASE identifier_type
    WHEN 'CF' THEN tax_code IS NOT NULL AND other_identifier IS NULL AND NOT identifier_pending
    WHEN 'TS_FOREIGN' THEN (other_identifier IS NOT NULL) <> identifier_pending
    ELSE other_identifier IS NOT NULL AND NOT identifier_pending
  END
);
ALTER TABLE persons ADD CONSTRAINT persons_obsolete_points_to_current CHECK (
  (status = 'obsolete') = (superseded_by IS NOT NULL) AND superseded_by IS DISTINCT FROM id
);

CREATE INDEX persons_superseded_by ON persons (superseded_by) WHERE superseded_by IS NOT NULL;
-- Partial: most people have a CF, and bulk loads should not pay for indexing their NULLs.
CREATE UNIQUE INDEX persons_other_identifier ON persons (other_identifier) WHERE other_identifier IS NOT NULL;
CREATE INDEX persons_pending_identifier ON persons (id) WHERE identifier_pending;

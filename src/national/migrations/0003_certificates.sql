-- DCC-1, DCC-2: the certificate platform (PN-DGC) issues an EU DCC for every COVID vaccination of the
-- health-card system. cycle_doses: the doses completing the dose's primary cycle, as the sending region's
-- rules saw it (the certificate's sd); null when the region did not say.
ALTER TABLE administrations ADD COLUMN cycle_doses smallint CHECK (cycle_doses BETWEEN 1 AND 20);
ALTER TABLE health_card_vaccinations ADD COLUMN cycle_doses smallint CHECK (cycle_doses BETWEEN 1 AND 20);

-- One current certificate per vaccination: a changed vaccination gets a new one (new UVCI) in place of
-- the old. hc1 is the text the QR code carries.
CREATE TABLE certificates (
  health_card_vaccination_id bigint PRIMARY KEY REFERENCES health_card_vaccinations (id) ON DELETE CASCADE,
  uvci text NOT NULL UNIQUE CHECK (uvci ~ '^URN:UVCI:01:IT:[A-Z0-9]{1,60}$'),
  person_identifier text NOT NULL,
  dose_number smallint NOT NULL,
  total_doses smallint NOT NULL,
  hc1 text NOT NULL CHECK (hc1 LIKE 'HC1:%'),
  issued_at timestamptz NOT NULL
);

CREATE INDEX certificates_person ON certificates (person_identifier);

-- The national vaccination registry (AVN) and the health-card system's vaccinations (Sistema TS),
-- spec 50-national-flows.md NAT-1..4.
--
-- AVN keeps one row per administration a region sent, keyed by the sender's region and stable id.
-- version orders the changes of one administration: a change is applied only when its version is
-- newer than the stored one, so a replayed delivery changes nothing (NAT-1, exactly once in effect).
-- A deletion keeps the row as a tombstone (deleted, fields emptied but the person kept, so that the
-- person's region learns of it) and a late replay of an older version cannot bring it back.
-- change_sequence: the position of the row's latest change in the feed the regions read (NAT-2); writes
-- take a transaction-level advisory lock so that the feed's positions become visible in order and a
-- reader never skips a change committed late.
CREATE SEQUENCE administration_changes;

CREATE TABLE administrations (
  region_code text NOT NULL CHECK (region_code ~ '^(0[1-9]|1[0-9]|20)$'),
  source_id text NOT NULL CHECK (source_id ~ '^[A-Za-z0-9._-]{1,64}$'),
  version integer NOT NULL CHECK (version >= 1),
  change_sequence bigint NOT NULL DEFAULT nextval('administration_changes') UNIQUE,
  deleted boolean NOT NULL DEFAULT false,
  person_identifier text NOT NULL,
  administered_on date,
  product_code text,
  aic text,
  lot text,
  dose_number smallint CHECK (dose_number BETWEEN 1 AND 20),
  dose_kind text CHECK (dose_kind IN ('primary', 'additional', 'booster')),
  covid boolean,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (region_code, source_id),
  CONSTRAINT administrations_tombstone CHECK (
    deleted = (administered_on IS NULL)
    AND deleted = (product_code IS NULL) AND deleted = (dose_number IS NULL) AND deleted = (covid IS NULL)
  )
);

CREATE INDEX administrations_person ON administrations (person_identifier);

-- Sistema TS: all and only the COVID administrations of AVN (NAT-3), plus those given abroad, which
-- the local health authority enters here directly and which never reach the registries.
CREATE TABLE health_card_vaccinations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_identifier text NOT NULL,
  source text NOT NULL CHECK (source IN ('registry', 'abroad')),
  region_code text,
  source_id text,
  country_code text CHECK (country_code ~ '^Z[0-9]{3}$'),
  administered_on date NOT NULL,
  product_code text NOT NULL,
  aic text,
  dose_number smallint NOT NULL CHECK (dose_number BETWEEN 1 AND 20),
  dose_kind text NOT NULL CHECK (dose_kind IN ('primary', 'additional', 'booster')),
  entered_by text,
  recorded_at timestamptz NOT NULL,
  UNIQUE (region_code, source_id),
  CONSTRAINT health_card_vaccinations_origin CHECK (
    CASE source
      WHEN 'registry' THEN region_code IS NOT NULL AND source_id IS NOT NULL AND country_code IS NULL
      ELSE region_code IS NULL AND source_id IS NULL AND country_code IS NOT NULL AND entered_by IS NOT NULL
    END
  )
);

CREATE INDEX health_card_vaccinations_person ON health_card_vaccinations (person_identifier, administered_on);

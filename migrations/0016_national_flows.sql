-- National flows of the immunization registry (spec 50-national-flows.md, NAT-1, NAT-2).

-- NAT-1: every change of an administration gets a new version (the national side applies each version
-- once), and a deletion is a mark, kept with its reason, so that it can be sent and audited.
ALTER TABLE administrations
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN deleted_at timestamptz,
  ADD COLUMN deleted_by bigint REFERENCES staff_accounts (id),
  ADD COLUMN deletion_reason text CHECK (length(deletion_reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT administrations_deletion_complete CHECK (
    (deleted_at IS NULL) = (deleted_by IS NULL) AND (deleted_at IS NULL) = (deletion_reason IS NULL)
  );

-- The transactional outbox: a row per change, written by the trigger below in the same transaction
-- as the change itself, whatever code path makes it (recording, forcing, correcting, deleting, moving
-- between identities). The message carries no copy of the record: the worker sends the record as it
-- is when delivered, under its current version, so an older message delivered late sends nothing
-- stale and the receiver's version check makes every replay harmless.
-- person_id orders delivery: a person's messages go one after the other (the oldest unacknowledged
-- one blocks the later ones). claimed_until is a worker's lease: a worker that dies loses its claim
-- when the lease runs out. Times are the database's clock: they measure the flow, not the domain.
CREATE TABLE national_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint NOT NULL,
  administration_id bigint NOT NULL REFERENCES administrations (id),
  version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  available_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  claimed_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  acknowledged_at timestamptz,
  outcome text CHECK (outcome IN ('applied', 'duplicate', 'superseded'))
);

CREATE INDEX national_outbox_pending ON national_outbox (id) WHERE acknowledged_at IS NULL;
CREATE INDEX national_outbox_pending_person ON national_outbox (person_id, id) WHERE acknowledged_at IS NULL;
CREATE INDEX national_outbox_acknowledged ON national_outbox (acknowledged_at) WHERE acknowledged_at IS NOT NULL;

CREATE FUNCTION administrations_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END $$;

CREATE TRIGGER administrations_next_version BEFORE UPDATE ON administrations
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION administrations_next_version();

CREATE FUNCTION administrations_to_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO national_outbox (person_id, administration_id, version)
    VALUES (NEW.person_id, NEW.id, NEW.version);
  RETURN NULL;
END $$;

CREATE TRIGGER administrations_inserted_to_outbox AFTER INSERT ON administrations
  FOR EACH ROW EXECUTE FUNCTION administrations_to_outbox();

CREATE TRIGGER administrations_changed_to_outbox AFTER UPDATE ON administrations
  FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION administrations_to_outbox();

-- NAT-2: administrations given in other regions to this region's people, as the national feed sent
-- them (by sender region, sender id and version; a deletion stays as a mark). person_id: the local
-- person with the identifier the national registry names; the feed's items for people unknown here
-- are not kept.
CREATE TABLE mobility_administrations (
  region_code text NOT NULL CHECK (region_code ~ '^(0[1-9]|1[0-9]|20)$'),
  source_id text NOT NULL,
  version integer NOT NULL,
  person_id bigint NOT NULL REFERENCES persons (id),
  deleted boolean NOT NULL,
  administered_on date,
  product_code text,
  aic text,
  lot text,
  dose_number smallint,
  dose_kind text CHECK (dose_kind IN ('primary', 'additional', 'booster')),
  received_at timestamptz NOT NULL,
  PRIMARY KEY (region_code, source_id),
  CHECK (deleted OR (administered_on IS NOT NULL AND product_code IS NOT NULL AND dose_number IS NOT NULL))
);

CREATE INDEX mobility_administrations_person ON mobility_administrations (person_id) WHERE NOT deleted;

-- Where this region is in each national feed; leased like the outbox, so one process pulls at a time.
CREATE TABLE national_feed_positions (
  feed text PRIMARY KEY CHECK (feed IN ('mobility')),
  position text NOT NULL CHECK (position ~ '^[0-9]{1,18}$'),
  leased_until timestamptz,
  pulled_at timestamptz
);

INSERT INTO national_feed_positions (feed, position) VALUES ('mobility', '0');

-- VAX-14: infections from the regional surveillance system carry its case id, so that a feed read
-- again (or a case updated there, e.g. its recovery) changes the same row instead of adding one.
ALTER TABLE infections ADD COLUMN surveillance_case_id text UNIQUE
  CHECK (surveillance_case_id ~ '^[A-Za-z0-9._-]{1,64}$');
ALTER TABLE infections ADD CONSTRAINT infections_case_only_from_surveillance
  CHECK (surveillance_case_id IS NULL OR source = 'surveillance');

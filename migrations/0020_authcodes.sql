-- DCC-4: the code (AUTHCODE) a person downloads their certificate with, sent to the certificate contacts of
-- VAX-20 once the national certificate platform holds the certificate (ADR 0015, ADR 0017 addendum).

-- The version of the administration the national registry holds after an acknowledgement (the receipt's
-- version): the worker sends the record as it is at delivery, so it can be newer than the message's own.
ALTER TABLE national_outbox ADD COLUMN acknowledged_version integer;

-- One code per certificate content of an administration. Only a hash of the code is kept (SHA-256 of a
-- random salt and the code) and its last three characters, which only the person is shown; the code itself
-- leaves the database in the messages that carry it (messages.params.secret, removed once delivered).
-- version: the administration's version the acknowledgement named; vaccinated_on: its date, which names its
-- certificate among the person's. content: what the certificate says as
-- the region knows it (person, date, product, dose number, kind, cycle): a new version that changes none of
-- it (a lot corrected) keeps the code already sent. superseded_at: a newer code replaced this one, or the
-- administration was deleted or stopped being a COVID one. Times are the database's clock.
CREATE TABLE certificate_authcodes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  administration_id bigint NOT NULL REFERENCES administrations (id),
  version integer NOT NULL,
  person_id bigint NOT NULL REFERENCES persons (id),
  vaccinated_on date NOT NULL,
  content text NOT NULL,
  code_salt bytea NOT NULL CHECK (length(code_salt) = 16),
  code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
  code_end text NOT NULL CHECK (code_end ~ '^[2-9A-HJ-NP-Z]{3}$'),
  reissue boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at timestamptz NOT NULL,
  superseded_at timestamptz,
  last_used_at timestamptz,
  UNIQUE (administration_id, version)
);

CREATE INDEX certificate_authcodes_person ON certificate_authcodes (person_id);
CREATE INDEX certificate_authcodes_live ON certificate_authcodes (administration_id) WHERE superseded_at IS NULL;

-- A new code: 10 characters of an alphabet without look-alikes (no 0/O, 1/I), 5 random bits each (50 bits),
-- from the bytes of a version-4 UUID that carry no version or variant bits (gen_random_uuid draws them
-- from the server's strong random source; no extension needed on either engine).
CREATE FUNCTION certificate_authcode_new() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', get_byte(r.b, i) % 32 + 1, 1), '' ORDER BY i)
  FROM (SELECT uuid_send(gen_random_uuid()) AS b) r,
    unnest(ARRAY[0, 1, 2, 3, 4, 5, 9, 10, 11, 12]) AS i
$$;

-- Writes one message through a given channel to a given recipient: the one INSERT every enqueue shares
-- (same outbox, same dedupe key, same attempts). NULL when the cause already wrote it.
CREATE FUNCTION messaging_insert(
  p_person_id bigint,
  p_channel text,
  p_recipient text,
  p_language text,
  p_given_name text,
  p_surname text,
  p_template text,
  p_cause_kind text,
  p_cause_id bigint,
  p_dedupe_key text,
  p_params jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  message_id bigint;
BEGIN
  INSERT INTO messages (person_id, channel, template, language, recipient, params, cause_kind, cause_id,
    dedupe_key)
  VALUES (p_person_id, p_channel, p_template, p_language, p_recipient,
    jsonb_build_object('givenName', p_given_name, 'surname', p_surname) || p_params,
    p_cause_kind, p_cause_id, p_dedupe_key)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id INTO message_id;
  RETURN message_id;
END $$;

-- Through the person's usual contact (migration 0018), now by way of messaging_insert.
CREATE OR REPLACE FUNCTION messaging_enqueue(
  p_person_id bigint,
  p_template text,
  p_cause_kind text,
  p_cause_id bigint,
  p_dedupe_key text,
  p_params jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  contact record;
BEGIN
  SELECT * INTO contact FROM messaging_contact(p_person_id);
  IF contact.channel IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN messaging_insert(p_person_id, contact.channel, contact.recipient, contact.language,
    contact.given_name, contact.surname, p_template, p_cause_kind, p_cause_id, p_dedupe_key, p_params);
END $$;

-- To a recipient the cause names (the certificate contacts of VAX-20, kept apart from the person's own),
-- in the person's language; NULL for an unknown or deceased person, or when the cause already wrote it.
CREATE FUNCTION messaging_enqueue_to(
  p_person_id bigint,
  p_channel text,
  p_recipient text,
  p_template text,
  p_cause_kind text,
  p_cause_id bigint,
  p_dedupe_key text,
  p_params jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  contact record;
BEGIN
  SELECT * INTO contact FROM messaging_contact(p_person_id);
  IF contact.channel IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN messaging_insert(p_person_id, p_channel, p_recipient, contact.language, contact.given_name,
    contact.surname, p_template, p_cause_kind, p_cause_id, p_dedupe_key, p_params);
END $$;

-- DCC-4: when the national registry acknowledges the version of a COVID administration that is the
-- region's current one, its certificate exists nationally (the platform issues it in the same transaction
-- as the registration). Unless a code was already sent for the same certificate content, a new code is
-- drawn, the administration's earlier codes are superseded, and the code goes to the certificate contacts:
-- e-mail and SMS when both were given (a number that cannot take an SMS is left out); nothing without
-- contacts. A code that replaces an earlier one is announced as a reissued certificate. The trigger runs in
-- the transaction of the acknowledgement, whatever acknowledges: a code is written once, with its messages,
-- or not at all (UNIQUE (administration_id, version), dedupe keys).
CREATE FUNCTION certificate_authcodes_on_acknowledgement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  a record;
  contacts certificate_contacts%ROWTYPE;
  reached record;
  previous_content text;
  had_code boolean;
  this_content text;
  code text;
  salt bytea;
  expires timestamptz;
  code_id bigint;
  template text;
  params jsonb;
  email text;
  mobile text;
BEGIN
  SELECT ad.id, ad.person_id, ad.version, ad.deleted_at, ad.administered_on, ad.product_code, ad.dose_number,
    ad.dose_kind, ad.cycle_doses, pr.covid, pr.name AS product_name
  INTO a
  FROM administrations ad JOIN products pr ON pr.code = ad.product_code
  WHERE ad.id = NEW.administration_id;
  -- A later change has its own message, whose acknowledgement decides.
  IF NOT FOUND OR NEW.acknowledged_version IS DISTINCT FROM a.version THEN
    RETURN NULL;
  END IF;
  IF a.deleted_at IS NOT NULL OR NOT a.covid THEN
    UPDATE certificate_authcodes SET superseded_at = clock_timestamp()
    WHERE administration_id = a.id AND superseded_at IS NULL;
    RETURN NULL;
  END IF;

  this_content := concat_ws('|', a.person_id, a.administered_on, a.product_code, a.dose_number, a.dose_kind,
    coalesce(a.cycle_doses::text, '-'));
  SELECT c.content INTO previous_content FROM certificate_authcodes c
  WHERE c.administration_id = a.id AND c.superseded_at IS NULL ORDER BY c.id DESC LIMIT 1;
  IF previous_content = this_content THEN
    RETURN NULL;
  END IF;
  had_code := EXISTS (SELECT 1 FROM certificate_authcodes c WHERE c.administration_id = a.id);

  SELECT * INTO contacts FROM certificate_contacts WHERE administration_id = a.id;
  email := CASE WHEN btrim(contacts.email) ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
    THEN btrim(contacts.email) END;
  mobile := messaging_mobile(contacts.mobile);
  SELECT * INTO reached FROM messaging_contact(a.person_id);
  IF (email IS NULL AND mobile IS NULL) OR reached.channel IS NULL THEN
    -- No contacts (or nobody to tell): no code; one sent for other content would name a revoked certificate.
    UPDATE certificate_authcodes SET superseded_at = clock_timestamp()
    WHERE administration_id = a.id AND superseded_at IS NULL;
    RETURN NULL;
  END IF;

  code := certificate_authcode_new();
  salt := uuid_send(gen_random_uuid());
  expires := clock_timestamp() + interval '180 days';
  INSERT INTO certificate_authcodes (administration_id, version, person_id, vaccinated_on, content, code_salt,
    code_hash, code_end, reissue, expires_at)
  VALUES (a.id, a.version, a.person_id, a.administered_on, this_content, salt, sha256(salt || convert_to(code, 'UTF8')),
    right(code, 3), had_code, expires)
  ON CONFLICT (administration_id, version) DO NOTHING
  RETURNING id INTO code_id;
  IF code_id IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE certificate_authcodes SET superseded_at = clock_timestamp()
  WHERE administration_id = a.id AND superseded_at IS NULL AND id <> code_id;

  template := CASE WHEN had_code THEN 'certificate_reissued' ELSE 'certificate_authcode' END;
  params := jsonb_build_object(
    'vaccinatedOn', a.administered_on,
    'product', a.product_name,
    'expiresAt', expires,
    'secret', jsonb_build_object('code', code));
  IF email IS NOT NULL THEN
    PERFORM messaging_enqueue_to(a.person_id, 'email', email, template, 'certificate_authcode', code_id,
      'authcode:' || code_id || ':email', params);
  END IF;
  IF mobile IS NOT NULL THEN
    PERFORM messaging_enqueue_to(a.person_id, 'sms', mobile, template, 'certificate_authcode', code_id,
      'authcode:' || code_id || ':sms', params);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER national_outbox_acknowledged_to_authcodes AFTER UPDATE OF acknowledged_at ON national_outbox
  FOR EACH ROW WHEN (OLD.acknowledged_at IS NULL AND NEW.acknowledged_at IS NOT NULL)
  EXECUTE FUNCTION certificate_authcodes_on_acknowledgement();

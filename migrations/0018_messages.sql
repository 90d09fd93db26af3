-- Messages to people (spec 30-booking.md BOOK-8, BOOK-12, BOOK-17, BOOK-18; ADR 0017): a durable outbox
-- written in the same transaction as its cause, delivered by leased claims (the pattern of 0016).

-- One row per message to one person through one channel. params holds what the message says, as it was
-- when its cause happened (a message to a person is a statement of that moment, unlike the national
-- outbox, which sends the record as it is). dedupe_key names the cause: one cause never yields a second
-- message (INSERT … ON CONFLICT DO NOTHING), so a job run twice or a replayed cause writes nothing twice.
-- recipient: an e-mail address, a mobile number in +CC form, or the lines of a postal address.
-- send_after: not before this time (a retry's backoff moves it). claimed_until/claim_token: a worker's
-- lease; the acknowledgement names the token, so a worker whose lease ran out cannot mark another
-- worker's claim. created_at is the transaction's time (now()): messages of one transaction share it,
-- which the booking trigger uses to join a second dose to its first dose's message.
-- Times are the database's clock: they measure the flow, not the domain.
CREATE TABLE messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES persons (id),
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
  template text NOT NULL CHECK (template ~ '^[a-z][a-z0-9_]{1,60}$'),
  language text NOT NULL CHECK (language IN ('it', 'en')),
  recipient text NOT NULL CHECK (recipient <> ''),
  params jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
  cause_kind text NOT NULL CHECK (cause_kind ~ '^[a-z][a-z0-9_]{1,40}$'),
  cause_id bigint NOT NULL,
  dedupe_key text NOT NULL CONSTRAINT messages_dedupe_key UNIQUE CHECK (length(dedupe_key) BETWEEN 3 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  send_after timestamptz NOT NULL DEFAULT clock_timestamp(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  claimed_until timestamptz,
  claim_token uuid,
  last_error text,
  sent_at timestamptz,
  provider_message_id text,
  -- Letters: the print batch that printed it.
  print_batch text,
  CONSTRAINT messages_sent_when CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX messages_due ON messages (send_after, id) WHERE status = 'pending';
CREATE INDEX messages_pending_person ON messages (person_id, id) WHERE status = 'pending';
CREATE INDEX messages_person ON messages (person_id, id);
CREATE INDEX messages_status ON messages (status, id);
CREATE INDEX messages_cause ON messages (cause_kind, cause_id);

-- Every attempt to deliver a message and its outcome (BOOK-17: every attempt and outcome recorded).
-- sent: handed to the provider; retry: failed, tried again later; failed: given up (a permanent refusal
-- or the last attempt); skipped: not sent because it no longer applies (a reminder of a changed booking).
CREATE TABLE message_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id bigint NOT NULL REFERENCES messages (id),
  attempt integer NOT NULL CHECK (attempt >= 1),
  adapter text NOT NULL CHECK (adapter ~ '^[a-z][a-z0-9-]{1,40}$'),
  finished_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  duration_ms integer NOT NULL CHECK (duration_ms >= 0),
  outcome text NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed', 'skipped')),
  provider_message_id text,
  error text,
  UNIQUE (message_id, attempt)
);

-- The reminder job's scan (BOOK-18): confirmed bookings by start.
CREATE INDEX bookings_confirmed_starts_at ON bookings (starts_at) WHERE status = 'confirmed';

-- A phone number that can receive an SMS, in +CC form, or NULL. Italian numbers: mobiles start with 3
-- (landlines with 0); a number of another country is taken as a mobile (the gateway refuses it if not).
CREATE FUNCTION messaging_mobile(phone text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN n ~ '^(\+39|0039)?3[0-9]{8,9}$' THEN '+39' || regexp_replace(n, '^(\+39|0039)', '')
    WHEN n ~ '^(\+|00)[1-9][0-9]{6,14}$' AND n !~ '^(\+39|0039)' THEN regexp_replace(n, '^00', '+')
  END
  FROM (SELECT regexp_replace(coalesce(phone, ''), '[ ./()-]', '', 'g') AS n) cleaned
$$;

-- How to reach a person (BOOK-17, BOOK-18): e-mail when they have an address, else SMS to a mobile, else
-- a paper letter to their domicile (or residence). The language is the person's preference when the
-- registry has one (a column preferred_language, read through to_jsonb so that this function needs no
-- change when it is added), else Italian. Nothing (all NULL) for an unknown or deceased person.
CREATE FUNCTION messaging_contact(
  p_person_id bigint,
  OUT channel text,
  OUT recipient text,
  OUT language text,
  OUT given_name text,
  OUT surname text
) LANGUAGE plpgsql STABLE AS $$
DECLARE
  person persons%ROWTYPE;
  mobile text;
  address text;
  place text;
BEGIN
  SELECT * INTO person FROM persons WHERE id = p_person_id;
  IF NOT FOUND OR person.status = 'deceased' THEN
    RETURN;
  END IF;
  given_name := person.given_name;
  surname := person.surname;
  language := CASE WHEN to_jsonb(person) ->> 'preferred_language' = 'en' THEN 'en' ELSE 'it' END;
  mobile := messaging_mobile(person.phone);
  IF btrim(person.email) ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN
    channel := 'email';
    recipient := btrim(person.email);
  ELSIF mobile IS NOT NULL THEN
    channel := 'sms';
    recipient := mobile;
  ELSE
    channel := 'letter';
    IF person.domicile_municipality_istat IS NOT NULL THEN
      address := person.domicile_address;
      SELECT concat_ws(' ', person.domicile_cap, m.name, '(' || pr.abbreviation || ')') INTO place
      FROM municipalities m JOIN provinces pr ON pr.code = m.province_code
      WHERE m.istat = person.domicile_municipality_istat;
    ELSE
      address := person.residence_address;
      SELECT concat_ws(' ', m.name, '(' || pr.abbreviation || ')') INTO place
      FROM municipalities m JOIN provinces pr ON pr.code = m.province_code
      WHERE m.istat = person.residence_municipality_istat;
    END IF;
    recipient := concat_ws(E'\n', person.given_name || ' ' || person.surname, nullif(btrim(address), ''),
      nullif(place, ''));
  END IF;
END $$;

-- What a message says about one appointment: when, where, which vaccine, what to bring.
CREATE FUNCTION messaging_appointment(b bookings) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'bookingId', b.id,
    'code', b.code,
    'dose', b.dose_number,
    'startsAt', b.starts_at,
    'place', jsonb_build_object('name', p.name, 'address', p.address, 'municipality', m.name),
    'product', pr.name,
    'selfDeclarationNeeded', b.self_declaration_needed)
  FROM vaccination_points p
  JOIN municipalities m ON m.istat = p.municipality_istat
  JOIN products pr ON pr.code = b.product_code
  WHERE p.id = b.vaccination_point_id
$$;

-- Writes one message to a person through their channel; NULL when the person cannot be reached or the
-- cause already wrote it (dedupe_key).
CREATE FUNCTION messaging_enqueue(
  p_person_id bigint,
  p_template text,
  p_cause_kind text,
  p_cause_id bigint,
  p_dedupe_key text,
  p_params jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  contact record;
  message_id bigint;
BEGIN
  SELECT * INTO contact FROM messaging_contact(p_person_id);
  IF contact.channel IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO messages (person_id, channel, template, language, recipient, params, cause_kind, cause_id,
    dedupe_key)
  VALUES (p_person_id, contact.channel, p_template, contact.language, contact.recipient,
    jsonb_build_object('givenName', contact.given_name, 'surname', contact.surname) || p_params,
    p_cause_kind, p_cause_id, p_dedupe_key)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id INTO message_id;
  RETURN message_id;
END $$;

-- BOOK-8, BOOK-18: every booking confirmed, rescheduled (another time or slot) or cancelled tells the
-- person, whatever wrote it (take_booking, the service's cancel and reschedule, group bookings, an
-- operator's SQL): the trigger writes the message in the change's own transaction.
-- A second dose booked or cancelled together with its first dose joins the first dose's message of the
-- same transaction (one message with both appointments) instead of writing a second one.
-- A change of time or a cancellation also withdraws the booking's pending reminder of the old time.
CREATE FUNCTION bookings_to_messages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event text;
  related bigint;
  appointment jsonb;
  previous jsonb;
  key text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    event := 'confirmed';
    related := NEW.first_dose_booking_id;
  ELSIF NEW.status = 'cancelled' THEN
    event := 'cancelled';
    related := coalesce(NEW.first_dose_booking_id,
      (SELECT b.id FROM bookings b WHERE b.first_dose_booking_id = NEW.id ORDER BY b.id LIMIT 1));
  ELSE
    event := 'rescheduled';
  END IF;

  IF TG_OP = 'UPDATE' THEN
    UPDATE messages SET status = 'cancelled', last_error = 'superseded: the appointment changed'
    WHERE cause_kind = 'booking' AND cause_id = NEW.id AND template = 'booking_reminder'
      AND status = 'pending';
  END IF;

  appointment := messaging_appointment(NEW);
  IF event = 'rescheduled' THEN
    previous := messaging_appointment(OLD);
    appointment := appointment || jsonb_build_object('previous',
      jsonb_build_object('startsAt', previous -> 'startsAt', 'place', previous -> 'place'));
  END IF;

  IF related IS NOT NULL THEN
    UPDATE messages
    SET params = jsonb_set(params, '{appointments}', (params -> 'appointments') || jsonb_build_array(appointment))
    WHERE dedupe_key = 'booking:' || related || ':' || event
      AND person_id = NEW.person_id AND status = 'pending' AND attempts = 0 AND claimed_until IS NULL
      AND created_at = now();
    IF FOUND THEN
      RETURN NULL;
    END IF;
  END IF;

  IF event = 'rescheduled' THEN
    -- The booking's row lock (held by this update) orders its reschedules: the count is this one's number.
    key := 'booking:' || NEW.id || ':rescheduled:' || (
      SELECT count(*) + 1 FROM messages
      WHERE cause_kind = 'booking' AND cause_id = NEW.id AND template = 'booking_rescheduled');
  ELSE
    key := 'booking:' || NEW.id || ':' || event;
  END IF;
  PERFORM messaging_enqueue(NEW.person_id, 'booking_' || event, 'booking', NEW.id, key,
    jsonb_build_object('appointments', jsonb_build_array(appointment)));
  RETURN NULL;
END $$;

CREATE TRIGGER bookings_confirmed_to_messages AFTER INSERT ON bookings
  FOR EACH ROW WHEN (NEW.status = 'confirmed') EXECUTE FUNCTION bookings_to_messages();

CREATE TRIGGER bookings_changed_to_messages AFTER UPDATE ON bookings
  FOR EACH ROW WHEN (
    (OLD.status = 'confirmed' AND NEW.status = 'cancelled')
    OR (OLD.status = 'confirmed' AND NEW.status = 'confirmed'
      AND (OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.slot_id IS DISTINCT FROM NEW.slot_id))
  ) EXECUTE FUNCTION bookings_to_messages();

-- BOOK-18: the reminders of the bookings that start within the lead time (letters: their own, longer
-- lead, for the post takes days), one per booking and start time: a rescheduled booking gets a new
-- one, a run repeated writes nothing twice. A booking made within the lead time gets none: its
-- confirmation has just told the person. `now` is the application's clock (bookings are in domain time).
-- Returns the number of reminders written.
CREATE FUNCTION messaging_schedule_reminders(now_at timestamptz, p_lead interval, p_letter_lead interval)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  INSERT INTO messages (person_id, channel, template, language, recipient, params, cause_kind, cause_id,
    dedupe_key)
  SELECT b.person_id, c.channel, 'booking_reminder', c.language, c.recipient,
    jsonb_build_object('givenName', c.given_name, 'surname', c.surname,
      'appointments', jsonb_build_array(messaging_appointment(b))),
    'booking', b.id, due.key
  FROM bookings b
  CROSS JOIN LATERAL (
    SELECT 'reminder:booking:' || b.id || ':' || extract(epoch FROM b.starts_at)::bigint AS key
  ) due
  CROSS JOIN LATERAL messaging_contact(b.person_id) c
  CROSS JOIN LATERAL (
    SELECT CASE c.channel WHEN 'letter' THEN p_letter_lead ELSE p_lead END AS lead_time
  ) l
  WHERE b.status = 'confirmed'
    AND b.starts_at > now_at AND b.starts_at <= now_at + greatest(p_lead, p_letter_lead)
    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.dedupe_key = due.key)
    AND c.channel IS NOT NULL
    AND b.starts_at <= now_at + l.lead_time
    AND b.created_at < b.starts_at - l.lead_time
  ORDER BY b.starts_at, b.id
  ON CONFLICT (dedupe_key) DO NOTHING;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;

-- BOOK-12: changes of capacity by a health authority (a hub-day closed, stations cut from a time, a
-- product's stock cut) and what they did to the people booked (src/modules/capacity/, ADR 0013).
--
-- A change is written first with its preview (status 'previewed'), then applied in batches, each one
-- transaction that locks the change's row first: two administrators or two app processes applying the
-- same change wait for each other, and each batch sees what the previous ones did.

CREATE TABLE capacity_changes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('close_day', 'cut_stations', 'cut_stock')),
  vaccination_point_id bigint NOT NULL REFERENCES hubs (vaccination_point_id),
  day date NOT NULL,
  health_authority_code text NOT NULL REFERENCES health_authorities (code),
  -- cut_stations: the day's stations from this time (Rome) on.
  from_time time,
  stations integer CHECK (stations >= 0),
  -- cut_stock: the product's doses left that day.
  product_code text REFERENCES products (code),
  doses integer CHECK (doses >= 0),
  -- How far the people may be moved: days after their appointment, km from their domicile.
  horizon_days integer NOT NULL CHECK (horizon_days BETWEEN 0 AND 60),
  max_km integer NOT NULL CHECK (max_km BETWEEN 1 AND 1000),
  -- Why, in the administrator's words (shown to staff, not sent to people).
  note text CHECK (length(note) <= 500),
  status text NOT NULL CHECK (status IN ('previewed', 'applying', 'applied', 'discarded')),
  preview jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  created_by text,
  applied_at timestamptz,
  applied_by text,
  -- The outcome, kept up to date batch by batch.
  moved integer NOT NULL DEFAULT 0 CHECK (moved >= 0),
  to_choose integer NOT NULL DEFAULT 0 CHECK (to_choose >= 0),
  notified integer NOT NULL DEFAULT 0 CHECK (notified >= 0),
  batches integer NOT NULL DEFAULT 0 CHECK (batches >= 0),
  CHECK ((kind = 'cut_stations') = (from_time IS NOT NULL AND stations IS NOT NULL)),
  CHECK ((kind = 'cut_stock') = (product_code IS NOT NULL AND doses IS NOT NULL)),
  CHECK ((status = 'applied') = (applied_at IS NOT NULL))
);

CREATE INDEX capacity_changes_point_day ON capacity_changes (vaccination_point_id, day);
CREATE INDEX capacity_changes_authority ON capacity_changes (health_authority_code, id);

-- close_day and cut_stations: each slot's capacity after the change (0 for a closed day).
CREATE TABLE capacity_change_slots (
  change_id bigint NOT NULL REFERENCES capacity_changes (id),
  slot_id bigint NOT NULL REFERENCES slots (id),
  capacity integer NOT NULL CHECK (capacity >= 0),
  PRIMARY KEY (change_id, slot_id)
);

-- One row per booking a change moved or cancelled (asked to choose): the UNIQUE key means a change
-- never touches one booking twice, whoever applies it and however many times.
-- outcome: moved (to_*) or to_choose (cancelled, the person asked to choose).
-- why: affected (its own place was cut), follows_first_dose (BOOK-10: its first dose moved and its day
-- left the interval, or its first dose was cancelled), with_second_dose (a first dose cancelled because its
-- second found no place within the interval).
CREATE TABLE capacity_change_moves (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  change_id bigint NOT NULL REFERENCES capacity_changes (id),
  batch integer NOT NULL CHECK (batch >= 1),
  booking_id bigint NOT NULL REFERENCES bookings (id),
  person_id bigint NOT NULL REFERENCES persons (id),
  dose_number smallint NOT NULL,
  product_code text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('moved', 'to_choose')),
  why text NOT NULL CHECK (why IN ('affected', 'follows_first_dose', 'with_second_dose')),
  from_slot_id bigint NOT NULL REFERENCES slots (id),
  from_point_id bigint NOT NULL REFERENCES vaccination_points (id),
  from_starts_at timestamptz NOT NULL,
  to_slot_id bigint REFERENCES slots (id),
  to_point_id bigint REFERENCES vaccination_points (id),
  to_starts_at timestamptz,
  km numeric(7, 1),
  message_id bigint REFERENCES messages (id),
  created_at timestamptz NOT NULL,
  CONSTRAINT capacity_change_moves_once UNIQUE (change_id, booking_id),
  CHECK ((outcome = 'moved') = (to_slot_id IS NOT NULL AND to_point_id IS NOT NULL AND to_starts_at IS NOT NULL))
);

CREATE INDEX capacity_change_moves_person ON capacity_change_moves (change_id, person_id);

-- The change that last moved or cancelled a booking. Its message is written by the change
-- (capacity_change_messages below: one per person per change, saying why), so the per-booking
-- triggers of 0018 stand aside for that update.
ALTER TABLE bookings ADD COLUMN capacity_change_id bigint REFERENCES capacity_changes (id);

DROP TRIGGER bookings_changed_to_messages ON bookings;
CREATE TRIGGER bookings_changed_to_messages AFTER UPDATE ON bookings
  FOR EACH ROW WHEN (
    ((OLD.status = 'confirmed' AND NEW.status = 'cancelled')
    OR (OLD.status = 'confirmed' AND NEW.status = 'confirmed'
      AND (OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.slot_id IS DISTINCT FROM NEW.slot_id)))
    AND NEW.capacity_change_id IS NOT DISTINCT FROM OLD.capacity_change_id
  ) EXECUTE FUNCTION bookings_to_messages();

-- BOOK-12: tells each person of the bookings given (moved or cancelled by the change, recorded in
-- capacity_change_moves) once: 'booking_rescheduled' with the new and previous time and place, or
-- 'booking_must_choose' when an appointment had no equivalent place, both with the reason. The dedupe key
-- is the change and the person: a person hears once per change, whatever the batches. Withdraws the
-- pending reminders of the old times. Returns the number of messages written.
CREATE FUNCTION capacity_change_messages(p_change_id bigint, p_booking_ids bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  reason jsonb;
  entry record;
  new_message_id bigint;
  written integer := 0;
BEGIN
  SELECT jsonb_build_object(
      'kind', c.kind,
      'day', c.day::text,
      'fromTime', to_char(c.from_time, 'HH24:MI'),
      'place', jsonb_build_object('name', p.name, 'address', p.address, 'municipality', m.name))
    INTO reason
  FROM capacity_changes c
  JOIN vaccination_points p ON p.id = c.vaccination_point_id
  JOIN municipalities m ON m.istat = p.municipality_istat
  WHERE c.id = p_change_id;
  reason := jsonb_strip_nulls(reason);

  UPDATE messages SET status = 'cancelled', last_error = 'superseded: the appointment changed'
  WHERE cause_kind = 'booking' AND cause_id = ANY (p_booking_ids) AND template = 'booking_reminder'
    AND status = 'pending';

  FOR entry IN
    SELECT b.person_id,
      bool_or(mv.outcome = 'to_choose') AS must_choose,
      jsonb_agg(messaging_appointment(b) || CASE WHEN mv.outcome = 'moved' THEN jsonb_build_object(
          'previous', jsonb_build_object('startsAt', mv.from_starts_at,
            'place', jsonb_build_object('name', fp.name, 'address', fp.address, 'municipality', fm.name)))
        ELSE '{}'::jsonb END ORDER BY b.dose_number, b.id) AS appointments
    FROM capacity_change_moves mv
    JOIN bookings b ON b.id = mv.booking_id
    JOIN vaccination_points fp ON fp.id = mv.from_point_id
    JOIN municipalities fm ON fm.istat = fp.municipality_istat
    WHERE mv.change_id = p_change_id AND mv.booking_id = ANY (p_booking_ids)
    GROUP BY b.person_id
    ORDER BY b.person_id
  LOOP
    new_message_id := messaging_enqueue(entry.person_id,
      CASE WHEN entry.must_choose THEN 'booking_must_choose' ELSE 'booking_rescheduled' END,
      'capacity_change', p_change_id, 'capacity_change:' || p_change_id || ':person:' || entry.person_id,
      jsonb_build_object('appointments', entry.appointments, 'reason', reason));
    IF new_message_id IS NOT NULL THEN
      written := written + 1;
      UPDATE capacity_change_moves SET message_id = new_message_id
      WHERE change_id = p_change_id AND person_id = entry.person_id AND booking_id = ANY (p_booking_ids);
    END IF;
  END LOOP;
  RETURN written;
END $$;

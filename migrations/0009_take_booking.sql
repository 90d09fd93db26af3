-- BOOK-5, BOOK-9, BOOK-10: a first-dose booking, its second dose and their audit records in one
-- statement (ADR 0011). The rules (who may book, which products in which order, the plan's interval)
-- are decided by the application and passed in; this function only takes places and doses with the
-- same conditional updates the application would send one by one, so that the row locks on a slot and
-- on a hub-day's stock are held for one round trip instead of six.
--
-- Refusals are raised with SQLSTATE P0001, the booking error code as the message and a JSON detail
-- ({"pointer": ..., "params": {...}}) that the application turns into its problem answer.
-- BOOK-10: a hub's slots of a day, for the second-dose search (which looks at one day, then a window).
CREATE INDEX slots_point_day ON slots (vaccination_point_id, day, starts_at);

CREATE FUNCTION take_booking(
  slot_ids bigint[],      -- the slots to try, in order: the chosen one (and, for a group, the next ones)
  not_after timestamptz,  -- now: a slot must start later
  starts_on date,         -- the offer's first vaccination day
  products text[],        -- the person's products, in the plan's order
  intervals jsonb,        -- two-dose products: {"<code>": {"min": d, "target": d, "max": d}} days after dose 1
  booking jsonb,          -- the new booking's own columns, and "second_code" for its second dose
  audit jsonb             -- who acts: actor_kind, actor_id, actor_role, channel, correlation_id, occurred_at
) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  slot slots%ROWTYPE;
  second_slot slots%ROWTYPE;
  slot_index integer := 0;
  product text;
  first_booking bookings%ROWTYPE;
  second_booking bookings%ROWTYPE;
  interval_days jsonb;
  first_time time;
  pass integer;
  from_day date;
  to_day date;
  candidate bigint;
  chosen_start timestamptz;
  hub_status text;
BEGIN
  -- BOOK-9: a place in the first slot of the list that is in the future, at an active hub, not full.
  FOR i IN 1 .. coalesce(array_length(slot_ids, 1), 0) LOOP
    UPDATE slots s SET booked = s.booked + 1
    FROM hubs h
    WHERE s.id = slot_ids[i] AND s.booked < s.capacity AND s.starts_at > not_after
      AND h.vaccination_point_id = s.vaccination_point_id AND h.status = 'active'
    RETURNING s.* INTO slot;
    IF FOUND THEN
      slot_index := i;
      EXIT;
    END IF;
  END LOOP;
  IF slot_index = 0 THEN
    SELECT s.starts_at, h.status INTO chosen_start, hub_status
    FROM slots s LEFT JOIN hubs h ON h.vaccination_point_id = s.vaccination_point_id
    WHERE s.id = slot_ids[1];
    IF NOT FOUND THEN
      RAISE EXCEPTION 'SLOT_NOT_FOUND' USING DETAIL = '{"pointer":"/slotId"}';
    ELSIF chosen_start <= not_after THEN
      RAISE EXCEPTION 'SLOT_IN_THE_PAST' USING DETAIL = '{"pointer":"/slotId"}';
    ELSIF hub_status IS DISTINCT FROM 'active' THEN
      RAISE EXCEPTION 'HUB_NOT_BOOKABLE' USING DETAIL = '{"pointer":"/slotId"}';
    END IF;
    RAISE EXCEPTION 'SLOT_FULL' USING DETAIL = '{"pointer":"/slotId"}';
  END IF;
  IF slot.day < starts_on THEN
    RAISE EXCEPTION 'BOOKING_BEFORE_VACCINATIONS_START' USING DETAIL =
      jsonb_build_object('pointer', '/slotId', 'params', jsonb_build_object('vaccinationsStartOn', starts_on))::text;
  END IF;

  -- BOOK-3, BOOK-7: a dose of the first of the person's products the hub still has that day.
  FOR i IN 1 .. coalesce(array_length(products, 1), 0) LOOP
    UPDATE hub_day_stock st SET booked = st.booked + 1
    WHERE st.vaccination_point_id = slot.vaccination_point_id AND st.day = slot.day
      AND st.product_code = products[i] AND st.booked < st.doses
    RETURNING st.product_code INTO product;
    EXIT WHEN FOUND;
  END LOOP;
  IF product IS NULL THEN
    RAISE EXCEPTION 'NO_DOSES_FOR_PERSON' USING DETAIL =
      jsonb_build_object('params', jsonb_build_object('products', array_to_string(products, ', ')))::text;
  END IF;

  INSERT INTO bookings (code, person_id, dose_number, slot_id, vaccination_point_id, starts_at, product_code,
    status, channel, created_by_kind, created_by_id, idempotency_key, group_code, plan_national_version,
    plan_calendar_version, offer_id, self_declaration_needed, created_at)
  VALUES (booking ->> 'code', (booking ->> 'person_id')::bigint, 1, slot.id, slot.vaccination_point_id,
    slot.starts_at, product, 'confirmed', booking ->> 'channel', booking ->> 'created_by_kind',
    booking ->> 'created_by_id', booking ->> 'idempotency_key', booking ->> 'group_code',
    booking ->> 'plan_national_version', booking ->> 'plan_calendar_version', booking ->> 'offer_id',
    (booking ->> 'self_declaration_needed')::boolean, (audit ->> 'occurred_at')::timestamptz)
  RETURNING * INTO first_booking;

  -- BOOK-10: the second dose, same hub and product, on the recommended day if it has a place, else the
  -- nearest day of the window; on that day, the time nearest to the first dose's.
  interval_days := intervals -> product;
  IF interval_days IS NOT NULL THEN
    first_time := (slot.starts_at AT TIME ZONE 'Europe/Rome')::time;
    <<passes>>
    FOR pass IN 1 .. 2 LOOP
      from_day := slot.day + (interval_days ->> CASE pass WHEN 1 THEN 'target' ELSE 'min' END)::integer;
      to_day := slot.day + (interval_days ->> CASE pass WHEN 1 THEN 'target' ELSE 'max' END)::integer;
      FOR candidate IN
        SELECT s.id FROM slots s
        JOIN hub_day_stock st ON st.vaccination_point_id = s.vaccination_point_id AND st.day = s.day
          AND st.product_code = product AND st.booked < st.doses
        WHERE s.vaccination_point_id = slot.vaccination_point_id AND s.booked < s.capacity
          AND s.day BETWEEN from_day AND to_day
        ORDER BY abs(s.day - (slot.day + (interval_days ->> 'target')::integer)),
          abs(extract(epoch FROM (s.starts_at AT TIME ZONE 'Europe/Rome')::time - first_time)), s.starts_at
      LOOP
        UPDATE slots s SET booked = s.booked + 1 WHERE s.id = candidate AND s.booked < s.capacity
        RETURNING s.* INTO second_slot;
        CONTINUE WHEN NOT FOUND;
        UPDATE hub_day_stock st SET booked = st.booked + 1
        WHERE st.vaccination_point_id = second_slot.vaccination_point_id AND st.day = second_slot.day
          AND st.product_code = product AND st.booked < st.doses;
        IF FOUND THEN
          EXIT passes;
        END IF;
        -- The day's doses went to others meanwhile: give the place back and look further.
        UPDATE slots s SET booked = s.booked - 1 WHERE s.id = second_slot.id;
        second_slot := NULL;
      END LOOP;
    END LOOP;
    IF second_slot.id IS NULL THEN
      RAISE EXCEPTION 'SECOND_DOSE_NO_PLACE' USING DETAIL = jsonb_build_object('params', jsonb_build_object(
        'product', product,
        'earliest', slot.day + (interval_days ->> 'min')::integer,
        'latest', slot.day + (interval_days ->> 'max')::integer))::text;
    END IF;
    INSERT INTO bookings (code, person_id, dose_number, slot_id, vaccination_point_id, starts_at, product_code,
      status, channel, created_by_kind, created_by_id, idempotency_key, group_code, plan_national_version,
      plan_calendar_version, offer_id, self_declaration_needed, first_dose_booking_id, created_at)
    VALUES (booking ->> 'second_code', first_booking.person_id, 2, second_slot.id,
      second_slot.vaccination_point_id, second_slot.starts_at, product, 'confirmed', first_booking.channel,
      first_booking.created_by_kind, first_booking.created_by_id, NULL, first_booking.group_code,
      first_booking.plan_national_version, first_booking.plan_calendar_version, first_booking.offer_id,
      first_booking.self_declaration_needed, first_booking.id, first_booking.created_at)
    RETURNING * INTO second_booking;
  END IF;

  -- SEC-4: the records of the change, in the change's transaction.
  INSERT INTO audit_log (occurred_at, actor_kind, actor_id, actor_role, channel, correlation_id, entity_type,
    entity_id, action, after)
  SELECT (audit ->> 'occurred_at')::timestamptz, audit ->> 'actor_kind', audit ->> 'actor_id',
    audit ->> 'actor_role', audit ->> 'channel', audit ->> 'correlation_id', 'booking', entry.id::text,
    entry.action, entry.after
  FROM (VALUES (first_booking.id, 'book', to_jsonb(first_booking)),
               (second_booking.id, 'book_second_dose', to_jsonb(second_booking))) AS entry (id, action, after)
  WHERE entry.id IS NOT NULL;

  RETURN jsonb_build_object(
    'slot_index', slot_index,
    'first', to_jsonb(first_booking),
    'second', CASE WHEN second_booking.id IS NULL THEN NULL ELSE to_jsonb(second_booking) END,
    'place', (SELECT jsonb_build_object('code', p.code, 'name', p.name, 'address', p.address,
                'municipality', m.name)
              FROM vaccination_points p JOIN municipalities m ON m.istat = p.municipality_istat
              WHERE p.id = slot.vaccination_point_id));
END;
$$;

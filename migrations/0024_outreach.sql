-- Active calling (spec 30-booking.md BOOK-17; 20-eligibility.md ELIG-2, ELIG-21; seed 002): a health
-- authority's campaigns over a selection of entitled people, their targets snapshotted in priority order,
-- every contact attempt and its outcome, slot proposals the person confirms or changes, GP reports of
-- people not contacted. Messages go through the messaging outbox (0018) in the cause's transaction.

-- BOOK-17: how a person can be reached. The registry records phones and e-mail but not whether the person
-- can hear a call, read a letter, or use the phone or internet they have: the seed asks the health
-- authorities to mind deaf people ("l'impossibilità a ricevere direttamente le telefonate") and people
-- without phone or internet. One row per need; the channel plan reads them (src/modules/outreach/rules.ts)
-- and a trigger below refuses a recorded phone call to a deaf person whatever the application does.
CREATE TABLE person_communication_needs (
  person_id bigint NOT NULL REFERENCES persons (id),
  need text NOT NULL CHECK (need IN ('deaf', 'blind', 'no_phone', 'no_internet')),
  -- Who told us: the person, an operator on the phone or at a point, the GP, a list.
  source text NOT NULL CHECK (source IN ('person', 'operator', 'gp', 'list')),
  recorded_at timestamptz NOT NULL,
  recorded_by_kind text NOT NULL CHECK (recorded_by_kind IN ('staff', 'citizen', 'system', 'anonymous')),
  recorded_by_id text,
  PRIMARY KEY (person_id, need)
);

-- A campaign of one health authority. selection keeps the criteria as given (what the snapshot used);
-- deadline is the ELIG-21 date by which every target should have been contacted (a Rome calendar date:
-- a contact on that day counts), from the plan's deadlines (deadline_id, plan/outreach-deadlines.json)
-- or set by the authority. proposal_hours: a contact may carry a proposed slot, valid that many hours;
-- NULL: invitations only.
CREATE TABLE outreach_campaigns (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  health_authority_code text NOT NULL REFERENCES health_authorities (code),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  selection jsonb NOT NULL CHECK (jsonb_typeof(selection) = 'object'),
  deadline date NOT NULL,
  deadline_id text CHECK (length(deadline_id) BETWEEN 1 AND 80),
  proposal_hours integer CHECK (proposal_hours BETWEEN 1 AND 720),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  target_count integer NOT NULL DEFAULT 0 CHECK (target_count >= 0),
  created_at timestamptz NOT NULL,
  created_by_kind text NOT NULL CHECK (created_by_kind IN ('staff', 'citizen', 'system', 'anonymous')),
  created_by_id text
);

CREATE INDEX outreach_campaigns_authority ON outreach_campaigns (health_authority_code, id);

-- ELIG-2: the targets in the order they are to be contacted (rank 1 first), written once by one
-- INSERT … SELECT when the campaign is created (a GP report may add one later, at the end).
-- next_step is the channel plan's decision for the person (rules.ts): invite (not contacted yet), wait
-- (a message is out or the person was reached), call (on the operators' list), none (no way to reach
-- them: the GP follow-up), done (booked or refused). replan: something happened that the plan must look
-- at again (a message of the campaign failed; set by the trigger on messages below).
CREATE TABLE outreach_targets (
  campaign_id bigint NOT NULL REFERENCES outreach_campaigns (id),
  person_id bigint NOT NULL REFERENCES persons (id),
  rank integer NOT NULL CHECK (rank >= 1),
  priority smallint,
  origin text NOT NULL CHECK (origin IN ('selection', 'gp_report')),
  next_step text NOT NULL DEFAULT 'invite' CHECK (next_step IN ('invite', 'wait', 'call', 'none', 'done')),
  replan boolean NOT NULL DEFAULT false,
  added_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, person_id)
);

CREATE INDEX outreach_targets_rank ON outreach_targets (campaign_id, rank);
CREATE INDEX outreach_targets_step ON outreach_targets (campaign_id, next_step, rank);
CREATE INDEX outreach_targets_replan ON outreach_targets (campaign_id, rank) WHERE replan;
CREATE INDEX outreach_targets_person ON outreach_targets (person_id);

-- BOOK-17: a phone call made by an operator and its outcome. Answered: reached, refused, booked,
-- will_book; not answered: no_answer, wrong_number.
CREATE TABLE outreach_calls (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id bigint NOT NULL,
  person_id bigint NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'wrong_number', 'refused', 'booked', 'will_book')),
  called_at timestamptz NOT NULL,
  operator_id text NOT NULL,
  note text CHECK (length(note) <= 1000),
  proposal_id bigint,
  booking_id bigint REFERENCES bookings (id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES outreach_targets (campaign_id, person_id)
);

CREATE INDEX outreach_calls_target ON outreach_calls (campaign_id, person_id, called_at);

-- BOOK-17: no phone call to a deaf person, held by the database.
CREATE FUNCTION outreach_calls_not_to_deaf() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM person_communication_needs WHERE person_id = NEW.person_id AND need = 'deaf') THEN
    RAISE EXCEPTION 'OUTREACH_NO_CALL_TO_DEAF' USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER outreach_calls_not_to_deaf BEFORE INSERT ON outreach_calls
  FOR EACH ROW EXECUTE FUNCTION outreach_calls_not_to_deaf();

-- BOOK-17: a slot proposed to a person. The proposal does not hold the place (the decision is in
-- src/modules/outreach/README.md): confirming books it through the normal booking path (take_booking),
-- which takes the place only if it is still free, under the same conditional update as every booking; a
-- proposal that can no longer be honoured sends the person to the normal search. The booking it made is
-- unique to it; one open proposal per person and campaign.
CREATE TABLE outreach_proposals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id bigint NOT NULL,
  person_id bigint NOT NULL,
  slot_id bigint NOT NULL REFERENCES slots (id),
  vaccination_point_id bigint NOT NULL REFERENCES vaccination_points (id),
  starts_at timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'changed', 'withdrawn')),
  booking_id bigint UNIQUE REFERENCES bookings (id),
  decided_at timestamptz,
  decided_via text CHECK (decided_via IN ('portal', 'phone')),
  created_at timestamptz NOT NULL,
  FOREIGN KEY (campaign_id, person_id) REFERENCES outreach_targets (campaign_id, person_id),
  CHECK ((status = 'confirmed') = (booking_id IS NOT NULL)),
  CHECK ((status = 'open') = (decided_at IS NULL))
);

CREATE UNIQUE INDEX outreach_proposals_one_open ON outreach_proposals (campaign_id, person_id) WHERE status = 'open';
CREATE INDEX outreach_proposals_person ON outreach_proposals (person_id, id);

-- ELIG-21: a GP reports that a person on a fragility list was not contacted. resolution: the person was
-- already a target of the campaign (which now calls them first), was added to it, or went to the
-- authority's follow-up list (no active campaign of theirs).
CREATE TABLE outreach_gp_reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES persons (id),
  health_authority_code text REFERENCES health_authorities (code),
  campaign_id bigint REFERENCES outreach_campaigns (id),
  resolution text NOT NULL CHECK (resolution IN ('already_target', 'added_to_campaign', 'follow_up')),
  note text CHECK (length(note) <= 1000),
  reported_at timestamptz NOT NULL,
  reported_by_id text NOT NULL,
  CHECK ((resolution = 'follow_up') = (campaign_id IS NULL))
);

CREATE INDEX outreach_gp_reports_authority ON outreach_gp_reports (health_authority_code, reported_at);

-- A failed message of a campaign asks the channel plan to look at the person again (an SMS failed: an
-- operator calls). The messaging worker needs to know nothing of campaigns.
CREATE FUNCTION outreach_message_failed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE outreach_targets SET replan = true, updated_at = now()
  WHERE campaign_id = NEW.cause_id AND person_id = NEW.person_id AND next_step <> 'done';
  RETURN NULL;
END $$;

CREATE TRIGGER messages_outreach_failed AFTER UPDATE OF status ON messages
  FOR EACH ROW WHEN (NEW.cause_kind = 'outreach_campaign' AND NEW.status = 'failed' AND OLD.status <> 'failed')
  EXECUTE FUNCTION outreach_message_failed();

-- A health authority and the ones under it (an ATS and its ASSTs).
CREATE FUNCTION outreach_authority_codes(p_code text) RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT array_agg(code) FROM health_authorities WHERE code = p_code OR parent_code = p_code
$$;

-- The provinces an authority serves, from its vaccination points: where its people live when the
-- registry does not name their authority (the synthetic population does not).
CREATE FUNCTION outreach_authority_provinces(p_codes text[]) RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(DISTINCT m.province_code), '{}')
  FROM vaccination_points v JOIN municipalities m ON m.istat = v.municipality_istat
  WHERE v.health_authority_code = ANY (p_codes)
$$;

-- BOOK-17: a message through the channel the channel plan chose (messaging_enqueue picks the person's
-- usual one). The recipient as messaging_contact builds it; NULL when the person has no usable address
-- for that channel, is deceased, or the cause already wrote it (dedupe_key).
CREATE FUNCTION messaging_enqueue_via(
  p_person_id bigint,
  p_channel text,
  p_template text,
  p_cause_kind text,
  p_cause_id bigint,
  p_dedupe_key text,
  p_params jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  person persons%ROWTYPE;
  recipient text;
  place text;
  message_id bigint;
BEGIN
  SELECT * INTO person FROM persons WHERE id = p_person_id;
  IF NOT FOUND OR person.status = 'deceased' THEN
    RETURN NULL;
  END IF;
  IF p_channel = 'email' THEN
    IF btrim(person.email) ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN
      recipient := btrim(person.email);
    END IF;
  ELSIF p_channel = 'sms' THEN
    recipient := messaging_mobile(person.phone);
  ELSIF p_channel = 'letter' THEN
    IF person.domicile_municipality_istat IS NOT NULL THEN
      SELECT concat_ws(' ', person.domicile_cap, m.name, '(' || pr.abbreviation || ')') INTO place
      FROM municipalities m JOIN provinces pr ON pr.code = m.province_code
      WHERE m.istat = person.domicile_municipality_istat;
      recipient := concat_ws(E'\n', person.given_name || ' ' || person.surname,
        nullif(btrim(person.domicile_address), ''), nullif(place, ''));
    ELSIF person.residence_municipality_istat IS NOT NULL THEN
      SELECT concat_ws(' ', m.name, '(' || pr.abbreviation || ')') INTO place
      FROM municipalities m JOIN provinces pr ON pr.code = m.province_code
      WHERE m.istat = person.residence_municipality_istat;
      recipient := concat_ws(E'\n', person.given_name || ' ' || person.surname,
        nullif(btrim(person.residence_address), ''), nullif(place, ''));
    END IF;
  END IF;
  IF recipient IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO messages (person_id, channel, template, language, recipient, params, cause_kind, cause_id,
    dedupe_key)
  VALUES (p_person_id, p_channel, p_template,
    CASE WHEN to_jsonb(person) ->> 'preferred_language' = 'en' THEN 'en' ELSE 'it' END, recipient,
    jsonb_build_object('givenName', person.given_name, 'surname', person.surname) || p_params,
    p_cause_kind, p_cause_id, p_dedupe_key)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id INTO message_id;
  RETURN message_id;
END $$;

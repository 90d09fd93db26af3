-- The national person registry of the simulated health-card system (Sistema TS), searched by the
-- regions by identifier only (REG-5). Names are unqualified: the simulator's connections put the
-- schema `national` first and alone on their search_path (src/national/db.ts), so these tables never
-- mix with the regional platform's even in the same PostgreSQL database.
--
-- identifier: the person's one identifier (REG-1) of identifier_type. The formats do not overlap (a
-- codice fiscale has letters in its first six places), so the identifier alone finds the person.
-- Simulator conventions for the codes the real system issues: ORD7 + 12 of A-Z 0-9 (Ordinance 7/2021),
-- TSF + 13 digits (TS_FOREIGN), STP / ENI + 13 digits (region 3, health authority 3, progressive 7).
-- status: REG-4 as seen by the region the simulator serves; region_code: ISTAT code of the region of
-- assistance, none for AIRE and Ordinance 7 people. residence_country_code: Z-code of the country of
-- residence of people living abroad (AIRE) or registered abroad (FOREIGN).
CREATE TABLE persons (
  identifier text PRIMARY KEY,
  identifier_type text NOT NULL
    CONSTRAINT persons_identifier_type CHECK (identifier_type IN ('CF', 'ORD7', 'TS_FOREIGN', 'STP', 'ENI')),
  surname text NOT NULL CHECK (surname <> ''),
  given_name text NOT NULL CHECK (given_name <> ''),
  sex text NOT NULL CONSTRAINT persons_sex CHECK (sex IN ('M', 'F')),
  birth_date date NOT NULL,
  birth_place_code text CONSTRAINT persons_birth_place_code_format CHECK (birth_place_code ~ '^[A-Z][0-9]{3}$'),
  status text NOT NULL
    CONSTRAINT persons_status CHECK (status IN ('ACTIVE_REGION', 'OUT_OF_REGION', 'AIRE', 'FOREIGN', 'DECEASED')),
  region_code text CONSTRAINT persons_region_code_format CHECK (region_code ~ '^(0[1-9]|1[0-9]|20)$'),
  residence_municipality_istat text
    CONSTRAINT persons_residence_municipality_istat_format CHECK (residence_municipality_istat ~ '^[0-9]{6}$'),
  residence_country_code text
    CONSTRAINT persons_residence_country_code_format CHECK (residence_country_code ~ '^Z[0-9]{3}$'),
  domicile_municipality_istat text
    CONSTRAINT persons_domicile_municipality_istat_format CHECK (domicile_municipality_istat ~ '^[0-9]{6}$'),
  domicile_cap text CONSTRAINT persons_domicile_cap_format CHECK (domicile_cap ~ '^[0-9]{5}$'),
  health_card_number text UNIQUE
    CONSTRAINT persons_health_card_number_format CHECK (health_card_number ~ '^[0-9]{20}$'),
  mobile text,
  email text,
  CONSTRAINT persons_identifier_format CHECK (
    CASE identifier_type
      WHEN 'CF' THEN identifier ~ '^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$'
      WHEN 'ORD7' THEN identifier ~ '^ORD7[A-Z0-9]{12}$'
      WHEN 'TS_FOREIGN' THEN identifier ~ '^TSF[0-9]{13}$'
      WHEN 'STP' THEN identifier ~ '^STP[0-9]{13}$'
      ELSE identifier ~ '^ENI[0-9]{13}$'
    END
  ),
  CONSTRAINT persons_residence_one_place CHECK (
    residence_municipality_istat IS NULL OR residence_country_code IS NULL
  )
);

-- One row once the seed has finished: a seed interrupted half-way is redone from scratch.
CREATE TABLE seed_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  people integer NOT NULL,
  seeded_at timestamptz NOT NULL DEFAULT now()
);

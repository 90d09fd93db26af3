-- VAX-7: the dose number the system assigned stays visible next to a forced one, and a second forcing
-- warns that the number was forced before.
ALTER TABLE administrations
  ADD COLUMN assigned_dose_number smallint CHECK (assigned_dose_number BETWEEN 1 AND 20),
  ADD COLUMN dose_number_forced_at timestamptz,
  ADD COLUMN dose_number_forced_by bigint REFERENCES staff_accounts (id);
UPDATE administrations SET assigned_dose_number = dose_number;
ALTER TABLE administrations ALTER COLUMN assigned_dose_number SET NOT NULL;

-- DCC-2: the doses that complete the primary cycle a dose belongs to (2 for Comirnaty, 1 for Janssen or
-- after a prior infection), as the registry's rules saw it when the dose was recorded or renumbered. The
-- certificate's sd comes from it (boosters and additional doses: sd = dn). Null for records made before.
ALTER TABLE administrations ADD COLUMN cycle_doses smallint CHECK (cycle_doses BETWEEN 1 AND 20);

-- Group booking (issue 5, beyond the seeds): a fragile person and up to 3 linked people booked in one step
-- share a group code; the leader's booking carries the Idempotency-Key, the others the key with #2..#4.
ALTER TABLE bookings ADD COLUMN group_code text CHECK (group_code ~ '^[A-Z0-9]{8}$');
CREATE INDEX bookings_group_code ON bookings (group_code) WHERE group_code IS NOT NULL;

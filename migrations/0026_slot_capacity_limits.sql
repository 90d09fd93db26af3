-- BOOK-12: the most places a capacity change left a slot (0 for a closed day). Re-saving a hub-day
-- regenerates its slots from the day's hours and stations (BookingService.setHubDay); without this limit
-- a day closed by a change would quietly reopen when an administrator later corrected, say, its stock,
-- and new bookings would flow to a hub whose people were moved away. Only an explicit reopening clears it.
ALTER TABLE slots ADD COLUMN capacity_limit integer CHECK (capacity_limit >= 0);

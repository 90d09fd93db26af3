-- Data retention (src/modules/retention/README.md): the tables that grow with every change and every
-- message are trimmed by a periodic job, so a campaign that runs for months keeps only what it needs.

-- A message past its retention keeps what was sent, when, and with which outcome (BOOK-17), but not the
-- person's address or what it said: redacted_at marks it done once, and tells the pages why the text is gone.
-- A pending message is never redacted: it has still to be written with its params.
ALTER TABLE messages
  ADD COLUMN redacted_at timestamptz,
  ADD CONSTRAINT messages_redacted_when_done CHECK (redacted_at IS NULL OR status <> 'pending');

-- The retention job's scan: the messages still holding personal data, by the time their age counts from
-- (sent_at for a sent message, created_at for a failed or cancelled one, which never had a sent_at).
CREATE INDEX messages_unredacted_age ON messages ((coalesce(sent_at, created_at)))
  WHERE redacted_at IS NULL AND status <> 'pending';

-- The national outbox needs none: national_outbox_acknowledged (0016) is the scan's index.

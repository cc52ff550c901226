-- When a reminder ended (sent, failed, missed, skipped or cancelled),
-- microseconds since 1970, UTC: how late a sent one went out.
ALTER TABLE reminders ADD COLUMN finished_at BIGINT;

ALTER TABLE reminders DROP COLUMN finished_at;

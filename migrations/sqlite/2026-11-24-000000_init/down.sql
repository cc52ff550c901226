-- Children before parents, so the foreign keys never dangle.
DROP TABLE audit_log;
DROP TABLE key_values;
DROP TABLE processed_updates;
DROP TABLE dialogs;
DROP TABLE calendar_jobs;
DROP TABLE reminders;
DROP TABLE meetings;
DROP TABLE users;

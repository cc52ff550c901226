-- The code before this migration knows no SKIPPED reminder; to it, one
-- that was not sent for an unreachable recipient reads best as cancelled.
UPDATE reminders SET state = 'CANCELLED' WHERE state = 'SKIPPED';
DROP TABLE rsvps;
DROP TABLE feedback;
DROP TABLE done_once;

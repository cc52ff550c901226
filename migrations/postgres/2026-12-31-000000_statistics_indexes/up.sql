-- What the owner's statistics read: meetings by start (the period), new
-- bookings by when they were made, meetings by type, ratings from the
-- lowest, and each booker's meetings without reading the table rows.
CREATE INDEX meetings_by_start ON meetings (starts_at);
CREATE INDEX meetings_booked ON meetings (created_at) WHERE rescheduled_from IS NULL;
CREATE INDEX meetings_by_type ON meetings (meeting_type, status, starts_at);
CREATE INDEX feedback_by_rating ON feedback (rating, meeting_id);
DROP INDEX meetings_by_booker;
CREATE INDEX meetings_by_booker ON meetings (booker_id, status, starts_at, ends_at, cancelled_by);

DROP INDEX meetings_by_booker;
CREATE INDEX meetings_by_booker ON meetings (booker_id, status, starts_at);
DROP INDEX feedback_by_rating;
DROP INDEX meetings_by_type;
DROP INDEX meetings_booked;
DROP INDEX meetings_by_start;

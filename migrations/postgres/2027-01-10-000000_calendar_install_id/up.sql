-- Calendar events are named with a random id of this database, so that two
-- installs (or one whose database was made anew) writing to one calendar
-- never touch each other's events. Meetings made before keep the names
-- their events were written under: those below the first meeting noted here.
INSERT INTO key_values (key, value)
VALUES ('calendar.install_id', left(replace(gen_random_uuid()::text, '-', ''), 16));
INSERT INTO key_values (key, value)
SELECT 'calendar.first_install_meeting', (COALESCE(MAX(id), 0) + 1)::text FROM meetings;

-- Calendar events are named with a random id of this database, so that two
-- installs (or one whose database was made anew) writing to one calendar
-- never touch each other's events. Meetings made before keep the names
-- their events were written under: those below the first meeting noted here.
INSERT INTO key_values (key, value)
VALUES ('calendar.install_id', lower(hex(randomblob(8))));
INSERT INTO key_values (key, value)
SELECT 'calendar.first_install_meeting', CAST(COALESCE(MAX(id), 0) + 1 AS TEXT) FROM meetings;

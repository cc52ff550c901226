DROP TABLE outbox;

CREATE TABLE processed_updates (
    update_id   BIGINT NOT NULL PRIMARY KEY,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX processed_updates_by_time ON processed_updates (recorded_at);
INSERT INTO processed_updates (update_id, recorded_at)
SELECT update_id, received_at FROM inbox;
DROP TABLE inbox;

-- One row, rewritten by every health check and at start-up: reading alone
-- does not show that the database still accepts writes (a read-only file,
-- a full disk), writing this row does.
CREATE TABLE heartbeat (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    beat_at BIGINT  NOT NULL
);

-- The inbox: every update as received, stored before the transport is told
-- it arrived, and marked handled in the transaction of its handling. The
-- ids of updates handled before it existed are kept, as handled, so that a
-- redelivery of one of them is still recognised.
CREATE TABLE inbox (
    update_id   BIGINT NOT NULL PRIMARY KEY,
    payload     TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    handled_at  BIGINT
);
CREATE INDEX inbox_unhandled ON inbox (update_id) WHERE handled_at IS NULL;
CREATE INDEX inbox_handled ON inbox (handled_at) WHERE handled_at IS NOT NULL;

INSERT INTO inbox (update_id, payload, received_at, handled_at)
SELECT update_id, '{}', recorded_at, recorded_at FROM processed_updates;
DROP TABLE processed_updates;

-- The outbox of messages: written in the transaction of the change a
-- message reports, sent after. `not_before` is a retry time or the end of
-- a lease; `message` is the recipient's language and what to show, as JSON.
CREATE TABLE outbox (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    recipient   BIGINT  NOT NULL,
    message     TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  BIGINT  NOT NULL,
    queued_at   BIGINT  NOT NULL,
    finished_at BIGINT,
    last_error  TEXT
);
CREATE INDEX outbox_queue ON outbox (recipient, id) WHERE state = 'PENDING';
CREATE INDEX outbox_due ON outbox (not_before) WHERE state = 'PENDING';
CREATE INDEX outbox_finished ON outbox (finished_at) WHERE state <> 'PENDING';

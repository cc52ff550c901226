-- meetbot's schema on SQLite. The Postgres folder holds the same shape.
-- Instants are BIGINT microseconds since the Unix epoch (UTC); enums are
-- their stable names; zones are IANA names.

CREATE TABLE users (
    id            BIGINT  NOT NULL PRIMARY KEY, -- the Telegram user id
    name          TEXT    NOT NULL,
    username      TEXT,
    role          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    department    TEXT,
    email         TEXT,
    language      TEXT    NOT NULL,
    zone          TEXT    NOT NULL,
    subscribed    BOOLEAN NOT NULL,
    registered_at BIGINT  NOT NULL
);
CREATE INDEX users_by_role ON users (role, registered_at);

-- AUTOINCREMENT so an id is never handed out twice, even after a delete.
CREATE TABLE meetings (
    id               INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    booker_id        BIGINT  NOT NULL REFERENCES users (id),
    starts_at        BIGINT  NOT NULL,
    ends_at          BIGINT  NOT NULL,
    meeting_type     TEXT    NOT NULL,
    topic            TEXT,
    status           TEXT    NOT NULL,
    rescheduled_from BIGINT  REFERENCES meetings (id),
    rescheduled_to   BIGINT  REFERENCES meetings (id),
    cancelled_by     BIGINT,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_by_status_and_start ON meetings (status, starts_at);
CREATE INDEX meetings_by_booker ON meetings (booker_id, status, starts_at);

-- A reminder may go to somebody who is not (yet) a user, so the recipient
-- has no foreign key. `not_before` is when it may be claimed next: its due
-- time, a retry time, or the end of a running lease.
CREATE TABLE reminders (
    id             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    meeting_id     BIGINT  NOT NULL REFERENCES meetings (id),
    recipient_id   BIGINT  NOT NULL,
    offset_minutes INTEGER NOT NULL,
    due_at         BIGINT  NOT NULL,
    state          TEXT    NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    not_before     BIGINT  NOT NULL,
    UNIQUE (meeting_id, recipient_id, offset_minutes)
);
CREATE INDEX reminders_claimable ON reminders (state, not_before);

-- The calendar outbox. `not_before` is a retry time or the end of a lease.
CREATE TABLE calendar_jobs (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    meeting_id BIGINT  NOT NULL REFERENCES meetings (id),
    kind       TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before BIGINT  NOT NULL,
    last_error TEXT,
    created_at BIGINT  NOT NULL
);
CREATE INDEX calendar_jobs_claimable ON calendar_jobs (not_before);

CREATE TABLE dialogs (
    user_id BIGINT NOT NULL PRIMARY KEY,
    state   TEXT   NOT NULL
);

CREATE TABLE processed_updates (
    update_id   BIGINT NOT NULL PRIMARY KEY,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX processed_updates_by_time ON processed_updates (recorded_at);

CREATE TABLE key_values (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_log (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    happened_at BIGINT  NOT NULL,
    actor_id    BIGINT,
    action      TEXT    NOT NULL,
    target      TEXT,
    details     TEXT    NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (happened_at, id);

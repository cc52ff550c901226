-- Reminders, cadence nudges, feedback requests and the weekly group meeting.
-- Only new tables: nothing that exists is changed. A reminder skipped for an
-- unreachable recipient is stored as state 'SKIPPED' in the existing TEXT
-- column.

-- Things done once only (a nudge, a digest, an invitation to one person):
-- the primary key makes a second recording a no-op, also between instances.
CREATE TABLE done_once (
    key     TEXT   NOT NULL PRIMARY KEY,
    done_at BIGINT NOT NULL
);

-- One feedback per meeting, from its booker; a new one replaces it.
CREATE TABLE feedback (
    meeting_id BIGINT  NOT NULL PRIMARY KEY REFERENCES meetings (id),
    author_id  BIGINT  NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    TEXT,
    given_at   BIGINT  NOT NULL
);
CREATE INDEX feedback_by_author ON feedback (author_id, given_at);

-- Answers to the group meeting, one per person and occurrence.
CREATE TABLE rsvps (
    occurrence  TEXT   NOT NULL,
    user_id     BIGINT NOT NULL,
    answer      TEXT   NOT NULL,
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (occurrence, user_id)
);

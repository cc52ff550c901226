DROP INDEX outbox_queue;
DROP INDEX outbox_due;
CREATE INDEX outbox_queue ON outbox (recipient, id) WHERE state = 'PENDING';
CREATE INDEX outbox_due ON outbox (not_before) WHERE state = 'PENDING';

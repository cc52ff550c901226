-- The outbox's indexes name the state as their first column instead of
-- being partial (`WHERE state = 'PENDING'`): a query that binds the state
-- then matches them as any other index. Against a partial index SQLite
-- peeks at the bound state while it plans, and prepares the statement
-- again every time it runs.
DROP INDEX outbox_queue;
DROP INDEX outbox_due;
CREATE INDEX outbox_queue ON outbox (state, recipient, id);
CREATE INDEX outbox_due ON outbox (state, not_before);

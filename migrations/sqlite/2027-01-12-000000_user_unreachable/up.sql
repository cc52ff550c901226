-- When Telegram last refused a message to the person because they blocked
-- the bot (microseconds since 1970, UTC); cleared when they write again.
ALTER TABLE users ADD COLUMN unreachable_since BIGINT;

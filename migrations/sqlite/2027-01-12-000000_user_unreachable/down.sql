ALTER TABLE users DROP COLUMN unreachable_since;

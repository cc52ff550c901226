-- The owner reads the audit log page by page from the newest, filtered by
-- a person (as actor, or as the target of an action on people) and by kind
-- of action: each filter walks its own index in id order.
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_by_target ON audit_log (target, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);

-- The audit trail: every change and who made it, append-only. Each record carries the SHA-256
-- of its contents chained to the previous record's hash (see AuditChain), so an edited or
-- removed record is found by `podhop audit verify`.
CREATE TABLE audit_records (
  seq            INTEGER PRIMARY KEY,
  time           INTEGER NOT NULL,
  actor          TEXT NOT NULL,
  source_address TEXT NOT NULL,
  action         TEXT NOT NULL,
  target         TEXT NOT NULL,
  details        TEXT NOT NULL DEFAULT '{}',
  hash           TEXT NOT NULL
);
CREATE INDEX audit_records_actor ON audit_records (actor, seq);
CREATE INDEX audit_records_target ON audit_records (target, seq);

CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

-- The delivery id of the webhook that asked for a job (trigger = 'webhook').
ALTER TABLE migrations ADD COLUMN delivery_id TEXT;

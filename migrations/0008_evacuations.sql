-- Evacuations: every movable pod of a node, one child job each. The pods that stay are stored
-- with their reason; the evacuation finishes when its last child job does.
CREATE TABLE evacuations (
  id            TEXT PRIMARY KEY,
  node          TEXT NOT NULL,
  target_node   TEXT,
  requested_by  TEXT NOT NULL,
  trigger       TEXT NOT NULL CHECK (trigger IN ('api', 'webhook')),
  delivery_id   TEXT,
  request_key   TEXT,
  skipped_json  TEXT NOT NULL DEFAULT '[]',
  created_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX evacuations_created ON evacuations (created_at, id);
-- An Idempotency-Key or webhook delivery id: a repeated request answers the first evacuation.
CREATE UNIQUE INDEX evacuations_request_key ON evacuations (requested_by, request_key) WHERE request_key IS NOT NULL;

-- A job's evacuation, and why podhop chose its target node when the caller did not.
ALTER TABLE migrations ADD COLUMN evacuation_id TEXT REFERENCES evacuations (id);
ALTER TABLE migrations ADD COLUMN target_reason TEXT;
CREATE INDEX migrations_evacuation ON migrations (evacuation_id) WHERE evacuation_id IS NOT NULL;

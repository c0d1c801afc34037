-- Migration jobs, their per-stage records, their append-only history, and idempotency keys.
-- Times are INTEGER microseconds since the Unix epoch (UTC).

CREATE TABLE migrations (
  id                    TEXT PRIMARY KEY,
  state                 TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  stage                 TEXT NOT NULL CHECK (stage IN ('preflight', 'checkpoint', 'build', 'push', 'restore', 'finalize')),
  source_namespace      TEXT NOT NULL,
  source_pod            TEXT NOT NULL,
  source_container      TEXT,
  source_node           TEXT,
  target_node           TEXT NOT NULL,
  source_policy         TEXT NOT NULL CHECK (source_policy IN ('delete', 'keep')),
  image_repository      TEXT,
  image_reference       TEXT,
  image_digest          TEXT,
  checkpoint_archive    TEXT,
  checkpoint_size_bytes INTEGER,
  restored_namespace    TEXT,
  restored_name         TEXT,
  restored_node         TEXT,
  restored_uid          TEXT,
  attempt               INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  error_stage           TEXT,
  error_message         TEXT,
  error_retryable       INTEGER,
  labels                TEXT NOT NULL DEFAULT '{}',
  requested_by          TEXT NOT NULL,
  trigger               TEXT NOT NULL CHECK (trigger IN ('api', 'webhook')),
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  started_at            INTEGER,
  finished_at           INTEGER,
  run_at                INTEGER NOT NULL,
  lease_owner           TEXT,
  lease_until           INTEGER,
  cancel_requested      INTEGER NOT NULL DEFAULT 0,
  next_event_seq        INTEGER NOT NULL DEFAULT 1
);

-- At most one active job per pod; the API turns a violation into 409 naming the active job.
CREATE UNIQUE INDEX migrations_one_active_per_pod
  ON migrations (source_namespace, source_pod) WHERE state IN ('queued', 'running');
-- The lease query scans only queued jobs, oldest eligible first.
CREATE INDEX migrations_queued ON migrations (run_at, created_at) WHERE state = 'queued';
-- The rescuer and the per-node limit look only at running jobs.
CREATE INDEX migrations_running ON migrations (lease_until) WHERE state = 'running';
-- Listing: newest first with a stable (created_at, id) order.
CREATE INDEX migrations_created ON migrations (created_at, id);

CREATE TABLE migration_stages (
  migration_id     TEXT NOT NULL REFERENCES migrations (id) ON DELETE CASCADE,
  position         INTEGER NOT NULL,
  name             TEXT NOT NULL CHECK (name IN ('preflight', 'checkpoint', 'build', 'push', 'restore', 'finalize')),
  state            TEXT NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'canceled')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  started_at       INTEGER,
  finished_at      INTEGER,
  duration_seconds REAL,
  PRIMARY KEY (migration_id, position)
) WITHOUT ROWID;

CREATE TABLE migration_events (
  migration_id TEXT NOT NULL REFERENCES migrations (id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  time         INTEGER NOT NULL,
  type         TEXT NOT NULL,
  stage        TEXT,
  attempt      INTEGER,
  message      TEXT NOT NULL,
  data         TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (migration_id, seq)
) WITHOUT ROWID;

-- Idempotency-Key: per caller, the hash of the first request and the response it got.
CREATE TABLE idempotency_keys (
  principal     TEXT NOT NULL,
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  migration_id  TEXT NOT NULL REFERENCES migrations (id) ON DELETE CASCADE,
  response_body BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  PRIMARY KEY (principal, key)
) WITHOUT ROWID;

-- Outbound notifications. A state change writes its event here in the same transaction; the
-- deliverer fans each event out to the subscriptions that want it (one delivery each), then
-- deletes the event. Deliveries keep their payload, every attempt, and their outcome.
CREATE TABLE notification_events (
  seq        INTEGER PRIMARY KEY,
  type       TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE notification_deliveries (
  id              TEXT PRIMARY KEY,
  subscription    TEXT NOT NULL,
  type            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'disabled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_deliveries_created ON notification_deliveries (created_at, id);

CREATE TABLE notification_attempts (
  delivery_id TEXT NOT NULL REFERENCES notification_deliveries (id) ON DELETE CASCADE,
  attempt     INTEGER NOT NULL,
  time        INTEGER NOT NULL,
  status      INTEGER,
  error       TEXT,
  PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;

-- Subscriptions switched off because their endpoint answered 410 Gone.
CREATE TABLE notification_subscriptions_disabled (
  name        TEXT PRIMARY KEY,
  disabled_at INTEGER NOT NULL,
  reason      TEXT NOT NULL
);

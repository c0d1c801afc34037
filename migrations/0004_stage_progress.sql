-- The latest progress a running stage attempt reported (bytes done and, when known, the total),
-- written at most about once a second by the worker running it. Cleared when an attempt
-- starts; shown only while the job is running at the stage that reported it.
ALTER TABLE migrations ADD COLUMN progress_stage TEXT
  CHECK (progress_stage IN ('preflight', 'checkpoint', 'build', 'push', 'restore', 'finalize'));
ALTER TABLE migrations ADD COLUMN progress_bytes_done INTEGER CHECK (progress_bytes_done >= 0);
ALTER TABLE migrations ADD COLUMN progress_bytes_total INTEGER CHECK (progress_bytes_total >= 0);
ALTER TABLE migrations ADD COLUMN progress_updated_at INTEGER;

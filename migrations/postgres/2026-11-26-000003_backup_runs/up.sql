-- Every `jobbot backup` run (create, verify, prune): what the admin system page, /metrics and the alerts read.
CREATE TABLE backup_runs (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'verify', 'prune')),
    backup_id TEXT,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    size_bytes BIGINT,
    -- Where the backup went, as a JSON array of target URLs (local first).
    targets TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
    error TEXT
);
CREATE INDEX backup_runs_kind_finished ON backup_runs (kind, outcome, finished_at);

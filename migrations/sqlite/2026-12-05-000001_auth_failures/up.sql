-- Wrong second-factor codes and wrong current passwords (issue 27), kept a quarter of an hour: the per-account
-- budgets that hold across client addresses and across instances (jobbot_db::auth_failures).
CREATE TABLE auth_failures (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- 'otp' (a second-factor code) or 'password' (the current password asked again).
    kind TEXT NOT NULL CHECK (kind IN ('otp', 'password')),
    -- The client's address as the API sees it (an IP address, or 'unknown').
    client TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX auth_failures_user ON auth_failures (user_id, kind, created_at);

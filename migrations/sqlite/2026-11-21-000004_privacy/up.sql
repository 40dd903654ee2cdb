-- Which terms the user accepted at sign-up, and when (nullable: accounts created before this release).
ALTER TABLE users ADD COLUMN terms_version TEXT;
ALTER TABLE users ADD COLUMN terms_accepted_at TIMESTAMP;

-- Cookie and storage consent: append-only, the newest row is the current choice.
CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    policy_version TEXT NOT NULL,
    preferences BOOLEAN NOT NULL,
    measurement BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consents_user_created ON consents (user_id, created_at);

-- Admin console (issue 11): disabled accounts and the append-only audit log.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN disabled_reason TEXT;
-- Two-factor sign-in (TOTP, RFC 6238): the base32 secret once confirmed, the one being set up, when it
-- was enabled, and the last time step used (a code works once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
-- Ten single-use recovery codes per enrolment, stored as SHA-256 hashes.
CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
-- Set when an admin removed a share (moderation): its owner sees the reason.
ALTER TABLE shares ADD COLUMN removed_reason TEXT;

-- Every admin action and security event: who (actor), on what (target), when, from where, and the
-- request's id. Metadata only: never the contents of a conversation, chat message or share. Ids are kept
-- as text without foreign keys, so a record outlives the accounts it names.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    client_ip TEXT,
    request_id TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_target ON audit_log (target_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- Append-only: no UPDATE. (SQLite has no per-transaction setting to tell the retention purge's DELETE
-- apart; PostgreSQL also refuses other deletions.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only (UPDATE refused)');
END;

-- The admin statistics aggregate by time: each series reads its table by creation time.
CREATE INDEX users_created_at ON users (created_at);
CREATE INDEX conversations_created_at ON conversations (created_at);
CREATE INDEX messages_created_at ON messages (created_at);
CREATE INDEX llm_usage_created_at ON llm_usage (created_at);
CREATE INDEX shares_created_at ON shares (created_at);
CREATE INDEX share_views_viewed_at ON share_views (viewed_at);
CREATE INDEX chat_messages_created_at ON chat_messages (created_at);

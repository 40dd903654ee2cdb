-- One-to-one chat sessions. `pair_key` (the two user ids, sorted, joined by ':') makes a pair's session unique.
CREATE TABLE chats (
    id TEXT PRIMARY KEY NOT NULL,
    pair_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE chat_members (
    chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at TIMESTAMP NOT NULL,
    left_at TIMESTAMP,
    -- Everything up to this instant has been read.
    last_read_at TIMESTAMP,
    PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members (user_id);

-- A deleted sender leaves a NULL: the other participant keeps the session.
CREATE TABLE chat_messages (
    id TEXT PRIMARY KEY NOT NULL,
    chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    sender_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'share')),
    content TEXT NOT NULL,
    share_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX chat_messages_chat_created ON chat_messages (chat_id, created_at);

CREATE TABLE blocks (
    blocker_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);

-- A JobBot conversation shared into a chat. `snapshot` is the frozen, redacted transcript (JSON);
-- `redactions` (JSON) are re-applied when a live share is read.
CREATE TABLE shares (
    id TEXT PRIMARY KEY NOT NULL,
    chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    mode TEXT NOT NULL CHECK (mode IN ('snapshot', 'live')),
    title TEXT NOT NULL,
    up_to_message_id TEXT,
    snapshot TEXT NOT NULL,
    redactions TEXT NOT NULL,
    message_count BIGINT NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX shares_owner ON shares (owner_id);
CREATE INDEX shares_chat ON shares (chat_id);
CREATE INDEX shares_conversation ON shares (conversation_id);

CREATE TABLE share_views (
    id TEXT PRIMARY KEY NOT NULL,
    share_id TEXT NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
    viewer_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewed_at TIMESTAMP NOT NULL
);
CREATE INDEX share_views_share ON share_views (share_id);

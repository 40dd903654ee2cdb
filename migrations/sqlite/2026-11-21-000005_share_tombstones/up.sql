-- Shares of deleted accounts: their rows go with the account, this keeps the answer "gone" (410) for the
-- recipient instead of "never existed" (404).
CREATE TABLE share_tombstones (
    share_id TEXT PRIMARY KEY NOT NULL,
    chat_id TEXT NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

-- Branches (issue 14): every message has a parent (NULL: the conversation's first question); an edited question
-- is a sibling of the original, a regenerated reply a sibling of the previous one. `on_path` marks the messages
-- of the branch the conversation shows (its active path): pages, the model's context and shares read only
-- those; export and deletion cover every branch.
ALTER TABLE messages ADD COLUMN parent_id TEXT;
ALTER TABLE messages ADD COLUMN on_path BOOLEAN NOT NULL DEFAULT TRUE;
-- Until now a conversation was one line: each message's parent is the one before it.
UPDATE messages SET parent_id = (
    SELECT before.id FROM messages AS before
    WHERE before.conversation_id = messages.conversation_id
      AND (before.created_at < messages.created_at
           OR (before.created_at = messages.created_at AND before.id < messages.id))
    ORDER BY before.created_at DESC, before.id DESC
    LIMIT 1
);
CREATE INDEX messages_parent ON messages (conversation_id, parent_id);

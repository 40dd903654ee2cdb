-- Ratings of the assistant's replies (issue 14): thumbs up or down and an optional comment, one per reply, by the
-- conversation's owner. Admins see counts per model and per day, never the comments.
CREATE TABLE message_feedback (
    message_id TEXT PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT,
    created_at TIMESTAMP NOT NULL,
    -- When the current rating was given (the day the admin statistics count it).
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX message_feedback_updated ON message_feedback (updated_at);

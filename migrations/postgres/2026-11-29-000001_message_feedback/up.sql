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
-- A rating shows in its conversation's messages: the instances' read caches forget that conversation's first
-- page, as for a change to one of its messages (migration `cache_notify`).
CREATE FUNCTION jobbot_feedback_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    conversation TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT conversation_id INTO conversation FROM messages WHERE id = OLD.message_id;
    ELSE
        SELECT conversation_id INTO conversation FROM messages WHERE id = NEW.message_id;
    END IF;
    -- A rating deleted with its message: the message's own deletion has announced it.
    IF conversation IS NOT NULL THEN
        PERFORM pg_notify('jobbot_cache', 'c:' || conversation);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER message_feedback_cache_changed AFTER INSERT OR UPDATE OR DELETE ON message_feedback
    FOR EACH ROW EXECUTE FUNCTION jobbot_feedback_changed();

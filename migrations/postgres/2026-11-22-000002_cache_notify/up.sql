-- Every change to a user or one of their login sessions announces `u:<user id>`, and every change to a
-- conversation or one of its messages `c:<conversation id>`, on `jobbot_cache`, delivered when the change
-- commits: the instances' in-memory read caches forget what it touched (crates/api/src/cache.rs). Done by the
-- database, so no code path (nor a change made by hand) can forget to tell them.
CREATE FUNCTION jobbot_cache_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD;
    ELSE
        changed := NEW;
    END IF;
    IF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('jobbot_cache', 'u:' || changed.id);
    ELSIF TG_TABLE_NAME = 'sessions' THEN
        PERFORM pg_notify('jobbot_cache', 'u:' || changed.user_id);
    ELSIF TG_TABLE_NAME = 'conversations' THEN
        PERFORM pg_notify('jobbot_cache', 'c:' || changed.id);
    ELSE
        PERFORM pg_notify('jobbot_cache', 'c:' || changed.conversation_id);
        IF TG_OP = 'UPDATE' AND OLD.conversation_id <> NEW.conversation_id THEN
            PERFORM pg_notify('jobbot_cache', 'c:' || OLD.conversation_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_cache_changed AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION jobbot_cache_changed();
CREATE TRIGGER sessions_cache_changed AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION jobbot_cache_changed();
CREATE TRIGGER conversations_cache_changed AFTER UPDATE OR DELETE ON conversations
    FOR EACH ROW EXECUTE FUNCTION jobbot_cache_changed();
CREATE TRIGGER messages_cache_changed AFTER INSERT OR UPDATE OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION jobbot_cache_changed();

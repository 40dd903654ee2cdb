-- Every insert, update and delete of an offer, numbered: the instances' in-memory search index
-- (jobbot_db::offer_index) reads the changes since its last search and re-reads those offers. A number can
-- commit after a higher one (concurrent transactions): the index looks for such gaps again for a minute.
-- Changes older than two days are deleted by the index.
CREATE TABLE offer_changes (
    seq BIGSERIAL PRIMARY KEY,
    offer_id TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX offer_changes_changed_at ON offer_changes (changed_at);
CREATE FUNCTION job_offers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO offer_changes (offer_id) VALUES (OLD.id);
    ELSE
        INSERT INTO offer_changes (offer_id) VALUES (NEW.id);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER job_offers_changed AFTER INSERT OR UPDATE OR DELETE ON job_offers
    FOR EACH ROW EXECUTE FUNCTION job_offers_changed();

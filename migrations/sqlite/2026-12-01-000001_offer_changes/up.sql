-- Every insert, update and delete of an offer, numbered: the instances' in-memory search index
-- (jobbot_db::offer_index) reads the changes since its last search and re-reads those offers. Changes older
-- than two days are deleted by the index.
CREATE TABLE offer_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    offer_id TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX offer_changes_changed_at ON offer_changes (changed_at);
CREATE TRIGGER job_offers_changed_insert AFTER INSERT ON job_offers BEGIN
    INSERT INTO offer_changes (offer_id, changed_at) VALUES (NEW.id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER job_offers_changed_update AFTER UPDATE ON job_offers BEGIN
    INSERT INTO offer_changes (offer_id, changed_at) VALUES (NEW.id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
CREATE TRIGGER job_offers_changed_delete AFTER DELETE ON job_offers BEGIN
    INSERT INTO offer_changes (offer_id, changed_at) VALUES (OLD.id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;

DROP TRIGGER job_offers_changed_delete;
DROP TRIGGER job_offers_changed_update;
DROP TRIGGER job_offers_changed_insert;
DROP TABLE offer_changes;

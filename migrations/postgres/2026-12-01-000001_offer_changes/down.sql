DROP TRIGGER job_offers_changed ON job_offers;
DROP FUNCTION job_offers_changed();
DROP TABLE offer_changes;

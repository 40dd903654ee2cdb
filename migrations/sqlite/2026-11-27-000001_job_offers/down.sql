DROP TRIGGER job_offers_fts_update;
DROP TRIGGER job_offers_fts_delete;
DROP TRIGGER job_offers_fts_insert;
DROP TABLE job_offers_fts;
DROP TABLE offer_syncs;
DROP TABLE saved_offers;
DROP TABLE job_offers;

DROP TABLE offer_syncs;
DROP TABLE saved_offers;
DROP TABLE job_offers;

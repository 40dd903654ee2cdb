DROP TABLE saved_offers;
DROP TABLE job_offers;

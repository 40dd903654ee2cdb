ALTER TABLE job_offers DROP COLUMN skills;

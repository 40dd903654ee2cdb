DROP INDEX job_offers_created;
DROP TABLE notifications;
DROP TABLE saved_searches;

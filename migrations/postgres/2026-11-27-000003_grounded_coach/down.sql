DROP TABLE application_documents;
DROP INDEX conversations_application;
DROP INDEX conversations_offer;
ALTER TABLE conversations DROP COLUMN context_excluded;
ALTER TABLE conversations DROP COLUMN application_id;
ALTER TABLE conversations DROP COLUMN offer_id;

ALTER TABLE messages DROP COLUMN fallback_from;
ALTER TABLE conversations DROP COLUMN model;

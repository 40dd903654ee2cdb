DROP INDEX messages_parent;
ALTER TABLE messages DROP COLUMN on_path;
ALTER TABLE messages DROP COLUMN parent_id;

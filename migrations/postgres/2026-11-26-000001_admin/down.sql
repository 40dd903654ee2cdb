DROP TABLE audit_log;
ALTER TABLE shares DROP COLUMN removed_reason;
DROP FUNCTION audit_log_append_only();
ALTER TABLE users DROP COLUMN disabled_reason;
ALTER TABLE users DROP COLUMN disabled_at;

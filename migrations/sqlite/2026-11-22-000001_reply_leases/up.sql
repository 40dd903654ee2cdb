-- Replies still being written, found by the lease sweeper without reading the whole table.
CREATE INDEX messages_status_updated_idx ON messages (status, updated_at);

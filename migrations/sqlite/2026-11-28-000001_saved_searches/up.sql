-- Saved searches and their alerts (issue 13). A saved search keeps the search's parameters (as the API's query
-- string has them: comma-separated lists). `seen_at`: when its owner last looked at its results (the
-- dashboard's "new offers" are those added since); `checked_at`: offers added after it have not been alerted
-- yet; `alerted_at`: the last alert (at most one a day).
CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query_text TEXT NOT NULL,
    contract TEXT NOT NULL,
    remote TEXT NOT NULL,
    departement TEXT NOT NULL,
    salary_min BIGINT,
    alerts BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    checked_at TIMESTAMP NOT NULL,
    alerted_at TIMESTAMP
);
CREATE INDEX saved_searches_user ON saved_searches (user_id, created_at);
CREATE INDEX saved_searches_alerts ON saved_searches (alerted_at) WHERE alerts;

-- What JobBot tells a user outside a page (today: a saved search's new offers). `data` is the JSON the API
-- answers (title, count, a few offers), frozen when it was raised.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    saved_search_id TEXT REFERENCES saved_searches (id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_search ON notifications (saved_search_id);
CREATE INDEX job_offers_created ON job_offers (created_at);

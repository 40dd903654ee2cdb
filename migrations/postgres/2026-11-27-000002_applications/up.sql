-- A candidate's applications (issue 13): one per offer (or free-form, for a job outside JobBot), where it
-- stands, and every change of status (the history is kept).
CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The offer, while it exists; the title and company are kept for when it does not.
    offer_id TEXT REFERENCES job_offers (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    company TEXT,
    status TEXT NOT NULL CHECK (status IN ('to_send', 'sent', 'followed_up', 'interview', 'offer_received',
        'accepted', 'rejected', 'no_response', 'abandoned')),
    contact TEXT,
    notes TEXT,
    next_action TEXT,
    next_action_due TIMESTAMP,
    status_changed_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX applications_user ON applications (user_id, updated_at);
CREATE UNIQUE INDEX applications_user_offer ON applications (user_id, offer_id);

CREATE TABLE application_events (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    -- NULL for the first status.
    from_status TEXT,
    to_status TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX application_events_application ON application_events (application_id, at);

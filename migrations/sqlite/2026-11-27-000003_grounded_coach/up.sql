-- The coach grounded in the workspace (issue 13): a conversation may be about an offer and/or an application,
-- whose texts then go with each question to the AI provider, except the parts the candidate left out.
ALTER TABLE conversations ADD COLUMN offer_id TEXT REFERENCES job_offers (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN application_id TEXT REFERENCES applications (id) ON DELETE SET NULL;
-- Comma-separated parts left out of the context: `offer`, `application`.
ALTER TABLE conversations ADD COLUMN context_excluded TEXT NOT NULL DEFAULT '';
CREATE INDEX conversations_offer ON conversations (offer_id);
CREATE INDEX conversations_application ON conversations (application_id);

-- What the candidate keeps for an application: a cover letter, a follow-up email… often saved from a reply.
CREATE TABLE application_documents (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cover_letter', 'follow_up', 'cv', 'interview_notes', 'other')),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    -- The coach's reply it was saved from, while that exists.
    message_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX application_documents_application ON application_documents (application_id, created_at);
CREATE INDEX application_documents_message ON application_documents (message_id);

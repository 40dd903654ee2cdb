-- The candidate's CV (issue 13): one PDF per user, kept in the file store (`JOBBOT_FILES_URL`) under
-- `object_key`, never served to anyone else; its text as extracted, then as the candidate corrected it.
CREATE TABLE cvs (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    object_key TEXT NOT NULL,
    filename TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    pages INTEGER NOT NULL,
    text TEXT NOT NULL,
    text_edited BOOLEAN NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The candidate's structured profile (issue 13): one per user, kept as the JSON document the API validates
-- (`jobbot_api_types::Profile`: headline, target jobs, places and mobility, contracts, remote work, salary,
-- availability, skills, experiences, education, languages, links).
CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

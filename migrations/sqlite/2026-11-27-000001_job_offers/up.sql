-- Job offers (issue 13) and the ones candidates save.
CREATE TABLE job_offers (
    -- Short columns first, long texts last: a search reads the facts of many rows, and SQLite reaches a
    -- column only by reading the ones before it.
    id TEXT PRIMARY KEY NOT NULL,
    -- Where the offer comes from: France Travail (API sync or `jobbot offers import`), a recruiter of JobBot,
    -- or a candidate who found it elsewhere (then private to them).
    source TEXT NOT NULL CHECK (source IN ('france_travail', 'recruiter', 'candidate')),
    source_id TEXT,
    owner_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    private BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
    contract_type TEXT CHECK (contract_type IN ('cdi', 'cdd', 'interim', 'alternance', 'stage', 'freelance')),
    working_time TEXT CHECK (working_time IN ('full_time', 'part_time')),
    remote TEXT CHECK (remote IN ('on_site', 'hybrid', 'remote')),
    departement TEXT,
    postcode TEXT,
    -- Yearly gross euros, when the offer says.
    salary_min BIGINT,
    salary_max BIGINT,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    commune TEXT,
    location_label TEXT,
    company TEXT,
    salary_text TEXT,
    experience TEXT,
    source_url TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- What the search matches (jobbot_domain::search::analyze): folded words and French stems, space-separated;
    -- "body" is the company, the place and the description.
    title_words TEXT NOT NULL DEFAULT '',
    title_stems TEXT NOT NULL DEFAULT '',
    body_words TEXT NOT NULL DEFAULT '',
    body_stems TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX job_offers_source_id ON job_offers (source, source_id);
-- Browsing without words (newest first), and the facets' counts without words (grouped in this order), read
-- these indexes alone.
CREATE INDEX job_offers_browse ON job_offers (state, private, published_at, id);
CREATE INDEX job_offers_facets ON job_offers (state, private, contract_type, remote, departement, salary_min,
    salary_max, published_at);
CREATE INDEX job_offers_owner ON job_offers (owner_id);

-- Offers a candidate keeps an eye on.
CREATE TABLE saved_offers (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    offer_id TEXT NOT NULL REFERENCES job_offers (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, offer_id)
);
CREATE INDEX saved_offers_offer ON saved_offers (offer_id);

-- The last successful France Travail sync: the next one asks for offers created since then.
CREATE TABLE offer_syncs (
    source TEXT PRIMARY KEY NOT NULL,
    last_success_at TIMESTAMP NOT NULL
);

-- Full text: an FTS5 index over the analysed columns, kept in step by triggers.
CREATE VIRTUAL TABLE job_offers_fts USING fts5 (
    title_words, title_stems, body_words, body_stems,
    content = 'job_offers', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4'
);
CREATE TRIGGER job_offers_fts_insert AFTER INSERT ON job_offers BEGIN
    INSERT INTO job_offers_fts (rowid, title_words, title_stems, body_words, body_stems)
    VALUES (NEW.rowid, NEW.title_words, NEW.title_stems, NEW.body_words, NEW.body_stems);
END;
CREATE TRIGGER job_offers_fts_delete AFTER DELETE ON job_offers BEGIN
    INSERT INTO job_offers_fts (job_offers_fts, rowid, title_words, title_stems, body_words, body_stems)
    VALUES ('delete', OLD.rowid, OLD.title_words, OLD.title_stems, OLD.body_words, OLD.body_stems);
END;
CREATE TRIGGER job_offers_fts_update AFTER UPDATE OF title_words, title_stems, body_words, body_stems ON job_offers BEGIN
    INSERT INTO job_offers_fts (job_offers_fts, rowid, title_words, title_stems, body_words, body_stems)
    VALUES ('delete', OLD.rowid, OLD.title_words, OLD.title_stems, OLD.body_words, OLD.body_stems);
    INSERT INTO job_offers_fts (rowid, title_words, title_stems, body_words, body_stems)
    VALUES (NEW.rowid, NEW.title_words, NEW.title_stems, NEW.body_words, NEW.body_stems);
END;

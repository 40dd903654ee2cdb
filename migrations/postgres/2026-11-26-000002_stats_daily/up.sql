-- The admin statistics' daily roll-up: one row per settled day (UTC), series and key, written the first time
-- a period asks for that day, so a long period reads a few rows a day instead of every row of the day.
-- Aggregates only: no user id, no content.
CREATE TABLE stats_daily (
    day TEXT NOT NULL,
    series TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    detail TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (day, series, provider, model, detail)
);

-- The days already rolled up (a day without activity has no row in stats_daily).
CREATE TABLE stats_days (
    day TEXT PRIMARY KEY NOT NULL,
    rolled_at TIMESTAMP NOT NULL
);

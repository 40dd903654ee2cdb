DROP TABLE stats_days;
DROP TABLE stats_daily;

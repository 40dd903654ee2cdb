-- PostgreSQL's twin of this migration adds triggers that announce changes to the other instances' read caches.
-- SQLite serves a single instance, which keeps no such cache: nothing to do.
SELECT 1;

DROP TABLE share_tombstones;

//! JobBot's bytes at rest: uploaded files (`files`: a folder or an object store) and backups (`backup`: a dump
//! of the database and the files, encrypted with age, verified by a real restore, copied off-site, on a
//! schedule). It knows the database only through `jobbot-db`, and nothing of HTTP or of the services.

pub mod backup;
pub mod files;

//! API integration tests: the real server over real HTTP, each test on its own fresh database,
//! on SQLite and on PostgreSQL.

mod helpers;
mod speak;

mod account;
mod admin;
mod admin_audit;
mod admin_stats;
mod applications;
mod assistant;
mod assistant_faults;
mod assistant_limits;
mod auth;
mod backup;
mod branches;
mod chats;
mod coach;
mod cv;
mod cv_builder;
mod deployment;
mod errors;
mod fake_llm;
mod faults;
mod feedback;
mod france_travail;
mod hardening;
mod hardening_requests;
mod hostile_pdf;
mod matching;
mod metrics;
mod models;
mod offers;
mod openapi;
mod privacy;
mod profile;
mod read_cache;
mod realtime;
mod resume;
mod saved_searches;
mod share_reach;
mod tokens;
mod two_factor;

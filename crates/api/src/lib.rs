//! JobBot's HTTP server: startup, the route table and handlers, authentication, errors as problem+json, the
//! OpenAPI document, the SPA's files and the admin gate. What the API does lives in `jobbot-services`; its
//! modules are re-exported here under their old paths (`crate::assistant`, `crate::config`…).

pub use jobbot_assistant as assistant;
pub use jobbot_matching as matching;
pub use jobbot_services::{
    alerts, attempts, cache, chat_writer, config, credentials, cv, database, erasure, export, extraction,
    net, offers, profile, ratelimit, realtime, retention, sharing, telemetry,
};
pub use jobbot_storage::{backup, files};

pub mod audit;
pub mod auth;
pub mod body;
pub mod download;
pub mod error;
pub mod metrics;
pub mod network;
pub mod openapi;
pub mod openapi_rules;
pub mod routes;
pub mod spa;
pub mod sse;
pub mod startup;
pub mod state;

//! JobBot's REST API: configuration, startup, errors, authentication and the route table.

pub mod assistant;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod body;
pub mod cache;
pub mod chat_writer;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod database;
pub mod erasure;
pub mod error;
pub mod metrics;
pub mod network;
pub mod openapi;
pub mod openapi_rules;
pub mod ratelimit;
pub mod realtime;
pub mod retention;
pub mod routes;
pub mod sharing;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;

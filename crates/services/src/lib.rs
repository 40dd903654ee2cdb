//! JobBot's services: what the API does, without HTTP. Sharing and chats, offers and alerts, the usage
//! series, profiles and CVs, credentials, configuration, metrics (files and backups: `jobbot-storage`; the
//! assistant's replies: `jobbot-assistant`, on top of this crate). Nothing here depends on
//! actix-web: the server crate (`jobbot-api`) owns requests and responses and turns a [`error::ServiceError`]
//! into an answer in one place.

pub mod accounts;
pub mod alerts;
pub mod applications;
pub mod attempts;
pub mod audit;
pub mod cache;
pub mod chat_writer;
pub mod config;
pub mod credentials;
pub mod cv;
pub mod database;
pub mod erasure;
pub mod error;
pub mod export;
pub mod extraction;
pub mod metrics;
pub mod net;
pub mod offers;
pub mod profile;
pub mod ratelimit;
pub mod realtime;
pub mod rendering;
pub mod retention;
pub mod shares;
pub mod sharing;
pub mod stats;
pub mod telemetry;

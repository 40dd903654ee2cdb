//! Prometheus metrics (`GET /metrics`, on the admin listener when there is one), with the Prometheus project's
//! own client. One registry per process. Label values are route templates, methods, status codes, provider
//! and model names from the configuration, outcomes and error codes: never user data or ids.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// The route template (`/api/v1/chats/{id}/messages`), or `unmatched`.
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
    pub method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReplyLabels {
    pub provider: String,
    pub model: String,
    /// `done`, `stopped` or `failed`.
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ProviderLabels {
    pub provider: String,
    pub model: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct UpstreamErrorLabels {
    pub provider: String,
    /// The API's error code for it (`llm_timeout`, `llm_unavailable`, …).
    pub code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TokenLabels {
    pub provider: String,
    pub model: String,
    /// `prompt` or `completion`.
    pub kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_buckets() -> Histogram {
    // 1 ms to about 33 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

fn first_token_buckets() -> Histogram {
    // 50 ms to about 100 s.
    Histogram::new(exponential_buckets(0.05, 2.0, 12))
}

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<HttpLabels, Counter>,
    pub http_duration: Histograms<RouteLabels>,
    pub http_in_flight: Gauge,
    pub db_pool_connections: Gauge,
    pub db_pool_idle: Gauge,
    pub db_pool_unavailable: Counter,
    pub db_pool_wait: Histogram,
    pub database_up: Gauge,
    pub replies: Family<ReplyLabels, Counter>,
    pub first_token: Histograms<ProviderLabels>,
    pub upstream_errors: Family<UpstreamErrorLabels, Counter>,
    pub tokens: Family<TokenLabels, Counter>,
    pub websockets: Gauge,
    pub notify_lag: Histogram,
    pub backup_last_success: Gauge,
    pub backup_last_verification: Gauge,
    pub backup_last_size: Gauge,
    pub backup_last_failure: Gauge,
}

/// The process's metrics.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("jobbot");
        let metrics = Self {
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(latency_buckets),
            http_in_flight: Gauge::default(),
            db_pool_connections: Gauge::default(),
            db_pool_idle: Gauge::default(),
            db_pool_unavailable: Counter::default(),
            db_pool_wait: Histogram::new(exponential_buckets(0.0001, 4.0, 10)),
            database_up: Gauge::default(),
            replies: Family::default(),
            first_token: Family::new_with_constructor(first_token_buckets),
            upstream_errors: Family::default(),
            tokens: Family::default(),
            websockets: Gauge::default(),
            notify_lag: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            backup_last_success: Gauge::default(),
            backup_last_verification: Gauge::default(),
            backup_last_size: Gauge::default(),
            backup_last_failure: Gauge::default(),
            registry: Registry::default(),
        };
        // One row a family: field, name, help and, for a measure, its unit.
        macro_rules! register {
            ($($field:ident: $name:literal, $help:literal $(, $unit:ident)?;)*) => {
                $(register!(@one $field, $name, $help $(, $unit)?);)*
            };
            (@one $field:ident, $name:literal, $help:literal) => {
                registry.register($name, $help, metrics.$field.clone())
            };
            (@one $field:ident, $name:literal, $help:literal, $unit:ident) => {
                registry.register_with_unit($name, $help, Unit::$unit, metrics.$field.clone())
            };
        }
        register!(
            http_requests: "http_requests", "HTTP requests answered, by route template, method and status";
            http_duration: "http_request_duration", "Time to answer an HTTP request (to its first byte for streams)", Seconds;
            http_in_flight: "http_requests_in_flight", "HTTP requests being answered";
            db_pool_connections: "db_pool_connections", "Connections the database pool holds";
            db_pool_idle: "db_pool_idle_connections", "Connections of the pool waiting for work";
            db_pool_unavailable: "db_pool_unavailable", "Requests that got no database connection in time (answered 503)";
            db_pool_wait: "db_pool_wait", "Time a request waited for a pooled database connection", Seconds;
            database_up: "database_up", "1 when the database answered this scrape's ping, else 0";
            replies: "assistant_replies", "Assistant replies ended, by provider, model and outcome";
            first_token: "assistant_first_token", "Time from the question to the reply's first token", Seconds;
            upstream_errors: "assistant_upstream_errors", "Replies failed by the AI provider, by error code";
            tokens: "assistant_tokens", "Tokens used (reported by the provider, else estimated), by kind";
            websockets: "websockets", "Live WebSocket connections on this instance";
            notify_lag: "notify_delivery_lag", "Time from another instance's NOTIFY to its delivery here", Seconds;
            backup_last_success: "backup_last_success_timestamp", "When the last successful backup ended (Unix time; 0: never)", Seconds;
            backup_last_verification: "backup_last_verification_timestamp", "When the last successful verification (a restore into a scratch database) ended (0: never)", Seconds;
            backup_last_size: "backup_last_size", "The last successful backup's size", Bytes;
            backup_last_failure: "backup_last_failure_timestamp", "When the last failed backup run ended (0: never)", Seconds;
        );
        registry.register(
            "build",
            "The running version",
            Info::new(BuildLabels {
                version: env!("CARGO_PKG_VERSION").to_owned(),
            }),
        );
        Self { registry, ..metrics }
    }

    /// The exposition text (OpenMetrics).
    pub fn encode(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text = "# EOF\n".into();
        }
        text
    }

    /// The backup gauges, from the runs recorded in the database.
    pub fn backups(&self, status: &jobbot_db::backup::Status) {
        let seconds = |run: &Option<jobbot_db::backup::RunRow>| {
            run.as_ref().map_or(0, |r| r.finished_at.and_utc().timestamp())
        };
        self.backup_last_success.set(seconds(&status.last_backup));
        self.backup_last_verification
            .set(seconds(&status.last_verification));
        self.backup_last_failure.set(seconds(&status.last_failure));
        self.backup_last_size.set(
            status
                .last_backup
                .as_ref()
                .and_then(|r| r.size_bytes)
                .unwrap_or(0),
        );
    }

    /// Counts an ended reply.
    pub fn reply(&self, provider: &str, model: &str, outcome: &str, prompt: i64, completion: i64) {
        let (provider, model) = (provider.to_owned(), model.to_owned());
        self.replies
            .get_or_create(&ReplyLabels {
                provider: provider.clone(),
                model: model.clone(),
                outcome: outcome.to_owned(),
            })
            .inc();
        for (kind, count) in [("prompt", prompt), ("completion", completion)] {
            self.tokens
                .get_or_create(&TokenLabels {
                    provider: provider.clone(),
                    model: model.clone(),
                    kind: kind.to_owned(),
                })
                .inc_by(u64::try_from(count).unwrap_or(0));
        }
    }

    pub fn first_token(&self, provider: &str, model: &str, after: Duration) {
        self.first_token
            .get_or_create(&ProviderLabels {
                provider: provider.to_owned(),
                model: model.to_owned(),
            })
            .observe(after.as_secs_f64());
    }

    pub fn upstream_error(&self, provider: &str, code: &str) {
        self.upstream_errors
            .get_or_create(&UpstreamErrorLabels {
                provider: provider.to_owned(),
                code: code.to_owned(),
            })
            .inc();
    }
}

//! Helpers shared by the second builds (the console and the workspace): times, and running a page's request.

use chrono::{DateTime, Timelike, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;

/// A time as `2026-11-22 14:05 UTC`.
pub fn when(at: DateTime<Utc>) -> String {
    format!("{} {:02}:{:02} UTC", crate::i18n::day(at), at.hour(), at.minute())
}

/// An optional time, or a dash.
pub fn maybe_when(at: Option<DateTime<Utc>>) -> String {
    at.map(when).unwrap_or_else(|| "—".into())
}

/// Runs a page's request: its answer goes to `into` (and clears `error`), its failure to `error`.
pub fn load<T: Send + Sync + 'static>(
    into: RwSignal<Option<T>>,
    error: RwSignal<Option<ApiError>>,
    request: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
) {
    spawn_local(async move {
        match request.await {
            Ok(value) => {
                into.set(Some(value));
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

/// `?name=value&…` from the pairs whose value is not empty, each value URI-encoded.
pub fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", js_sys::encode_uri_component(value.trim())))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

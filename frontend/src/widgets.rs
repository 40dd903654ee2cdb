//! Helpers shared by the second builds (the console and the workspace): times, and running a page's request.

use chrono::{DateTime, Timelike, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::pages::not_found::NotFound;
use crate::state::AppState;

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

/// A path no route of this build took: one of its own (the not-found page) when `ours` says so, else the main
/// app's or another build's, reached with a full page load (the server sends that build's page).
#[component]
pub fn Elsewhere(ours: fn(&str) -> bool) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let path = location.pathname.get();
        if !ours(&path) {
            let _ = window()
                .location()
                .assign(&format!("{path}{}", location.search.get()));
        }
    });
    move || ours(&location.pathname.get()).then(NotFound)
}

/// A failed request in the interface language: its field errors, each worded by `field`, else its problem.
pub fn error_text(
    locale: jobbot_domain::Locale,
    error: &ApiError,
    field: impl Fn(&jobbot_api_types::FieldError) -> String,
) -> String {
    match error.0.errors.as_ref().filter(|list| !list.is_empty()) {
        Some(list) => list.iter().map(field).collect::<Vec<_>>().join(" "),
        None => crate::i18n::problem_message(locale, &error.0),
    }
}

/// The last failure of a page's request (`role="alert"`), worded by the build's `message`.
#[component]
pub fn AlertLine(
    error: RwSignal<Option<ApiError>>,
    testid: &'static str,
    message: fn(jobbot_domain::Locale, &ApiError) -> String,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        error.get().map(|e| {
            view! { <p class="form-alert error" role="alert" data-testid=testid>{message(state.locale.get(), &e)}</p> }
        })
    }
}

//! `/admin/system`: version, uptime, database, migrations, the assistant's provider and last failure, live
//! connections.

use jobbot_api_types::AdminSystem;
use leptos::prelude::*;

use super::i18n::Key;
use super::widgets::{load, when, ErrorLine};
use super::{api, tr};
use jobbot_frontend::api::ApiError;

/// `3 d 4 h 5 min`.
fn uptime(seconds: i64) -> String {
    let (days, hours, minutes) = (seconds / 86_400, seconds % 86_400 / 3_600, seconds % 3_600 / 60);
    if days > 0 {
        format!("{days} d {hours} h {minutes} min")
    } else {
        format!("{hours} h {minutes} min")
    }
}

/// Bytes as MB with one decimal.
fn megabytes(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[component]
pub fn SystemPage() -> impl IntoView {
    let system = RwSignal::new(None::<AdminSystem>);
    let error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        load(system, error, api::system());
    });
    let facts = move || {
        system.get().map(|s| {
            let failure = match &s.assistant.last_failure {
                Some(f) => format!(
                    "{} — {} {}",
                    when(f.at),
                    f.error_code.clone().unwrap_or_default(),
                    f.model.clone().unwrap_or_default()
                ),
                None => tr(Key::NoFailure).to_owned(),
            };
            let b = &s.backup;
            let backup = match (b.last_success_at, &b.last_backup_id) {
                (Some(at), id) => format!(
                    "{} {} ({}){}",
                    when(at),
                    id.clone().unwrap_or_default(),
                    megabytes(b.last_size_bytes.unwrap_or_default()),
                    b.last_verified_at
                        .map(|v| format!(" · {} {}", tr(Key::VerifiedOn), when(v)))
                        .unwrap_or_default()
                ),
                (None, _) => tr(Key::NoBackup).to_owned(),
            };
            let backup_failure = b.last_failure_at.map(|at| {
                format!(
                    "{} ({}): {}",
                    when(at),
                    b.last_failure_kind.clone().unwrap_or_default(),
                    b.last_error.clone().unwrap_or_default()
                )
            });
            let provider = if s.assistant.offline {
                format!("{} ({})", s.assistant.provider, tr(Key::Offline))
            } else {
                format!("{} / {}", s.assistant.provider, s.assistant.model)
            };
            let migrations = s.database.migrations.iter().map(|m| view! { <li><code>{m.clone()}</code></li> }).collect_view();
            view! {
                <dl class="facts card" data-testid="system-facts">
                    <div><dt>{tr(Key::Version)}</dt><dd data-testid="system-version">{s.version.clone()}</dd></div>
                    <div><dt>{tr(Key::Uptime)}</dt><dd>{uptime(s.uptime_seconds)}</dd></div>
                    <div><dt>{tr(Key::Database)}</dt><dd data-testid="system-database">{format!("{} · {} · {}", s.database.backend, s.database.location, megabytes(s.database.size_bytes))}</dd></div>
                    <div><dt>{tr(Key::Assistant)}</dt><dd>{provider}</dd></div>
                    <div><dt>{tr(Key::LastFailure)}</dt><dd>{failure}</dd></div>
                    <div><dt>{tr(Key::LiveConnections)}</dt><dd>{s.websockets}</dd></div>
                    <div><dt>{tr(Key::RepliesRunning)}</dt><dd>{s.replies_running}</dd></div>
                    <div><dt>{tr(Key::Backup)}</dt><dd data-testid="system-backup">{backup}</dd></div>
                    {backup_failure.map(|failure| view! {
                        <div><dt>{tr(Key::BackupFailure)}</dt><dd class="disabled">{failure}</dd></div>
                    })}
                </dl>
                <details class="card">
                    <summary>{format!("{} ({})", tr(Key::Migrations), s.database.migrations.len())}</summary>
                    <ul class="migrations">{migrations}</ul>
                </details>
            }
        })
    };
    view! {
        <section class="page admin-page">
            <h1>{move || tr(Key::System)}</h1>
            <ErrorLine error testid="system-error" />
            {facts}
        </section>
    }
}

//! `/admin/audit`: the append-only log, filtered by action, actor, target and time, with a CSV download.

use jobbot_api_types::AuditPage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use super::i18n::Key;
use super::widgets::{load, when, AdminTable, Pager};
use super::{api, tr};
use jobbot_frontend::api::ApiError;

const LIMIT: i64 = 50;
const COLUMNS: &[Key] = &[
    Key::When,
    Key::Action,
    Key::Actor,
    Key::Target,
    Key::Address,
    Key::RequestId,
    Key::Details,
];

/// A filter input bound to `value`.
#[component]
fn Filter(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{move || tr(label)}</label>
            <input id=id type=kind data-testid=id prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    // `/admin/audit?target=…` (from a user's page) starts filtered.
    let start = use_query_map().get_untracked();
    let action = RwSignal::new(start.get("action").unwrap_or_default());
    let actor = RwSignal::new(start.get("actor").unwrap_or_default());
    let target = RwSignal::new(start.get("target").unwrap_or_default());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let offset = RwSignal::new(0_i64);
    let page = RwSignal::new(None::<AuditPage>);
    let error = RwSignal::new(None::<ApiError>);
    let filters = move || {
        // Dates from the date inputs are whole days, UTC.
        let day = |d: String| if d.is_empty() { d } else { format!("{d}T00:00:00Z") };
        vec![
            ("action", action.get()),
            ("actor", actor.get()),
            ("target", target.get()),
            ("from", day(from.get())),
            ("to", day(to.get())),
        ]
    };
    Effect::new(move |_| {
        let _ = filters();
        offset.set(0);
    });
    Effect::new(move |_| {
        let mut pairs = filters();
        pairs.push(("limit", LIMIT.to_string()));
        pairs.push(("offset", offset.get().to_string()));
        let query = api::query(&pairs);
        load(page, error, async move { api::audit(&query).await });
    });
    let download = move |_| {
        let query = api::query(&filters());
        spawn_local(async move {
            match api::audit_csv(&query).await {
                Ok(csv) => jobbot_frontend::api::save_file(csv.as_bytes(), "jobbot-audit.csv", "text/csv"),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let total = Signal::derive(move || page.with(|p| p.as_ref().map_or(0, |p| p.total)));
    let rows = move || {
        page.get().map(|p| {
            p.items
                .into_iter()
                .map(|entry| {
                    let target = match (&entry.target_type, &entry.target_id) {
                        (Some(kind), Some(id)) => format!("{kind} {id}"),
                        (None, Some(id)) => id.clone(),
                        _ => "—".into(),
                    };
                    let details = if entry.details.is_null() {
                        String::new()
                    } else {
                        entry.details.to_string()
                    };
                    view! {
                        <tr data-testid="audit-row">
                            <td>{when(entry.at)}</td>
                            <td data-testid="audit-action"><code>{entry.action.clone()}</code></td>
                            <td>{entry.actor_id.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{target}</td>
                            <td>{entry.client_ip.clone().unwrap_or_default()}</td>
                            <td><code>{entry.request_id.clone().unwrap_or_default()}</code></td>
                            <td class="details"><code>{details}</code></td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="page admin-page">
            <h1>{move || tr(Key::Audit)}</h1>
            <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
                <Filter id="audit-action" label=Key::Action value=action />
                <Filter id="audit-actor" label=Key::Actor value=actor />
                <Filter id="audit-target" label=Key::Target value=target />
                <Filter id="audit-from" label=Key::From value=from kind="date" />
                <Filter id="audit-to" label=Key::To value=to kind="date" />
            </form>
            <p><button type="button" class="button" data-testid="audit-csv" on:click=download>{move || tr(Key::DownloadCsv)}</button></p>
            <AdminTable testid="audit-table" caption=Key::Audit columns=COLUMNS error>{rows}</AdminTable>
            <Pager offset limit=LIMIT total />
        </section>
    }
}

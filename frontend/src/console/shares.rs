//! `/admin/shares`: every share's metadata (never its contents), and removal with a reason its owner sees.

use jobbot_api_types::{AdminSharePage, ShareMode, ShareState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::i18n::Key;
use super::widgets::{maybe_when, when, ErrorLine, Pager, ReasonAction};
use super::{api, tr};
use crate::api::ApiError;

const LIMIT: i64 = 25;

fn state_key(state: ShareState) -> Key {
    match state {
        ShareState::Active => Key::Active,
        ShareState::Revoked => Key::ShareRevoked,
        ShareState::Expired => Key::ShareExpired,
        ShareState::Removed => Key::ShareRemoved,
    }
}

#[component]
pub fn SharesPage() -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let offset = RwSignal::new(0_i64);
    let page = RwSignal::new(None::<AdminSharePage>);
    let error = RwSignal::new(None::<ApiError>);
    // Bumped after a removal, to load the page again.
    let reload = RwSignal::new(0_u32);
    Effect::new(move |_| {
        let _ = filter.get();
        offset.set(0);
    });
    Effect::new(move |_| {
        let _ = reload.get();
        let query = api::query(&[
            ("state", filter.get()),
            ("limit", LIMIT.to_string()),
            ("offset", offset.get().to_string()),
        ]);
        spawn_local(async move {
            match api::shares(&query).await {
                Ok(p) => {
                    page.set(Some(p));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let total = Signal::derive(move || page.with(|p| p.as_ref().map_or(0, |p| p.total)));
    let rows = move || {
        page.get().map(|p| {
            p.items
                .into_iter()
                .map(|share| {
                    let id = StoredValue::new(share.id.clone());
                    let mode = match share.mode {
                        ShareMode::Snapshot => Key::ModeSnapshot,
                        ShareMode::Live => Key::ModeLive,
                    };
                    let removable = !matches!(share.state, ShareState::Removed);
                    let state_text = match &share.removed_reason {
                        Some(reason) => format!("{} — {reason}", tr(state_key(share.state))),
                        None => tr(state_key(share.state)).to_owned(),
                    };
                    view! {
                        <tr data-testid="share-row">
                            <td>{share.owner_email.clone().unwrap_or_else(|| share.owner_id.clone())}</td>
                            <td>{share.recipient_email.clone().unwrap_or_else(|| "—".into())}</td>
                            <td>{tr(mode)}</td>
                            <td data-testid="share-state">{state_text}</td>
                            <td class="number">{share.message_count}</td>
                            <td class="number">{share.views}</td>
                            <td>{when(share.created_at)}</td>
                            <td>{maybe_when(share.expires_at)}</td>
                            <td>
                                {removable.then(|| view! {
                                    <ReasonAction id="remove-share" label=Key::RemoveShare warning=Key::RemoveShareWarning danger=true
                                        run=move |reason| async move {
                                            api::remove_share(&id.get_value(), reason).await?;
                                            reload.update(|n| *n += 1);
                                            Ok(())
                                        } />
                                })}
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let choice = |value: &'static str, key: Key| view! { <option value=value>{move || tr(key)}</option> };
    view! {
        <section class="page admin-page">
            <h1>{move || tr(Key::Shares)}</h1>
            <p class="muted">{move || tr(Key::NoContents)}</p>
            <div class="filters">
                <div class="field">
                    <label for="share-state">{move || tr(Key::Status)}</label>
                    <select id="share-state" data-testid="share-filter" on:change=move |ev| filter.set(event_target_value(&ev))>
                        {choice("", Key::Any)}
                        {choice("active", Key::Active)}
                        {choice("expired", Key::ShareExpired)}
                        {choice("revoked", Key::ShareRevoked)}
                        {choice("removed", Key::ShareRemoved)}
                    </select>
                </div>
            </div>
            <ErrorLine error testid="shares-error" />
            <div class="table-scroll">
                <table class="admin-table" data-testid="shares-table">
                    <caption class="visually-hidden">{move || tr(Key::Shares)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || tr(Key::Owner)}</th>
                            <th scope="col">{move || tr(Key::Recipient)}</th>
                            <th scope="col">{move || tr(Key::Mode)}</th>
                            <th scope="col">{move || tr(Key::Status)}</th>
                            <th scope="col">{move || tr(Key::Messages)}</th>
                            <th scope="col">{move || tr(Key::Views)}</th>
                            <th scope="col">{move || tr(Key::Created)}</th>
                            <th scope="col">{move || tr(Key::Expires)}</th>
                            <th scope="col">{move || tr(Key::Actions)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Pager offset limit=LIMIT total />
        </section>
    }
}

//! `/admin/shares`: every share's metadata (never its contents), and removal with a reason its owner sees.

use jobbot_api_types::{AdminSharePage, ShareMode, ShareState};
use leptos::prelude::*;

use super::i18n::Key;
use super::widgets::{load, maybe_when, when, AdminTable, Pager, ReasonAction, SelectFilter};
use super::{api, tr};
use jobbot_frontend::api::ApiError;

const LIMIT: i64 = 25;
const STATES: &[(&str, Key)] = &[
    ("", Key::Any),
    ("active", Key::Active),
    ("expired", Key::ShareExpired),
    ("revoked", Key::ShareRevoked),
    ("removed", Key::ShareRemoved),
];
const COLUMNS: &[Key] = &[
    Key::Owner,
    Key::Recipient,
    Key::Mode,
    Key::Status,
    Key::Messages,
    Key::Views,
    Key::Created,
    Key::Expires,
    Key::Actions,
];

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
        load(page, error, async move { api::shares(&query).await });
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
    view! {
        <section class="page admin-page">
            <h1>{move || tr(Key::Shares)}</h1>
            <p class="muted">{move || tr(Key::NoContents)}</p>
            <div class="filters">
                <SelectFilter id="share-filter" label=Key::Status value=filter options=STATES />
            </div>
            <AdminTable testid="shares-table" caption=Key::Shares columns=COLUMNS error>{rows}</AdminTable>
            <Pager offset limit=LIMIT total />
        </section>
    }
}

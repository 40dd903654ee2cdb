//! A shared conversation (`/shares/:id`: read-only, with "continue as my conversation") and "My shares"
//! (`/shares`). Its calls are in `api.rs`.

use jobbot_api_types::{ErrorCode, MyShare, ShareMode, ShareState, ShareTranscript, UpdateShareRequest};
use jobbot_domain::markdown;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

use jobbot_frontend::i18n::{problem_message, Key};
use jobbot_frontend::state::AppState;

mod api;

#[component]
pub fn ShareTranscriptPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let navigate = use_navigate();
    let transcript = RwSignal::new(None::<ShareTranscript>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(id) = params.read().get("id") else { return };
        spawn_local(async move {
            match api::share(&id).await {
                Ok(t) => transcript.set(Some(t)),
                Err(e) if e.code() == ErrorCode::ShareGone => {
                    error.set(Some(state.t(Key::ShareGone).to_owned()))
                }
                Err(e) => error.set(Some(problem_message(state.locale.get_untracked(), &e.0))),
            }
        });
    });
    let fork = move |_| {
        let Some(t) = transcript.get_untracked() else {
            return;
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::fork_share(&t.share.id).await {
                Ok(conversation) => navigate(&format!("/assistant/{}", conversation.id), Default::default()),
                Err(e) => error.set(Some(problem_message(state.locale.get_untracked(), &e.0))),
            }
        });
    };
    view! {
        <section class="card">
            <Show when=move || error.get().is_some()>
                <p class="form-alert error" role="alert" data-testid="share-error">{move || error.get()}</p>
            </Show>
            {move || transcript.get().map(|t| {
                let mine = state.user.with(|u| u.as_ref().is_some_and(|u| u.id == t.share.owner_id));
                view! {
                    <h1 data-testid="share-title">{t.share.title.clone()}</h1>
                    <p class="muted">{move || state.t(Key::SharedConversation)}</p>
                    <ol class="messages" data-testid="share-messages">
                        {t.messages.iter().map(|m| view! {
                            <li class="message" class:user=m.role == "user" class:assistant=m.role != "user" data-testid="shared-message">
                                <div class="text markdown" inner_html=markdown::to_html(&m.content)></div>
                            </li>
                        }).collect_view()}
                    </ol>
                    {(!mine).then(|| view! {
                        <button type="button" class="button primary" data-testid="fork-share" on:click=fork.clone()>
                            {move || state.t(Key::ContinueAsMine)}
                        </button>
                    })}
                }
            })}
        </section>
    }
}

#[component]
pub fn MySharesPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let shares = RwSignal::new(Vec::<MyShare>::new());
    let reload = move || {
        spawn_local(async move {
            if let Ok(list) = api::my_shares().await {
                shares.set(list);
            }
        })
    };
    reload();
    let change = move |id: String, request: UpdateShareRequest| {
        spawn_local(async move {
            let _ = api::update_share(&id, &request).await;
            reload();
        });
    };
    view! {
        <section class="card">
            <h1>{move || state.t(Key::NavShares)}</h1>
            <Show when=move || shares.with(Vec::is_empty)>
                <p class="muted">{move || state.t(Key::NoShares)}</p>
            </Show>
            <ul class="token-list" data-testid="my-shares">
                <For each=move || shares.get() key=|s| (s.share.id.clone(), s.share.state, s.share.updated_at, s.views.len()) let:item>
                    {
                        let share = item.share.clone();
                        let active = share.state == ShareState::Active;
                        let (revoke_id, snap_id, mode_id) = (share.id.clone(), share.id.clone(), share.id.clone());
                        let live = share.mode == ShareMode::Live;
                        let status = match share.state {
                            ShareState::Active => Key::StateActive,
                            ShareState::Revoked => Key::StateRevoked,
                            ShareState::Expired => Key::StateExpired,
                            ShareState::Removed => Key::StateRemoved,
                        };
                        // The owner sees why an administrator removed it.
                        let removed = share.removed_reason.clone().map(|reason| format!(" : {reason}"));
                        let expires = share.expires_at.map(jobbot_frontend::i18n::day).unwrap_or_default();
                        view! {
                            <li class="token" data-testid="my-share">
                                <div>
                                    <strong>{share.title.clone()}</strong>
                                    <span class="muted">
                                        {item.participant.display_name.clone()} " · "
                                        {move || state.t(if live { Key::ModeLive } else { Key::ModeSnapshot })} " · "
                                        <span data-testid="my-share-state">{move || state.t(status)}{removed.clone()}</span> " · "
                                        {item.views.len()} " " {move || state.t(Key::Views)} " · "
                                        {move || state.t(Key::Expires)} " " {expires.clone()}
                                    </span>
                                </div>
                                {active.then(|| view! {
                                    <div class="actions">
                                        <button type="button" class="button" on:click=move |_| change(snap_id.clone(), UpdateShareRequest { resnapshot: true, ..Default::default() })>
                                            {move || state.t(Key::Resnapshot)}
                                        </button>
                                        <button type="button" class="button" on:click=move |_| change(mode_id.clone(), UpdateShareRequest {
                                            mode: Some(if live { ShareMode::Snapshot } else { ShareMode::Live }), ..Default::default()
                                        })>
                                            {move || state.t(if live { Key::SwitchToSnapshot } else { Key::SwitchToLive })}
                                        </button>
                                        <button type="button" class="button danger" data-testid="revoke-share" on:click=move |_| {
                                            let id = revoke_id.clone();
                                            spawn_local(async move {
                                                let _ = api::revoke_share(&id).await;
                                                reload();
                                            });
                                        }>
                                            {move || state.t(Key::Revoke)}
                                        </button>
                                    </div>
                                })}
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}

//! The chats between users (`/chats`, `/chats/:id`): the list with unread badges, the open chat updating live, and
//! share cards inline. Its calls are in `api.rs`.

use jobbot_api_types::{
    ChatMessage, ChatMessageKind, ChatSummary, LiveEvent, ShareCard, ShareMode, ShareState,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use jobbot_frontend::i18n::{problem_message, Key};
use jobbot_frontend::realtime::Live;
use jobbot_frontend::state::AppState;

pub mod api;

/// The card of a shared JobBot conversation, as the chat shows it.
#[component]
pub fn ShareCardView(card: ShareCard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let mode = if card.mode == ShareMode::Live {
        Key::ModeLive
    } else {
        Key::ModeSnapshot
    };
    let (status, gone) = match card.state {
        ShareState::Active => (Key::StateActive, false),
        ShareState::Revoked => (Key::StateRevoked, true),
        ShareState::Expired => (Key::StateExpired, true),
        ShareState::Removed => (Key::StateRemoved, true),
    };
    let href = format!("/shares/{}", card.id);
    view! {
        <div class="share-card" class:gone=gone data-testid="share-card" data-state=move || state.t(status)>
            <p class="share-kind">{move || state.t(Key::SharedConversation)}</p>
            <p class="share-title">{card.title.clone()}</p>
            <p class="muted">
                {move || state.t(mode)} " · " {card.message_count} " " {move || state.t(Key::MessagesCount)} " · "
                <span data-testid="share-state">{move || state.t(status)}</span>
                {card.updated.then(|| view! { " · " <span>{move || state.t(Key::UpdatedBadge)}</span> })}
            </p>
            {(!gone).then(|| view! { <A href=href.clone() attr:class="button" attr:data-testid="open-share">{move || state.t(Key::OpenTranscript)}</A> })}
        </div>
    }
}

#[component]
pub fn ChatsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let live = expect_context::<Live>();
    let params = use_params_map();
    let navigate = use_navigate();
    let current = Memo::new(move |_| params.read().get("id"));
    let chats = RwSignal::new(Vec::<ChatSummary>::new());
    let messages = RwSignal::new(Vec::<ChatMessage>::new());
    let email = RwSignal::new(String::new());
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let reload_list = move || {
        spawn_local(async move {
            if let Ok(list) = api::list_chats().await {
                chats.set(list);
            }
        })
    };
    let reload_messages = move |id: String| {
        spawn_local(async move {
            match api::chat_messages(&id).await {
                Ok(page) => {
                    if let Some(last) = page.items.last() {
                        let _ = api::mark_chat_read(&id, &last.id).await;
                    }
                    messages.set(page.items);
                    reload_list();
                }
                Err(e) => error.set(Some(problem_message(state.locale.get_untracked(), &e.0))),
            }
        })
    };
    // Load on open, and catch up after every (re)connection of the live channel.
    Effect::new(move |_| {
        live.epoch.track();
        reload_list();
        if let Some(id) = current.get() {
            reload_messages(id);
        } else {
            messages.set(Vec::new());
        }
    });
    Effect::new(move |_| {
        let Some(event) = live.event.get() else { return };
        match (event, current.get_untracked()) {
            (LiveEvent::ChatMessage(message) | LiveEvent::ShareCreated(message), Some(open))
                if message.chat_id == open =>
            {
                let id = message.id.clone();
                messages.update(|list| {
                    if !list.iter().any(|m| m.id == message.id) {
                        list.push(message);
                    }
                });
                spawn_local(async move {
                    let _ = api::mark_chat_read(&open, &id).await;
                });
                reload_list();
            }
            (LiveEvent::ShareUpdated(card) | LiveEvent::ShareRevoked(card), _) => {
                messages.update(|list| {
                    for message in list
                        .iter_mut()
                        .filter(|m| m.share.as_ref().is_some_and(|s| s.id == card.id))
                    {
                        message.share = Some(card.clone());
                    }
                });
            }
            _ => reload_list(),
        }
    });

    let start = move |ev: SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::open_chat(&address).await {
                Ok(chat) => {
                    email.set(String::new());
                    error.set(None);
                    navigate(&format!("/chats/{}", chat.id), Default::default());
                }
                Err(e) => error.set(Some(problem_message(state.locale.get_untracked(), &e.0))),
            }
        });
    };
    let send = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(id), content) = (current.get_untracked(), draft.get_untracked()) else {
            return;
        };
        if content.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            match api::post_chat_message(&id, &content).await {
                Ok(message) => {
                    draft.set(String::new());
                    messages.update(|list| {
                        if !list.iter().any(|m| m.id == message.id) {
                            list.push(message);
                        }
                    });
                }
                Err(e) => error.set(Some(problem_message(state.locale.get_untracked(), &e.0))),
            }
        });
    };
    let me = move || state.user.get().map(|u| u.id).unwrap_or_default();

    view! {
        <div class="panes" class:has-conversation=move || current.get().is_some()>
            <aside class="pane-list" aria-labelledby="messages-title">
                <h1 id="chats-title">{move || state.t(Key::ChatsTitle)}</h1>
                <form class="start-chat" on:submit=start>
                    <label for="start-chat-email">{move || state.t(Key::StartChat)}</label>
                    <div class="inline">
                        <input id="start-chat-email" type="email" data-testid="start-chat-email" autocomplete="off"
                            placeholder=move || state.t(Key::TheirEmail)
                            prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                        <button type="submit" class="button" data-testid="start-chat">{move || state.t(Key::Open)}</button>
                    </div>
                </form>
                <Show when=move || chats.with(Vec::is_empty)>
                    <p class="muted">{move || state.t(Key::NoChats)}</p>
                </Show>
                <ul data-testid="chat-list">
                    <For each=move || chats.get() key=|c| (c.id.clone(), c.unread_count, c.updated_at) let:chat>
                        <li class="conversation-item" class:active=move || current.get().as_deref() == Some(chat.id.as_str())>
                            <A href=format!("/chats/{}", chat.id) attr:data-testid="chat-link">
                                {chat.participant.display_name.clone()}
                                {(chat.unread_count > 0).then(|| view! {
                                    <span class="badge" data-testid="unread-badge" aria-label=move || format!("{} {}", chat.unread_count, state.t(Key::Unread))>
                                        {chat.unread_count}
                                    </span>
                                })}
                            </A>
                            <p class="muted preview">{chat.last_message.as_ref().map(|m| m.content.chars().take(60).collect::<String>())}</p>
                        </li>
                    </For>
                </ul>
            </aside>
            <section class="pane-view" aria-label=move || state.t(Key::ChatsTitle)>
                <A href="/chats" attr:class="back-link">"← " {move || state.t(Key::ChatsTitle)}</A>
                <Show when=move || error.get().is_some()>
                    <p class="form-alert error" role="alert" data-testid="messages-error">{move || error.get()}</p>
                </Show>
                <Show when=move || current.get().is_some() fallback=move || view! { <p class="muted">{move || state.t(Key::PickChat)}</p> }>
                    <ol class="messages" data-testid="chat-messages" aria-live="polite">
                        <For each=move || messages.get() key=|m| (m.id.clone(), m.share.as_ref().map(|s| (s.state, s.updated_at))) let:message>
                            {
                                let mine = message.sender_id.as_deref() == Some(me().as_str());
                                view! {
                                    <li class="message" class:user=mine class:assistant=!mine data-testid="chat-message">
                                        {match (message.kind, message.share.clone()) {
                                            (ChatMessageKind::Share, Some(card)) => view! { <ShareCardView card=card /> }.into_any(),
                                            _ => view! { <p class="text">{message.content.clone()}</p> }.into_any(),
                                        }}
                                    </li>
                                }
                            }
                        </For>
                    </ol>
                    <form class="composer" on:submit=send>
                        <label for="chat-input">{move || state.t(Key::WriteMessage)}</label>
                        <textarea id="chat-input" data-testid="chat-input" rows="2" maxlength="4000"
                            prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                        <button type="submit" class="button primary" data-testid="chat-send">{move || state.t(Key::Send)}</button>
                    </form>
                </Show>
            </section>
        </div>
    }
}

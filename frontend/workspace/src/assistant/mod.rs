//! The assistant (`/assistant`, `/assistant/:id`): the conversation list (search, rename, delete) and the
//! conversation, with answers streaming in, stop, regenerate, copy, retry and rate (thumbs up or down, a
//! comment). Works by keyboard and on a phone (list and conversation stack). Its calls are in `api.rs`, a reply's
//! streaming in `reply.rs`, the open conversation in `conversation.rs`, one message in `message.rs`.

use jobbot_api_types::{AssistantInfo, Conversation, LiveEvent, Message};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use jobbot_frontend::i18n::{problem_message, Key};
use jobbot_frontend::realtime::Live;
use jobbot_frontend::state::AppState;

use conversation::ConversationView;
use reply::catch_up;

pub mod api;
mod conversation;
mod message;
mod reply;
mod share_dialog;

/// The assistant's state. It lives as long as the app (provided in `WorkspaceApp`), because a reply keeps streaming
/// into it while the user moves between pages.
#[derive(Clone, Copy)]
pub struct Assistant {
    /// The open conversation, from the URL.
    current: RwSignal<Option<String>>,
    conversations: RwSignal<Vec<Conversation>>,
    search: RwSignal<String>,
    messages: RwSignal<Vec<Message>>,
    streaming: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    info: RwSignal<Option<AssistantInfo>>,
    /// The model picked for the open conversation, or for the next new one (`None`: the default).
    model: RwSignal<Option<String>>,
    draft: RwSignal<String>,
}

impl Default for Assistant {
    fn default() -> Self {
        Self::new()
    }
}

impl Assistant {
    pub fn new() -> Self {
        Self {
            current: RwSignal::new(None),
            conversations: RwSignal::new(Vec::new()),
            search: RwSignal::new(String::new()),
            messages: RwSignal::new(Vec::new()),
            streaming: RwSignal::new(false),
            error: RwSignal::new(None),
            info: RwSignal::new(None),
            model: RwSignal::new(None),
            draft: RwSignal::new(String::new()),
        }
    }

    /// What users read for model `id`: its display name when the operator gave one, its id for a model no
    /// longer offered, nothing while the assistant's description is still on its way (the id would flash).
    fn model_name(self, id: &str) -> String {
        self.info.with(|info| match info {
            None => String::new(),
            Some(i) => i
                .models
                .iter()
                .find(|m| m.id == id)
                .map_or_else(|| id.to_owned(), |m| m.name.clone()),
        })
    }

    /// Asks `question` in a conversation just created elsewhere (the offer page's "how to close these gaps"),
    /// once the page has moved to it: the reply streams here as if typed in the composer.
    pub fn ask_in_new(self, state: AppState, conversation_id: String, question: String) {
        self.messages.set(Vec::new());
        reply::run_reply(state, self, conversation_id, Some(question), None);
    }

    fn reload_list(self) {
        let search = self.search.get_untracked();
        spawn_local(async move {
            if let Ok(page) = api::list_conversations(&search).await {
                self.conversations.set(page.items);
            }
        });
    }
}

#[component]
pub fn AssistantPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let assistant = expect_context::<Assistant>();
    let current = assistant.current;
    Effect::new(move |_| {
        let id = params.read().get("id");
        if current.get_untracked() != id {
            current.set(id);
        }
    });
    spawn_local(async move {
        if let Ok(info) = api::assistant_info().await {
            assistant.info.set(Some(info));
        }
    });
    Effect::new(move |_| {
        assistant.search.track();
        assistant.reload_list();
    });

    // Opening a conversation loads its messages; a reply still being written (e.g. after a reload) is
    // followed until it ends.
    Effect::new(move |_| {
        let Some(id) = current.get() else {
            assistant.messages.set(Vec::new());
            return;
        };
        // The open conversation's model, for the picker.
        {
            let id = id.clone();
            spawn_local(async move {
                if let Ok(conversation) = api::conversation(&id).await {
                    if current.get_untracked().as_deref() == Some(id.as_str()) {
                        assistant.model.set(Some(conversation.model));
                    }
                }
            });
        }
        if assistant.streaming.get_untracked() {
            return;
        }
        assistant.error.set(None);
        spawn_local(catch_up(state, assistant, id, true));
    });

    // A question asked in another tab or on another device: follow its reply here too.
    if let Some(live) = use_context::<Live>() {
        Effect::new(move |_| {
            let Some(LiveEvent::ConversationReply(started)) = live.event.get() else {
                return;
            };
            let open = current.get_untracked().as_deref() == Some(started.conversation_id.as_str());
            if open && !assistant.streaming.get_untracked() {
                spawn_local(catch_up(state, assistant, started.conversation_id, false));
            }
        });
        // After the socket (re)connects, what it may have missed: a reply started meanwhile.
        Effect::new(move |previous: Option<u32>| {
            let epoch = live.epoch.get();
            if previous.is_some() {
                if let Some(id) = current
                    .get_untracked()
                    .filter(|_| !assistant.streaming.get_untracked())
                {
                    spawn_local(catch_up(state, assistant, id, false));
                }
            }
            epoch
        });
    }

    view! {
        <div class="panes" class:has-conversation=move || current.get().is_some()>
            <ConversationList current=current />
            <ConversationView current=current />
        </div>
    }
}

#[component]
fn ConversationList(current: RwSignal<Option<String>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let assistant = expect_context::<Assistant>();
    let navigate = use_navigate();
    let editing = RwSignal::new(None::<String>);
    let edit_title = RwSignal::new(String::new());

    let new_conversation = {
        let navigate = navigate.clone();
        move |_| {
            assistant.draft.set(String::new());
            navigate("/assistant", Default::default());
        }
    };
    let save_title = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(id) = editing.get_untracked() else { return };
        let title = edit_title.get_untracked();
        spawn_local(async move {
            match api::rename_conversation(&id, &title).await {
                Ok(_) => {
                    editing.set(None);
                    assistant.reload_list();
                }
                Err(error) => assistant
                    .error
                    .set(Some(problem_message(state.locale.get_untracked(), &error.0))),
            }
        });
    };

    view! {
        <aside class="pane-list" aria-labelledby="conversations-title">
            <div class="pane-list-head">
                <h1 id="conversations-title">{move || state.t(Key::Conversations)}</h1>
                <button type="button" class="button primary" data-testid="new-conversation" on:click=new_conversation>
                    {move || state.t(Key::NewConversation)}
                </button>
            </div>
            <label class="visually-hidden" for="conversation-search">{move || state.t(Key::SearchConversations)}</label>
            <input
                id="conversation-search"
                type="search"
                data-testid="conversation-search"
                placeholder=move || state.t(Key::SearchConversations)
                prop:value=move || assistant.search.get()
                on:input=move |ev| assistant.search.set(event_target_value(&ev))
            />
            <Show when=move || assistant.conversations.with(Vec::is_empty)>
                <p class="muted">{move || state.t(Key::NoConversations)}</p>
            </Show>
            <ul data-testid="conversation-list">
                <For each=move || assistant.conversations.get() key=|c| (c.id.clone(), c.title.clone()) let:conversation>
                    {
                        let id = conversation.id.clone();
                        let href = format!("/assistant/{id}");
                        let (rename_id, delete_id, active_id) = (id.clone(), id.clone(), id.clone());
                        let title = conversation.title.clone();
                        let is_editing = {
                            let id = id.clone();
                            move || editing.get().as_deref() == Some(id.as_str())
                        };
                        let navigate = navigate.clone();
                        view! {
                            <li class="conversation-item" class:active=move || current.get().as_deref() == Some(active_id.as_str())>
                                <Show
                                    when=is_editing.clone()
                                    fallback={
                                        let (href, title) = (href.clone(), title.clone());
                                        move || {
                                            let (href, title) = (href.clone(), title.clone());
                                            view! { <A href=href attr:data-testid="conversation-link">{title}</A> }
                                        }
                                    }
                                >
                                    <form class="rename-form" on:submit=save_title>
                                        <label class="visually-hidden" for="rename-input">{move || state.t(Key::Title)}</label>
                                        <input id="rename-input" data-testid="rename-input" prop:value=move || edit_title.get()
                                            on:input=move |ev| edit_title.set(event_target_value(&ev)) />
                                        <button type="submit" class="button">{move || state.t(Key::Save)}</button>
                                        <button type="button" class="button" on:click=move |_| editing.set(None)>{move || state.t(Key::Cancel)}</button>
                                    </form>
                                </Show>
                                <div class="conversation-actions">
                                    <button type="button" class="link-button small" data-testid="rename-conversation"
                                        on:click={
                                            let (id, title) = (rename_id.clone(), title.clone());
                                            move |_| { edit_title.set(title.clone()); editing.set(Some(id.clone())); }
                                        }>
                                        {move || state.t(Key::Rename)}
                                    </button>
                                    <button type="button" class="link-button small danger" data-testid="delete-conversation"
                                        on:click=move |_| {
                                            let confirmed = web_sys::window()
                                                .and_then(|w| w.confirm_with_message(state.t(Key::ConfirmDelete)).ok())
                                                .unwrap_or(false);
                                            if !confirmed { return; }
                                            let (id, navigate) = (delete_id.clone(), navigate.clone());
                                            spawn_local(async move {
                                                if api::delete_conversation(&id).await.is_ok() {
                                                    if current.get_untracked().as_deref() == Some(id.as_str()) {
                                                        navigate("/assistant", Default::default());
                                                    }
                                                    assistant.reload_list();
                                                }
                                            });
                                        }>
                                        {move || state.t(Key::Delete)}
                                    </button>
                                </div>
                            </li>
                        }
                    }
                </For>
            </ul>
        </aside>
    }
}

//! The assistant: conversation list (search, rename, delete) and the conversation, with answers streaming
//! in, stop, regenerate, copy, retry and rate (thumbs up or down, a comment). Works by keyboard and on a phone
//! (list and conversation stack). Part of the workspace build.

use jobbot_api_types::{
    AssistantInfo, Conversation, ErrorCode, Feedback, FeedbackRequest, LiveEvent, Message, MessageRole,
    MessageStatus, Rating,
};
use jobbot_domain::markdown;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{self, ReplyEvent};
use crate::components::share_dialog::ShareDialog;
use crate::i18n::{problem_message, Key};
use crate::realtime::Live;
use crate::state::AppState;

/// The assistant's state. It lives as long as the app (provided in `WorkspaceApp`), because a reply keeps streaming
/// into it while the user moves between pages.
#[derive(Clone, Copy)]
pub struct Chat {
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

impl Default for Chat {
    fn default() -> Self {
        Self::new()
    }
}

impl Chat {
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

    fn reload_list(self) {
        let search = self.search.get_untracked();
        spawn_local(async move {
            if let Ok(page) = api::list_conversations(&search).await {
                self.conversations.set(page.items);
            }
        });
    }
}

/// A reply being written, shown until the server's stored message replaces it.
fn pending_reply() -> Message {
    Message {
        id: "pending".into(),
        role: MessageRole::Assistant,
        content: String::new(),
        status: MessageStatus::Streaming,
        created_at: chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default(),
        provider: None,
        model: None,
        usage: None,
        latency_ms: None,
        error_code: None,
        feedback: None,
        fallback_from: None,
        parent_id: None,
        siblings: Vec::new(),
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[component]
pub fn ChatPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let params = use_params_map();
    let chat = expect_context::<Chat>();
    let current = chat.current;
    Effect::new(move |_| {
        let id = params.read().get("id");
        if current.get_untracked() != id {
            current.set(id);
        }
    });
    spawn_local(async move {
        if let Ok(info) = api::assistant_info().await {
            chat.info.set(Some(info));
        }
    });
    Effect::new(move |_| {
        chat.search.track();
        chat.reload_list();
    });

    // Opening a conversation loads its messages; a reply still being written (e.g. after a reload) is
    // followed until it ends.
    Effect::new(move |_| {
        let Some(id) = current.get() else {
            chat.messages.set(Vec::new());
            return;
        };
        // The open conversation's model, for the picker.
        {
            let id = id.clone();
            spawn_local(async move {
                if let Ok(conversation) = api::conversation(&id).await {
                    if current.get_untracked().as_deref() == Some(id.as_str()) {
                        chat.model.set(Some(conversation.model));
                    }
                }
            });
        }
        if chat.streaming.get_untracked() {
            return;
        }
        chat.error.set(None);
        spawn_local(catch_up(state, chat, id, true));
    });

    // A question asked in another tab or on another device: follow its reply here too.
    if let Some(live) = use_context::<Live>() {
        Effect::new(move |_| {
            let Some(LiveEvent::ConversationReply(started)) = live.event.get() else {
                return;
            };
            let open = current.get_untracked().as_deref() == Some(started.conversation_id.as_str());
            if open && !chat.streaming.get_untracked() {
                spawn_local(catch_up(state, chat, started.conversation_id, false));
            }
        });
        // After the socket (re)connects, what it may have missed: a reply started meanwhile.
        Effect::new(move |previous: Option<u32>| {
            let epoch = live.epoch.get();
            if previous.is_some() {
                if let Some(id) = current
                    .get_untracked()
                    .filter(|_| !chat.streaming.get_untracked())
                {
                    spawn_local(catch_up(state, chat, id, false));
                }
            }
            epoch
        });
    }

    view! {
        <div class="chat" class:has-conversation=move || current.get().is_some()>
            <ConversationList current=current />
            <ConversationView current=current />
        </div>
    }
}

#[component]
fn ConversationList(current: RwSignal<Option<String>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chat = expect_context::<Chat>();
    let navigate = use_navigate();
    let editing = RwSignal::new(None::<String>);
    let edit_title = RwSignal::new(String::new());

    let new_conversation = {
        let navigate = navigate.clone();
        move |_| {
            chat.draft.set(String::new());
            navigate("/chat", Default::default());
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
                    chat.reload_list();
                }
                Err(error) => chat
                    .error
                    .set(Some(problem_message(state.locale.get_untracked(), &error.0))),
            }
        });
    };

    view! {
        <aside class="chat-list" aria-labelledby="conversations-title">
            <div class="chat-list-head">
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
                prop:value=move || chat.search.get()
                on:input=move |ev| chat.search.set(event_target_value(&ev))
            />
            <Show when=move || chat.conversations.with(Vec::is_empty)>
                <p class="muted">{move || state.t(Key::NoConversations)}</p>
            </Show>
            <ul data-testid="conversation-list">
                <For each=move || chat.conversations.get() key=|c| (c.id.clone(), c.title.clone()) let:conversation>
                    {
                        let id = conversation.id.clone();
                        let href = format!("/chat/{id}");
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
                                                        navigate("/chat", Default::default());
                                                    }
                                                    chat.reload_list();
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

/// Loads the open conversation's messages and, when a reply is still being written in it (a reload, a
/// question asked in another tab, a reconnection), follows it from what the page then shows.
async fn catch_up(state: AppState, chat: Chat, id: String, report: bool) {
    match api::messages(&id).await {
        Ok(page) => {
            if chat.streaming.get_untracked() || chat.current.get_untracked().as_deref() != Some(id.as_str())
            {
                return;
            }
            let writing = page
                .items
                .last()
                .filter(|m| m.status == MessageStatus::Streaming)
                .map(|m| m.content.chars().count());
            chat.messages.set(page.items);
            if let Some(shown) = writing {
                follow(state, chat, id, Some(shown));
            }
        }
        Err(error) if report => chat
            .error
            .set(Some(problem_message(state.locale.get_untracked(), &error.0))),
        Err(_) => {}
    }
}

/// Puts a re-attached reply in place of the one shown (the same id, or the placeholder), or adds it.
fn show_reply(list: &mut Vec<Message>, reply: Message) {
    match list
        .iter_mut()
        .rev()
        .find(|m| m.id == reply.id || m.id == "pending")
    {
        Some(shown) => *shown = reply,
        None => list.push(reply),
    }
}

/// Follows the reply being written in the conversation until it ends: after a reload, a dropped connection
/// (from `shown`, the characters already on screen) or a question asked in another tab. Re-attaches after a
/// network drop, for as long as the conversation stays open.
fn follow(state: AppState, chat: Chat, conversation_id: String, shown: Option<usize>) {
    chat.streaming.set(true);
    spawn_local(async move {
        let mut last = shown;
        let mut attempts = 0;
        let id = conversation_id.clone();
        let open = move || chat.current.get_untracked().as_deref() == Some(id.as_str());
        loop {
            if !open() {
                break;
            }
            let mut got = last;
            let result = api::resume_reply(&conversation_id, last, |event| {
                if !open() {
                    return;
                }
                match event {
                    ReplyEvent::Started(reply) => chat.messages.update(|list| show_reply(list, reply)),
                    ReplyEvent::Delta(text, id) => {
                        got = id.or(got);
                        chat.messages.update(|list| {
                            if let Some(reply) = list.last_mut() {
                                reply.content.push_str(&text);
                            }
                        });
                    }
                    ReplyEvent::Done(message) => chat.messages.update(|list| show_reply(list, message)),
                    ReplyEvent::Failed(problem) => {
                        chat.error
                            .set(Some(problem_message(state.locale.get_untracked(), &problem)));
                        chat.messages.update(|list| {
                            if let Some(reply) = list.last_mut() {
                                reply.status = MessageStatus::Failed;
                            }
                        });
                    }
                    ReplyEvent::Question(_) => {}
                }
            })
            .await;
            match result {
                Ok(true) => break,
                Ok(false) => {
                    // It ended in the meantime: show it as stored.
                    if let Ok(page) = api::messages(&conversation_id).await {
                        if open() {
                            chat.messages.set(page.items);
                        }
                    }
                    break;
                }
                Err(error) if error.0.code == ErrorCode::NetworkError && attempts < 60 => {
                    attempts += 1;
                    last = got;
                    sleep(1000).await;
                }
                Err(error) => {
                    chat.error
                        .set(Some(problem_message(state.locale.get_untracked(), &error.0)));
                    break;
                }
            }
        }
        chat.streaming.set(false);
        chat.reload_list();
    });
}

/// Runs one streamed reply: `content` asks a new question, `None` regenerates the last answer. If the
/// connection drops once the question is stored, the reply goes on on the server: it is followed from where
/// it stopped.
fn run_reply(
    state: AppState,
    chat: Chat,
    conversation_id: String,
    content: Option<String>,
    after: Option<Option<String>>,
) {
    chat.streaming.set(true);
    chat.error.set(None);
    if content.is_none() {
        chat.messages.update(|list| {
            if list.last().is_some_and(|m| m.role == MessageRole::Assistant) {
                list.pop();
            }
            list.push(pending_reply());
        });
    }
    let branched = after.is_some() || content.is_none();
    spawn_local(async move {
        let asked = content.clone();
        let mut stored = false;
        let mut shown = None;
        let result =
            api::stream_reply_after(&conversation_id, content.as_deref(), after, |event| match event {
                ReplyEvent::Question(question) => {
                    stored = true;
                    if asked.is_some() {
                        chat.messages.update(|list| {
                            list.push(question);
                            list.push(pending_reply());
                        });
                    }
                }
                ReplyEvent::Delta(text, id) => {
                    shown = id.or(shown);
                    chat.messages.update(|list| {
                        if let Some(last) = list.last_mut() {
                            last.content.push_str(&text);
                        }
                    })
                }
                ReplyEvent::Started(reply) => chat.messages.update(|list| show_reply(list, reply)),
                ReplyEvent::Done(message) => chat.messages.update(|list| {
                    if let Some(last) = list.last_mut() {
                        *last = message;
                    }
                }),
                ReplyEvent::Failed(problem) => {
                    chat.error
                        .set(Some(problem_message(state.locale.get_untracked(), &problem)));
                    chat.messages.update(|list| {
                        if let Some(last) = list.last_mut() {
                            last.status = MessageStatus::Failed;
                        }
                    });
                }
            })
            .await;
        match result {
            Err(error) if stored && error.0.code == ErrorCode::NetworkError => {
                // The question is saved and the reply is being written: pick it up again.
                follow(state, chat, conversation_id, shown);
                return;
            }
            Err(error) => {
                chat.error
                    .set(Some(problem_message(state.locale.get_untracked(), &error.0)));
                chat.messages.update(|list| list.retain(|m| m.id != "pending"));
                if let Some(content) = content.filter(|_| !stored) {
                    // The question could not be sent: give it back rather than lose it.
                    if chat.draft.get_untracked().is_empty() {
                        chat.draft.set(content);
                    }
                }
            }
            Ok(()) => {
                // An edit or a regenerated answer made siblings: show their "2 / 3" arrows.
                if branched {
                    if let Ok(page) = api::messages(&conversation_id).await {
                        if chat.current.get_untracked().as_deref() == Some(conversation_id.as_str()) {
                            chat.messages.set(page.items);
                        }
                    }
                }
            }
        }
        chat.streaming.set(false);
        chat.reload_list();
    });
}

#[component]
fn ConversationView(current: RwSignal<Option<String>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chat = expect_context::<Chat>();
    let navigate = use_navigate();

    let send = move || {
        let content = chat.draft.get_untracked();
        if content.trim().is_empty() || chat.streaming.get_untracked() {
            return;
        }
        chat.draft.set(String::new());
        match current.get_untracked() {
            Some(id) => run_reply(state, chat, id, Some(content), None),
            None => {
                let navigate = navigate.clone();
                chat.streaming.set(true);
                let model = chat.model.get_untracked();
                spawn_local(async move {
                    match api::create_conversation(model).await {
                        Ok(conversation) => {
                            chat.messages.set(Vec::new());
                            navigate(&format!("/chat/{}", conversation.id), Default::default());
                            run_reply(state, chat, conversation.id, Some(content), None);
                        }
                        Err(error) => {
                            chat.streaming.set(false);
                            chat.draft.set(content);
                            chat.error
                                .set(Some(problem_message(state.locale.get_untracked(), &error.0)));
                        }
                    }
                });
            }
        }
    };
    let submit = {
        let send = send.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            send();
        }
    };
    let keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let stop = move |_| {
        if let Some(id) = current.get_untracked() {
            spawn_local(async move {
                let _ = api::stop_reply(&id).await;
            });
        }
    };
    let regenerate = move || {
        if let Some(id) = current.get_untracked() {
            if !chat.streaming.get_untracked() {
                run_reply(state, chat, id, None, None);
            }
        }
    };
    let sharing = RwSignal::new(false);
    let last_is_assistant = move || {
        chat.messages
            .with(|l| l.last().is_some_and(|m| m.role == MessageRole::Assistant))
    };

    view! {
        <section class="chat-view" aria-label=move || state.t(Key::NavChat)>
            <A href="/chat" attr:class="back-link">"← " {move || state.t(Key::BackToList)}</A>
            <Show when=move || chat.info.get().is_some_and(|i| i.offline)>
                <p class="offline-badge" data-testid="offline-badge">{move || state.t(Key::OfflineBadge)}</p>
            </Show>
            <ol class="messages" data-testid="messages" aria-live="polite" aria-busy=move || chat.streaming.get().to_string()>
                <Show when=move || chat.messages.with(Vec::is_empty)>
                    <li class="empty muted">{move || state.t(Key::EmptyConversation)}</li>
                </Show>
                <For each=move || chat.messages.get() key=|m| (m.id.clone(), m.status, m.content.len(), m.siblings.len()) let:message>
                    <MessageItem message=message />
                </For>
            </ol>
            <Show when=move || chat.error.get().is_some()>
                <div class="form-alert error" role="alert" data-testid="chat-error">
                    <p>{move || chat.error.get()}</p>
                    <Show when=last_is_assistant>
                        <button type="button" class="button" data-testid="retry" on:click=move |_| regenerate()>
                            {move || state.t(Key::Retry)}
                        </button>
                    </Show>
                </div>
            </Show>
            <Show when=move || sharing.get() && current.get().is_some()>
                {move || current.get().map(|id| view! {
                    <ShareDialog conversation_id=id messages=chat.messages.get_untracked() on_close=Callback::new(move |_| sharing.set(false)) />
                })}
            </Show>
            <div class="reply-actions">
                <Show when=move || chat.streaming.get()>
                    <button type="button" class="button danger" data-testid="stop" on:click=stop>{move || state.t(Key::Stop)}</button>
                </Show>
                <Show when=move || !chat.streaming.get() && last_is_assistant() && !sharing.get()>
                    <button type="button" class="button" data-testid="share-conversation" on:click=move |_| sharing.set(true)>
                        {move || state.t(Key::ShareInChat)}
                    </button>
                </Show>
                <Show when=move || !chat.streaming.get() && last_is_assistant() && chat.error.get().is_none()>
                    <button type="button" class="button" data-testid="regenerate" on:click=move |_| regenerate()>
                        {move || state.t(Key::Regenerate)}
                    </button>
                </Show>
            </div>
            <ModelPicker current=current />
            <form class="composer" on:submit=submit>
                <label for="composer-input">{move || state.t(Key::AskLabel)}</label>
                <textarea
                    id="composer-input"
                    data-testid="composer-input"
                    rows="3"
                    maxlength="8000"
                    aria-describedby="composer-hint"
                    placeholder=move || state.t(Key::AskPlaceholder)
                    prop:value=move || chat.draft.get()
                    on:input=move |ev| chat.draft.set(event_target_value(&ev))
                    on:keydown=keydown
                ></textarea>
                <p class="hint" id="composer-hint">{move || state.t(Key::AskHint)}</p>
                <button type="submit" class="button primary" data-testid="send"
                    disabled=move || chat.streaming.get() || chat.draft.with(|d| d.trim().is_empty())>
                    {move || state.t(Key::Send)}
                </button>
            </form>
        </section>
    }
}

/// The model that answers the next questions, when the operator offers more than one: changed at once for the
/// open conversation, or kept for the next new one.
#[component]
fn ModelPicker(current: RwSignal<Option<String>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chat = expect_context::<Chat>();
    let models = move || {
        chat.info
            .with(|info| info.as_ref().map(|i| i.models.clone()).unwrap_or_default())
    };
    let selected = move || {
        chat.model
            .get()
            .or_else(|| chat.info.with(|info| info.as_ref().map(|i| i.model.clone())))
    };
    let change = move |ev: leptos::ev::Event| {
        let model = event_target_value(&ev);
        let before = chat.model.get_untracked();
        chat.model.set(Some(model.clone()));
        let Some(id) = current.get_untracked() else { return };
        spawn_local(async move {
            if let Err(error) = api::set_conversation_model(&id, &model).await {
                chat.model.set(before);
                let why = problem_message(state.locale.get_untracked(), &error.0);
                chat.error
                    .set(Some(format!("{} {why}", state.t(Key::ModelChangeFailed))));
            }
        });
    };
    let several = move || models().len() > 1;
    view! {
        <Show when=several>
            <div class="model-picker">
                <label for="model-picker">{move || state.t(Key::ModelLabel)}</label>
                <select id="model-picker" data-testid="model-picker" on:change=change>
                    <For each=models key=|m| m.id.clone() let:model>
                        {
                            let id = model.id.clone();
                            let is_selected = move || selected().as_deref() == Some(id.as_str());
                            view! { <option value=model.id.clone() prop:selected=is_selected>{model.name.clone()}</option> }
                        }
                    </For>
                </select>
            </div>
        </Show>
    }
}

/// Thumbs up or down on a reply (pressing the chosen one again takes it back), then an optional comment.
#[component]
fn RateReply(message_id: String, feedback: Option<Feedback>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chat = expect_context::<Chat>();
    let rating = RwSignal::new(feedback.as_ref().map(|f| f.rating));
    let comment = RwSignal::new(feedback.and_then(|f| f.comment).unwrap_or_default());
    let writing = RwSignal::new(false);
    let thanked = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let message_id = StoredValue::new(message_id);
    let save = move |chosen: Option<Rating>| {
        let Some(conversation) = chat.current.get_untracked() else {
            return;
        };
        let message = message_id.get_value();
        let text = comment.get_untracked();
        spawn_local(async move {
            let result = match chosen {
                Some(chosen) => {
                    let body = FeedbackRequest {
                        rating: chosen,
                        comment: (!text.trim().is_empty()).then_some(text),
                    };
                    api::rate_reply(&conversation, &message, &body).await.map(|_| ())
                }
                None => api::unrate_reply(&conversation, &message).await,
            };
            failed.set(result.is_err());
            if result.is_ok() {
                rating.set(chosen);
                thanked.set(chosen.is_some());
                writing.set(false);
            }
        });
    };
    let press = move |chosen: Rating| {
        let again = rating.get_untracked() == Some(chosen);
        save((!again).then_some(chosen));
    };
    let send_comment = move |ev: SubmitEvent| {
        ev.prevent_default();
        save(rating.get_untracked());
    };
    view! {
        <div class="rate-reply" data-testid="rate-reply">
            <button type="button" class="icon-button" data-testid="rate-up"
                aria-pressed=move || (rating.get() == Some(Rating::Up)).to_string()
                aria-label=move || state.t(Key::RateUp) title=move || state.t(Key::RateUp)
                on:click=move |_| press(Rating::Up)>"👍"</button>
            <button type="button" class="icon-button" data-testid="rate-down"
                aria-pressed=move || (rating.get() == Some(Rating::Down)).to_string()
                aria-label=move || state.t(Key::RateDown) title=move || state.t(Key::RateDown)
                on:click=move |_| press(Rating::Down)>"👎"</button>
            {move || (rating.get().is_some() && !writing.get()).then(|| view! {
                <button type="button" class="link-button small" data-testid="rate-comment" on:click=move |_| writing.set(true)>
                    {move || if comment.with(|c| c.trim().is_empty()) { state.t(Key::AddComment) } else { state.t(Key::EditComment) }}
                </button>
            })}
            {move || thanked.get().then(|| view! { <span class="muted small" role="status" data-testid="rate-thanks">{state.t(Key::RatingThanks)}</span> })}
            {move || failed.get().then(|| view! { <span class="error small" role="alert">{state.t(Key::RatingFailed)}</span> })}
            {move || writing.get().then(|| {
                let id = format!("rate-comment-{}", message_id.get_value());
                view! {
                    <form class="rate-comment" on:submit=send_comment>
                        <label for=id.clone()>{state.t(Key::CommentLabel)}</label>
                        <textarea id=id data-testid="rate-comment-input" rows="2" maxlength="2000"
                            prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                        <button type="submit" class="button small" data-testid="rate-comment-send">{state.t(Key::SendComment)}</button>
                    </form>
                }
            })}
        </div>
    }
}

#[component]
fn MessageItem(message: Message) -> impl IntoView {
    let state = expect_context::<AppState>();
    let chat = expect_context::<Chat>();
    let is_user = message.role == MessageRole::User;
    let status = message.status;
    let content = message.content.clone();
    let copied = RwSignal::new(false);
    let copy = {
        let content = content.clone();
        move |_| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&content);
                copied.set(true);
            }
        }
    };
    let status_attr = match status {
        MessageStatus::Complete => "complete",
        MessageStatus::Streaming => "streaming",
        MessageStatus::Stopped => "stopped",
        MessageStatus::Failed => "failed",
    };
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(content.clone());
    let (message_id, parent_id) = (message.id.clone(), message.parent_id.clone());
    // An edit: the question becomes a sibling of this one, after the same reply, and is answered.
    let send_edit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        let Some(conversation) = chat.current.get_untracked() else {
            return;
        };
        if text.trim().is_empty() || chat.streaming.get_untracked() {
            return;
        }
        editing.set(false);
        let edited = message_id.clone();
        chat.messages.update(|list| {
            if let Some(at) = list.iter().position(|m| m.id == edited) {
                list.truncate(at);
            }
        });
        run_reply(state, chat, conversation, Some(text), Some(parent_id.clone()));
    };
    let input_id = format!("edit-question-{}", message.id);
    let siblings = message.siblings.clone();
    let place = siblings.iter().position(|id| *id == message.id);
    let versions = place.map(|at| {
        let go = move |to: Option<&String>| {
            let Some(to) = to.cloned() else { return };
            let Some(conversation) = chat.current.get_untracked() else { return };
            if chat.streaming.get_untracked() {
                return;
            }
            spawn_local(async move {
                match api::show_branch(&conversation, &to).await {
                    Ok(_) => {
                        if let Ok(page) = api::messages(&conversation).await {
                            chat.messages.set(page.items);
                        }
                    }
                    Err(error) => chat
                        .error
                        .set(Some(problem_message(state.locale.get_untracked(), &error.0))),
                }
            });
        };
        let (previous, next) = (
            at.checked_sub(1).and_then(|i| siblings.get(i)).cloned(),
            siblings.get(at + 1).cloned(),
        );
        let (has_previous, has_next) = (previous.is_some(), next.is_some());
        view! {
            <nav class="versions" data-testid="versions" aria-label=move || state.t(Key::VersionOf)>
                <button type="button" class="icon-button small" data-testid="version-previous" disabled=!has_previous
                    aria-label=move || state.t(Key::PreviousVersion) title=move || state.t(Key::PreviousVersion)
                    on:click=move |_| go(previous.as_ref())>"‹"</button>
                <span data-testid="version-place">{format!("{} / {}", at + 1, siblings.len())}</span>
                <button type="button" class="icon-button small" data-testid="version-next" disabled=!has_next
                    aria-label=move || state.t(Key::NextVersion) title=move || state.t(Key::NextVersion)
                    on:click=move |_| go(next.as_ref())>"›"</button>
            </nav>
        }
    });
    view! {
        <li class="message" class:user=is_user class:assistant=!is_user
            data-testid=if is_user { "message-user" } else { "message-assistant" } data-status=status_attr>
            <p class="author">{move || if is_user { state.t(Key::You) } else { state.t(Key::JobBot) }}</p>
            {versions}
            {if is_user {
                let text = content.clone();
                view! {
                    <Show when=move || editing.get() fallback={
                        let text = text.clone();
                        move || view! { <p class="text">{text.clone()}</p> }
                    }>
                        <form class="edit-question" on:submit=send_edit.clone()>
                            <label for=input_id.clone()>{move || state.t(Key::EditQuestionLabel)}</label>
                            <textarea id=input_id.clone() data-testid="edit-question-input" rows="3" maxlength="8000"
                                prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                            <div class="edit-actions">
                                <button type="submit" class="button primary" data-testid="edit-question-send">{move || state.t(Key::SendEdit)}</button>
                                <button type="button" class="button" on:click=move |_| editing.set(false)>{move || state.t(Key::Cancel)}</button>
                            </div>
                        </form>
                    </Show>
                    <Show when=move || !editing.get() && !chat.streaming.get()>
                        <button type="button" class="link-button small" data-testid="edit-question"
                            on:click=move |_| editing.set(true)>{move || state.t(Key::EditQuestion)}</button>
                    </Show>
                }.into_any()
            } else if content.is_empty() && status == MessageStatus::Streaming {
                view! { <p class="text muted">{move || state.t(Key::Writing)}</p> }.into_any()
            } else {
                view! { <div class="text markdown" inner_html=markdown::to_html(&content)></div> }.into_any()
            }}
            {match status {
                MessageStatus::Stopped => Some(view! { <p class="note">{move || state.t(Key::StoppedNote)}</p> }.into_any()),
                MessageStatus::Failed => Some(view! { <p class="note error">{move || state.t(Key::FailedNote)}</p> }.into_any()),
                _ => None,
            }}
            {(!is_user && status != MessageStatus::Streaming && !content.is_empty()).then(|| view! {
                <button type="button" class="link-button small" data-testid="copy" on:click=copy>
                    {move || if copied.get() { state.t(Key::Copied) } else { state.t(Key::Copy) }}
                </button>
            })}
            {(!is_user && status != MessageStatus::Streaming && message.id != "pending").then(|| view! {
                <RateReply message_id=message.id.clone() feedback=message.feedback.clone() />
            })}
            // Which model wrote the reply, discreetly (the provider and the model's id in the tooltip), and why
            // when the fallback wrote it.
            {(!is_user && status != MessageStatus::Streaming).then(|| message.model.clone()).flatten().map(|model| {
                let tooltip = format!("{} · {model}", message.provider.clone().unwrap_or_default());
                // Names follow the assistant's description, which may arrive after the messages.
                let fallback_from = message.fallback_from.clone();
                let id = model.clone();
                view! {
                    <p class="note reply-model" data-testid="reply-model" data-model=model.clone() title=tooltip>
                        {move || chat.model_name(&id)}
                        {fallback_from.map(|from| view! {
                            <span data-testid="reply-fallback">" — " {move || state.t(Key::FallbackNote)} " (" {move || chat.model_name(&from)} ")"</span>
                        })}
                    </p>
                }
            })}
        </li>
    }
}

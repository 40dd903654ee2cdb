//! The open conversation: its messages, the composer, stop and regenerate, the share dialog and the model picker.

use jobbot_api_types::MessageRole;
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use jobbot_frontend::i18n::{problem_message, Key};
use jobbot_frontend::state::AppState;

use super::api;
use super::message::MessageItem;
use super::reply::run_reply;
use super::share_dialog::ShareDialog;
use super::Assistant;

#[component]
pub(super) fn ConversationView(current: RwSignal<Option<String>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let assistant = expect_context::<Assistant>();
    let navigate = use_navigate();

    let send = move || {
        let content = assistant.draft.get_untracked();
        if content.trim().is_empty() || assistant.streaming.get_untracked() {
            return;
        }
        assistant.draft.set(String::new());
        match current.get_untracked() {
            Some(id) => run_reply(state, assistant, id, Some(content), None),
            None => {
                let navigate = navigate.clone();
                assistant.streaming.set(true);
                let model = assistant.model.get_untracked();
                spawn_local(async move {
                    match api::create_conversation(model).await {
                        Ok(conversation) => {
                            assistant.messages.set(Vec::new());
                            navigate(&format!("/assistant/{}", conversation.id), Default::default());
                            run_reply(state, assistant, conversation.id, Some(content), None);
                        }
                        Err(error) => {
                            assistant.streaming.set(false);
                            assistant.draft.set(content);
                            assistant
                                .error
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
            if !assistant.streaming.get_untracked() {
                run_reply(state, assistant, id, None, None);
            }
        }
    };
    let sharing = RwSignal::new(false);
    let last_is_assistant = move || {
        assistant
            .messages
            .with(|l| l.last().is_some_and(|m| m.role == MessageRole::Assistant))
    };

    view! {
        <section class="pane-view" aria-label=move || state.t(Key::NavAssistant)>
            <A href="/assistant" attr:class="back-link">"← " {move || state.t(Key::BackToList)}</A>
            <Show when=move || assistant.info.get().is_some_and(|i| i.offline)>
                <p class="offline-badge" data-testid="offline-badge">{move || state.t(Key::OfflineBadge)}</p>
            </Show>
            <ol class="messages" data-testid="messages" aria-live="polite" aria-busy=move || assistant.streaming.get().to_string()>
                <Show when=move || assistant.messages.with(Vec::is_empty)>
                    <li class="empty muted">{move || state.t(Key::EmptyConversation)}</li>
                </Show>
                <For each=move || assistant.messages.get() key=|m| (m.id.clone(), m.status, m.content.len(), m.siblings.len()) let:message>
                    <MessageItem message=message />
                </For>
            </ol>
            <Show when=move || assistant.error.get().is_some()>
                <div class="form-alert error" role="alert" data-testid="chat-error">
                    <p>{move || assistant.error.get()}</p>
                    <Show when=last_is_assistant>
                        <button type="button" class="button" data-testid="retry" on:click=move |_| regenerate()>
                            {move || state.t(Key::Retry)}
                        </button>
                    </Show>
                </div>
            </Show>
            <Show when=move || sharing.get() && current.get().is_some()>
                {move || current.get().map(|id| view! {
                    <ShareDialog conversation_id=id messages=assistant.messages.get_untracked() on_close=Callback::new(move |_| sharing.set(false)) />
                })}
            </Show>
            <div class="reply-actions">
                <Show when=move || assistant.streaming.get()>
                    <button type="button" class="button danger" data-testid="stop" on:click=stop>{move || state.t(Key::Stop)}</button>
                </Show>
                <Show when=move || !assistant.streaming.get() && last_is_assistant() && !sharing.get()>
                    <button type="button" class="button" data-testid="share-conversation" on:click=move |_| sharing.set(true)>
                        {move || state.t(Key::ShareInChat)}
                    </button>
                </Show>
                <Show when=move || !assistant.streaming.get() && last_is_assistant() && assistant.error.get().is_none()>
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
                    prop:value=move || assistant.draft.get()
                    on:input=move |ev| assistant.draft.set(event_target_value(&ev))
                    on:keydown=keydown
                ></textarea>
                <p class="hint" id="composer-hint">{move || state.t(Key::AskHint)}</p>
                <button type="submit" class="button primary" data-testid="send"
                    disabled=move || assistant.streaming.get() || assistant.draft.with(|d| d.trim().is_empty())>
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
    let assistant = expect_context::<Assistant>();
    let models = move || {
        assistant
            .info
            .with(|info| info.as_ref().map(|i| i.models.clone()).unwrap_or_default())
    };
    let selected = move || {
        assistant
            .model
            .get()
            .or_else(|| assistant.info.with(|info| info.as_ref().map(|i| i.model.clone())))
    };
    let change = move |ev: leptos::ev::Event| {
        let model = event_target_value(&ev);
        let before = assistant.model.get_untracked();
        assistant.model.set(Some(model.clone()));
        let Some(id) = current.get_untracked() else { return };
        spawn_local(async move {
            if let Err(error) = api::set_conversation_model(&id, &model).await {
                assistant.model.set(before);
                let why = problem_message(state.locale.get_untracked(), &error.0);
                assistant
                    .error
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

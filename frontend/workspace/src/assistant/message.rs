//! One message of a conversation: the question (edit it), the reply (copy, rate, its model, its siblings).

use jobbot_api_types::{Feedback, FeedbackRequest, Message, MessageRole, MessageStatus, Rating};
use jobbot_domain::markdown;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use jobbot_frontend::i18n::{problem_message, Key};
use jobbot_frontend::state::AppState;

use super::api;
use super::reply::run_reply;
use super::Assistant;

/// Thumbs up or down on a reply (pressing the chosen one again takes it back), then an optional comment.
#[component]
fn RateReply(message_id: String, feedback: Option<Feedback>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let assistant = expect_context::<Assistant>();
    let rating = RwSignal::new(feedback.as_ref().map(|f| f.rating));
    let comment = RwSignal::new(feedback.and_then(|f| f.comment).unwrap_or_default());
    let writing = RwSignal::new(false);
    let thanked = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let message_id = StoredValue::new(message_id);
    let save = move |chosen: Option<Rating>| {
        let Some(conversation) = assistant.current.get_untracked() else {
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
pub(super) fn MessageItem(message: Message) -> impl IntoView {
    let state = expect_context::<AppState>();
    let assistant = expect_context::<Assistant>();
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
        let Some(conversation) = assistant.current.get_untracked() else {
            return;
        };
        if text.trim().is_empty() || assistant.streaming.get_untracked() {
            return;
        }
        editing.set(false);
        let edited = message_id.clone();
        assistant.messages.update(|list| {
            if let Some(at) = list.iter().position(|m| m.id == edited) {
                list.truncate(at);
            }
        });
        run_reply(
            state,
            assistant,
            conversation,
            Some(text),
            Some(parent_id.clone()),
        );
    };
    let input_id = format!("edit-question-{}", message.id);
    let siblings = message.siblings.clone();
    let place = siblings.iter().position(|id| *id == message.id);
    let versions = place.map(|at| {
        let go = move |to: Option<&String>| {
            let Some(to) = to.cloned() else { return };
            let Some(conversation) = assistant.current.get_untracked() else { return };
            if assistant.streaming.get_untracked() {
                return;
            }
            spawn_local(async move {
                match api::show_branch(&conversation, &to).await {
                    Ok(_) => {
                        if let Ok(page) = api::messages(&conversation).await {
                            assistant.messages.set(page.items);
                        }
                    }
                    Err(error) => assistant
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
                    <Show when=move || !editing.get() && !assistant.streaming.get()>
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
                        {move || assistant.model_name(&id)}
                        {fallback_from.map(|from| view! {
                            <span data-testid="reply-fallback">" — " {move || state.t(Key::FallbackNote)} " (" {move || assistant.model_name(&from)} ")"</span>
                        })}
                    </p>
                }
            })}
        </li>
    }
}

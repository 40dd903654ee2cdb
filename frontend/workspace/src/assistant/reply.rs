//! A reply's life on screen: asked (or regenerated, or an edited question), streamed in, re-attached after a
//! reload or a dropped connection, and replaced by the stored message when it ends.

use jobbot_api_types::{ErrorCode, Message, MessageRole, MessageStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use jobbot_frontend::i18n::problem_message;
use jobbot_frontend::state::AppState;

use super::api::{self, ReplyEvent};
use super::Assistant;

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

/// Loads the open conversation's messages and, when a reply is still being written in it (a reload, a
/// question asked in another tab, a reconnection), follows it from what the page then shows.
pub(super) async fn catch_up(state: AppState, assistant: Assistant, id: String, report: bool) {
    match api::messages(&id).await {
        Ok(page) => {
            if assistant.streaming.get_untracked()
                || assistant.current.get_untracked().as_deref() != Some(id.as_str())
            {
                return;
            }
            let writing = page
                .items
                .last()
                .filter(|m| m.status == MessageStatus::Streaming)
                .map(|m| m.content.chars().count());
            assistant.messages.set(page.items);
            if let Some(shown) = writing {
                follow(state, assistant, id, Some(shown));
            }
        }
        Err(error) if report => assistant
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
fn follow(state: AppState, assistant: Assistant, conversation_id: String, shown: Option<usize>) {
    assistant.streaming.set(true);
    spawn_local(async move {
        let mut last = shown;
        let mut attempts = 0;
        let id = conversation_id.clone();
        let open = move || assistant.current.get_untracked().as_deref() == Some(id.as_str());
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
                    ReplyEvent::Started(reply) => assistant.messages.update(|list| show_reply(list, reply)),
                    ReplyEvent::Delta(text, id) => {
                        got = id.or(got);
                        assistant.messages.update(|list| {
                            if let Some(reply) = list.last_mut() {
                                reply.content.push_str(&text);
                            }
                        });
                    }
                    ReplyEvent::Done(message) => assistant.messages.update(|list| show_reply(list, message)),
                    ReplyEvent::Failed(problem) => {
                        assistant
                            .error
                            .set(Some(problem_message(state.locale.get_untracked(), &problem)));
                        assistant.messages.update(|list| {
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
                            assistant.messages.set(page.items);
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
                    assistant
                        .error
                        .set(Some(problem_message(state.locale.get_untracked(), &error.0)));
                    break;
                }
            }
        }
        assistant.streaming.set(false);
        assistant.reload_list();
    });
}

/// Runs one streamed reply: `content` asks a new question, `None` regenerates the last answer. If the
/// connection drops once the question is stored, the reply goes on on the server: it is followed from where
/// it stopped.
pub(super) fn run_reply(
    state: AppState,
    assistant: Assistant,
    conversation_id: String,
    content: Option<String>,
    after: Option<Option<String>>,
) {
    assistant.streaming.set(true);
    assistant.error.set(None);
    if content.is_none() {
        assistant.messages.update(|list| {
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
                        assistant.messages.update(|list| {
                            list.push(question);
                            list.push(pending_reply());
                        });
                    }
                }
                ReplyEvent::Delta(text, id) => {
                    shown = id.or(shown);
                    assistant.messages.update(|list| {
                        if let Some(last) = list.last_mut() {
                            last.content.push_str(&text);
                        }
                    })
                }
                ReplyEvent::Started(reply) => assistant.messages.update(|list| show_reply(list, reply)),
                ReplyEvent::Done(message) => assistant.messages.update(|list| {
                    if let Some(last) = list.last_mut() {
                        *last = message;
                    }
                }),
                ReplyEvent::Failed(problem) => {
                    assistant
                        .error
                        .set(Some(problem_message(state.locale.get_untracked(), &problem)));
                    assistant.messages.update(|list| {
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
                follow(state, assistant, conversation_id, shown);
                return;
            }
            Err(error) => {
                assistant
                    .error
                    .set(Some(problem_message(state.locale.get_untracked(), &error.0)));
                assistant
                    .messages
                    .update(|list| list.retain(|m| m.id != "pending"));
                if let Some(content) = content.filter(|_| !stored) {
                    // The question could not be sent: give it back rather than lose it.
                    if assistant.draft.get_untracked().is_empty() {
                        assistant.draft.set(content);
                    }
                }
            }
            Ok(()) => {
                // An edit or a regenerated answer made siblings: show their "2 / 3" arrows.
                if branched {
                    if let Ok(page) = api::messages(&conversation_id).await {
                        if assistant.current.get_untracked().as_deref() == Some(conversation_id.as_str()) {
                            assistant.messages.set(page.items);
                        }
                    }
                }
            }
        }
        assistant.streaming.set(false);
        assistant.reload_list();
    });
}

//! On an application's page: the coach grounded in it — a one-click start ("Rédiger ma lettre de
//! motivation"…), then, before anything is sent, exactly what the AI provider will receive with parts to leave
//! out, the reply as it streams, kept as a document in one click — and the application's documents (edited,
//! copied, downloaded as Markdown or plain text, deleted).

use jobbot_api_types::{
    ApplicationDocument, CoachContext, ContextPart, CreateConversationRequest, DocumentKind, DocumentUpdate,
    NewDocument,
};
use jobbot_domain::markdown;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::assistant::api::ReplyEvent;
use super::i18n::Key;
use super::{api, tr, ErrorLine};
use jobbot_frontend::api::ApiError;

/// The one-click starts: what they ask, and the kind of document the reply makes.
const STARTS: &[(Key, Key, DocumentKind)] = &[
    (Key::StartCv, Key::AskCv, DocumentKind::Cv),
    (Key::StartLetter, Key::AskLetter, DocumentKind::CoverLetter),
    (
        Key::StartInterview,
        Key::AskInterview,
        DocumentKind::InterviewNotes,
    ),
    (Key::StartFollowUp, Key::AskFollowUp, DocumentKind::FollowUp),
];

pub fn kind_key(kind: DocumentKind) -> Key {
    match kind {
        DocumentKind::CoverLetter => Key::KindLetter,
        DocumentKind::FollowUp => Key::KindFollowUp,
        DocumentKind::Cv => Key::KindCv,
        DocumentKind::InterviewNotes => Key::KindInterview,
        DocumentKind::Other => Key::KindOther,
    }
}

fn part_key(part: ContextPart) -> Key {
    match part {
        ContextPart::Offer => Key::PartOffer,
        ContextPart::Application => Key::PartApplication,
        ContextPart::Profile => Key::PartProfile,
        ContextPart::Cv => Key::PartCv,
    }
}

/// Where a reply stands.
#[derive(Clone, PartialEq)]
enum Reply {
    Writing(String),
    Done {
        conversation: String,
        message: String,
        content: String,
    },
}

#[component]
pub fn CoachPanel(application_id: String, title: String, reload: Callback<()>) -> impl IntoView {
    let started = RwSignal::new(None::<(Key, DocumentKind)>);
    let question = RwSignal::new(String::new());
    let excluded = RwSignal::new(Vec::<ContextPart>::new());
    let context = RwSignal::new(None::<CoachContext>);
    let reply = RwSignal::new(None::<Reply>);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let tr_now = super::translator();

    // The preview follows the parts left out: it is the server's own text.
    let preview_id = application_id.clone();
    Effect::new(move |_| {
        if started.get().is_none() {
            return;
        }
        let exclude = excluded.get();
        let id = preview_id.clone();
        spawn_local(async move {
            match api::coach_context(&id, &exclude).await {
                Ok(c) => context.set(Some(c)),
                Err(e) => error.set(Some(e)),
            }
        });
    });

    let start = move |label: Key, ask: Key, kind: DocumentKind| {
        started.set(Some((label, kind)));
        question.set(tr_now(ask).to_owned());
        reply.set(None);
        saved.set(false);
    };

    let send_id = application_id.clone();
    let send = move |_| {
        let content = question.get_untracked();
        if content.trim().is_empty() || busy.get_untracked() {
            return;
        }
        let request = CreateConversationRequest {
            application_id: Some(send_id.clone()),
            context_excluded: excluded.get_untracked(),
            ..Default::default()
        };
        busy.set(true);
        error.set(None);
        reply.set(Some(Reply::Writing(String::new())));
        spawn_local(async move {
            let outcome = async {
                let conversation = api::create_conversation(&request).await?;
                let id = conversation.id.clone();
                super::assistant::api::stream_reply(&id, Some(&content), |event| match event {
                    ReplyEvent::Delta(text, _) => reply.update(|r| {
                        if let Some(Reply::Writing(so_far)) = r {
                            so_far.push_str(&text);
                        }
                    }),
                    ReplyEvent::Done(message) => reply.set(Some(Reply::Done {
                        conversation: id.clone(),
                        message: message.id,
                        content: message.content,
                    })),
                    ReplyEvent::Failed(problem) => error.set(Some(ApiError(problem))),
                    ReplyEvent::Question(_) | ReplyEvent::Started(_) => {}
                })
                .await
            }
            .await;
            if let Err(e) = outcome {
                error.set(Some(e));
            }
            busy.set(false);
        });
    };

    let keep_id = application_id.clone();
    let keep = move |_| {
        let Some(Reply::Done { message, .. }) = reply.get_untracked() else {
            return;
        };
        let Some((_, kind)) = started.get_untracked() else {
            return;
        };
        let input = NewDocument {
            kind: Some(kind),
            title: format!("{} — {}", tr_now(kind_key(kind)), title),
            message_id: Some(message),
            content: None,
        };
        let id = keep_id.clone();
        spawn_local(async move {
            match api::create_document(&id, &input).await {
                Ok(_) => {
                    saved.set(true);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let starts = STARTS
        .iter()
        .map(|(label, ask, kind)| {
            let (label, ask, kind) = (*label, *ask, *kind);
            view! {
                <button type="button" class="button" data-testid=format!("coach-start-{}", kind.as_str())
                    aria-pressed=move || started.get().is_some_and(|(l, _)| l == label).to_string()
                    on:click=move |_| start(label, ask, kind)>{move || tr(label)}</button>
            }
        })
        .collect_view();

    let parts = move || {
        context.get().map(|c| {
            c.parts
                .into_iter()
                .map(|p| {
                    let part = p.part;
                    let id = format!("context-{}", part.as_str());
                    view! {
                        <div class="context-part" data-testid=id.clone()>
                            <div class="field checkbox">
                                <label>
                                    <input type="checkbox" prop:checked=p.included data-testid=format!("{id}-included")
                                        on:change=move |ev| {
                                            let keep = event_target_checked(&ev);
                                            excluded.update(|list| {
                                                list.retain(|x| *x != part);
                                                if !keep {
                                                    list.push(part);
                                                }
                                            });
                                        } />
                                    {move || tr(part_key(part))}
                                </label>
                            </div>
                            <pre class="context-text" class:left-out=!p.included>{p.text}</pre>
                        </div>
                    }
                })
                .collect_view()
        })
    };

    let reply_view = move || {
        reply.get().map(|r| {
            let (content, done) = match &r {
                Reply::Writing(text) => (text.clone(), None),
                Reply::Done { conversation, content, .. } => (content.clone(), Some(conversation.clone())),
            };
            view! {
                <div class="coach-reply" data-testid="coach-reply" aria-live="polite" aria-busy=done.is_none().to_string()>
                    <div class="markdown" inner_html=markdown::to_html(&content)></div>
                </div>
                {done.map(|conversation| view! {
                    <div class="actions">
                        <button type="button" class="button primary" data-testid="coach-keep" on:click=keep.clone()
                            disabled=move || saved.get()>{move || tr(Key::KeepAsDocument)}</button>
                        <leptos_router::components::A attr:class="button" attr:data-testid="coach-continue" href=format!("/assistant/{conversation}")>
                            {move || tr(Key::ContinueInChat)}
                        </leptos_router::components::A>
                    </div>
                    <Show when=move || saved.get()>
                        <p role="status" data-testid="coach-kept">{move || tr(Key::KeptAsDocument)}</p>
                    </Show>
                })}
            }
        })
    };

    view! {
        <section class="card coach" aria-labelledby="coach-title" data-testid="coach">
            <h2 id="coach-title">{move || tr(Key::AskCoach)}</h2>
            <div class="actions">{starts}</div>
            <Show when=move || started.get().is_some()>
                <div class="coach-preview" data-testid="coach-preview">
                    <h3>{move || tr(Key::WhatIsSent)}</h3>
                    <p class="hint">{move || tr(Key::WhatIsSentHint)}</p>
                    {parts}
                    <details>
                        <summary>{move || tr(Key::WholeSystemMessage)}</summary>
                        <pre class="context-text" data-testid="coach-system">{move || context.get().map(|c| c.system_prompt)}</pre>
                    </details>
                    <div class="field">
                        <label for="coach-question">{move || tr(Key::YourRequest)}</label>
                        <textarea id="coach-question" data-testid="coach-question" rows="3" maxlength="8000"
                            prop:value=move || question.get() on:input=move |ev| question.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" class="button primary" data-testid="coach-send" on:click=send.clone()
                        disabled=move || busy.get()>{move || tr(Key::SendToCoach)}</button>
                </div>
            </Show>
            <ErrorLine error testid="coach-error" />
            {reply_view}
        </section>
    }
}

/// The application's documents.
#[component]
pub fn Documents(
    application_id: String,
    documents: Vec<ApplicationDocument>,
    reload: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<ApiError>);
    let items = documents
        .into_iter()
        .map(|d| view! { <DocumentItem application_id=application_id.clone() document=d error reload /> })
        .collect_view();
    view! {
        <section class="documents" aria-labelledby="documents-title">
            <h2 id="documents-title">{move || tr(Key::Documents)}</h2>
            <ErrorLine error testid="documents-error" />
            <ul class="document-list" data-testid="documents">{items}</ul>
        </section>
    }
}

#[component]
fn DocumentItem(
    application_id: String,
    document: ApplicationDocument,
    error: RwSignal<Option<ApiError>>,
    reload: Callback<()>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let title = RwSignal::new(document.title.clone());
    let content = RwSignal::new(document.content.clone());
    let stem = jobbot_domain::text::file_stem(&document.title);
    let download = move |plain: bool| {
        let stem = stem.clone();
        move |_| {
            let text = content.get_untracked();
            if plain {
                let text = markdown::to_plain_text(&text);
                jobbot_frontend::api::save_file(
                    text.as_bytes(),
                    &format!("{stem}.txt"),
                    "text/plain;charset=utf-8",
                );
            } else {
                jobbot_frontend::api::save_file(
                    text.as_bytes(),
                    &format!("{stem}.md"),
                    "text/markdown;charset=utf-8",
                );
            }
        }
    };
    let (app_id, doc_id) = (application_id.clone(), document.id.clone());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = DocumentUpdate {
            title: Some(title.get_untracked()),
            content: Some(content.get_untracked()),
            kind: None,
        };
        let (app_id, doc_id) = (app_id.clone(), doc_id.clone());
        spawn_local(async move {
            match api::update_document(&app_id, &doc_id, &change).await {
                Ok(_) => {
                    editing.set(false);
                    reload.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let (app_id, doc_id) = (application_id, document.id.clone());
    let delete = move |_| {
        let (app_id, doc_id) = (app_id.clone(), doc_id.clone());
        spawn_local(async move {
            match api::delete_document(&app_id, &doc_id).await {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let copy = move |_| {
        let text = content.get_untracked();
        if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
            let _ = clipboard.write_text(&text);
            copied.set(true);
        }
    };
    let kind = document.kind;
    view! {
        <li class="card document" data-testid="document">
            <h3 data-testid="document-title">{document.title.clone()}</h3>
            <p class="muted">{move || tr(kind_key(kind))}" · "{jobbot_frontend::i18n::day(document.updated_at)}</p>
            <Show when=move || editing.get() fallback=move || view! {
                <div class="markdown" data-testid="document-content" inner_html=move || markdown::to_html(&content.get())></div>
            }>
                <form on:submit=save.clone() data-testid="document-form">
                    <div class="field">
                        <label for=format!("title-{}", document.id)>{move || tr(Key::Title)}</label>
                        <input id=format!("title-{}", document.id) data-testid="document-edit-title" maxlength="200" required
                            prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for=format!("content-{}", document.id)>{move || tr(Key::DocumentText)}</label>
                        <textarea id=format!("content-{}", document.id) data-testid="document-edit-content" rows="12" maxlength="50000"
                            prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="submit" class="button primary" data-testid="document-save">{move || tr(Key::SaveChanges)}</button>
                </form>
            </Show>
            <div class="actions">
                <button type="button" class="button" data-testid="document-edit" aria-pressed=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>{move || tr(Key::Edit)}</button>
                <button type="button" class="button" data-testid="document-copy" on:click=copy>
                    {move || if copied.get() { tr(Key::Copied) } else { tr(Key::Copy) }}
                </button>
                <button type="button" class="button" data-testid="document-download-md" on:click=download(false)>
                    {move || tr(Key::DownloadMarkdown)}
                </button>
                <button type="button" class="button" data-testid="document-download-txt" on:click=download(true)>
                    {move || tr(Key::DownloadText)}
                </button>
                <button type="button" class="button danger" data-testid="document-delete" on:click=delete>{move || tr(Key::Delete)}</button>
            </div>
        </li>
    }
}

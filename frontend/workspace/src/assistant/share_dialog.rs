//! "Share in a chat": pick a chat, snapshot or live, an expiry, and which personal data to redact. The
//! preview highlights what the detector (shared with the API, in jobbot-domain) finds in each message.

use jobbot_api_types::{ChatSummary, CreateShareRequest, Message, Redaction, ShareMode};
use jobbot_domain::pii::{self, PiiKind};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::chats::api;
use jobbot_frontend::i18n::{problem_message, Key};
use jobbot_frontend::state::AppState;

fn kind_label(kind: PiiKind, fr: bool) -> &'static str {
    match (kind, fr) {
        (PiiKind::Email, true) => "E-mail",
        (PiiKind::Email, false) => "Email",
        (PiiKind::Phone, true) => "Téléphone",
        (PiiKind::Phone, false) => "Phone",
        (PiiKind::SocialSecurityNumber, true) => "N° de sécurité sociale",
        (PiiKind::SocialSecurityNumber, false) => "Social security number",
        (PiiKind::BirthDate, true) => "Date de naissance",
        (PiiKind::BirthDate, false) => "Date of birth",
        (PiiKind::PostalAddress, true) => "Adresse",
        (PiiKind::PostalAddress, false) => "Address",
    }
}

#[component]
pub fn ShareDialog(conversation_id: String, messages: Vec<Message>, on_close: Callback<()>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let chats = RwSignal::new(Vec::<ChatSummary>::new());
    let chat_id = RwSignal::new(String::new());
    let mode = RwSignal::new(ShareMode::Snapshot);
    let days = RwSignal::new(String::from("30"));
    let email = RwSignal::new(String::new());
    let redactions = RwSignal::new(Vec::<Redaction>::new());
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(list) = api::list_chats().await {
            if let Some(first) = list.first() {
                chat_id.set(first.id.clone());
            }
            chats.set(list);
        }
    });
    let findings: Vec<Redaction> = messages
        .iter()
        .flat_map(|m| {
            pii::detect(&m.content).into_iter().map(move |f| Redaction {
                message_id: m.id.clone(),
                start: f.start,
                end: f.end,
                kind: f.kind,
            })
        })
        .collect();
    let texts: std::collections::HashMap<String, String> = messages
        .iter()
        .map(|m| (m.id.clone(), m.content.clone()))
        .collect();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let chosen = chat_id.get_untracked();
        let address = email.get_untracked();
        if chosen.is_empty() && address.trim().is_empty() {
            return;
        }
        let request = CreateShareRequest {
            conversation_id: conversation_id.clone(),
            mode: mode.get_untracked(),
            up_to_message_id: None,
            expires_in_days: days.get_untracked().trim().parse().ok(),
            redactions: redactions.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            // A person by email: their session, opened if needed.
            let chat = if address.trim().is_empty() {
                chosen
            } else {
                match api::open_chat(address.trim()).await {
                    Ok(summary) => summary.id,
                    Err(e) => return error.set(Some(problem_message(state.locale.get_untracked(), &e.0))),
                }
            };
            match api::create_share(&chat, &request).await {
                Ok(_) => navigate(&format!("/chats/{chat}"), Default::default()),
                Err(e) => error.set(Some(problem_message(state.locale.get_untracked(), &e.0))),
            }
        });
    };
    let fr = move || state.locale.get() == jobbot_domain::Locale::Fr;
    view! {
        <form class="card share-dialog" role="dialog" aria-labelledby="share-title" data-testid="share-dialog" on:submit=submit>
            <h2 id="share-title">{move || state.t(Key::ShareTitle)}</h2>
            <Show when=move || error.get().is_some()>
                <p class="form-alert error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="field">
                <label for="share-chat">{move || state.t(Key::ShareWith)}</label>
                <select id="share-chat" data-testid="share-chat" prop:value=move || chat_id.get() on:change=move |ev| chat_id.set(event_target_value(&ev))>
                    <For each=move || chats.get() key=|c| c.id.clone() let:chat>
                        <option value=chat.id.clone()>{chat.participant.display_name.clone()}</option>
                    </For>
                </select>
            </div>
            <div class="field">
                <label for="share-email">{move || state.t(Key::OrEmail)}</label>
                <input id="share-email" type="email" data-testid="share-email" autocomplete="off"
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
            </div>
            <fieldset class="field">
                <legend>{move || state.t(Key::ShareMode)}</legend>
                <label><input type="radio" name="share-mode" data-testid="share-mode-snapshot" checked=true
                    on:change=move |_| mode.set(ShareMode::Snapshot) />
                    " " {move || state.t(Key::ModeSnapshot)} " — " {move || state.t(Key::ShareModeSnapshotHint)}</label>
                <label><input type="radio" name="share-mode" data-testid="share-mode-live" on:change=move |_| mode.set(ShareMode::Live) />
                    " " {move || state.t(Key::ModeLive)} " — " {move || state.t(Key::ShareModeLiveHint)}</label>
            </fieldset>
            <div class="field">
                <label for="share-days">{move || state.t(Key::ShareExpiry)}</label>
                <input id="share-days" type="number" min="1" max="365" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) />
            </div>
            <h3>{move || state.t(Key::PreviewTitle)}</h3>
            {if findings.is_empty() {
                view! { <p class="muted" data-testid="pii-none">{move || state.t(Key::PreviewNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="pii-list" data-testid="pii-list">
                        {findings.into_iter().map(|finding| {
                            let text = texts.get(&finding.message_id).and_then(|t| t.get(finding.start..finding.end)).unwrap_or_default().to_owned();
                            let key = finding.clone();
                            let chosen = {
                                let key = key.clone();
                                Memo::new(move |_| redactions.with(|r| r.contains(&key)))
                            };
                            let toggle = move |_| redactions.update(|r| {
                                if let Some(at) = r.iter().position(|x| *x == key) { r.remove(at); } else { r.push(key.clone()); }
                            });
                            view! {
                                <li class="pii" data-testid="pii-item">
                                    <span class="pii-kind">{move || kind_label(finding.kind, fr())}</span>
                                    <mark class:redacted=chosen>{text}</mark>
                                    <button type="button" class="button" data-testid="redact" aria-pressed=move || chosen.get().to_string() on:click=toggle>
                                        {move || if chosen.get() { state.t(Key::Redacted) } else { state.t(Key::Redact) }}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <div class="actions">
                <button type="submit" class="button primary" data-testid="share-submit" disabled=move || chat_id.with(String::is_empty) && email.with(|e| e.trim().is_empty())>
                    {move || state.t(Key::ShareSubmit)}
                </button>
                <button type="button" class="button" on:click=move |_| on_close.run(())>{move || state.t(Key::Cancel)}</button>
            </div>
        </form>
    }
}

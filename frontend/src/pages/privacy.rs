//! "Où vont mes données ?": the live configuration, as it concerns the user's data.

use jobbot_api_types::PrivacyFacts;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::consent::Consent;
use crate::i18n::Key;
use crate::state::AppState;

#[component]
pub fn PrivacyFactsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let consent = expect_context::<Consent>();
    let facts = RwSignal::new(None::<PrivacyFacts>);
    spawn_local(async move {
        if let Ok(loaded) = api::privacy_facts().await {
            facts.set(Some(loaded));
        }
    });
    let yes_no = move |value: Option<bool>| match value {
        Some(true) => state.t(Key::Yes),
        Some(false) => state.t(Key::No),
        None => state.t(Key::Unknown),
    };
    view! {
        <article class="card legal" data-testid="privacy-facts">
            <h1>{move || state.t(Key::WhereData)}</h1>
            {move || facts.get().map(|f| {
                let retention = f.retention_days.map_or_else(|| state.t(Key::RetentionNone).to_owned(), |days| format!("{days} {}", state.t(Key::Days)));
                view! {
                    <dl class="facts">
                        <dt>{move || state.t(Key::FactDatabase)}</dt>
                        <dd data-testid="fact-database">{format!("{} — {}", f.database.kind, f.database.location)}</dd>
                        <dt>{move || state.t(Key::FactProvider)}</dt>
                        <dd data-testid="fact-provider">{format!("{} ({})", f.assistant.provider, f.assistant.model)}
                            {f.assistant.host.clone().map(|h| format!(" — {h}"))}</dd>
                        <dt>{move || state.t(Key::FactInEu)}</dt>
                        <dd data-testid="fact-eu">{yes_no(f.assistant.in_eu)}</dd>
                        <dt>{move || state.t(Key::FactSent)}</dt>
                        <dd data-testid="fact-sent">{f.assistant.sends.clone()}</dd>
                        <dt>{move || state.t(Key::FactRetention)}</dt>
                        <dd data-testid="fact-retention">{retention}</dd>
                    </dl>
                }
            })}
            <button type="button" class="button" data-testid="manage-cookies" on:click=move |_| consent.reopen()>{move || state.t(Key::ManageCookies)}</button>
        </article>
    }
}

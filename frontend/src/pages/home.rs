//! The landing page: a greeting when logged in, the pitch otherwise.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::Key;
use crate::state::AppState;

/// Where the account page (in the workspace build) leaves the receipt of a deletion for this page, which reads
/// it once and forgets it.
pub const FAREWELL_KEY: &str = "jobbot_farewell";

/// The receipt left by the account page, if any (removed as it is read).
pub fn take_farewell() -> Option<jobbot_api_types::DeletionReceipt> {
    let storage = web_sys::window()?.session_storage().ok()??;
    let raw = storage.get_item(FAREWELL_KEY).ok()??;
    let _ = storage.remove_item(FAREWELL_KEY);
    serde_json::from_str(&raw).ok()
}

#[component]
pub fn HomePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = move || state.user.get().map(|u| u.display_name).unwrap_or_default();
    let farewell = expect_context::<RwSignal<Option<jobbot_api_types::DeletionReceipt>>>();
    view! {
        {move || farewell.get().map(|receipt| view! {
            <section class="form-alert" role="status" data-testid="farewell">
                <p><strong>{move || state.t(Key::Farewell)}</strong></p>
                <p>{move || state.t(Key::FarewellCounts)} " "
                    {format!("{} / {} / {}", receipt.conversations, receipt.messages, receipt.shares)}</p>
            </section>
        })}
        <section class="hero">
            <Show
                when=move || state.user.get().is_some()
                fallback=move || {
                    view! {
                        <h1>{move || state.t(Key::HeroTitle)}</h1>
                        <p class="lead">{move || state.t(Key::HeroText)}</p>
                        <p class="actions">
                            <A href="/register" attr:class="button primary">{move || state.t(Key::NavRegister)}</A>
                            <A href="/login" attr:class="button">{move || state.t(Key::NavLogin)}</A>
                        </p>
                    }
                }
            >
                <h1>{move || state.t(Key::Hello)} ", " <span data-testid="greeting-name">{name}</span></h1>
                <p class="lead">{move || state.t(Key::WelcomeBack)}</p>
                <p class="actions">
                    <a href="/account" rel="external" class="button primary">{move || state.t(Key::NavAccount)}</a>
                </p>
            </Show>
        </section>
    }
}

//! The landing page: a greeting when logged in, the pitch otherwise.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::Key;
use crate::state::AppState;

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
                    <A href="/account" attr:class="button primary">{move || state.t(Key::NavAccount)}</A>
                </p>
            </Show>
        </section>
    }
}

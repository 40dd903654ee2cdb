use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::Key;
use crate::state::AppState;

#[component]
pub fn NotFound() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="card">
            <h1>{move || state.t(Key::NotFoundTitle)}</h1>
            <p><A href="/">{move || state.t(Key::BackHome)}</A></p>
        </section>
    }
}

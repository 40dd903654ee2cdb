//! JobBot's SPA. The main build (this crate's binary, the first page's bundle) holds what a visitor sees — home,
//! sign-up, sign-in, legal pages —; the signed-in app (the assistant's conversations, chats, shares, and the job
//! seeker's workspace) is the workspace build (`frontend/workspace/`, the `jobbot-frontend-workspace` crate), the
//! admin console the console build (`frontend/console/`, `jobbot-frontend-console`): other bundles, reached with a
//! full page load, built on this library's one HTTP client (`api`), state, words (`i18n`), live connection
//! (`realtime`), header and `widgets`.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

pub mod api;
pub mod components;
pub mod consent;
pub mod i18n;
pub mod pages;
pub mod realtime;
pub mod state;
pub mod widgets;

use components::header::Header;
use wasm_bindgen::JsCast;

/// Registers the service worker that keeps the builds' hashed files (`public/sw.js`; never pages nor API
/// answers), where the browser offers one (a secure context: HTTPS, or localhost). A refusal is ignored quietly:
/// the app works the same without it.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let Ok(container) = js_sys::Reflect::get(&window.navigator(), &"serviceWorker".into()) else {
        return;
    };
    if container.is_undefined() {
        return;
    }
    let register = js_sys::Reflect::get(&container, &"register".into()).ok();
    let Some(register) = register.as_ref().and_then(|f| f.dyn_ref::<js_sys::Function>()) else {
        return;
    };
    if let Ok(promise) = register.call1(&container, &"/sw.js".into()) {
        if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
            let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
            let _ = promise.catch(&ignore);
            ignore.forget();
        }
    }
}
use state::AppState;

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::start();
    provide_context(state);
    // The receipt of a deleted account (handed over by the account page, another build), shown on the home page.
    provide_context(RwSignal::new(pages::home::take_farewell()));
    provide_context(realtime::Live::start(state));
    let consent = consent::Consent::start(state);
    provide_context(consent);

    state.follow_locale();

    view! {
        <Router>
            <a class="skip-link" href="#main">{move || state.t(i18n::Key::SkipToContent)}</a>
            <Header />
            <components::consent_banner::ConsentBanner />
            <main id="main" tabindex="-1">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::HomePage />
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/register") view=pages::register::RegisterPage />
                    <Route path=path!("/legal/terms") view=pages::legal::TermsPage />
                    <Route path=path!("/legal/privacy") view=pages::legal::PrivacyPage />
                    <Route path=path!("/privacy") view=pages::privacy::PrivacyFactsPage />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>{move || state.t(i18n::Key::Footer)}</p>
                <p class="footer-links">
                    <A href="/legal/terms">{move || state.t(i18n::Key::TermsLink)}</A> " · "
                    <A href="/legal/privacy">{move || state.t(i18n::Key::PrivacyLink)}</A> " · "
                    <A href="/privacy">{move || state.t(i18n::Key::WhereData)}</A> " · "
                    <button type="button" class="link-button" data-testid="footer-cookies" on:click=move |_| consent.reopen()>
                        {move || state.t(i18n::Key::Cookies)}
                    </button>
                </p>
            </footer>
        </Router>
    }
}

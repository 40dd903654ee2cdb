//! The workspace build (the `jobbot-frontend-workspace` crate, on the `jobbot-frontend` library's client, state
//! and words; built from `frontend/workspace/index.html` into `dist/workspace/`): the job seeker's offers —
//! search, details, saved offers, offers found elsewhere —, their applications (board, list, details, the coach grounded in them, documents), their profile, and a recruiter's
//! own offers, saved searches and their alerts; and the rest of the signed-in app: the assistant's conversations
//! (`assistant/`, `/assistant…`), chats between users (`chats/`, `/chats…`) and shares (`shares/`, `/shares…`),
//! each folder with its calls beside it (`api.rs`). The server sends its page for `/offers…`, `/applications…`,
//! `/profile`, `/account`, `/alerts`, `/assistant…`, `/chats…` and `/shares…`, so the first page's bundle stays
//! small; every other path is the main app's, reached with a full page load. The old `/chat…` and `/messages…`
//! addresses are redirected by the server (`jobbot_domain::builds::moved`).

use jobbot_domain::builds::is_workspace_path;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes, A};
use leptos_router::path;

use jobbot_frontend::api::ApiError;
use jobbot_frontend::components::header::{Build, Header};
use jobbot_frontend::state::AppState;
use jobbot_frontend::widgets::{AlertLine, Elsewhere};

mod account;
mod alerts;
mod api;
mod applications;
mod assistant;
mod chats;
mod coach;
mod cv_builder;
mod fit;
mod form;
mod i18n;
mod offers;
mod profile;
mod saved;
mod shares;

use i18n::{t, Key};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(WorkspaceApp);
    jobbot_frontend::register_service_worker();
}

#[component]
pub fn WorkspaceApp() -> impl IntoView {
    let state = AppState::start();
    provide_context(state);
    // The header's alert badge follows the WebSocket here too.
    provide_context(jobbot_frontend::realtime::Live::start(state));
    provide_context(assistant::Assistant::new());
    let consent = jobbot_frontend::consent::Consent::start(state);
    provide_context(consent);
    state.follow_locale();
    view! {
        <Router>
            <a class="skip-link" href="#main">{move || state.t(jobbot_frontend::i18n::Key::SkipToContent)}</a>
            <Header within=Build::Workspace />
            <jobbot_frontend::components::consent_banner::ConsentBanner />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <Elsewhere ours=is_workspace_path /> }>
                    <ParentRoute path=path!("/offers") view=WorkspaceShell>
                        <Route path=path!("") view=offers::SearchPage />
                        <Route path=path!("saved") view=saved::SavedPage />
                        <Route path=path!("mine") view=saved::MinePage />
                        <Route path=path!(":id") view=offers::OfferPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/account") view=LoggedIn>
                        <Route path=path!("") view=account::AccountPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/alerts") view=WorkspaceShell>
                        <Route path=path!("") view=alerts::AlertsPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/profile") view=WorkspaceShell>
                        <Route path=path!("") view=profile::ProfilePage />
                        <Route path=path!("cv") view=cv_builder::CvBuilderPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/applications") view=WorkspaceShell>
                        <Route path=path!("") view=applications::ApplicationsPage />
                        <Route path=path!(":id") view=applications::ApplicationPage />
                    </ParentRoute>
                    // The assistant's conversations, chats between users and shares.
                    <Route path=path!("/assistant/:id?") view=|| signed_in(assistant::AssistantPage) />
                    <Route path=path!("/chats/:id?") view=|| signed_in(chats::ChatsPage) />
                    <Route path=path!("/shares") view=|| signed_in(shares::MySharesPage) />
                    <Route path=path!("/shares/:id") view=|| signed_in(shares::ShareTranscriptPage) />
                </Routes>
            </main>
        </Router>
    }
}

/// The locale's text for a workspace key.
pub fn tr(key: Key) -> &'static str {
    t(expect_context::<AppState>().locale.get(), key)
}

/// The workspace's texts for event handlers and tasks, which run outside the component that made them (where
/// [`tr`] finds no context).
pub fn translator() -> impl Fn(Key) -> &'static str + Copy + 'static {
    let state = expect_context::<AppState>();
    move |key| t(state.locale.get_untracked(), key)
}

/// A reactive workspace text, for attributes and props.
pub fn text(key: Key) -> Signal<&'static str> {
    let state = expect_context::<AppState>();
    Signal::derive(move || t(state.locale.get(), key))
}

/// Sends a visitor to the login page; then tells whether a user is known (the page can show).
fn require_login() -> impl Fn() -> bool + Copy {
    let state = expect_context::<AppState>();
    Effect::new(move |_| {
        if state.ready.get() && state.user.with(Option::is_none) {
            let _ = window().location().assign("/login");
        }
    });
    move || state.ready.get() && state.user.with(Option::is_some)
}

/// A page for signed-in users only, whose route keeps it across its own id (`/assistant/:id?`): a visitor, or a user
/// whose session ends, goes to the login page with one full page load. Shown again only when being signed in
/// changes, not on every change of the user.
fn signed_in<V: IntoView + 'static>(page: fn() -> V) -> impl IntoView {
    let signed_in = require_login();
    let shown = Memo::new(move |_| signed_in());
    move || {
        if shown.get() {
            page().into_any()
        } else {
            view! { <p class="muted">{tr(Key::Loading)}</p> }.into_any()
        }
    }
}

/// Logged-in users only (`/account`).
#[component]
fn LoggedIn() -> impl IntoView {
    let signed_in = require_login();
    move || {
        if signed_in() {
            view! { <Outlet /> }.into_any()
        } else {
            view! { <p class="muted">{tr(Key::Loading)}</p> }.into_any()
        }
    }
}

/// Every `/offers` page: logged-in users only (a visitor goes to the login page), with the section's tabs.
#[component]
fn WorkspaceShell() -> impl IntoView {
    let state = expect_context::<AppState>();
    let signed_in = require_login();
    let recruiter = move || {
        state.user.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.role == jobbot_domain::Role::Recruiter)
        })
    };
    move || {
        if !signed_in() {
            return view! { <p class="muted">{tr(Key::Loading)}</p> }.into_any();
        }
        view! {
            <div class="workspace">
                <nav class="section-nav" aria-label=text(Key::OffersNav)>
                    <ul>
                        <li><A href="/offers" exact=true attr:data-testid="offers-nav-search">{move || tr(Key::Search)}</A></li>
                        <li><A href="/offers/saved" attr:data-testid="offers-nav-saved">{move || tr(Key::Saved)}</A></li>
                        <li><A href="/alerts" attr:data-testid="offers-nav-alerts">{move || tr(Key::AlertsNav)}</A></li>
                        <li><A href="/applications" attr:data-testid="offers-nav-applications">{move || tr(Key::Applications)}</A></li>
                        <li><A href="/profile" exact=true attr:data-testid="offers-nav-profile">{move || tr(Key::Profile)}</A></li>
                        <li><A href="/profile/cv" attr:data-testid="offers-nav-cv">{move || tr(Key::CvNav)}</A></li>
                        <Show when=recruiter>
                            <li><A href="/offers/mine" attr:data-testid="offers-nav-mine">{move || tr(Key::Mine)}</A></li>
                        </Show>
                    </ul>
                </nav>
                <Outlet />
            </div>
        }
        .into_any()
    }
}

/// A failed request in the interface language: the offer fields' own messages, else the problem's.
pub fn error_message(locale: jobbot_domain::Locale, error: &ApiError) -> String {
    jobbot_frontend::widgets::error_text(locale, error, |f| {
        let key = match f.code.as_str() {
            "invalid_length" => Key::FieldRequired,
            "too_long" => Key::FieldTooLong,
            "invalid_url" => Key::BadUrl,
            "invalid_postcode" => Key::BadPostcode,
            "invalid_departement" => Key::BadDepartement,
            "out_of_range" => Key::BadSalary,
            "not_pdf" | "empty" => return t(locale, Key::NotPdf).to_owned(),
            "invalid_pdf" => return t(locale, Key::BadPdf).to_owned(),
            "encrypted_pdf" => return t(locale, Key::LockedPdf).to_owned(),
            _ => return f.message.clone(),
        };
        format!("{} : {}", f.field, t(locale, key))
    })
}

/// The last failure of a page's request (`role="alert"`).
#[component]
pub fn ErrorLine(error: RwSignal<Option<ApiError>>, testid: &'static str) -> impl IntoView {
    view! { <AlertLine error testid message=error_message /> }
}

//! The console build (the `jobbot-frontend-console` crate, built from `frontend/console/index.html` into
//! `dist/console/`): the admin console and the two-step sign-in settings, on the main build's client, state and
//! words (the `jobbot-frontend` library). The server sends its page for `/admin…` and
//! `/account/security`, so the first page's bundle stays small; every other path is the main app's, reached
//! with a full page load.

use jobbot_domain::builds::is_console_path;
use jobbot_domain::Role;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes, A};
use leptos_router::path;

use jobbot_frontend::api::ApiError;
use jobbot_frontend::components::header::{Build, Header};
use jobbot_frontend::pages::not_found::NotFound;
use jobbot_frontend::state::AppState;
use jobbot_frontend::widgets::Elsewhere;

mod api;
mod audit;
mod chart;
mod dashboard;
mod i18n;
mod security;
mod shares;
mod system;
mod users;
mod widgets;

use i18n::{t, Key};

/// The admin console is not installable: no service worker here, unlike the main and workspace builds.
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ConsoleApp);
}

#[component]
pub fn ConsoleApp() -> impl IntoView {
    let state = AppState::start();
    provide_context(state);
    state.follow_locale();
    view! {
        <Router>
            <a class="skip-link" href="#main">{move || state.t(jobbot_frontend::i18n::Key::SkipToContent)}</a>
            <Header within=Build::Console />
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <Elsewhere ours=is_console_path /> }>
                    <Route path=path!("/account/security") view=security::SecurityPage />
                    <ParentRoute path=path!("/admin") view=AdminShell>
                        <Route path=path!("") view=dashboard::DashboardPage />
                        <Route path=path!("users") view=users::UsersPage />
                        <Route path=path!("users/:id") view=users::UserPage />
                        <Route path=path!("shares") view=shares::SharesPage />
                        <Route path=path!("audit") view=audit::AuditPage />
                        <Route path=path!("system") view=system::SystemPage />
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// A full page load: the server sends the main app's page for every path that is not the console's.
pub fn load_page(path: &str) {
    let _ = window().location().assign(path);
}

/// The locale's text for a console key.
pub fn tr(key: Key) -> &'static str {
    t(expect_context::<AppState>().locale.get(), key)
}

/// A reactive console text, for attributes and props.
pub fn text(key: Key) -> Signal<&'static str> {
    let state = expect_context::<AppState>();
    Signal::derive(move || t(state.locale.get(), key))
}

#[derive(Debug, Clone, PartialEq)]
enum Access {
    Waiting,
    Anonymous,
    NotAdmin,
    Admin,
}

/// What the admin API said when the console opened.
#[derive(Debug, Clone, PartialEq)]
enum Gate {
    Asking,
    Open,
    Refused(ApiError),
}

/// Every `/admin` page: admins only (others get the not-found page, a visitor the login page), then the
/// admin API's own gate: two-step sign-in, the admin port, the admins' networks.
#[component]
fn AdminShell() -> impl IntoView {
    let state = expect_context::<AppState>();
    let access = Memo::new(move |_| {
        if !state.ready.get() {
            return Access::Waiting;
        }
        state.user.with(|user| match user {
            None => Access::Anonymous,
            Some(user) if user.role == Role::Admin => Access::Admin,
            Some(_) => Access::NotAdmin,
        })
    });
    let gate = RwSignal::new(Gate::Asking);
    Effect::new(move |_| {
        if access.get() == Access::Admin {
            leptos::task::spawn_local(async move {
                gate.set(match api::system().await {
                    Ok(_) => Gate::Open,
                    Err(error) => Gate::Refused(error),
                });
            });
        }
        if access.get() == Access::Anonymous {
            load_page("/login");
        }
    });
    move || {
        match access.get() {
        Access::Waiting | Access::Anonymous => view! { <p class="muted">{tr(Key::Loading)}</p> }.into_any(),
        Access::NotAdmin => NotFound().into_any(),
        Access::Admin => match gate.get() {
            Gate::Asking => view! { <p class="muted">{tr(Key::Loading)}</p> }.into_any(),
            Gate::Refused(error) => view! { <GateRefused error /> }.into_any(),
            Gate::Open => view! {
                <div class="admin">
                    <nav class="admin-nav" aria-label=text(Key::AdminNav)>
                        <ul>
                            <li><A href="/admin" exact=true attr:data-testid="admin-nav-dashboard">{move || tr(Key::Dashboard)}</A></li>
                            <li><A href="/admin/users" attr:data-testid="admin-nav-users">{move || tr(Key::Users)}</A></li>
                            <li><A href="/admin/shares" attr:data-testid="admin-nav-shares">{move || tr(Key::Shares)}</A></li>
                            <li><A href="/admin/audit" attr:data-testid="admin-nav-audit">{move || tr(Key::Audit)}</A></li>
                            <li><A href="/admin/system" attr:data-testid="admin-nav-system">{move || tr(Key::System)}</A></li>
                        </ul>
                    </nav>
                    <Outlet />
                </div>
            }
            .into_any(),
        },
    }
    }
}

/// Why the admin API refused: two-step sign-in to turn on, the wrong port, or another network.
#[component]
fn GateRefused(error: ApiError) -> impl IntoView {
    use jobbot_api_types::ErrorCode;
    let (title, body, enrol) = match error.code() {
        ErrorCode::Admin2faRequired => (Key::TwoStepNeededTitle, Key::TwoStepNeeded, true),
        ErrorCode::NotFound => (Key::AdminPortTitle, Key::AdminPort, false),
        ErrorCode::AdminNetwork => (Key::AdminNetworkTitle, Key::AdminNetwork, false),
        _ => (Key::AdminUnavailableTitle, Key::AdminUnavailable, false),
    };
    let state = expect_context::<AppState>();
    let detail = move || jobbot_frontend::i18n::problem_message(state.locale.get(), &error.0);
    view! {
        <section class="card" data-testid="admin-gate">
            <h1>{move || tr(title)}</h1>
            <p>{move || tr(body)}</p>
            <p class="muted">{detail}</p>
            {enrol.then(|| view! {
                <p><A href="/account/security" attr:class="button primary" attr:data-testid="admin-enrol">{move || tr(Key::TurnOnTwoStep)}</A></p>
            })}
        </section>
    }
}

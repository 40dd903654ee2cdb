//! The top bar: brand, navigation, language switch and log out.

use jobbot_api_types::UpdateMeRequest;
use jobbot_domain::{Locale, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::i18n::Key;
use crate::state::AppState;

/// The build that draws the bar: each routes its own pages in the page and reaches the others' with a full page
/// load (`rel="external"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Build {
    /// The first page's bundle: home, sign-up, sign-in, legal pages.
    #[default]
    Main,
    /// The admin console and the two-step sign-in settings.
    Console,
    /// The signed-in app: offers, applications, profile, the assistant, chats, shares.
    Workspace,
}

#[component]
pub fn Header(#[prop(optional)] within: Build) -> impl IntoView {
    let second_build = within != Build::Main;
    // The main app's links: routed in the page by the main build, full page loads from the others.
    let main_app = second_build.then_some("external");
    // The signed-in app's links (conversations, chats, shares): the workspace build's own pages.
    let signed_in_app = (within != Build::Workspace).then_some("external");
    let state = expect_context::<AppState>();
    let navigate = use_navigate();

    let toggle_language = move |_| {
        let next = match state.locale.get_untracked() {
            Locale::Fr => Locale::En,
            Locale::En => Locale::Fr,
        };
        state.locale.set(next);
        // A logged-in user's choice is kept in their profile, not on the device.
        if state.user.get_untracked().is_some() {
            spawn_local(async move {
                if let Ok(user) = api::update_me(&UpdateMeRequest {
                    locale: Some(next),
                    ..Default::default()
                })
                .await
                {
                    state.user.set(Some(user));
                }
            });
        }
    };

    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Even if the server is unreachable, forget the user here.
            let _ = api::logout().await;
            if second_build {
                // The login page is the main build's: one full page load (the page goes, with the user).
                let _ = window().location().assign("/login");
                return;
            }
            state.user.set(None);
            navigate("/login", Default::default());
        });
    };

    view! {
        <header class="site-header">
            <A href="/" attr:class="brand" attr:rel=main_app>
                <span class="brand-name">"JobBot"</span>
                <span class="brand-tagline">{move || state.t(Key::Tagline)}</span>
            </A>
            <nav aria-label=move || state.t(Key::MainNav)>
                <ul>
                    <Show
                        when=move || state.user.get().is_some()
                        fallback=move || {
                            view! {
                                <li><A href="/login" attr:rel=main_app attr:data-testid="nav-login">{move || state.t(Key::NavLogin)}</A></li>
                                <li><A href="/register" attr:rel=main_app attr:data-testid="nav-register">{move || state.t(Key::NavRegister)}</A></li>
                            }
                        }
                    >
                        // The workspace and the console are other builds: full page loads (rel="external").
                        <li><a href="/offers" rel="external" data-testid="nav-offers">{move || state.t(Key::NavOffers)}</a></li>
                        <li>
                            <a href="/alerts" rel="external" data-testid="nav-alerts">
                                {move || state.t(Key::NavAlerts)}
                                {move || {
                                    let n = state.unread.get();
                                    (n > 0).then(|| view! {
                                        " " <span class="badge" data-testid="alerts-badge">{n}
                                            <span class="visually-hidden">" " {state.t(Key::UnreadAlerts)}</span>
                                        </span>
                                    })
                                }}
                            </a>
                        </li>
                        <li><A href="/assistant" attr:rel=signed_in_app attr:data-testid="nav-assistant">{move || state.t(Key::NavAssistant)}</A></li>
                        <li><A href="/chats" attr:rel=signed_in_app attr:data-testid="nav-chats">{move || state.t(Key::NavChats)}</A></li>
                        <li><A href="/shares" attr:rel=signed_in_app attr:data-testid="nav-shares">{move || state.t(Key::NavShares)}</A></li>
                        <li><a href="/account" rel="external" data-testid="nav-account">{move || state.t(Key::NavAccount)}</a></li>
                        <Show when=move || state.user.with(|u| u.as_ref().is_some_and(|u| u.role == Role::Admin))>
                            <li><a href="/admin" rel="external" data-testid="nav-admin">{move || state.t(Key::NavAdmin)}</a></li>
                        </Show>
                        <li>
                            <button type="button" class="link-button" data-testid="logout" on:click=logout.clone()>
                                {move || state.t(Key::NavLogout)}
                            </button>
                        </li>
                    </Show>
                    <li>
                        <button
                            type="button"
                            class="lang-toggle"
                            data-testid="lang-toggle"
                            aria-label=move || state.t(Key::SwitchLanguage)
                            title=move || state.t(Key::SwitchLanguage)
                            on:click=toggle_language
                        >
                            {move || state.t(Key::SwitchLanguageShort)}
                        </button>
                    </li>
                </ul>
            </nav>
        </header>
    }
}

//! The landing page: the candidate's dashboard when logged in (next actions, applications by status, saved
//! searches' new offers, recent conversations), the pitch otherwise.

use jobbot_api_types::{Application, ApplicationList, ApplicationStatus, Conversation, Reminder};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;

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
                <Dashboard />
            </Show>
        </section>
    }
}

/// The candidate's dashboard. The workspace's pages are another build: its links are full page loads.
#[component]
fn Dashboard() -> impl IntoView {
    let state = expect_context::<AppState>();
    let applications = RwSignal::new(None::<ApplicationList>);
    let conversations = RwSignal::new(None::<Vec<Conversation>>);
    let searches = RwSignal::new(None::<Vec<api::SearchNews>>);
    spawn_local(async move {
        if let Ok(list) = api::saved_searches().await {
            searches.set(Some(list));
        }
    });
    spawn_local(async move {
        if let Ok(list) = api::applications().await {
            applications.set(Some(list));
        }
    });
    spawn_local(async move {
        if let Ok(page) = api::recent_conversations(5).await {
            conversations.set(Some(page.items));
        }
    });
    let next_actions = move || {
        applications.get().map(|list| {
            let mut due: Vec<Application> = list.items.into_iter().filter(|a| a.next_action.is_some()).collect();
            // Dated ones first, the soonest first; then the undated.
            due.sort_by_key(|a| (a.next_action_due.is_none(), a.next_action_due));
            if due.is_empty() {
                return view! { <p class="muted" data-testid="no-next-action">{move || state.t(Key::NoNextAction)}</p> }.into_any();
            }
            let items = due
                .into_iter()
                .take(5)
                .map(|a| {
                    let late = a.reminder == Some(Reminder::ActionDue);
                    view! {
                        <li data-testid="next-action" class:late=late>
                            <a href=format!("/applications/{}", a.id) rel="external">{a.next_action.unwrap_or_default()}</a>
                            " — " {a.title}
                            {a.next_action_due.map(|d| format!(" ({d})"))}
                        </li>
                    }
                })
                .collect_view();
            view! { <ul>{items}</ul> }.into_any()
        })
    };
    let by_status = move || {
        applications.get().map(|list| {
            let counts = list
                .counts
                .into_iter()
                .filter(|c| c.count > 0)
                .map(|c| {
                    let label = status_key(c.status);
                    view! { <li data-testid="status-count">{move || state.t(label)}" : "{c.count}</li> }
                })
                .collect_view();
            // A whole percentage: printing an `f64` would bring core's float formatting (7 KB compressed) into
            // the first page's bundle.
            let rate = list
                .response_rate
                .map(|r| format!("{} {} %", state.t(Key::ResponseRate), (r * 100.0).round() as i64));
            view! { <ul class="status-counts">{counts}</ul> <p class="muted" data-testid="response-rate">{rate}</p> }
        })
    };
    let recent = move || {
        conversations.get().map(|items| {
            if items.is_empty() {
                return view! { <p class="muted">{move || state.t(Key::NoConversationYet)}</p> }.into_any();
            }
            let items = items
                .into_iter()
                .map(|c| view! { <li><a href=format!("/assistant/{}", c.id) rel="external" data-testid="recent-conversation">{c.title}</a></li> })
                .collect_view();
            view! { <ul>{items}</ul> }.into_any()
        })
    };
    let news = move || {
        searches.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="muted">{move || state.t(Key::NoSavedSearch)}</p> }.into_any();
            }
            let items = list
                .into_iter()
                .map(|s| {
                    let count = (s.new_offers > 0).then(|| {
                        let words = if s.new_offers == 1 { Key::OneNewOffer } else { Key::NewOffers };
                        view! { " " <span class="badge" data-testid="search-news-count">{s.new_offers}" "{move || state.t(words)}</span> }
                    });
                    view! { <li data-testid="search-news"><a href=format!("/offers?saved={}", s.id) rel="external">{s.name}</a>{count}</li> }
                })
                .collect_view();
            view! { <ul>{items}</ul> }.into_any()
        })
    };
    view! {
        <div class="dashboard" data-testid="dashboard">
            <section class="card" aria-labelledby="next-title">
                <h2 id="next-title">{move || state.t(Key::NextActions)}</h2>
                {next_actions}
            </section>
            <section class="card" aria-labelledby="applications-title">
                <h2 id="applications-title">{move || state.t(Key::MyApplications)}</h2>
                {by_status}
                <p><a href="/applications" rel="external" class="button" data-testid="dashboard-board">{move || state.t(Key::OpenBoard)}</a></p>
            </section>
            <section class="card" aria-labelledby="searches-title">
                <h2 id="searches-title">{move || state.t(Key::SavedSearches)}</h2>
                {news}
            </section>
            <section class="card" aria-labelledby="recent-title">
                <h2 id="recent-title">{move || state.t(Key::RecentConversations)}</h2>
                {recent}
                <p><a href="/assistant" rel="external" class="button">{move || state.t(Key::NavAssistant)}</a></p>
            </section>
            <p class="actions">
                <a href="/offers" rel="external" class="button primary">{move || state.t(Key::SearchOffers)}</a>
                <a href="/profile" rel="external" class="button">{move || state.t(Key::MyProfile)}</a>
                <a href="/account" rel="external" class="button">{move || state.t(Key::NavAccount)}</a>
            </p>
        </div>
    }
}

/// A status's name, as the board says it.
fn status_key(status: ApplicationStatus) -> Key {
    match status {
        ApplicationStatus::ToSend => Key::StatusToSend,
        ApplicationStatus::Sent => Key::StatusSent,
        ApplicationStatus::FollowedUp => Key::StatusFollowedUp,
        ApplicationStatus::Interview => Key::StatusInterview,
        ApplicationStatus::OfferReceived => Key::StatusOfferReceived,
        ApplicationStatus::Accepted => Key::StatusAccepted,
        ApplicationStatus::Rejected => Key::StatusRejected,
        ApplicationStatus::NoResponse => Key::StatusNoResponse,
        ApplicationStatus::Abandoned => Key::StatusAbandoned,
    }
}

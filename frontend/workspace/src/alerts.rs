//! `/alerts`: what the saved searches' alerts raised (read as soon as they are shown: the header's badge goes)
//! and the saved searches themselves (open, alerts on or off, delete). Saving a search is on `/offers`.

use jobbot_api_types::{Notification, NotificationList, SavedSearch, SavedSearchUpdate, SearchParams};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::i18n::Key;
use super::offers::{contract_key, remote_key};
use super::{api, tr, translator, ErrorLine};
use jobbot_frontend::api::ApiError;
use jobbot_frontend::state::AppState;
use jobbot_frontend::widgets::load;

/// "3 nouvelles offres" / "1 new offer".
pub fn new_offers(t: impl Fn(Key) -> &'static str, n: i64) -> String {
    if n == 1 {
        format!("1 {}", t(Key::OneNewOffer))
    } else {
        format!("{n} {}", t(Key::NewOffers))
    }
}

/// What a saved search looks for, in words: "électricien · CDI · 69, 42 · dès 30000 €".
pub fn summary(t: impl Fn(Key) -> &'static str, query: &SearchParams) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !query.q.is_empty() {
        parts.push(format!("« {} »", query.q));
    }
    parts.extend(query.contract.iter().map(|c| t(contract_key(*c)).to_owned()));
    parts.extend(query.remote.iter().map(|r| t(remote_key(*r)).to_owned()));
    if !query.departement.is_empty() {
        parts.push(query.departement.join(", "));
    }
    if let Some(salary) = query.salary_min {
        parts.push(format!("{} {salary} €", t(Key::SalaryFrom)));
    }
    if parts.is_empty() {
        t(Key::AllOffers).to_owned()
    } else {
        parts.join(" · ")
    }
}

#[component]
fn NotificationItem(notification: Notification) -> impl IntoView {
    let t = translator();
    let unread = notification.read_at.is_none();
    let offers = notification
        .offers
        .into_iter()
        .map(|o| {
            let company = o.company.map(|c| format!(" — {c}"));
            view! { <li><A href=format!("/offers/{}", o.id) attr:data-testid="alert-offer">{o.title}</A>{company}</li> }
        })
        .collect_view();
    let more = notification.saved_search_id.map(|id| {
        view! { <A href=format!("/offers?saved={id}") attr:class="button" attr:data-testid="alert-open">{move || tr(Key::SeeOffers)}</A> }
    });
    view! {
        <li class="card alert" class:unread=unread data-testid="alert">
            <p>
                {unread.then(|| view! { <span class="badge">{move || tr(Key::Unread)}</span> " " })}
                <strong>{notification.title}</strong>" : "{new_offers(t, notification.count)}
                " · "<span class="muted">{jobbot_frontend::i18n::day(notification.created_at)}</span>
            </p>
            <ul>{offers}</ul>
            {more}
        </li>
    }
}

#[component]
fn SavedSearchItem(search: SavedSearch, list: RwSignal<Option<Vec<SavedSearch>>>) -> impl IntoView {
    let t = translator();
    let error = RwSignal::new(None::<ApiError>);
    let alerts = RwSignal::new(search.alerts);
    let id = search.id.clone();
    let toggle = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            let id = id.clone();
            spawn_local(async move {
                let change = SavedSearchUpdate {
                    alerts: Some(on),
                    ..Default::default()
                };
                match api::update_saved_search(&id, &change).await {
                    Ok(s) => alerts.set(s.alerts),
                    Err(e) => {
                        alerts.set(!on);
                        error.set(Some(e));
                    }
                }
            });
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                match api::delete_saved_search(&id).await {
                    Ok(()) => list.update(|l| {
                        if let Some(l) = l {
                            l.retain(|s| s.id != id);
                        }
                    }),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let checkbox = format!("alerts-{id}");
    let news = (search.new_offers > 0).then(|| {
        view! { <span class="badge" data-testid="search-new">{new_offers(t, search.new_offers)}</span> }
    });
    view! {
        <li class="card" data-testid="saved-search">
            <h3>{search.name.clone()} {news}</h3>
            <p class="muted" data-testid="search-summary">{summary(t, &search.query)}</p>
            <div class="field checkbox">
                <input type="checkbox" id=checkbox.clone() data-testid="search-alerts"
                    prop:checked=move || alerts.get() on:change=toggle />
                <label for=checkbox>{move || tr(Key::AlertMe)}</label>
            </div>
            <p class="actions">
                <A href=format!("/offers?saved={id}") attr:class="button primary" attr:data-testid="search-open">{move || tr(Key::SeeOffers)}</A>
                <button type="button" class="button" data-testid="search-delete" on:click=remove>{move || tr(Key::Delete)}</button>
            </p>
            <ErrorLine error testid="search-error" />
        </li>
    }
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let notifications = RwSignal::new(None::<NotificationList>);
    let searches = RwSignal::new(None::<Vec<SavedSearch>>);
    let error = RwSignal::new(None::<ApiError>);
    load(searches, error, api::saved_searches());
    spawn_local(async move {
        match api::notifications().await {
            Ok(list) => {
                let unread = list.unread;
                notifications.set(Some(list));
                // Shown: read (they stay marked "new" on this page until it is left).
                if unread > 0 {
                    if let Ok(count) = api::mark_all_read().await {
                        state.unread.set(count.unread);
                    }
                }
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let alerts = move || {
        notifications.get().map(|list| {
            if list.items.is_empty() {
                return view! { <p class="muted" data-testid="no-alerts">{tr(Key::NoAlerts)}</p> }.into_any();
            }
            let items = list
                .items
                .into_iter()
                .map(|notification| view! { <NotificationItem notification /> })
                .collect_view();
            view! { <ul class="alert-list">{items}</ul> }.into_any()
        })
    };
    let saved = move || {
        searches.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="muted" data-testid="no-saved-search">{tr(Key::NoSavedSearches)}</p> }.into_any();
            }
            let items = list
                .into_iter()
                .map(|search| view! { <SavedSearchItem search list=searches /> })
                .collect_view();
            view! { <ul class="saved-searches">{items}</ul> }.into_any()
        })
    };
    view! {
        <section>
            <h1>{move || tr(Key::AlertsTitle)}</h1>
            <ErrorLine error testid="alerts-error" />
            <section aria-labelledby="alerts-heading">
                <h2 id="alerts-heading">{move || tr(Key::AlertsNav)}</h2>
                {alerts}
            </section>
            <section aria-labelledby="searches-heading">
                <h2 id="searches-heading">{move || tr(Key::SavedSearchesTitle)}</h2>
                {saved}
                <p><A href="/offers" attr:class="button">{move || tr(Key::SearchTitle)}</A></p>
            </section>
        </section>
    }
}

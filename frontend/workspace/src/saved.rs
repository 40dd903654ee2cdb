//! `/offers/saved`: the offers a candidate follows, and those they found elsewhere; `/offers/mine`: a
//! recruiter's postings, which they close or reopen.

use jobbot_api_types::{Offer, OfferPage, OfferState, SavedOffer};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::form::OfferForm;
use super::i18n::Key;
use super::offers::OfferCard;
use super::{api, tr, ErrorLine};
use jobbot_frontend::api::ApiError;
use jobbot_frontend::widgets::load;

#[component]
pub fn SavedPage() -> impl IntoView {
    let list = RwSignal::new(None::<Vec<SavedOffer>>);
    let error = RwSignal::new(None::<ApiError>);
    let reload = move || load(list, error, api::saved());
    reload();
    let created = Callback::new(move |_: Offer| reload());
    let items = move || {
        list.get().map(|list| {
            if list.is_empty() {
                return view! { <p class="muted" data-testid="no-saved">{tr(Key::NothingSaved)}</p> }
                    .into_any();
            }
            let cards = list
                .into_iter()
                .map(|saved| view! { <OfferCard offer=saved.offer /> })
                .collect_view();
            view! { <ul class="offer-list" data-testid="saved-list">{cards}</ul> }.into_any()
        })
    };
    view! {
        <section>
            <h1>{move || tr(Key::Saved)}</h1>
            <ErrorLine error testid="saved-error" />
            {items}
            <OfferForm recruiter=false created />
        </section>
    }
}

#[component]
pub fn MinePage() -> impl IntoView {
    let page = RwSignal::new(None::<OfferPage>);
    let error = RwSignal::new(None::<ApiError>);
    let reload = move || load(page, error, api::search("?mine=true&sort=date&limit=50"));
    reload();
    let created = Callback::new(move |_: Offer| reload());
    let toggle = move |offer: &Offer| {
        let id = offer.id.clone();
        let next = match offer.state {
            OfferState::Open => OfferState::Closed,
            OfferState::Closed => OfferState::Open,
        };
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                match api::set_state(&id, next).await {
                    Ok(_) => reload(),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let items = move || {
        page.get().map(|page| {
            if page.items.is_empty() {
                return view! { <p class="muted">{tr(Key::NoneMine)}</p> }.into_any();
            }
            let rows = page
                .items
                .into_iter()
                .map(|offer| {
                    let on_click = toggle(&offer);
                    let label = match offer.state {
                        OfferState::Open => Key::Close,
                        OfferState::Closed => Key::Reopen,
                    };
                    view! {
                        <div class="mine-row" data-testid="mine-offer">
                            <OfferCard offer />
                            <button type="button" class="button" data-testid="offer-toggle-state" on:click=on_click>
                                {move || tr(label)}
                            </button>
                        </div>
                    }
                })
                .collect_view();
            view! { <div class="offer-list">{rows}</div> }.into_any()
        })
    };
    view! {
        <section>
            <h1>{move || tr(Key::Mine)}</h1>
            <ErrorLine error testid="mine-error" />
            <OfferForm recruiter=true created />
            {items}
        </section>
    }
}

//! How well the candidate fits an offer (`GET /api/v1/offers/{id}/match`), on the offer's page and on an
//! application's: the score, the offer's terms they show (and where) and those they miss, the suggestions, and
//! one click to ask the coach how to close the gaps, in a conversation grounded in the offer.

use jobbot_api_types::{CreateConversationRequest, MatchSource, OfferMatch};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::assistant::Assistant;
use super::i18n::Key;
use super::{api, tr, translator, ErrorLine};
use jobbot_frontend::api::ApiError;
use jobbot_frontend::state::AppState;
use jobbot_frontend::widgets::load;

fn source_key(source: MatchSource) -> Key {
    match source {
        MatchSource::Skills => Key::FoundInSkills,
        MatchSource::Experiences => Key::FoundInExperiences,
        MatchSource::Education => Key::FoundInEducation,
        MatchSource::Languages => Key::FoundInLanguages,
        MatchSource::Headline => Key::FoundInHeadline,
        MatchSource::Cv => Key::FoundInCv,
    }
}

#[component]
pub fn FitPanel(offer_id: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let assistant = expect_context::<Assistant>();
    let navigate = use_navigate();
    let t = translator();
    let fit = RwSignal::new(None::<OfferMatch>);
    let error = RwSignal::new(None::<ApiError>);
    let asking = RwSignal::new(false);
    {
        let id = offer_id.clone();
        load(fit, error, async move { api::offer_match(&id).await });
    }
    let ask = move |missing: Vec<String>| {
        let navigate = navigate.clone();
        let request = CreateConversationRequest {
            offer_id: Some(offer_id.clone()),
            ..Default::default()
        };
        let question = format!("{} {}", t(Key::FitQuestion), missing.join(", "));
        asking.set(true);
        spawn_local(async move {
            match api::create_conversation(&request).await {
                Ok(conversation) => {
                    navigate(&format!("/assistant/{}", conversation.id), Default::default());
                    assistant.ask_in_new(state, conversation.id, question);
                }
                Err(e) => error.set(Some(e)),
            }
            asking.set(false);
        });
    };
    move || {
        let Some(f) = fit.get() else {
            // An offer gone since (an application keeps its title): no fit to show.
            if error.with(|e| e.as_ref().is_some_and(|e| e.0.status == 404)) {
                return ().into_any();
            }
            return view! { <ErrorLine error testid="fit-error" /> }.into_any();
        };
        let missing: Vec<String> = f.missing.iter().map(|m| m.term.clone()).collect();
        let ask = ask.clone();
        view! {
            <section class="card fit" data-testid="fit" aria-labelledby="fit-title">
                <h2 id="fit-title">{move || tr(Key::FitTitle)}</h2>
                <p class="fit-score">
                    <meter min="0" max="100" low="40" high="75" optimum="100" value=f.score.to_string()
                        aria-labelledby="fit-title"></meter>
                    " "<strong data-testid="fit-score">{format!("{} %", f.score)}</strong>
                </p>
                {(!f.matched.is_empty()).then(|| view! {
                    <h3>{move || tr(Key::FitShown)}</h3>
                    <ul class="terms" data-testid="fit-matched">
                        {f.matched.iter().map(|m| {
                            let key = source_key(m.found_in);
                            view! { <li class="term shown">{m.term.clone()}<span class="muted">" · "{move || tr(key)}</span></li> }
                        }).collect_view()}
                    </ul>
                })}
                {(!f.missing.is_empty()).then(|| view! {
                    <h3>{move || tr(Key::FitMissing)}</h3>
                    <ul class="terms" data-testid="fit-missing">
                        {f.missing.iter().map(|m| view! { <li class="term missing">{m.term.clone()}</li> }).collect_view()}
                    </ul>
                })}
                <ul class="fit-suggestions">
                    {f.suggestions.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}
                </ul>
                {(!missing.is_empty()).then(|| {
                    let missing = missing.clone();
                    view! {
                        <button type="button" class="button" data-testid="fit-ask" disabled=move || asking.get()
                            on:click=move |_| ask(missing.clone())>{move || tr(Key::FitAsk)}</button>
                    }
                })}
                <ErrorLine error testid="fit-error" />
            </section>
        }
        .into_any()
    }
}

//! The form of a new offer: a candidate's find (private to them) or a recruiter's posting (public).

use jobbot_api_types::{ContractType, Offer, OfferInput, OfferPlace, Remote};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::i18n::Key;
use super::{api, tr, ErrorLine};
use jobbot_frontend::api::ApiError;

fn optional(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `recruiter`: the posting's extra fields (contract, remote work, postcode); `created` gets the new offer.
#[component]
pub fn OfferForm(recruiter: bool, created: Callback<Offer>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let contract = RwSignal::new(String::new());
    let remote = RwSignal::new(String::new());
    let postcode = RwSignal::new(String::new());
    let skills = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = OfferInput {
            title: title.get_untracked(),
            description: description.get_untracked(),
            company: optional(company.get_untracked()),
            source_url: optional(url.get_untracked()),
            contract_type: ContractType::parse(&contract.get_untracked()),
            remote: Remote::parse(&remote.get_untracked()),
            location: optional(postcode.get_untracked()).map(|postcode| OfferPlace {
                postcode: Some(postcode),
                ..Default::default()
            }),
            skills: skills
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            ..Default::default()
        };
        busy.set(true);
        spawn_local(async move {
            match api::create(&input).await {
                Ok(offer) => {
                    error.set(None);
                    for field in [title, company, url, description, postcode, skills] {
                        field.set(String::new());
                    }
                    created.run(offer);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let input = move |id: &'static str, label: Key, value: RwSignal<String>, required: bool| {
        view! {
            <div class="field">
                <label for=id>{move || tr(label)}</label>
                <input id=id data-testid=id required=required maxlength="2000"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    let heading = if recruiter {
        Key::PostOffer
    } else {
        Key::AddElsewhere
    };
    view! {
        <form class="card offer-form" data-testid="offer-form" on:submit=submit>
            <h2>{move || tr(heading)}</h2>
            {input("new-offer-title", Key::Title, title, true)}
            {input("new-offer-company", Key::Company, company, false)}
            {(!recruiter).then(|| input("new-offer-url", Key::Url, url, false))}
            {recruiter.then(|| view! {
                <div class="field">
                    <label for="new-offer-contract">{move || tr(Key::Contract)}</label>
                    <select id="new-offer-contract" data-testid="new-offer-contract" on:change=move |ev| contract.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        <option value="cdi">{move || tr(Key::Cdi)}</option>
                        <option value="cdd">{move || tr(Key::Cdd)}</option>
                        <option value="interim">{move || tr(Key::Interim)}</option>
                        <option value="alternance">{move || tr(Key::Alternance)}</option>
                        <option value="stage">{move || tr(Key::Stage)}</option>
                        <option value="freelance">{move || tr(Key::Freelance)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="new-offer-remote">{move || tr(Key::RemoteLabel)}</label>
                    <select id="new-offer-remote" data-testid="new-offer-remote" on:change=move |ev| remote.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        <option value="on_site">{move || tr(Key::OnSite)}</option>
                        <option value="hybrid">{move || tr(Key::Hybrid)}</option>
                        <option value="remote">{move || tr(Key::FullRemote)}</option>
                    </select>
                </div>
                {input("new-offer-postcode", Key::Postcode, postcode, false)}
                <div class="field">
                    <label for="new-offer-skills">{move || tr(Key::SkillsAsked)}</label>
                    <textarea id="new-offer-skills" data-testid="new-offer-skills" rows="4" aria-describedby="new-offer-skills-hint"
                        prop:value=move || skills.get() on:input=move |ev| skills.set(event_target_value(&ev))></textarea>
                    <p class="hint" id="new-offer-skills-hint">{move || tr(Key::OnePerLine)}</p>
                </div>
            })}
            <div class="field">
                <label for="new-offer-description">{move || tr(Key::Description)}</label>
                <textarea id="new-offer-description" data-testid="new-offer-description" required rows="6" maxlength="20000"
                    prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            </div>
            <ErrorLine error testid="new-offer-error" />
            <button type="submit" class="button primary" data-testid="new-offer-submit" disabled=move || busy.get()>
                {move || if recruiter { tr(Key::Publish) } else { tr(Key::Add) }}
            </button>
        </form>
    }
}

//! `/offers`: the search (words, filters with their counts, relevance or date, more results through the
//! cursor) and `/offers/:id`: one offer in full.

use jobbot_api_types::{
    ContractType, FacetCount, Offer, OfferPage, OfferState, Remote, SavedSearchInput, SearchParams,
    WorkingTime,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::applications::ApplyButton;
use super::fit::FitPanel;
use super::i18n::Key;
use super::{api, text, tr, ErrorLine};
use jobbot_frontend::api::ApiError;
use jobbot_frontend::widgets::{load, query};

const CONTRACTS: &[(&str, Key)] = &[
    ("cdi", Key::Cdi),
    ("cdd", Key::Cdd),
    ("interim", Key::Interim),
    ("alternance", Key::Alternance),
    ("stage", Key::Stage),
    ("freelance", Key::Freelance),
];
const REMOTES: &[(&str, Key)] = &[
    ("on_site", Key::OnSite),
    ("hybrid", Key::Hybrid),
    ("remote", Key::FullRemote),
];

pub fn contract_key(contract: ContractType) -> Key {
    match contract {
        ContractType::Cdi => Key::Cdi,
        ContractType::Cdd => Key::Cdd,
        ContractType::Interim => Key::Interim,
        ContractType::Alternance => Key::Alternance,
        ContractType::Stage => Key::Stage,
        ContractType::Freelance => Key::Freelance,
    }
}

pub fn remote_key(remote: Remote) -> Key {
    match remote {
        Remote::OnSite => Key::OnSite,
        Remote::Hybrid => Key::Hybrid,
        Remote::Remote => Key::FullRemote,
    }
}

/// "CDI · Hybride · Temps plein · 69 - LYON 03": the offer's facts on one line.
pub fn facts(offer: &Offer) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(c) = offer.contract_type {
        parts.push(tr(contract_key(c)).to_owned());
    }
    if let Some(r) = offer.remote {
        parts.push(tr(remote_key(r)).to_owned());
    }
    if let Some(w) = offer.working_time {
        parts.push(
            tr(match w {
                WorkingTime::FullTime => Key::FullTime,
                WorkingTime::PartTime => Key::PartTime,
            })
            .to_owned(),
        );
    }
    if let Some(place) = offer
        .location
        .label
        .clone()
        .or_else(|| offer.location.commune.clone())
    {
        parts.push(place);
    }
    parts.join(" · ")
}

/// A select of `options` whose labels carry their facet counts ("CDI (12)"); the first option is "any".
#[component]
fn FacetSelect(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    options: &'static [(&'static str, Key)],
    #[prop(into)] counts: Signal<Vec<FacetCount>>,
) -> impl IntoView {
    let options = options
        .iter()
        .map(|(option, key)| {
            let count = move || {
                counts.with(|list| {
                    list.iter()
                        .find(|f| f.value == *option)
                        .map_or(String::new(), |f| format!(" ({})", f.count))
                })
            };
            view! { <option value=*option>{move || tr(*key)}{count}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{move || tr(label)}</label>
            <select id=id data-testid=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{move || tr(Key::Any)}</option>
                {options}
            </select>
        </div>
    }
}

/// Save or unsave, reflected at once (`aria-pressed`).
#[component]
pub fn SaveButton(id: String, saved: bool) -> impl IntoView {
    let saved = RwSignal::new(saved);
    let error = RwSignal::new(None::<ApiError>);
    let toggle = move |_| {
        let id = id.clone();
        let now = saved.get_untracked();
        spawn_local(async move {
            let done = if now {
                api::unsave(&id).await
            } else {
                api::save(&id).await
            };
            match done {
                Ok(()) => saved.set(!now),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <button type="button" class="button" data-testid="save-offer" aria-pressed=move || saved.get().to_string()
            on:click=toggle>
            {move || if saved.get() { tr(Key::Unsave) } else { tr(Key::Save) }}
        </button>
        <ErrorLine error testid="save-error" />
    }
}

/// One result: title (a link to the offer), company, facts, salary, date, and the save button.
#[component]
pub fn OfferCard(offer: Offer) -> impl IntoView {
    let href = format!("/offers/{}", offer.id);
    let facts = facts(&offer);
    let day = jobbot_frontend::i18n::day(offer.published_at);
    view! {
        <li class="card offer-card" data-testid="offer-card">
            <h2><A href=href attr:data-testid="offer-link">{offer.title.clone()}</A></h2>
            <p class="muted">{offer.company.clone().unwrap_or_default()}</p>
            <p>{facts}</p>
            {offer.salary_text.clone().map(|s| view! { <p class="muted">{s}</p> })}
            <p class="muted">{move || tr(Key::Published)}" "{day.clone()}</p>
            {offer.match_score.map(|score| view! {
                <p class="badge fit-badge" data-testid="offer-fit">{move || tr(Key::FitBadge)}" : "{score}" %"</p>
            })}
            {(offer.state == OfferState::Closed).then(|| view! { <p class="badge">{move || tr(Key::Closed)}</p> })}
            <SaveButton id=offer.id.clone() saved=offer.saved />
        </li>
    }
}

/// "Save this search": the search as it stands (the words searched, not the ones being typed), a name and
/// the alert; once saved, a link to the alerts page.
#[component]
fn SaveSearch(
    q: RwSignal<String>,
    contract: RwSignal<String>,
    remote: RwSignal<String>,
    departement: RwSignal<String>,
    salary: RwSignal<String>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let alerts = RwSignal::new(true);
    let done = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let list = |raw: String| -> Vec<String> {
            raw.split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let input = SavedSearchInput {
            name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
            query: Some(SearchParams {
                q: q.get_untracked(),
                contract: list(contract.get_untracked())
                    .iter()
                    .filter_map(|c| ContractType::parse(c))
                    .collect(),
                remote: list(remote.get_untracked())
                    .iter()
                    .filter_map(|r| Remote::parse(r))
                    .collect(),
                departement: list(departement.get_untracked()),
                salary_min: salary.get_untracked().trim().parse().ok(),
            }),
            alerts: Some(alerts.get_untracked()),
        };
        spawn_local(async move {
            match api::save_search(&input).await {
                Ok(_) => {
                    open.set(false);
                    done.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="save-search">
            <Show when=move || open.get() fallback=move || view! {
                <button type="button" class="button" data-testid="save-search-open" on:click=move |_| {
                    name.set(q.get_untracked());
                    done.set(false);
                    open.set(true);
                }>{move || tr(Key::SaveSearch)}</button>
            }>
                <form class="card" on:submit=submit>
                    <div class="field">
                        <label for="save-search-name">{move || tr(Key::SearchName)}</label>
                        <input id="save-search-name" data-testid="save-search-name" maxlength="100"
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    </div>
                    <div class="field checkbox">
                        <input type="checkbox" id="save-search-alerts" data-testid="save-search-alerts"
                            prop:checked=move || alerts.get() on:change=move |ev| alerts.set(event_target_checked(&ev)) />
                        <label for="save-search-alerts">{move || tr(Key::AlertMe)}</label>
                    </div>
                    <button type="submit" class="button primary" data-testid="save-search-submit">{move || tr(Key::SaveSearch)}</button>
                </form>
            </Show>
            <Show when=move || done.get()>
                <p role="status" data-testid="save-search-done">{move || tr(Key::SearchSaved)}" "
                    <A href="/alerts">{move || tr(Key::SeeAlerts)}</A></p>
            </Show>
            <ErrorLine error testid="save-search-error" />
        </div>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let q = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let contract = RwSignal::new(String::new());
    let remote = RwSignal::new(String::new());
    let departement = RwSignal::new(String::new());
    let salary = RwSignal::new(String::new());
    let sort = RwSignal::new("relevance".to_owned());
    let page = RwSignal::new(None::<OfferPage>);
    let more = RwSignal::new(Vec::<Offer>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    // `/offers?saved=ID` opens a saved search: its parameters first, then the search (once), then it is seen.
    let saved_id = leptos_router::hooks::use_query_map().with_untracked(|m| m.get("saved"));
    let ready = RwSignal::new(saved_id.is_none());
    let from_saved = RwSignal::new(None::<String>);
    if let Some(id) = saved_id {
        spawn_local(async move {
            if let Ok(search) = api::saved_search(&id).await {
                let p = search.query;
                let join = |list: Vec<&str>| list.join(",");
                typed.set(p.q.clone());
                q.set(p.q);
                contract.set(join(p.contract.iter().map(|c| c.as_str()).collect()));
                remote.set(join(p.remote.iter().map(|r| r.as_str()).collect()));
                departement.set(p.departement.join(","));
                salary.set(p.salary_min.map(|s| s.to_string()).unwrap_or_default());
                from_saved.set(Some(search.name));
                let _ = api::search_seen(&id).await;
            }
            ready.set(true);
        });
    }
    let params = move || {
        vec![
            ("q", q.get()),
            ("contract", contract.get()),
            ("remote", remote.get()),
            ("departement", departement.get()),
            ("salary_min", salary.get()),
            ("sort", sort.get()),
        ]
    };
    Effect::new(move |_| {
        if !ready.get() {
            return;
        }
        let query = query(&params());
        more.set(Vec::new());
        load(page, error, async move { api::search(&query).await });
    });
    Effect::new(move |_| next.set(page.with(|p| p.as_ref().and_then(|p| p.next_cursor.clone()))));
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let mut pairs = params();
        pairs.push(("cursor", cursor));
        let query = query(&pairs);
        spawn_local(async move {
            match api::search(&query).await {
                Ok(p) => {
                    more.update(|list| list.extend(p.items));
                    next.set(p.next_cursor);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let facet = move |pick: fn(&jobbot_api_types::OfferFacets) -> Vec<FacetCount>| {
        Signal::derive(move || {
            page.with(|p| {
                p.as_ref()
                    .and_then(|p| p.facets.as_ref())
                    .map(pick)
                    .unwrap_or_default()
            })
        })
    };
    let total = move || {
        page.with(|p| {
            p.as_ref().and_then(|p| p.total).map(|n| {
                let word = if n == 1 {
                    tr(Key::OneResult)
                } else {
                    tr(Key::Results)
                };
                format!("{n} {word}")
            })
        })
    };
    let results = move || {
        let mut items: Vec<Offer> = page.with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default());
        items.extend(more.get());
        if page.with(Option::is_some) && items.is_empty() {
            return view! { <p class="muted" data-testid="no-offers">{tr(Key::NoResults)}</p> }.into_any();
        }
        items
            .into_iter()
            .map(|offer| view! { <OfferCard offer /> })
            .collect_view()
            .into_any()
    };
    view! {
        <section>
            <h1>{move || tr(Key::SearchTitle)}</h1>
            <form class="card offer-search" role="search" on:submit=move |ev| {
                ev.prevent_default();
                q.set(typed.get_untracked());
            }>
                <div class="field">
                    <label for="offer-q">{move || tr(Key::SearchLabel)}</label>
                    <input id="offer-q" type="search" data-testid="offer-q" maxlength="200"
                        aria-describedby="offer-q-hint"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                    <p id="offer-q-hint" class="hint">{move || tr(Key::SearchHint)}</p>
                </div>
                <fieldset class="filters">
                    <legend>{move || tr(Key::Filters)}</legend>
                    <FacetSelect id="offer-contract" label=Key::Contract value=contract options=CONTRACTS
                        counts=facet(|f| f.contract.clone()) />
                    <FacetSelect id="offer-remote" label=Key::RemoteLabel value=remote options=REMOTES
                        counts=facet(|f| f.remote.clone()) />
                    <div class="field">
                        <label for="offer-departement">{move || tr(Key::Departement)}</label>
                        <input id="offer-departement" data-testid="offer-departement" maxlength="3" inputmode="text"
                            prop:value=move || departement.get()
                            placeholder=text(Key::DepartementHint)
                            on:change=move |ev| departement.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="offer-salary">{move || tr(Key::SalaryMin)}</label>
                        <input id="offer-salary" data-testid="offer-salary" type="number" min="0" step="1000"
                            prop:value=move || salary.get()
                            on:change=move |ev| salary.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="offer-sort">{move || tr(Key::SortLabel)}</label>
                        <select id="offer-sort" data-testid="offer-sort" prop:value=move || sort.get() on:change=move |ev| sort.set(event_target_value(&ev))>
                            <option value="relevance">{move || tr(Key::ByRelevance)}</option>
                            <option value="date">{move || tr(Key::ByDate)}</option>
                            <option value="match">{move || tr(Key::ByFit)}</option>
                        </select>
                    </div>
                </fieldset>
                <button type="submit" class="button primary" data-testid="offer-search">{move || tr(Key::Search)}</button>
            </form>
            {move || from_saved.get().map(|name| view! { <p class="muted" data-testid="from-saved">{tr(Key::FromSaved)}" "<strong>{name}</strong></p> })}
            <SaveSearch q contract remote departement salary />
            <ErrorLine error testid="search-error" />
            <p aria-live="polite" data-testid="offer-total">{total}</p>
            <ul class="offer-list" aria-label=text(Key::ResultsList)>{results}</ul>
            <Show when=move || next.get().is_some()>
                <button type="button" class="button" data-testid="offer-more" on:click=load_more>{move || tr(Key::More)}</button>
            </Show>
        </section>
    }
}

#[component]
pub fn OfferPage() -> impl IntoView {
    let params = use_params_map();
    let navigate = leptos_router::hooks::use_navigate();
    let offer = RwSignal::new(None::<Offer>);
    let error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        load(offer, error, async move { api::offer(&id).await });
    });
    let body = move || {
        let navigate = navigate.clone();
        offer.get().map(move |o| {
            let facts = facts(&o);
            let day = jobbot_frontend::i18n::day(o.published_at);
            view! {
                <article class="card offer" data-testid="offer">
                    <h1>{o.title.clone()}</h1>
                    <p class="muted">{o.company.clone().unwrap_or_default()}</p>
                    <p>{facts}</p>
                    {o.salary_text.clone().map(|s| view! { <p>{s}</p> })}
                    {o.experience.clone().map(|s| view! { <p class="muted">{s}</p> })}
                    <p class="muted">{move || tr(Key::Published)}" "{day.clone()}</p>
                    {(o.state == OfferState::Closed).then(|| view! { <p class="badge">{move || tr(Key::Closed)}</p> })}
                    {o.private.then(|| view! { <p class="badge">{move || tr(Key::Private)}</p> })}
                    <div class="offer-description" data-testid="offer-description">{o.description.clone()}</div>
                    {(!o.skills.is_empty()).then(|| view! {
                        <h2>{move || tr(Key::SkillsAsked)}</h2>
                        <ul class="terms" data-testid="offer-skills">
                            {o.skills.iter().map(|s| view! { <li class="term">{s.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    {o.source_url.clone().map(|url| view! {
                        <p><a href=url rel="noopener noreferrer external" target="_blank">{move || tr(Key::SeeOriginal)}</a></p>
                    })}
                    <div class="actions">
                        <SaveButton id=o.id.clone() saved=o.saved />
                        <ApplyButton offer_id=o.id.clone() />
                    </div>
                    {(!o.mine || o.private).then(|| view! { <FitPanel offer_id=o.id.clone() /> })}
                    {(o.mine && o.private).then(|| {
                        let id = o.id.clone();
                        let navigate = navigate.clone();
                        view! {
                            <button type="button" class="button danger" data-testid="offer-delete" on:click=move |_| {
                                let id = id.clone();
                                let navigate = navigate.clone();
                                spawn_local(async move {
                                    match api::delete(&id).await {
                                        Ok(()) => navigate("/offers/saved", Default::default()),
                                        Err(e) => error.set(Some(e)),
                                    }
                                });
                            }>{move || tr(Key::Delete)}</button>
                        }
                    })}
                </article>
            }
        })
    };
    view! {
        <section>
            <p><A href="/offers">{move || tr(Key::Back)}</A></p>
            <Show when=move || error.with(|e| e.as_ref().is_some_and(|e| e.0.status == 404))
                fallback=move || view! { <ErrorLine error testid="offer-error" /> }>
                <p data-testid="offer-missing">{move || tr(Key::NotFoundOffer)}</p>
            </Show>
            {body}
        </section>
    }
}

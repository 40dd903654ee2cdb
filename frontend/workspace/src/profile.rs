//! `/profile`: the candidate's structured profile — what they look for (jobs, places, contracts, remote work,
//! salary, availability) and what they bring (skills, experience, education, languages, links). Every field is
//! optional; lists are one item a line; experience, education and languages are rows added and removed.

use jobbot_api_types::{
    ContractType, Cv, Education, Experience, LanguageSkill, Profile, ProfileDocument, Remote,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::i18n::Key;
use super::offers::contract_key;
use super::{api, text, tr, ErrorLine};
use jobbot_frontend::api::ApiError;

fn optional(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A row of a repeated group: its own signals, so typing in one never redraws the others.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    fields: [RwSignal<String>; 5],
}

impl Row {
    fn new(key: u32, values: [Option<String>; 5]) -> Self {
        Row {
            key,
            fields: values.map(|v| RwSignal::new(v.unwrap_or_default())),
        }
    }

    fn get(&self, i: usize) -> String {
        self.fields[i].get_untracked()
    }
}

/// The labels of a group's fields, the input type of each (`""`: not shown), and its test id.
struct Group {
    id: &'static str,
    title: Key,
    add: Key,
    labels: [(Key, &'static str); 5],
}

const EXPERIENCE: Group = Group {
    id: "experience",
    title: Key::Experiences,
    add: Key::AddExperience,
    labels: [
        (Key::JobTitle, "text"),
        (Key::Company, "text"),
        (Key::Start, "month"),
        (Key::End, "month"),
        (Key::WhatYouDid, "textarea"),
    ],
};
const EDUCATION: Group = Group {
    id: "education",
    title: Key::EducationTitle,
    add: Key::AddEducation,
    labels: [
        (Key::Diploma, "text"),
        (Key::School, "text"),
        (Key::Year, "number"),
        (Key::Year, ""),
        (Key::Year, ""),
    ],
};
const LANGUAGES: Group = Group {
    id: "language",
    title: Key::Languages,
    add: Key::AddLanguage,
    labels: [
        (Key::Language, "text"),
        (Key::Level, "text"),
        (Key::Level, ""),
        (Key::Level, ""),
        (Key::Level, ""),
    ],
};

#[component]
fn Rows(group: &'static Group, rows: RwSignal<Vec<Row>>, next: RwSignal<u32>) -> impl IntoView {
    let add = move |_| {
        let key = next.get_untracked();
        next.set(key + 1);
        rows.update(|r| r.push(Row::new(key, Default::default())));
    };
    view! {
        <fieldset class="profile-group" data-testid=format!("profile-{}s", group.id)>
            <legend>{move || tr(group.title)}</legend>
            <For each=move || rows.get() key=|row| row.key let:row>
                <div class="profile-row" data-testid=format!("profile-{}", group.id)>
                    {group
                        .labels
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, kind))| !kind.is_empty())
                        .map(|(i, (label, kind))| {
                            let id = format!("{}-{}-{i}", group.id, row.key);
                            let value = row.fields[i];
                            let testid = format!("profile-{}-{i}", group.id);
                            let input = if *kind == "textarea" {
                                view! {
                                    <textarea id=id.clone() data-testid=testid rows="3" maxlength="2000"
                                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
                                }
                                .into_any()
                            } else {
                                view! {
                                    <input id=id.clone() type=*kind data-testid=testid maxlength="200"
                                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
                                }
                                .into_any()
                            };
                            view! {
                                <div class="field">
                                    <label for=id>{move || tr(*label)}</label>
                                    {input}
                                </div>
                            }
                        })
                        .collect_view()}
                    <button type="button" class="button danger" data-testid=format!("profile-{}-remove", group.id)
                        on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>{move || tr(Key::Remove)}</button>
                </div>
            </For>
            <button type="button" class="button" data-testid=format!("profile-{}-add", group.id) on:click=add>
                {move || tr(group.add)}
            </button>
        </fieldset>
    }
}

/// The CV's largest size, as the server takes it.
const CV_MAX_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// The CV: upload a PDF (checked here for its size, by the server for being one), see what was read from it,
/// correct that text (what the coach is given), download or delete it.
#[component]
fn CvCard() -> impl IntoView {
    let t = super::translator();
    let cv = RwSignal::new(None::<Option<Cv>>);
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let local_error = RwSignal::new(None::<&'static str>);
    let show = move |found: Option<Cv>| {
        text.set(found.as_ref().map(|c| c.text.clone()).unwrap_or_default());
        cv.set(Some(found));
    };
    spawn_local(async move {
        match api::cv().await {
            Ok(found) => show(found),
            Err(e) => error.set(Some(e)),
        }
    });
    let upload = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        error.set(None);
        saved.set(false);
        if file.size() > CV_MAX_BYTES {
            local_error.set(Some(t(Key::CvTooLarge)));
            input.set_value("");
            return;
        }
        local_error.set(None);
        busy.set(true);
        spawn_local(async move {
            match api::upload_cv(&file).await {
                Ok(uploaded) => show(Some(uploaded)),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
            input.set_value("");
        });
    };
    let save_text = move |_| {
        saved.set(false);
        spawn_local(async move {
            match api::save_cv_text(text.get_untracked()).await {
                Ok(updated) => {
                    show(Some(updated));
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            match api::delete_cv().await {
                Ok(()) => show(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let details = move || {
        cv.get().map(|found| match found {
            None => view! { <p class="muted" data-testid="cv-none">{tr(Key::NoCv)}</p> }.into_any(),
            Some(c) => {
                let size = format!("{} Ko", (c.size_bytes + 1023) / 1024);
                let pages = format!("{} p.", c.pages);
                view! {
                    <p data-testid="cv-file-name"><strong>{c.filename}</strong>" · "{pages}" · "{size}" · "
                        {tr(Key::Uploaded)}" "{jobbot_frontend::i18n::day(c.uploaded_at)}</p>
                    <p class="actions">
                        <a class="button" href="/api/v1/me/cv/file" download="" data-testid="cv-download">{tr(Key::Download)}</a>
                        <button type="button" class="button" data-testid="cv-delete" on:click=remove>{tr(Key::DeleteCv)}</button>
                    </p>
                    <div class="field">
                        <label for="cv-text">{tr(Key::CvText)}</label>
                        <p id="cv-text-hint" class="hint">{tr(Key::CvTextHint)}</p>
                        <textarea id="cv-text" rows="12" maxlength="50000" data-testid="cv-text" aria-describedby="cv-text-hint"
                            prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" class="button primary" data-testid="cv-text-save" on:click=save_text>{tr(Key::SaveCvText)}</button>
                    <Show when=move || saved.get()>
                        <p role="status" data-testid="cv-text-saved">{move || tr(Key::ChangesSaved)}</p>
                    </Show>
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="cv-title" data-testid="cv">
            <h2 id="cv-title">{move || tr(Key::MyCv)}</h2>
            {details}
            <div class="field">
                <label for="cv-file">{move || tr(Key::UploadCv)}</label>
                <input id="cv-file" type="file" accept="application/pdf,.pdf" data-testid="cv-file" on:change=upload />
            </div>
            <Show when=move || busy.get()>
                <p role="status" data-testid="cv-uploading">{move || tr(Key::Uploading)}</p>
            </Show>
            {move || local_error.get().map(|m| view! { <p class="form-alert error" role="alert" data-testid="cv-error">{m}</p> })}
            <ErrorLine error testid="cv-error" />
        </section>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let loaded = RwSignal::new(None::<ProfileDocument>);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    jobbot_frontend::widgets::load(loaded, error, api::profile());
    view! {
        <p><A href="/profile/cv" attr:data-testid="cv-builder-link">{move || tr(Key::CvBuilderLink)}</A></p>
        {move || {
            loaded.get().map(|document| {
                view! { <ProfileForm profile=document.profile error saved /> }
            })
        }}
    }
}

#[component]
fn ProfileForm(profile: Profile, error: RwSignal<Option<ApiError>>, saved: RwSignal<bool>) -> impl IntoView {
    let headline = RwSignal::new(profile.headline.unwrap_or_default());
    let target_jobs = RwSignal::new(profile.target_jobs.join("\n"));
    let locations = RwSignal::new(profile.locations.join("\n"));
    let mobility = RwSignal::new(profile.mobility.unwrap_or_default());
    let contracts = RwSignal::new(profile.contract_types);
    let remote = RwSignal::new(profile.remote);
    let salary = RwSignal::new(
        profile
            .salary_expectation
            .map(|s| s.to_string())
            .unwrap_or_default(),
    );
    let availability = RwSignal::new(profile.availability.unwrap_or_default());
    let skills = RwSignal::new(profile.skills.join("\n"));
    let links = RwSignal::new(profile.links.join("\n"));
    let next = RwSignal::new(0u32);
    let mut key = 0;
    let mut keyed = |values: [Option<String>; 5]| {
        key += 1;
        Row::new(key, values)
    };
    let experiences = RwSignal::new(
        profile
            .experiences
            .into_iter()
            .map(|e| keyed([Some(e.title), e.company, e.start, e.end, e.description]))
            .collect::<Vec<_>>(),
    );
    let education = RwSignal::new(
        profile
            .education
            .into_iter()
            .map(|e| keyed([Some(e.title), e.school, e.year.map(|y| y.to_string()), None, None]))
            .collect::<Vec<_>>(),
    );
    let languages = RwSignal::new(
        profile
            .languages
            .into_iter()
            .map(|l| keyed([Some(l.language), l.level, None, None, None]))
            .collect::<Vec<_>>(),
    );
    next.set(key + 1);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let salary_text = salary.get_untracked();
        let profile = Profile {
            headline: optional(headline.get_untracked()),
            target_jobs: lines(&target_jobs.get_untracked()),
            locations: lines(&locations.get_untracked()),
            mobility: optional(mobility.get_untracked()),
            contract_types: contracts.get_untracked(),
            remote: remote.get_untracked(),
            salary_expectation: salary_text.trim().parse().ok(),
            availability: optional(availability.get_untracked()),
            skills: lines(&skills.get_untracked()),
            experiences: experiences
                .get_untracked()
                .iter()
                .map(|r| Experience {
                    title: r.get(0),
                    company: optional(r.get(1)),
                    start: optional(r.get(2)),
                    end: optional(r.get(3)),
                    description: optional(r.get(4)),
                })
                .collect(),
            education: education
                .get_untracked()
                .iter()
                .map(|r| Education {
                    title: r.get(0),
                    school: optional(r.get(1)),
                    year: r.get(2).trim().parse().ok(),
                })
                .collect(),
            languages: languages
                .get_untracked()
                .iter()
                .map(|r| LanguageSkill {
                    language: r.get(0),
                    level: optional(r.get(1)),
                })
                .collect(),
            links: lines(&links.get_untracked()),
        };
        saved.set(false);
        spawn_local(async move {
            match api::save_profile(&profile).await {
                Ok(_) => {
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let input = move |id: &'static str, label: Key, value: RwSignal<String>, kind: &'static str| {
        view! {
            <div class="field">
                <label for=id>{move || tr(label)}</label>
                <input id=id type=kind data-testid=id maxlength="200"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    let list = move |id: &'static str, label: Key, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{move || tr(label)}</label>
                <textarea id=id data-testid=id rows="3" aria-describedby="one-a-line"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            </div>
        }
    };
    let contract_boxes = [
        ContractType::Cdi,
        ContractType::Cdd,
        ContractType::Interim,
        ContractType::Alternance,
        ContractType::Stage,
        ContractType::Freelance,
    ]
    .into_iter()
    .map(|c| {
        view! {
            <label class="choice">
                <input type="checkbox" data-testid=format!("profile-contract-{}", c.as_str())
                    prop:checked=move || contracts.with(|l| l.contains(&c))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        contracts.update(|l| {
                            l.retain(|x| *x != c);
                            if on {
                                l.push(c);
                            }
                        });
                    } />
                {move || tr(contract_key(c))}
            </label>
        }
    })
    .collect_view();
    let remote_boxes = [
        (Remote::OnSite, Key::OnSite),
        (Remote::Hybrid, Key::Hybrid),
        (Remote::Remote, Key::FullRemote),
    ]
    .into_iter()
    .map(|(r, label)| {
        view! {
            <label class="choice">
                <input type="checkbox" data-testid=format!("profile-remote-{}", r.as_str())
                    prop:checked=move || remote.with(|l| l.contains(&r))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        remote.update(|l| {
                            l.retain(|x| *x != r);
                            if on {
                                l.push(r);
                            }
                        });
                    } />
                {move || tr(label)}
            </label>
        }
    })
    .collect_view();

    view! {
        <section>
            <h1>{move || tr(Key::Profile)}</h1>
            <p class="hint">{move || tr(Key::ProfileHint)}</p>
            <CvCard />
            <form class="card profile-form" on:submit=submit data-testid="profile-form">
                <p id="one-a-line" class="hint">{move || tr(Key::OneALine)}</p>
                {input("profile-headline", Key::Headline, headline, "text")}
                <fieldset class="profile-group">
                    <legend>{move || tr(Key::LookingFor)}</legend>
                    {list("profile-target-jobs", Key::TargetJobs, target_jobs)}
                    {list("profile-locations", Key::Locations, locations)}
                    {input("profile-mobility", Key::Mobility, mobility, "text")}
                    <div class="field" role="group" aria-label=text(Key::Contract)>
                        <span class="label">{move || tr(Key::Contract)}</span>
                        <div class="choices">{contract_boxes}</div>
                    </div>
                    <div class="field" role="group" aria-label=text(Key::RemoteLabel)>
                        <span class="label">{move || tr(Key::RemoteLabel)}</span>
                        <div class="choices">{remote_boxes}</div>
                    </div>
                    {input("profile-salary", Key::SalaryExpectation, salary, "number")}
                    {input("profile-availability", Key::Availability, availability, "text")}
                </fieldset>
                {list("profile-skills", Key::Skills, skills)}
                <Rows group=&EXPERIENCE rows=experiences next />
                <Rows group=&EDUCATION rows=education next />
                <Rows group=&LANGUAGES rows=languages next />
                {list("profile-links", Key::Links, links)}
                <ErrorLine error testid="profile-error" />
                <button type="submit" class="button primary" data-testid="profile-save">{move || tr(Key::SaveChanges)}</button>
                <Show when=move || saved.get()>
                    <p role="status" data-testid="profile-saved">{move || tr(Key::ChangesSaved)}</p>
                </Show>
            </form>
        </section>
    }
}

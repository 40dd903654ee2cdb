//! `/applications`: the candidate's applications as a board (a column per status; a card moves with its
//! "Déplacer vers" list — keyboard and screen readers — or by drag and drop) or as a filtered list, with the
//! counts and the response rate; `/applications/:id`: one application, its details, next action and history.
//! The offer page's [`ApplyButton`] starts one.

use jobbot_api_types::{
    Application, ApplicationDetail, ApplicationList, ApplicationStatus, ApplicationUpdate, NewApplication,
    Reminder,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::coach::{CoachPanel, Documents};
use super::fit::FitPanel;
use super::i18n::Key;
use super::{api, text, tr, ErrorLine};
use jobbot_frontend::api::ApiError;
use jobbot_frontend::widgets::{load, when};

/// A status's name: "À envoyer", "Envoyée", …
pub fn status_key(status: ApplicationStatus) -> Key {
    match status {
        ApplicationStatus::ToSend => Key::ToSend,
        ApplicationStatus::Sent => Key::Sent,
        ApplicationStatus::FollowedUp => Key::FollowedUp,
        ApplicationStatus::Interview => Key::Interview,
        ApplicationStatus::OfferReceived => Key::OfferReceived,
        ApplicationStatus::Accepted => Key::Accepted,
        ApplicationStatus::Rejected => Key::Rejected,
        ApplicationStatus::NoResponse => Key::NoResponse,
        ApplicationStatus::Abandoned => Key::Abandoned,
    }
}

fn reminder_key(reminder: Reminder) -> Key {
    match reminder {
        Reminder::ActionDue => Key::ActionDue,
        Reminder::FollowUp => Key::TimeToFollowUp,
        Reminder::MarkNoResponse => Key::MaybeNoResponse,
    }
}

fn optional(text: String) -> Option<String> {
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// A select of every status, `current` chosen; `on_pick` gets a different one.
#[component]
fn StatusSelect(
    id: String,
    current: ApplicationStatus,
    #[prop(into)] label: Signal<String>,
    on_pick: Callback<ApplicationStatus>,
) -> impl IntoView {
    let options = ApplicationStatus::ALL
        .iter()
        .map(|s| {
            let s = *s;
            view! { <option value=s.as_str() selected=s == current>{move || tr(status_key(s))}</option> }
        })
        .collect_view();
    view! {
        <div class="field move-field">
            <label for=id.clone()>{label}</label>
            <select id=id data-testid="application-move" on:change=move |ev| {
                if let Some(s) = ApplicationStatus::parse(&event_target_value(&ev)).filter(|s| *s != current) {
                    on_pick.run(s);
                }
            }>{options}</select>
        </div>
    }
}

/// One application on the board or in the list.
#[component]
fn ApplicationCard(
    application: Application,
    on_move: Callback<(String, ApplicationStatus)>,
    dragging: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = application.id.clone();
    let title = application.title.clone();
    let drag_id = id.clone();
    let move_label = Signal::derive({
        let title = title.clone();
        move || format!("{} « {} »", tr(Key::MoveTo), title)
    });
    let pick = {
        let id = id.clone();
        Callback::new(move |s: ApplicationStatus| on_move.run((id.clone(), s)))
    };
    let due = application.next_action_due.map(|d| d.to_string());
    view! {
        <li class="card application-card" data-testid="application-card" data-status=application.status.as_str()
            draggable="true"
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &drag_id);
                }
                dragging.set(Some(drag_id.clone()));
            }
            on:dragend=move |_| dragging.set(None)>
            <h3><A href=format!("/applications/{id}") attr:data-testid="application-link">{title}</A></h3>
            {application.company.map(|c| view! { <p class="muted">{c}</p> })}
            {application.reminder.map(|r| view! { <p class="reminder" data-testid="application-reminder">{move || tr(reminder_key(r))}</p> })}
            {application.next_action.map(|a| view! { <p>{a}{due.map(|d| format!(" — {d}"))}</p> })}
            <StatusSelect id=format!("move-{}", application.id) current=application.status label=move_label on_pick=pick />
        </li>
    }
}

#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let list = RwSignal::new(None::<ApplicationList>);
    let error = RwSignal::new(None::<ApiError>);
    let announce = RwSignal::new(String::new());
    let board = RwSignal::new(true);
    let filter = RwSignal::new(String::new());
    let words = RwSignal::new(String::new());
    let dragging = RwSignal::new(None::<String>);
    let tr_now = super::translator();
    let reload = move || load(list, error, api::applications());
    reload();

    let on_move = Callback::new(move |(id, status): (String, ApplicationStatus)| {
        spawn_local(async move {
            match api::move_application(&id, status).await {
                Ok(moved) => {
                    announce.set(format!(
                        "« {} » : {}",
                        moved.application.title,
                        tr_now(status_key(status))
                    ));
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });

    let summary = move || {
        list.with(|l| {
            l.as_ref().map(|l| {
                let total = l.items.len();
                let rate = l.response_rate.map_or_else(
                    || tr(Key::NoRateYet).to_owned(),
                    |r| format!("{} {} %", tr(Key::ResponseRate), (r * 100.0).round()),
                );
                format!("{total} {} · {rate}", tr(Key::ApplicationsCount))
            })
        })
    };

    let columns = move || {
        let Some(l) = list.get() else {
            return ().into_any();
        };
        ApplicationStatus::ALL
            .iter()
            .map(|status| {
                let status = *status;
                let cards: Vec<Application> = l.items.iter().filter(|a| a.status == status).cloned().collect();
                let count = cards.len();
                let heading = format!("column-{}", status.as_str());
                let labelled_by = heading.clone();
                let cards = cards
                    .into_iter()
                    .map(|application| view! { <ApplicationCard application on_move dragging /> })
                    .collect_view();
                view! {
                    <section class="board-column" aria-labelledby=labelled_by data-testid="board-column"
                        data-status=status.as_str()
                        on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                        on:drop=move |ev: leptos::ev::DragEvent| {
                            ev.prevent_default();
                            if let Some(id) = dragging.get_untracked() {
                                dragging.set(None);
                                on_move.run((id, status));
                            }
                        }>
                        <h2 id=heading>{move || tr(status_key(status))}" "<span class="count">{count}</span></h2>
                        <ul>{cards}</ul>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };

    let rows = move || {
        let Some(l) = list.get() else {
            return ().into_any();
        };
        let only = ApplicationStatus::parse(&filter.get());
        let needle = jobbot_domain::text::fold(&words.get().to_lowercase());
        let items: Vec<Application> = l
            .items
            .into_iter()
            .filter(|a| only.is_none_or(|s| a.status == s))
            .filter(|a| {
                needle.is_empty()
                    || jobbot_domain::text::fold(
                        &format!("{} {}", a.title, a.company.as_deref().unwrap_or_default()).to_lowercase(),
                    )
                    .contains(&needle)
            })
            .collect();
        if items.is_empty() {
            return view! { <p class="muted" data-testid="no-applications">{tr(Key::NoApplications)}</p> }
                .into_any();
        }
        let rows = items
            .into_iter()
            .map(|a| {
                view! {
                    <tr data-testid="application-row">
                        <td><A href=format!("/applications/{}", a.id)>{a.title}</A></td>
                        <td>{a.company.unwrap_or_default()}</td>
                        <td>{move || tr(status_key(a.status))}</td>
                        <td>{jobbot_frontend::i18n::day(a.status_changed_at)}</td>
                        <td>{a.next_action.unwrap_or_default()}" "{a.next_action_due.map(|d| d.to_string())}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="application-table">
                <thead><tr>
                    <th scope="col">{move || tr(Key::Title)}</th>
                    <th scope="col">{move || tr(Key::Company)}</th>
                    <th scope="col">{move || tr(Key::Status)}</th>
                    <th scope="col">{move || tr(Key::Since)}</th>
                    <th scope="col">{move || tr(Key::NextAction)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };

    let filter_options = || {
        ApplicationStatus::ALL
            .iter()
            .map(|s| {
                let s = *s;
                view! { <option value=s.as_str()>{move || tr(status_key(s))}</option> }
            })
            .collect_view()
    };

    view! {
        <section>
            <h1>{move || tr(Key::Applications)}</h1>
            <p data-testid="applications-summary">{summary}</p>
            <ErrorLine error testid="applications-error" />
            <p class="visually-hidden" aria-live="polite" data-testid="applications-announce">{move || announce.get()}</p>
            <div class="actions" role="group" aria-label=text(Key::View)>
                <button type="button" class="button" data-testid="view-board" aria-pressed=move || board.get().to_string()
                    on:click=move |_| board.set(true)>{move || tr(Key::Board)}</button>
                <button type="button" class="button" data-testid="view-list" aria-pressed=move || (!board.get()).to_string()
                    on:click=move |_| board.set(false)>{move || tr(Key::List)}</button>
            </div>
            <Show when=move || board.get() fallback=move || view! {
                <div class="filters">
                    <div class="field">
                        <label for="application-filter">{move || tr(Key::Status)}</label>
                        <select id="application-filter" data-testid="application-filter"
                            on:change=move |ev| filter.set(event_target_value(&ev))>
                            <option value="">{move || tr(Key::Any)}</option>
                            {filter_options()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="application-words">{move || tr(Key::FilterWords)}</label>
                        <input id="application-words" type="search" data-testid="application-words"
                            on:input=move |ev| words.set(event_target_value(&ev)) />
                    </div>
                </div>
                {rows}
            }>
                <p class="hint">{move || tr(Key::BoardHint)}</p>
                <div class="board" data-testid="board">{columns}</div>
            </Show>
            <NewApplicationForm created=Callback::new(move |_| reload()) />
        </section>
    }
}

/// A free-form application: a job found outside JobBot.
#[component]
fn NewApplicationForm(created: Callback<ApplicationDetail>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let company = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewApplication {
            title: Some(title.get_untracked()),
            company: optional(company.get_untracked()),
            ..Default::default()
        };
        spawn_local(async move {
            match api::create_application(&input).await {
                Ok(detail) => {
                    error.set(None);
                    title.set(String::new());
                    company.set(String::new());
                    created.run(detail);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card" on:submit=submit data-testid="new-application">
            <h2>{move || tr(Key::NewApplication)}</h2>
            <div class="field">
                <label for="new-application-title">{move || tr(Key::Title)}</label>
                <input id="new-application-title" data-testid="new-application-title" required maxlength="200"
                    prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="new-application-company">{move || tr(Key::Company)}</label>
                <input id="new-application-company" data-testid="new-application-company" maxlength="200"
                    prop:value=move || company.get() on:input=move |ev| company.set(event_target_value(&ev)) />
            </div>
            <ErrorLine error testid="new-application-error" />
            <button type="submit" class="button primary" data-testid="new-application-submit">{move || tr(Key::Add)}</button>
        </form>
    }
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let navigate = use_navigate();
    let detail = RwSignal::new(None::<ApplicationDetail>);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let tr_now = super::translator();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reload = Callback::new(move |_: ()| {
        let id = id();
        load(detail, error, async move { api::application(&id).await });
    });
    Effect::new(move |_| {
        params.track();
        reload.run(());
    });
    let change = move |update: ApplicationUpdate| {
        let id = id();
        saved.set(false);
        spawn_local(async move {
            match api::update_application(&id, &update).await {
                Ok(d) => {
                    detail.set(Some(d));
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let delete = move |_| {
        let navigate = navigate.clone();
        let confirmed = window()
            .confirm_with_message(tr_now(Key::ConfirmDelete))
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let id = id();
        spawn_local(async move {
            match api::delete_application(&id).await {
                Ok(()) => navigate("/applications", Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let body = move || {
        detail.get().map(|d| {
            let a = d.application;
            let contact = RwSignal::new(a.contact.clone().unwrap_or_default());
            let notes = RwSignal::new(a.notes.clone().unwrap_or_default());
            let next_action = RwSignal::new(a.next_action.clone().unwrap_or_default());
            let due = RwSignal::new(a.next_action_due.map(|d| d.to_string()).unwrap_or_default());
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                change(ApplicationUpdate {
                    contact: Some(contact.get_untracked()),
                    notes: Some(notes.get_untracked()),
                    next_action: Some(next_action.get_untracked()),
                    next_action_due: Some(due.get_untracked()),
                    ..Default::default()
                });
            };
            let pick = Callback::new(move |status: ApplicationStatus| {
                change(ApplicationUpdate {
                    status: Some(status),
                    ..Default::default()
                })
            });
            let suggestion = a.reminder.and_then(|r| match r {
                Reminder::FollowUp => Some((Key::TimeToFollowUp, ApplicationStatus::FollowedUp, Key::MarkFollowedUp)),
                Reminder::MarkNoResponse => Some((Key::MaybeNoResponse, ApplicationStatus::NoResponse, Key::MarkNoResponse)),
                Reminder::ActionDue => None,
            });
            let history = d
                .history
                .into_iter()
                .map(|h| view! { <li>{when(h.at)}" — "{move || tr(status_key(h.to))}</li> })
                .collect_view();
            view! {
                <article class="card" data-testid="application">
                    <h1>{a.title.clone()}</h1>
                    {a.company.clone().map(|c| view! { <p class="muted">{c}</p> })}
                    {a.offer_id.clone().map(|o| view! {
                        <p><a href=format!("/offers/{o}") data-testid="application-offer">{move || tr(Key::SeeOffer)}</a></p>
                    })}
                    {a.offer_id.clone().map(|o| view! { <FitPanel offer_id=o /> })}
                    <StatusSelect id="application-status".into() current=a.status label=Signal::derive(move || tr(Key::Status).to_owned()) on_pick=pick />
                    {a.reminder.map(|r| view! { <p class="reminder" data-testid="application-reminder">{move || tr(reminder_key(r))}</p> })}
                    {suggestion.map(|(_, status, label)| view! {
                        <button type="button" class="button" data-testid="application-suggestion"
                            on:click=move |_| pick.run(status)>{move || tr(label)}</button>
                    })}
                    <form on:submit=submit data-testid="application-form">
                        <div class="field">
                            <label for="application-contact">{move || tr(Key::Contact)}</label>
                            <input id="application-contact" data-testid="application-contact" maxlength="500"
                                prop:value=move || contact.get() on:input=move |ev| contact.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="application-next">{move || tr(Key::NextAction)}</label>
                            <input id="application-next" data-testid="application-next" maxlength="500"
                                prop:value=move || next_action.get() on:input=move |ev| next_action.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="application-due">{move || tr(Key::Due)}</label>
                            <input id="application-due" type="date" data-testid="application-due"
                                prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="application-notes">{move || tr(Key::Notes)}</label>
                            <textarea id="application-notes" data-testid="application-notes" rows="6" maxlength="20000"
                                prop:value=move || notes.get() on:input=move |ev| notes.set(event_target_value(&ev))></textarea>
                        </div>
                        <button type="submit" class="button primary" data-testid="application-save">{move || tr(Key::SaveChanges)}</button>
                        <Show when=move || saved.get()>
                            <p role="status" data-testid="application-saved">{move || tr(Key::ChangesSaved)}</p>
                        </Show>
                    </form>
                    <h2>{move || tr(Key::History)}</h2>
                    <ol data-testid="application-history">{history}</ol>
                    <Documents application_id=a.id.clone() documents=d.documents reload />
                    <button type="button" class="button danger" data-testid="application-delete" on:click=delete.clone()>
                        {move || tr(Key::StopTracking)}
                    </button>
                </article>
            }
        })
    };
    // The coach keeps its state while the application around it reloads (a document kept, a field saved).
    let subject = Memo::new(move |_| {
        detail.with(|d| {
            d.as_ref()
                .map(|d| (d.application.id.clone(), d.application.title.clone()))
        })
    });
    let coach = move || {
        subject
            .get()
            .map(|(application_id, title)| view! { <CoachPanel application_id title reload /> })
    };
    view! {
        <section>
            <p><A href="/applications">{move || tr(Key::BackToApplications)}</A></p>
            <Show when=move || error.with(|e| e.as_ref().is_some_and(|e| e.0.status == 404))
                fallback=move || view! { <ErrorLine error testid="application-error" /> }>
                <p data-testid="application-missing">{move || tr(Key::NotFoundApplication)}</p>
            </Show>
            {body}
            {coach}
        </section>
    }
}

/// On an offer's page: "Je postule" (starts an application and opens it), or the way to the candidate's
/// application for it with its status.
#[component]
pub fn ApplyButton(offer_id: String) -> impl IntoView {
    let navigate = use_navigate();
    let mine = RwSignal::new(None::<ApplicationList>);
    let error = RwSignal::new(None::<ApiError>);
    load(mine, error, api::applications_for_offer(offer_id.clone()));
    let apply = move |_| {
        let navigate = navigate.clone();
        let input = NewApplication {
            offer_id: Some(offer_id.clone()),
            ..Default::default()
        };
        spawn_local(async move {
            match api::create_application(&input).await {
                Ok(d) => navigate(&format!("/applications/{}", d.application.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    move || {
        let existing = mine.with(|m| m.as_ref().map(|m| m.items.first().cloned()));
        let view = match existing {
            None => ().into_any(),
            Some(Some(a)) => view! {
                <p data-testid="offer-application">
                    <A href=format!("/applications/{}", a.id)>{move || tr(Key::MyApplication)}</A>
                    " — "{move || tr(status_key(a.status))}
                </p>
            }
            .into_any(),
            Some(None) => view! {
                <button type="button" class="button primary" data-testid="offer-apply" on:click=apply.clone()>
                    {move || tr(Key::Apply)}
                </button>
            }
            .into_any(),
        };
        view! { {view} <ErrorLine error testid="apply-error" /> }
    }
}

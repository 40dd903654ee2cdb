//! Pieces every console page uses: an error line, a confirmed action with its required reason, a pager.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::i18n::Key;
use super::tr;
use jobbot_frontend::api::ApiError;

use jobbot_frontend::widgets::AlertLine;
pub use jobbot_frontend::widgets::{load, maybe_when, when};

/// A failed request in the interface language: its field errors when it has some, else its problem.
pub fn error_message(locale: jobbot_domain::Locale, error: &ApiError) -> String {
    jobbot_frontend::widgets::error_text(locale, error, |f| match f.code.as_str() {
        "invalid_otp" => super::i18n::t(locale, Key::InvalidCode).to_owned(),
        _ => jobbot_frontend::i18n::field_message(locale, &f.field, &f.code, &f.message),
    })
}

/// The last failure of a page's request, in the interface language (`role="alert"`).
#[component]
pub fn ErrorLine(error: RwSignal<Option<ApiError>>, testid: &'static str) -> impl IntoView {
    view! { <AlertLine error testid message=error_message /> }
}

/// An admin action: a button that opens a small confirmation asking for the reason (required: it goes to the
/// audit log, and for a removed share to its owner; `ask_reason=false` for an action the API takes without
/// one), then "Confirm" or "Cancel".
#[component]
pub fn ReasonAction<F, Fut>(
    /// The test id prefix: `{id}-open`, `{id}-reason`, `{id}-confirm`.
    id: &'static str,
    label: Key,
    /// What the confirmation says will happen.
    warning: Key,
    #[prop(default = false)] danger: bool,
    #[prop(default = true)] ask_reason: bool,
    run: F,
) -> impl IntoView
where
    F: Fn(String) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), ApiError>> + 'static,
{
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let missing = RwSignal::new(false);
    let reason_id = format!("{id}-reason");
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = reason.get_untracked().trim().to_owned();
        if ask_reason && text.is_empty() {
            missing.set(true);
            return;
        }
        missing.set(false);
        busy.set(true);
        spawn_local(async move {
            match run(text).await {
                Ok(()) => {
                    open.set(false);
                    reason.set(String::new());
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="reason-action">
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button type="button" class="button" class:danger=danger data-testid=format!("{id}-open") on:click=move |_| open.set(true)>
                        {move || tr(label)}
                    </button>
                }
            >
                <form class="confirm" on:submit=confirm novalidate>
                    <p class="warning">{move || tr(warning)}</p>
                    <div class="field" class:has-error=move || missing.get() hidden=!ask_reason>
                        <label for=reason_id.clone()>{move || tr(Key::Reason)}</label>
                        <textarea id=reason_id.clone() required=ask_reason maxlength="500" data-testid=reason_id.clone()
                            aria-invalid=move || if missing.get() { "true" } else { "false" }
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        <p class="field-error" aria-live="polite">{move || missing.get().then(|| tr(Key::ReasonRequired))}</p>
                    </div>
                    <ErrorLine error testid="action-error" />
                    <button type="submit" class="button" class:danger=danger class:primary=!danger disabled=move || busy.get() data-testid=format!("{id}-confirm")>
                        {move || tr(Key::Confirm)}
                    </button>
                    " "
                    <button type="button" class="button" on:click=move |_| open.set(false)>{move || tr(Key::Cancel)}</button>
                </form>
            </Show>
        </div>
    }
}

/// "1–50 of 120" with previous and next buttons; `offset` moves by `limit`.
#[component]
pub fn Pager(offset: RwSignal<i64>, limit: i64, #[prop(into)] total: Signal<i64>) -> impl IntoView {
    let range = move || {
        let total = total.get();
        let first = if total == 0 { 0 } else { offset.get() + 1 };
        let last = (offset.get() + limit).min(total);
        format!("{first}–{last} {} {total}", tr(Key::Of))
    };
    view! {
        <nav class="pager" aria-label=super::text(Key::Pages)>
            <button type="button" class="button" data-testid="pager-previous" disabled=move || offset.get() == 0
                on:click=move |_| offset.update(|o| *o = (*o - limit).max(0))>
                {move || tr(Key::Previous)}
            </button>
            <span aria-live="polite" data-testid="pager-range">{range}</span>
            <button type="button" class="button" data-testid="pager-next" disabled=move || { offset.get() + limit >= total.get() }
                on:click=move |_| offset.update(|o| *o += limit)>
                {move || tr(Key::Next)}
            </button>
        </nav>
    }
}

/// A select that sets `value`; the first option is the default.
#[component]
pub fn SelectFilter(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    options: &'static [(&'static str, Key)],
) -> impl IntoView {
    let options = options
        .iter()
        .map(|(option, key)| view! { <option value=*option>{move || tr(*key)}</option> })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{move || tr(label)}</label>
            <select id=id data-testid=id on:change=move |ev| value.set(event_target_value(&ev))>{options}</select>
        </div>
    }
}

/// A list page's table: a caption for screen readers, a header row, the rows (the children), and what the
/// page's last request said when it failed.
#[component]
pub fn AdminTable(
    testid: &'static str,
    caption: Key,
    columns: &'static [Key],
    error: RwSignal<Option<ApiError>>,
    children: Children,
) -> impl IntoView {
    let head = columns
        .iter()
        .map(|key| view! { <th scope="col">{move || tr(*key)}</th> })
        .collect_view();
    view! {
        <ErrorLine error testid="list-error" />
        <div class="table-scroll">
            <table class="admin-table" data-testid=testid>
                <caption class="visually-hidden">{move || tr(caption)}</caption>
                <thead><tr>{head}</tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

//! A labelled input whose error (from the API's field errors) is announced to screen readers.

use jobbot_api_types::FieldError;
use jobbot_domain::Locale;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::{self, Key};
use crate::state::AppState;

/// Field errors of the last failed submit, keyed by field name. Create it in a component body (it reads the
/// app state from the context there, so it can be used later from async tasks).
#[derive(Clone, Copy)]
pub struct FormErrors {
    errors: RwSignal<Vec<FieldError>>,
    locale: RwSignal<Locale>,
}

impl FormErrors {
    pub fn new() -> Self {
        Self {
            errors: RwSignal::new(Vec::new()),
            locale: expect_context::<AppState>().locale,
        }
    }

    pub fn clear(&self) {
        self.errors.set(Vec::new());
    }

    /// Shows a failed request: field errors beside their inputs, the rest in `alert`, in the UI language.
    pub fn show(&self, alert: RwSignal<Option<String>>, error: &ApiError) {
        self.errors.set(error.0.errors.clone().unwrap_or_default());
        alert.set(Some(i18n::problem_message(self.locale.get_untracked(), &error.0)));
    }

    /// The localised message for `field`, if the server refused it.
    pub fn message(&self, field: &'static str) -> Signal<Option<String>> {
        let (errors, locale) = (self.errors, self.locale);
        Signal::derive(move || {
            let locale = locale.get();
            errors.with(|all| {
                all.iter()
                    .find(|e| e.field == field)
                    .map(|e| i18n::field_message(locale, &e.field, &e.code, &e.message))
            })
        })
    }
}

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn TextField(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Key>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>{move || state.t(label)}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id.clone()>{move || state.t(hint)}</p> })}
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                required=required
                data-testid=id
                aria-describedby=described_by
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p class="field-error" id=error_id aria-live="polite" data-testid=format!("{id}-error")>
                {move || error.get()}
            </p>
        </div>
    }
}

/// The message for a failed request as a whole, announced politely.
#[component]
pub fn FormAlert(
    message: RwSignal<Option<String>>,
    #[prop(default = "form-error")] testid: &'static str,
) -> impl IntoView {
    view! {
        <p class="form-alert" role="status" aria-live="polite" data-testid=testid hidden=move || message.get().is_none()>
            {move || message.get()}
        </p>
    }
}

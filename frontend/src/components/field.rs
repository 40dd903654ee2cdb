//! A labelled input whose error (from the API's field errors) is announced to screen readers.

use jobbot_api_types::FieldError;
use leptos::prelude::*;

use crate::i18n::{self, Key};
use crate::state::AppState;

/// Field errors of the last failed submit, keyed by field name.
#[derive(Clone, Copy)]
pub struct FormErrors(RwSignal<Vec<FieldError>>);

impl FormErrors {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    pub fn set(&self, errors: Vec<FieldError>) {
        self.0.set(errors);
    }

    pub fn clear(&self) {
        self.0.set(Vec::new());
    }

    /// The localised message for `field`, if the server refused it.
    pub fn message(&self, field: &'static str) -> Signal<Option<String>> {
        let errors = self.0;
        let state = expect_context::<AppState>();
        Signal::derive(move || {
            let locale = state.locale.get();
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

//! Sign up, then log in straight away.

use jobbot_api_types::{LoginRequest, RegisterRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::field::{FormAlert, FormErrors, TextField};
use crate::i18n::Key;
use crate::state::AppState;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let accept_terms = RwSignal::new(false);
    let errors = FormErrors::new();
    let alert = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let terms_error = errors.message("accept_terms");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        errors.clear();
        alert.set(None);
        let body = RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            display_name: name.get_untracked(),
            locale: Some(state.locale.get_untracked()),
            accept_terms: accept_terms.get_untracked(),
        };
        spawn_local(async move {
            let result = match api::register(&body).await {
                Ok(_) => {
                    api::login(&LoginRequest {
                        email: body.email.clone(),
                        password: body.password.clone(),
                        otp: None,
                    })
                    .await
                }
                Err(error) => Err(error),
            };
            match result {
                Ok(user) => {
                    state.signed_in(user);
                    // The account page is another build: a full page load.
                    let _ = window().location().assign("/account");
                }
                Err(error) => errors.show(alert, &error),
            }
            pending.set(false);
        });
    };

    view! {
        <section class="card narrow">
            <h1>{move || state.t(Key::RegisterTitle)}</h1>
            <form on:submit=submit novalidate>
                <FormAlert message=alert />
                <TextField id="register-name" label=Key::DisplayName value=name autocomplete="name" error=errors.message("display_name") />
                <TextField id="register-email" label=Key::Email value=email kind="email" autocomplete="email" error=errors.message("email") />
                <TextField
                    id="register-password"
                    label=Key::Password
                    value=password
                    kind="password"
                    autocomplete="new-password"
                    hint=Key::PasswordHint
                    error=errors.message("password")
                />
                <div class="field checkbox" class:has-error=move || terms_error.get().is_some()>
                    <label>
                        <input type="checkbox" data-testid="register-terms" aria-describedby="register-terms-error"
                            prop:checked=move || accept_terms.get() on:change=move |ev| accept_terms.set(event_target_checked(&ev)) />
                        " " {move || state.t(Key::AcceptTerms)} " "
                        <A href="/legal/terms">{move || state.t(Key::TermsLink)}</A> " · "
                        <A href="/legal/privacy">{move || state.t(Key::PrivacyLink)}</A>
                    </label>
                    <p class="field-error" id="register-terms-error" aria-live="polite" data-testid="register-terms-error">{move || terms_error.get()}</p>
                </div>
                <button type="submit" class="button primary" data-testid="register-submit" disabled=move || pending.get()>
                    {move || if pending.get() { state.t(Key::Working) } else { state.t(Key::RegisterSubmit) }}
                </button>
            </form>
            <p class="aside">{move || state.t(Key::HaveAccount)} " " <A href="/login">{move || state.t(Key::NavLogin)}</A></p>
        </section>
    }
}

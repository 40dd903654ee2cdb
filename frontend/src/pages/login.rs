//! Log in.

use jobbot_api_types::{ErrorCode, LoginRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::field::{FormAlert, FormErrors, TextField};
use crate::i18n::Key;
use crate::state::AppState;

#[component]
pub fn LoginPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Shown once the server says the account has two-factor sign-in on.
    let otp = RwSignal::new(String::new());
    let needs_otp = RwSignal::new(false);
    let errors = FormErrors::new();
    let alert = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        let code = otp.get_untracked();
        let body = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            otp: (!code.trim().is_empty()).then_some(code),
        };
        spawn_local(async move {
            match api::login(&body).await {
                Ok(user) => {
                    state.signed_in(user);
                    // The account page is another build: a full page load.
                    let _ = window().location().assign("/account");
                }
                Err(error) if error.code() == ErrorCode::OtpRequired => {
                    needs_otp.set(true);
                    alert.set(Some(state.t(Key::OtpAsk).to_owned()));
                }
                Err(error) => errors.show(alert, &error),
            }
            pending.set(false);
        });
    };

    view! {
        <section class="card narrow">
            <h1>{move || state.t(Key::LoginTitle)}</h1>
            <form on:submit=submit novalidate>
                <FormAlert message=alert />
                <TextField id="login-email" label=Key::Email value=email kind="email" autocomplete="email" error=errors.message("email") />
                <TextField id="login-password" label=Key::Password value=password kind="password" autocomplete="current-password" error=errors.message("password") />
                <Show when=move || needs_otp.get()>
                    <TextField id="login-otp" label=Key::OtpCode value=otp kind="text" autocomplete="one-time-code" error=errors.message("otp") />
                </Show>
                <button type="submit" class="button primary" data-testid="login-submit" disabled=move || pending.get()>
                    {move || if pending.get() { state.t(Key::Working) } else { state.t(Key::LoginSubmit) }}
                </button>
            </form>
            <p class="aside">{move || state.t(Key::NoAccount)} " " <A href="/register">{move || state.t(Key::NavRegister)}</A></p>
        </section>
    }
}

//! `/account/security`: two-step sign-in (TOTP). Set up with a QR code or the secret, confirm with a code,
//! keep the ten recovery codes (shown once); turn it off with the password and a code.

use jobbot_api_types::{TwoFactorSetup, TwoFactorStatus};
use jobbot_domain::Role;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::i18n::Key;
use super::widgets::{when, ErrorLine};
use super::{api, tr};
use jobbot_frontend::api::ApiError;
use jobbot_frontend::state::AppState;

/// A labelled input for this page.
#[component]
fn Input(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    kind: &'static str,
    autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{move || tr(label)}</label>
            <input id=id name=id type=kind autocomplete=autocomplete required=true data-testid=id
                inputmode=if kind == "password" { "text" } else { "numeric" }
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = RwSignal::new(None::<TwoFactorStatus>);
    let setup = RwSignal::new(None::<TwoFactorSetup>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let error = RwSignal::new(None::<ApiError>);
    let code = RwSignal::new(String::new());
    let on_password = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let off_code = RwSignal::new(String::new());
    let load = move || {
        spawn_local(async move {
            match api::two_factor_status().await {
                Ok(s) => status.set(Some(s)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // Visitors go to the login page; the page loads once the session is known.
    Effect::new(move |_| {
        if !state.ready.get() {
            return;
        }
        if state.user.with(Option::is_none) {
            super::load_page("/login");
        } else {
            load();
        }
    });
    let start = move |_| {
        spawn_local(async move {
            match api::two_factor_setup().await {
                Ok(s) => {
                    setup.set(Some(s));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let confirm = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked().trim().to_owned();
        let typed_password = on_password.get_untracked();
        spawn_local(async move {
            match api::two_factor_enable(typed, typed_password).await {
                Ok(enabled) => {
                    codes.set(Some(enabled.recovery_codes));
                    setup.set(None);
                    code.set(String::new());
                    on_password.set(String::new());
                    error.set(None);
                    load();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let turn_off = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (typed_password, typed_code) = (
            password.get_untracked(),
            off_code.get_untracked().trim().to_owned(),
        );
        spawn_local(async move {
            match api::two_factor_disable(typed_password, typed_code).await {
                Ok(()) => {
                    password.set(String::new());
                    off_code.set(String::new());
                    codes.set(None);
                    error.set(None);
                    load();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let save_codes = move |_| {
        if let Some(list) = codes.get_untracked() {
            let text = format!("{}\n\n{}\n", tr(Key::RecoveryFileHeader), list.join("\n"));
            jobbot_frontend::api::save_file(text.as_bytes(), "jobbot-recovery-codes.txt", "text/plain");
        }
    };
    let is_admin = move || {
        state
            .user
            .with(|u| u.as_ref().is_some_and(|u| u.role == Role::Admin))
    };

    let body = move || {
        let Some(current) = status.get() else {
            return view! { <p class="muted">{tr(Key::Loading)}</p> }.into_any();
        };
        if current.enabled {
            let since = current.enabled_at.map(when).unwrap_or_default();
            return view! {
                <section class="card" aria-labelledby="on-title">
                    <h2 id="on-title" data-testid="two-step-on">{tr(Key::TwoStepOn)}</h2>
                    <p>{format!("{} {since}", tr(Key::Since))}</p>
                    <p data-testid="codes-left">{format!("{} {}", current.recovery_codes_left, tr(Key::CodesLeft))}</p>
                </section>
                <form class="card" on:submit=turn_off novalidate aria-labelledby="off-title">
                    <h2 id="off-title">{tr(Key::TurnOffTitle)}</h2>
                    <Input id="off-password" label=Key::Password value=password kind="password" autocomplete="current-password" />
                    <Input id="off-code" label=Key::Code value=off_code kind="text" autocomplete="one-time-code" />
                    <button type="submit" class="button danger" data-testid="two-step-off">{tr(Key::TurnOff)}</button>
                </form>
            }
            .into_any();
        }
        match setup.get() {
            None => view! {
                <section class="card" aria-labelledby="off-state">
                    <h2 id="off-state" data-testid="two-step-off-state">{tr(Key::TwoStepOff)}</h2>
                    <p>{tr(Key::TwoStepExplain)}</p>
                    <button type="button" class="button primary" data-testid="two-step-start" on:click=start>{tr(Key::SetUp)}</button>
                </section>
            }
            .into_any(),
            Some(s) => view! {
                <form class="card" on:submit=confirm novalidate aria-labelledby="setup-title">
                    <h2 id="setup-title">{tr(Key::ScanTitle)}</h2>
                    <ol class="steps">
                        <li>{tr(Key::ScanStep)}</li>
                        <li>{tr(Key::TypeSecretStep)} " " <code class="secret" data-testid="two-step-secret">{s.secret.clone()}</code></li>
                        <li>{tr(Key::ConfirmStep)}</li>
                    </ol>
                    <div class="qr" role="img" aria-label=tr(Key::QrLabel) data-testid="two-step-qr" inner_html=s.qr_svg.clone()></div>
                    <Input id="two-step-code" label=Key::Code value=code kind="text" autocomplete="one-time-code" />
                    <Input id="two-step-password" label=Key::Password value=on_password kind="password" autocomplete="current-password" />
                    <button type="submit" class="button primary" data-testid="two-step-confirm">{tr(Key::TurnOn)}</button>
                </form>
            }
            .into_any(),
        }
    };
    let recovery = move || {
        codes.get().map(|list| {
            let items = list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view();
            view! {
                <section class="card recovery" aria-labelledby="codes-title" data-testid="recovery-codes">
                    <h2 id="codes-title">{tr(Key::RecoveryTitle)}</h2>
                    <p role="alert">{tr(Key::RecoveryOnce)}</p>
                    <ol class="codes">{items}</ol>
                    <button type="button" class="button" data-testid="recovery-save" on:click=save_codes>{tr(Key::SaveCodes)}</button>
                </section>
            }
        })
    };
    view! {
        <section class="page">
            <h1>{move || tr(Key::SecurityTitle)}</h1>
            <p><a href="/account">{move || tr(Key::BackToAccount)}</a></p>
            <Show when=is_admin>
                <p class="notice" data-testid="admin-needs-two-step">{move || tr(Key::AdminsNeedIt)}</p>
            </Show>
            <ErrorLine error testid="security-error" />
            {recovery}
            {body}
            <Show when=is_admin>
                <p><a href="/admin" data-testid="to-admin">{move || tr(Key::ToConsole)}</a></p>
            </Show>
        </section>
    }
}

//! "My account" (`/account`, in the workspace build since it is not the first page anyone sees): name, email and
//! language, password change, personal access tokens, the data export and account deletion. Its texts are its
//! own (below), so they stay out of the first page's bundle.

use jobbot_api_types::{ChangePasswordRequest, CreateTokenRequest, PersonalToken, UpdateMeRequest};
use jobbot_domain::{Locale, TokenScope};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use jobbot_frontend::api;
use jobbot_frontend::components::field::{FormAlert, FormErrors, TextField};
use jobbot_frontend::i18n::Key;
use jobbot_frontend::state::AppState;

use text::Key as A;

/// The page's own texts, French first and English second.
mod text {
    use jobbot_domain::Locale;

    jobbot_frontend::messages! {
        TwoStep => ("Connexion en deux étapes", "Two-step sign-in"),
        TwoStepManage => ("Gérer la connexion en deux étapes (application d'authentification)", "Manage two-step sign-in (authenticator app)"),
        AccountTitle => ("Mon compte", "My account"),
        ProfileTitle => ("Profil", "Profile"),
        Language => ("Langue", "Language"),
        Saved => ("Modifications enregistrées.", "Changes saved."),
        PasswordTitle => ("Changer de mot de passe", "Change password"),
        PasswordChanged => ("Mot de passe changé. Vos autres sessions sont fermées.", "Password changed. Your other sessions were logged out."),
        TokensTitle => ("Jetons d'accès personnels", "Personal access tokens"),
        TokensIntro => (
            "Pour connecter une application tierce à l'API JobBot. Le secret n'est affiché qu'une fois.",
            "To connect a third-party app to the JobBot API. The secret is shown only once."
        ),
        ScopeRead => ("Lecture seule", "Read only"),
        ScopeWrite => ("Lecture et écriture", "Read and write"),
        CreateToken => ("Créer le jeton", "Create token"),
        NewTokenSecret => ("Copiez ce secret maintenant, il ne sera plus affiché :", "Copy this secret now; it will not be shown again:"),
        NoTokens => ("Aucun jeton pour l'instant.", "No tokens yet."),
        Never => ("n'expire pas", "never expires"),
        LastUsed => ("dernière utilisation", "last used"),
        MyDataTitle => ("Mes données", "My data"),
        ExportIntro => (
            "Téléchargez tout ce que JobBot conserve sur vous : compte, choix de cookies, connexions, conversations (JSON et Markdown), messages, partages.",
            "Download everything JobBot keeps about you: account, cookie choices, logins, conversations (JSON and Markdown), messages, shares."
        ),
        Export => ("Exporter mes données", "Export my data"),
        Received => ("Reçu :", "Received:"),
        Kilobytes => ("Ko", "KB"),
        DeleteAccount => ("Supprimer mon compte", "Delete my account"),
        DeleteAccountHint => (
            "Supprime définitivement votre compte et tout ce qu'il contient. Vos partages sont révoqués ; dans les discussions, vos messages apparaîtront comme « Utilisateur supprimé ».",
            "Permanently deletes your account and everything in it. Your shares are revoked; in chats, your messages will show as “Deleted user”."
        ),
        ConfirmDeleteAccount => ("Supprimer définitivement votre compte ?", "Delete your account for good?"),
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let name = move || state.user.get().map(|u| u.display_name).unwrap_or_default();
    let email = move || state.user.get().map(|u| u.email).unwrap_or_default();
    let consent = expect_context::<jobbot_frontend::consent::Consent>();
    view! {
        <section class="page">
            <h1>{move || text::t(state.locale.get(), A::AccountTitle)}</h1>
            <p class="identity">
                <strong data-testid="account-name">{name}</strong>
                <span class="muted" data-testid="account-email">{email}</span>
            </p>
            <p>
                <button type="button" class="button" data-testid="account-cookies" on:click=move |_| consent.reopen()>
                    {move || state.t(Key::ManageCookies)}
                </button>
            </p>
            <ProfileForm />
            <PasswordForm />
            <section class="card" aria-labelledby="two-step-title">
                <h2 id="two-step-title">{move || text::t(state.locale.get(), A::TwoStep)}</h2>
                // The settings are in the console build: a full page load (rel="external").
                <p><a href="/account/security" rel="external" data-testid="account-security">{move || text::t(state.locale.get(), A::TwoStepManage)}</a></p>
            </section>
            <Tokens />
            <MyData />
        </section>
    }
}

#[component]
fn ProfileForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let display_name = RwSignal::new(
        state
            .user
            .get_untracked()
            .map(|u| u.display_name)
            .unwrap_or_default(),
    );
    let email = RwSignal::new(state.user.get_untracked().map(|u| u.email).unwrap_or_default());
    // Changing the login email asks for the current password, as changing the password does.
    let password = RwSignal::new(String::new());
    let email_changed = Memo::new(move |_| {
        let typed = email.get();
        state.user.with(|u| {
            u.as_ref()
                .is_some_and(|u| !typed.trim().eq_ignore_ascii_case(&u.email))
        })
    });
    let errors = FormErrors::new();
    let alert = RwSignal::new(None::<String>);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let changing = email_changed.get_untracked();
        let body = UpdateMeRequest {
            display_name: Some(display_name.get_untracked()),
            email: changing.then(|| email.get_untracked()),
            current_password: changing.then(|| password.get_untracked()),
            locale: Some(state.locale.get_untracked()),
        };
        spawn_local(async move {
            match api::update_me(&body).await {
                Ok(user) => {
                    alert.set(Some(text::t(state.locale.get(), A::Saved).to_owned()));
                    password.set(String::new());
                    state.user.set(Some(user));
                }
                Err(error) => errors.show(alert, &error),
            }
        });
    };
    let choose_locale = move |ev| {
        let locale = Locale::parse(&event_target_value(&ev)).unwrap_or_default();
        state.locale.set(locale);
    };

    view! {
        <form class="card" on:submit=submit novalidate aria-labelledby="profile-title">
            <h2 id="profile-title">{move || text::t(state.locale.get(), A::ProfileTitle)}</h2>
            <FormAlert message=alert testid="profile-status" />
            <TextField id="profile-name" label=Key::DisplayName value=display_name autocomplete="name" error=errors.message("display_name") />
            <TextField id="profile-email" label=Key::Email value=email kind="email" autocomplete="email" error=errors.message("email") />
            <Show when=move || email_changed.get()>
                <TextField id="profile-password" label=Key::CurrentPassword value=password kind="password" autocomplete="current-password" error=errors.message("current_password") />
            </Show>
            <div class="field">
                <label for="profile-locale">{move || text::t(state.locale.get(), A::Language)}</label>
                <select id="profile-locale" data-testid="profile-locale" on:change=choose_locale
                    prop:value=move || state.locale.get().as_str().to_owned()>
                    <option value="fr">"Français"</option>
                    <option value="en">"English"</option>
                </select>
            </div>
            <button type="submit" class="button primary" data-testid="profile-save">{move || state.t(Key::Save)}</button>
        </form>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let alert = RwSignal::new(None::<String>);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let body = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new_password.get_untracked(),
        };
        spawn_local(async move {
            match api::change_password(&body).await {
                Ok(()) => {
                    current.set(String::new());
                    new_password.set(String::new());
                    alert.set(Some(text::t(state.locale.get(), A::PasswordChanged).to_owned()));
                }
                Err(error) => errors.show(alert, &error),
            }
        });
    };

    view! {
        <form class="card" on:submit=submit novalidate aria-labelledby="password-title">
            <h2 id="password-title">{move || text::t(state.locale.get(), A::PasswordTitle)}</h2>
            <FormAlert message=alert testid="password-status" />
            <TextField id="password-current" label=Key::CurrentPassword value=current kind="password" autocomplete="current-password" error=errors.message("current_password") />
            <TextField id="password-new" label=Key::NewPassword value=new_password kind="password" autocomplete="new-password" hint=Key::PasswordHint error=errors.message("new_password") />
            <button type="submit" class="button" data-testid="password-save">{move || state.t(Key::Save)}</button>
        </form>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let state = expect_context::<AppState>();
    let tokens = RwSignal::new(Vec::<PersonalToken>::new());
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new(TokenScope::Read);
    let days = RwSignal::new(String::from("90"));
    let secret = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let errors = FormErrors::new();
    let alert = RwSignal::new(None::<String>);

    let reload = move || {
        spawn_local(async move {
            match api::list_tokens().await {
                Ok(list) => tokens.set(list),
                Err(error) => errors.show(alert, &error),
            }
        })
    };
    reload();

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        alert.set(None);
        let expires_in_days = days.get_untracked().trim().parse::<u32>().ok();
        let body = CreateTokenRequest {
            name: name.get_untracked(),
            scope: scope.get_untracked(),
            expires_in_days,
        };
        spawn_local(async move {
            match api::create_token(&body).await {
                Ok(created) => {
                    copied.set(false);
                    secret.set(Some(created.secret));
                    name.set(String::new());
                    tokens.update(|list| list.insert(0, created.token));
                }
                Err(error) => errors.show(alert, &error),
            }
        });
    };
    let copy = move |_| {
        if let (Some(value), Some(window)) = (secret.get_untracked(), web_sys::window()) {
            let _ = window.navigator().clipboard().write_text(&value);
            copied.set(true);
        }
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            match api::revoke_token(&id).await {
                Ok(()) => tokens.update(|list| list.retain(|t| t.id != id)),
                Err(error) => errors.show(alert, &error),
            }
        });
    };
    let date = jobbot_frontend::i18n::day;

    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{move || text::t(state.locale.get(), A::TokensTitle)}</h2>
            <p class="muted">{move || text::t(state.locale.get(), A::TokensIntro)}</p>
            <FormAlert message=alert testid="tokens-status" />
            <Show when=move || secret.get().is_some()>
                <div class="secret" role="status" data-testid="token-secret">
                    <p>{move || text::t(state.locale.get(), A::NewTokenSecret)}</p>
                    <code data-testid="token-secret-value">{move || secret.get()}</code>
                    <button type="button" class="button" on:click=copy>
                        {move || if copied.get() { state.t(Key::Copied) } else { state.t(Key::Copy) }}
                    </button>
                </div>
            </Show>
            <form class="token-form" on:submit=submit novalidate>
                <TextField id="token-name" label=Key::TokenName value=name error=errors.message("name") />
                <div class="field">
                    <label for="token-scope">{move || state.t(Key::TokenScope)}</label>
                    <select id="token-scope" data-testid="token-scope"
                        on:change=move |ev| scope.set(TokenScope::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="read">{move || text::t(state.locale.get(), A::ScopeRead)}</option>
                        <option value="write">{move || text::t(state.locale.get(), A::ScopeWrite)}</option>
                    </select>
                </div>
                <TextField id="token-days" label=Key::TokenExpiry value=days kind="number" required=false error=errors.message("expires_in_days") />
                <button type="submit" class="button primary" data-testid="token-create">{move || text::t(state.locale.get(), A::CreateToken)}</button>
            </form>
            <ul class="token-list" data-testid="token-list">
                <Show when=move || tokens.with(Vec::is_empty)>
                    <li class="muted">{move || text::t(state.locale.get(), A::NoTokens)}</li>
                </Show>
                <For each=move || tokens.get() key=|t| t.id.clone() let:token>
                    {
                        let id = token.id.clone();
                        let scope_key = match token.scope { TokenScope::Read => A::ScopeRead, TokenScope::Write => A::ScopeWrite };
                        let expiry = token.expires_at.map(date);
                        let last_used = token.last_used_at.map(date);
                        view! {
                            <li class="token" data-testid="token-item">
                                <div>
                                    <strong>{token.name.clone()}</strong>
                                    <code>{format!("{}…", token.prefix)}</code>
                                    <span class="muted">
                                        {move || text::t(state.locale.get(), scope_key)} " · "
                                        {
                                            let expiry = expiry.clone();
                                            move || match &expiry {
                                                Some(day) => format!("{} {day}", state.t(Key::Expires)),
                                                None => text::t(state.locale.get(), A::Never).to_owned(),
                                            }
                                        }
                                        {
                                            let last_used = last_used.clone();
                                            move || last_used.as_ref().map(|day| format!(" · {} {day}", text::t(state.locale.get(), A::LastUsed)))
                                        }
                                    </span>
                                </div>
                                <button type="button" class="button danger" on:click=move |_| revoke(id.clone())>
                                    {move || state.t(Key::Revoke)}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}

#[component]
fn MyData() -> impl IntoView {
    let state = expect_context::<AppState>();
    let received = RwSignal::new(None::<usize>);
    let exporting = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let alert = RwSignal::new(None::<String>);
    let export = move |_| {
        exporting.set(true);
        received.set(Some(0));
        spawn_local(async move {
            match api::export(|bytes| received.set(Some(bytes))).await {
                Ok(archive) => api::save_file(&archive, "jobbot-export.zip", "application/zip"),
                Err(error) => errors.show(alert, &error),
            }
            exporting.set(false);
        });
    };
    let delete = move |ev: SubmitEvent| {
        ev.prevent_default();
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(text::t(state.locale.get(), A::ConfirmDeleteAccount))
                    .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let secret = password.get_untracked();
        spawn_local(async move {
            match api::delete_account(&secret).await {
                Ok(receipt) => {
                    // The home page is the main build's: it finds the receipt in this tab's session storage,
                    // once, after the full page load.
                    let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
                    if let (Some(storage), Ok(json)) = (storage, serde_json::to_string(&receipt)) {
                        let _ = storage.set_item(jobbot_frontend::pages::home::FAREWELL_KEY, &json);
                    }
                    let _ = window().location().assign("/");
                }
                Err(error) => errors.show(alert, &error),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">{move || text::t(state.locale.get(), A::MyDataTitle)}</h2>
            <FormAlert message=alert testid="data-status" />
            <p>{move || text::t(state.locale.get(), A::ExportIntro)}</p>
            <button type="button" class="button" data-testid="export" disabled=move || exporting.get() on:click=export>{move || text::t(state.locale.get(), A::Export)}</button>
            <p class="muted" role="status" data-testid="export-progress">
                {move || received.get().map(|bytes| format!("{} {} {}", text::t(state.locale.get(), A::Received), bytes.div_ceil(1024), text::t(state.locale.get(), A::Kilobytes)))}
            </p>
            <form class="danger-zone" on:submit=delete>
                <h3>{move || text::t(state.locale.get(), A::DeleteAccount)}</h3>
                <p class="hint">{move || text::t(state.locale.get(), A::DeleteAccountHint)}</p>
                <TextField id="delete-password" label=Key::Password value=password kind="password" autocomplete="current-password" error=errors.message("password") />
                <button type="submit" class="button danger" data-testid="delete-account">{move || text::t(state.locale.get(), A::DeleteAccount)}</button>
            </form>
        </section>
    }
}

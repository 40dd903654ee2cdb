//! `/admin/users`: every account, searchable; `/admin/users/:id`: one account and what an admin can do to it
//! (role, disable or enable, end every session, delete), each confirmed with a reason.

use jobbot_api_types::{AdminUser, AdminUserChange, AdminUserPage};
use jobbot_domain::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::i18n::Key;
use super::widgets::{load, maybe_when, when, AdminTable, ErrorLine, Pager, ReasonAction, SelectFilter};
use super::{api, tr};
use jobbot_frontend::api::ApiError;

const LIMIT: i64 = 25;
const ROLES: &[(&str, Key)] = &[
    ("", Key::Any),
    ("candidate", Key::RoleCandidate),
    ("recruiter", Key::RoleRecruiter),
    ("admin", Key::RoleAdmin),
];
const STATUSES: &[(&str, Key)] = &[
    ("", Key::Any),
    ("active", Key::Active),
    ("disabled", Key::Disabled),
];
const SORTS: &[(&str, Key)] = &[
    ("-created", Key::NewestFirst),
    ("created", Key::OldestFirst),
    ("email", Key::ByEmail),
    ("name", Key::ByName),
];
const COLUMNS: &[Key] = &[
    Key::Email,
    Key::Name,
    Key::Role,
    Key::Status,
    Key::Created,
    Key::LastActive,
    Key::Conversations,
    Key::Chats,
    Key::Shares,
    Key::TokensThisMonth,
];

fn role_key(role: Role) -> Key {
    match role {
        Role::Candidate => Key::RoleCandidate,
        Role::Recruiter => Key::RoleRecruiter,
        Role::Admin => Key::RoleAdmin,
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let sort = RwSignal::new("-created".to_owned());
    let offset = RwSignal::new(0_i64);
    let page = RwSignal::new(None::<AdminUserPage>);
    let error = RwSignal::new(None::<ApiError>);
    // A new search starts from the first page.
    Effect::new(move |_| {
        let _ = (search.get(), role.get(), status.get(), sort.get());
        offset.set(0);
    });
    Effect::new(move |_| {
        let query = api::query(&[
            ("q", search.get()),
            ("role", role.get()),
            ("status", status.get()),
            ("sort", sort.get()),
            ("limit", LIMIT.to_string()),
            ("offset", offset.get().to_string()),
        ]);
        load(page, error, async move { api::users(&query).await });
    });
    let total = Signal::derive(move || page.with(|p| p.as_ref().map_or(0, |p| p.total)));
    let rows = move || {
        page.get().map(|p| {
            p.items
                .into_iter()
                .map(|u| {
                    let href = format!("/admin/users/{}", u.id);
                    let status = if u.disabled_at.is_some() {
                        Key::Disabled
                    } else {
                        Key::Active
                    };
                    view! {
                        <tr data-testid="user-row">
                            <th scope="row"><A href=href>{u.email.clone()}</A></th>
                            <td>{u.display_name.clone()}</td>
                            <td>{tr(role_key(u.role))}</td>
                            <td class:disabled=u.disabled_at.is_some()>{tr(status)}</td>
                            <td>{jobbot_frontend::i18n::day(u.created_at)}</td>
                            <td>{maybe_when(u.last_active_at)}</td>
                            <td class="number">{u.conversations}</td>
                            <td class="number">{u.chats}</td>
                            <td class="number">{u.shares}</td>
                            <td class="number">{u.tokens_this_month}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="page admin-page">
            <h1>{move || tr(Key::Users)}</h1>
            <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
                <div class="field">
                    <label for="user-search">{move || tr(Key::SearchUsers)}</label>
                    <input id="user-search" type="search" data-testid="user-search" prop:value=move || search.get()
                        on:change=move |ev| search.set(event_target_value(&ev)) />
                </div>
                <SelectFilter id="user-role" label=Key::Role value=role options=ROLES />
                <SelectFilter id="user-status" label=Key::Status value=status options=STATUSES />
                <SelectFilter id="user-sort" label=Key::Sort value=sort options=SORTS />
            </form>
            <AdminTable testid="users-table" caption=Key::Users columns=COLUMNS error>{rows}</AdminTable>
            <Pager offset limit=LIMIT total />
        </section>
    }
}

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let user = RwSignal::new(None::<AdminUser>);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<String>);
    let id = move || params.read().get("id").unwrap_or_default();
    Effect::new(move |_| {
        let id = id();
        load(user, error, async move { api::user(&id).await });
    });
    let details = move || {
        user.get().map(move |u| {
            let id = StoredValue::new(u.id.clone());
            let disabled = u.disabled_at.is_some();
            let role = u.role;
            let change = move |change: AdminUserChange| async move {
                let updated = api::change_user(&id.get_value(), &change).await?;
                user.set(Some(updated));
                done.set(Some(tr(Key::Done).to_owned()));
                Ok(())
            };
            let set_role = RwSignal::new(role.as_str().to_owned());
            let audit = format!("/admin/audit?target={}", u.id);
            view! {
                <h1 data-testid="user-email">{u.email.clone()}</h1>
                <dl class="facts card">
                    <div><dt>{tr(Key::Name)}</dt><dd>{u.display_name.clone()}</dd></div>
                    <div><dt>{tr(Key::Role)}</dt><dd data-testid="user-role-value">{tr(role_key(role))}</dd></div>
                    <div><dt>{tr(Key::Status)}</dt><dd data-testid="user-status-value">
                        {tr(if disabled { Key::Disabled } else { Key::Active })}
                        {u.disabled_reason.clone().map(|r| format!(" — {r}"))}
                    </dd></div>
                    <div><dt>{tr(Key::Created)}</dt><dd>{when(u.created_at)}</dd></div>
                    <div><dt>{tr(Key::LastActive)}</dt><dd>{maybe_when(u.last_active_at)}</dd></div>
                    <div><dt>{tr(Key::Conversations)}</dt><dd>{u.conversations}</dd></div>
                    <div><dt>{tr(Key::Chats)}</dt><dd>{u.chats}</dd></div>
                    <div><dt>{tr(Key::Shares)}</dt><dd>{u.shares}</dd></div>
                    <div><dt>{tr(Key::TokensThisMonth)}</dt><dd>{u.tokens_this_month}</dd></div>
                </dl>
                <p><a href=audit>{tr(Key::SeeAudit)}</a></p>
                <section class="card actions" aria-labelledby="actions-title">
                    <h2 id="actions-title">{tr(Key::Actions)}</h2>
                    <div class="field">
                        <label for="new-role">{tr(Key::NewRole)}</label>
                        <select id="new-role" data-testid="new-role" prop:value=move || set_role.get()
                            on:change=move |ev| set_role.set(event_target_value(&ev))>
                            <option value="candidate">{tr(Key::RoleCandidate)}</option>
                            <option value="recruiter">{tr(Key::RoleRecruiter)}</option>
                            <option value="admin">{tr(Key::RoleAdmin)}</option>
                        </select>
                    </div>
                    <ReasonAction id="change-role" label=Key::ChangeRole warning=Key::ChangeRoleWarning
                        run=move |reason| change(AdminUserChange {
                            role: Role::parse(&set_role.get_untracked()),
                            disabled: None,
                            reason,
                        }) />
                    {if disabled {
                        view! {
                            <ReasonAction id="enable" label=Key::Enable warning=Key::EnableWarning
                                run=move |reason| change(AdminUserChange { role: None, disabled: Some(false), reason }) />
                        }.into_any()
                    } else {
                        view! {
                            <ReasonAction id="disable" label=Key::Disable warning=Key::DisableWarning danger=true
                                run=move |reason| change(AdminUserChange { role: None, disabled: Some(true), reason }) />
                        }.into_any()
                    }}
                    <ReasonAction id="logout" label=Key::EndSessions warning=Key::EndSessionsWarning ask_reason=false
                        run=move |_reason| async move {
                            let report = api::logout_user(&id.get_value()).await?;
                            done.set(Some(format!(
                                "{} {} · {} {}",
                                report.sessions,
                                tr(Key::SessionsEnded),
                                report.personal_tokens,
                                tr(Key::TokensRevoked)
                            )));
                            Ok(())
                        } />
                    <ReasonAction id="delete" label=Key::DeleteAccount warning=Key::DeleteWarning danger=true
                        run=move |reason| async move {
                            let receipt = api::delete_user(&id.get_value(), reason).await?;
                            user.set(None);
                            done.set(Some(format!("{} {}", tr(Key::Deleted), when(receipt.deleted_at))));
                            Ok(())
                        } />
                </section>
            }
        })
    };
    view! {
        <section class="page admin-page">
            <p><A href="/admin/users">{move || tr(Key::BackToUsers)}</A></p>
            <p class="form-alert" role="status" aria-live="polite" data-testid="action-done" hidden=move || done.get().is_none()>
                {move || done.get()}
            </p>
            <ErrorLine error testid="user-error" />
            {details}
        </section>
    }
}

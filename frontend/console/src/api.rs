//! The console's calls: two-step sign-in settings and the admin API (`/api/v1/admin/*`), through the one API
//! client (`jobbot_frontend::api`: cookies, CSRF header, one refresh).

use jobbot_api_types::{
    AdminLogoutReport, AdminReason, AdminSharePage, AdminStats, AdminSystem, AdminUser, AdminUserChange,
    AdminUserPage, AuditPage, DeletionReceipt, DisableTwoFactorRequest, EnableTwoFactorRequest,
    TwoFactorEnabled, TwoFactorSetup, TwoFactorStatus,
};

use jobbot_frontend::api::{call, json, problem_of, send_accepting, ApiError, Verb};

pub use jobbot_frontend::widgets::query;

pub async fn two_factor_status() -> Result<TwoFactorStatus, ApiError> {
    call(Verb::Get, "/me/2fa", None).await
}

pub async fn two_factor_setup() -> Result<TwoFactorSetup, ApiError> {
    call(Verb::Post, "/me/2fa/setup", Some("{}".into())).await
}

pub async fn two_factor_enable(code: String, password: String) -> Result<TwoFactorEnabled, ApiError> {
    call(
        Verb::Post,
        "/me/2fa/enable",
        json(&EnableTwoFactorRequest { code, password }),
    )
    .await
}

pub async fn two_factor_disable(password: String, code: String) -> Result<(), ApiError> {
    call(
        Verb::Delete,
        "/me/2fa",
        json(&DisableTwoFactorRequest { password, code }),
    )
    .await
}

pub async fn users(query: &str) -> Result<AdminUserPage, ApiError> {
    call(Verb::Get, &format!("/admin/users{query}"), None).await
}

pub async fn user(id: &str) -> Result<AdminUser, ApiError> {
    call(Verb::Get, &format!("/admin/users/{id}"), None).await
}

pub async fn change_user(id: &str, change: &AdminUserChange) -> Result<AdminUser, ApiError> {
    call(Verb::Patch, &format!("/admin/users/{id}"), json(change)).await
}

pub async fn logout_user(id: &str) -> Result<AdminLogoutReport, ApiError> {
    call(
        Verb::Post,
        &format!("/admin/users/{id}/logout"),
        Some("{}".into()),
    )
    .await
}

pub async fn delete_user(id: &str, reason: String) -> Result<DeletionReceipt, ApiError> {
    call(
        Verb::Delete,
        &format!("/admin/users/{id}"),
        json(&AdminReason { reason }),
    )
    .await
}

pub async fn shares(query: &str) -> Result<AdminSharePage, ApiError> {
    call(Verb::Get, &format!("/admin/shares{query}"), None).await
}

pub async fn remove_share(id: &str, reason: String) -> Result<(), ApiError> {
    call(
        Verb::Delete,
        &format!("/admin/shares/{id}"),
        json(&AdminReason { reason }),
    )
    .await
}

pub async fn audit(query: &str) -> Result<AuditPage, ApiError> {
    call(Verb::Get, &format!("/admin/audit{query}"), None).await
}

/// The audit entries matching `query`, as the API's CSV download.
pub async fn audit_csv(query: &str) -> Result<String, ApiError> {
    let path = format!("/admin/audit{query}");
    let response = send_accepting(Verb::Get, &path, None, "text/csv").await?;
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    response
        .text()
        .await
        .map_err(|e| ApiError::local(jobbot_api_types::ErrorCode::NetworkError, e.to_string()))
}

pub async fn stats(query: &str) -> Result<AdminStats, ApiError> {
    call(Verb::Get, &format!("/admin/stats{query}"), None).await
}

pub async fn system() -> Result<AdminSystem, ApiError> {
    call(Verb::Get, "/admin/system", None).await
}

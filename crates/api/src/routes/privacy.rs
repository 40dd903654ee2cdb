//! Consent records and the transparency facts ("where does my data go").

use actix_web::web;
use jobbot_api_types::{
    AssistantRecipient, ConsentChoice, ConsentRecord, ConsentState, DataStore, PrivacyFacts, Problem,
};
use jobbot_db::consents::{self, ConsentRow};
use jobbot_db::DatabaseUrl;
use jobbot_domain::legal::{PRIVACY_POLICY_VERSION, TERMS_VERSION};
use jobbot_llm::ProviderKind;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

fn record(row: ConsentRow) -> ConsentRecord {
    ConsentRecord {
        policy_version: row.policy_version,
        preferences: row.preferences,
        measurement: row.measurement,
        recorded_at: row.created_at.and_utc(),
    }
}

async fn consent_state(state: &AppState, user_id: String) -> Result<ConsentState, ApiError> {
    let history: Vec<ConsentRecord> = state
        .db(move |conn| Ok(consents::history(conn, &user_id)?))
        .await?
        .into_iter()
        .map(record)
        .collect();
    Ok(ConsentState {
        current: history.last().cloned(),
        history,
    })
}

/// My consent: the current choice and its history.
#[utoipa::path(get, path = "/api/v1/me/consent", tag = "privacy",
    responses((status = 200, description = "Current choice and history", body = ConsentState)))]
pub async fn get_consent(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<ConsentState>, ApiError> {
    Ok(web::Json(consent_state(&state, auth.user.id).await?))
}

/// Records a consent choice (appended to the history).
#[utoipa::path(put, path = "/api/v1/me/consent", tag = "privacy", request_body = ConsentChoice,
    responses(
        (status = 200, description = "Recorded; the new state", body = ConsentState),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_consent(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<ConsentChoice>,
) -> Result<web::Json<ConsentState>, ApiError> {
    let choice = body.into_inner();
    let version = jobbot_domain::text::trim(&choice.policy_version).to_owned();
    if version.is_empty() || choice.policy_version.chars().count() > 32 {
        return Err(ApiError::field(
            "policy_version",
            "invalid_length",
            "Give the policy version (1 to 32 characters).",
        ));
    }
    let row = ConsentRow {
        id: jobbot_db::new_id(),
        user_id: auth.user.id.clone(),
        policy_version: version,
        preferences: choice.preferences,
        measurement: choice.measurement,
        created_at: jobbot_db::now(),
    };
    state.db(move |conn| Ok(consents::record(conn, &row)?)).await?;
    Ok(web::Json(consent_state(&state, auth.user.id).await?))
}

/// Where the data lives and who the assistant talks to, from the running configuration.
#[utoipa::path(get, path = "/api/v1/privacy", tag = "privacy",
    responses((status = 200, description = "The facts", body = PrivacyFacts)))]
pub async fn facts(state: web::Data<AppState>) -> web::Json<PrivacyFacts> {
    let config = &state.config;
    // The kind of hosting and the country, for anyone; the file, host and database name are for admins
    // (`GET /api/v1/admin/system`): an anonymous caller has no use for the infrastructure's names.
    let database = match &config.database_url {
        DatabaseUrl::Sqlite(_) => DataStore {
            kind: "sqlite".into(),
            location: "A database file on the JobBot server itself, in France".into(),
        },
        DatabaseUrl::Postgres(_) => DataStore {
            kind: "postgresql".into(),
            location: "A PostgreSQL database server run by JobBot's operator, in France".into(),
        },
    };
    let provider = &config.assistant.provider;
    let host = (provider.kind != ProviderKind::Offline).then(|| {
        let rest = provider
            .base_url
            .split_once("://")
            .map_or(provider.base_url.as_str(), |(_, rest)| rest);
        rest.split(['/', '?']).next().unwrap_or(rest).to_owned()
    });
    let (in_eu, sends) = match provider.kind {
        ProviderKind::Offline => (
            None,
            "Nothing: the offline coach answers from JobBot's own guides, on the server.".to_owned(),
        ),
        kind => {
            let in_eu = match kind {
                // Mistral AI is a French company processing API requests in the EU.
                ProviderKind::Mistral if provider.base_url.contains("api.mistral.ai") => Some(true),
                // OpenRouter is a US service routing to providers worldwide.
                ProviderKind::OpenRouter if provider.base_url.contains("openrouter.ai") => Some(false),
                _ => None,
            };
            (in_eu, "The conversation being answered — JobBot's instructions, your question and the recent history of that conversation — and, for a conversation about an offer or an application, the parts of them you chose to send (the offer's text; the application's status, contact, next action and notes), shown before your first question. Nothing else: no email address, name or account identifier.".to_owned())
        }
    };
    web::Json(PrivacyFacts {
        database,
        assistant: AssistantRecipient {
            provider: provider.kind.as_str().into(),
            model: provider.model.clone(),
            host,
            in_eu,
            sends,
        },
        retention_days: config.retention_days,
        privacy_policy_version: PRIVACY_POLICY_VERSION.into(),
        terms_version: TERMS_VERSION.into(),
    })
}

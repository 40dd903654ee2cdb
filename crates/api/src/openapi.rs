//! The OpenAPI 3.1 document, generated from the handlers' annotations and the api-types schemas.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "JobBot API",
        description = "JobBot, the career assistant for job seekers in France. Every error is \
                       `application/problem+json` (RFC 9457) with a stable `code`.",
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::auth::register,
        routes::auth::login,
        routes::auth::refresh,
        routes::auth::logout,
        routes::me::get_me,
        routes::me::update_me,
        routes::me::change_password,
        routes::tokens::list,
        routes::tokens::create,
        routes::tokens::revoke,
        routes::two_factor::status,
        routes::two_factor::setup,
        routes::two_factor::enable,
        routes::two_factor::disable,
        routes::admin::list_users,
        routes::admin::get_user,
        routes::admin::update_user,
        routes::admin::delete_user,
        routes::admin::logout_user,
        routes::admin::list_audit,
        routes::admin::system,
        routes::admin::stats,
        routes::admin::list_shares,
        routes::admin::remove_share,
        routes::assistant::info,
        routes::assistant::list,
        routes::assistant::create,
        routes::assistant::get,
        routes::assistant::rename,
        routes::assistant::delete,
        routes::assistant::list_messages,
        routes::assistant::send,
        routes::assistant::regenerate,
        routes::assistant::stop,
        routes::assistant::stream,
        routes::assistant::put_feedback,
        routes::assistant::delete_feedback,
        routes::assistant::context,
        routes::assistant::preview_context,
        routes::chats::open,
        routes::chats::list,
        routes::chats::messages_page,
        routes::chats::post_message,
        routes::chats::mark_read,
        routes::chats::leave,
        routes::chats::block,
        routes::chats::unblock,
        routes::shares::create_share,
        routes::shares::get_share,
        routes::shares::update_share,
        routes::shares::revoke_share,
        routes::shares::fork_share,
        routes::shares::my_shares,
        routes::ws::connect,
        routes::offers::search,
        routes::offers::create,
        routes::offers::get,
        routes::offers::fit,
        routes::offers::update,
        routes::offers::delete,
        routes::offers::saved,
        routes::offers::save,
        routes::offers::unsave,
        routes::saved_searches::list,
        routes::saved_searches::create,
        routes::saved_searches::get,
        routes::saved_searches::update,
        routes::saved_searches::delete,
        routes::saved_searches::seen,
        routes::saved_searches::notifications,
        routes::saved_searches::mark_read,
        routes::applications::list,
        routes::applications::create,
        routes::applications::get,
        routes::applications::update,
        routes::applications::delete,
        routes::applications::create_document,
        routes::applications::get_document,
        routes::applications::update_document,
        routes::applications::delete_document,
        routes::applications::download_document,
        routes::profile::get,
        routes::profile::put,
        routes::cv::upload,
        routes::cv::get,
        routes::cv::update_text,
        routes::cv::delete,
        routes::cv::download,
        routes::cv_builder::templates,
        routes::cv_builder::render,
        routes::cv_builder::preview,
        routes::privacy::facts,
        routes::privacy::get_consent,
        routes::privacy::put_consent,
        routes::me::delete_me,
        routes::export::export_me,
    ),
    components(schemas(
        jobbot_api_types::Problem,
        jobbot_api_types::FieldError,
        jobbot_api_types::Message,
        jobbot_api_types::DeltaEvent,
        jobbot_api_types::DoneEvent,
    )),
    modifiers(&SecurityAddon),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "account", description = "The caller's own account"),
        (name = "tokens", description = "Personal access tokens for third-party clients"),
        (name = "assistant", description = "Conversations with the JobBot assistant"),
        (name = "chats", description = "Chat sessions between users"),
        (name = "shares", description = "JobBot conversations shared into chat sessions"),
        (name = "offers", description = "Job offers: search, recruiters' offers, candidates' own finds, saved offers and searches"),
        (name = "notifications", description = "What JobBot tells the user: saved searches' alerts"),
        (name = "applications", description = "A candidate's applications and their history"),
        (name = "profile", description = "The candidate's structured profile and CV"),
        (name = "privacy", description = "Consent, transparency and the user's rights"),
        (name = "admin", description = "Administration (admins only)"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .bearer_format("JWT access token, or a jbt_ personal access token")
                        .build(),
                ),
            );
            components.add_security_scheme(
                "cookie",
                SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                    "jobbot_access",
                    "The SPA's session cookie; unsafe methods also need X-CSRF-Token = the jobbot_csrf cookie.",
                ))),
            );
        }
    }
}

/// OpenAPI wants every `operationId` unique in the document (client generators name their functions after
/// it, and a repeated one overwrites another): a handler name used by several modules (`list`, `get`,
/// `create`…) becomes `{name}_{resource}`, the resource being the path's first literal segment after
/// `/api/v1/` and `me/` (`list_applications`, `get_saved_searches`, `mark_read_notifications`).
fn unique_operation_ids(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(serde_json::Value::as_object_mut) else {
        return;
    };
    let mut uses = std::collections::HashMap::<String, usize>::new();
    for item in paths.values() {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            if let Some(id) = operation.get("operationId").and_then(serde_json::Value::as_str) {
                *uses.entry(id.to_owned()).or_default() += 1;
            }
        }
    }
    for (path, item) in paths.iter_mut() {
        let resource = path
            .split('/')
            .find(|segment| {
                !segment.is_empty() && !segment.starts_with('{') && !["api", "v1", "me"].contains(segment)
            })
            .unwrap_or("root")
            .replace('-', "_");
        for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            let Some(id) = operation.get("operationId").and_then(serde_json::Value::as_str) else {
                continue;
            };
            if uses.get(id).copied().unwrap_or(0) > 1 {
                operation["operationId"] = serde_json::json!(format!("{id}_{resource}"));
            }
        }
    }
}

/// The document as pretty JSON, built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        crate::openapi_rules::refine(&mut doc);
        unique_operation_ids(&mut doc);
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    })
}

/// The document this server serves: the generic one, plus what its configuration decides, so that a request
/// valid for the document is valid for the server: the models a conversation may use, as an enumeration.
pub fn for_deployment(assistant: &crate::config::AssistantConfig) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(document()).unwrap_or_default();
    let ids: Vec<&str> = assistant.models.iter().map(|m| m.id.as_str()).collect();
    for schema in ["CreateConversationRequest", "UpdateConversationRequest"] {
        if let Some(model) = doc.pointer_mut(&format!("/components/schemas/{schema}/properties/model")) {
            let mut allowed: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!(id)).collect();
            allowed.push(serde_json::Value::Null);
            model["enum"] = serde_json::Value::Array(allowed);
        }
    }
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

pub async fn serve(state: actix_web::web::Data<crate::state::AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(for_deployment(&state.assistant.config))
}

//! What the annotations cannot say, added to the OpenAPI document so it is the exact contract clients
//! generate code from:
//! - who must sign in: every operation but the few public ones (`PUBLIC`), with a bearer token or the cookie;
//! - the error answers every operation can give, by what it takes (a body: 400/413/415/422; a login: 401/403;
//!   a path id: 404; the database: 503), each a problem+json with its stable codes;
//! - the request rules the handlers enforce (lengths, non-blank text, ranges, enumerations, `const`), so a
//!   request valid for the schema is valid for the server and the other way round.

use serde_json::{json, Value};

/// The spaces of `jobbot_domain::text::is_space`, spelled out so every regex engine reads the same class.
const SPACE: &str = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Rust's `char::is_control` (category Cc).
const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";

/// Text with at least one character that is not a space.
fn not_blank(min: usize, max: usize) -> Value {
    json!({"minLength": min, "maxLength": max, "pattern": format!("[^{SPACE}]")})
}

/// `Email::parse`: optional surrounding spaces, a local part, `@`, dotted labels not starting with `-`.
fn email() -> Value {
    let label = format!("[^@{SPACE}.\\-][^@{SPACE}.]*");
    json!({"maxLength": 254, "pattern": format!("^[{SPACE}]*[^@{SPACE}]+@(?:{label}\\.)+{label}[{SPACE}]*$")})
}

/// `DisplayName::parse`: 1 to 80 characters, not blank, no control character.
fn display_name() -> Value {
    // "No control character" as `not` + an unanchored class: `$` would let a trailing newline through in some
    // regex engines.
    json!({"minLength": 1, "maxLength": 80, "pattern": format!("[^{SPACE}]"),
        "not": {"type": "string", "pattern": format!("[{CONTROL}]")}})
}

/// `Password::parse`: 8 to 128 characters, not one of the common passwords.
fn new_password() -> Value {
    let common: Vec<&str> = jobbot_domain::common_passwords().collect();
    json!({"minLength": 8, "maxLength": 128, "not": {"enum": common}})
}

/// `(schema, property, rule)`: JSON Schema keywords merged into the property.
fn rules() -> Vec<(&'static str, &'static str, Value)> {
    let mut rules = vec![
        ("RegisterRequest", "email", email()),
        ("RegisterRequest", "password", new_password()),
        ("RegisterRequest", "display_name", display_name()),
        ("RegisterRequest", "locale", json!({"enum": ["fr", "en", null]})),
        ("RegisterRequest", "accept_terms", json!({"const": true})),
        ("LoginRequest", "email", json!({"maxLength": 254})),
        ("LoginRequest", "password", json!({"maxLength": 256})),
        ("RefreshRequest", "refresh_token", json!({"maxLength": 128})),
        ("UpdateMeRequest", "display_name", display_name()),
        ("UpdateMeRequest", "email", email()),
        ("UpdateMeRequest", "locale", json!({"enum": ["fr", "en", null]})),
        ("ChangePasswordRequest", "new_password", new_password()),
        ("CreateTokenRequest", "name", not_blank(1, 100)),
        ("CreateTokenRequest", "scope", json!({"enum": ["read", "write"]})),
        (
            "CreateTokenRequest",
            "expires_in_days",
            json!({"minimum": 1, "maximum": 365}),
        ),
        ("CreateConversationRequest", "title", not_blank(1, 200)),
        ("UpdateConversationRequest", "title", not_blank(1, 200)),
        // The served document lists this server's models as an enumeration (`openapi::for_deployment`).
        ("CreateConversationRequest", "model", json!({"maxLength": 200})),
        ("UpdateConversationRequest", "model", json!({"maxLength": 200})),
        ("SendMessageRequest", "content", not_blank(1, 8_000)),
        ("FeedbackRequest", "comment", json!({"maxLength": 2_000})),
        ("PostChatMessageRequest", "content", not_blank(1, 4_000)),
        (
            "CreateShareRequest",
            "expires_in_days",
            json!({"minimum": 1, "maximum": 365}),
        ),
        (
            "UpdateShareRequest",
            "expires_in_days",
            json!({"minimum": 1, "maximum": 365}),
        ),
        ("Redaction", "start", json!({"minimum": 0, "maximum": 1_000_000})),
        ("Redaction", "end", json!({"minimum": 0, "maximum": 1_000_000})),
        (
            "Redaction",
            "kind",
            json!({"enum": ["email", "phone", "social_security_number", "birth_date", "postal_address"]}),
        ),
        ("ConsentChoice", "policy_version", not_blank(1, 32)),
        ("OfferInput", "title", not_blank(1, 200)),
        ("OfferInput", "description", not_blank(1, 20_000)),
        ("OfferUpdate", "title", not_blank(1, 200)),
        ("OfferUpdate", "description", not_blank(1, 20_000)),
        ("OfferPlace", "label", json!({"maxLength": 200})),
        ("OfferPlace", "commune", json!({"maxLength": 200})),
        (
            "OfferPlace",
            "postcode",
            json!({"maxLength": 5, "pattern": format!("^(?:[0-9]{{5}}|[{SPACE}]*)$")}),
        ),
        (
            "OfferPlace",
            "departement",
            json!({"maxLength": 3, "pattern": format!("^[{SPACE}]*(?:{DEPARTEMENT})?[{SPACE}]*$")}),
        ),
        ("NewApplication", "title", json!({"maxLength": 200})),
        ("NewApplication", "next_action_due", day()),
        ("ApplicationUpdate", "title", not_blank(1, 200)),
        ("NewDocument", "title", not_blank(1, 200)),
        ("NewDocument", "content", not_blank(1, 50_000)),
        ("DocumentUpdate", "title", not_blank(1, 200)),
        ("DocumentUpdate", "content", not_blank(1, 50_000)),
        (
            "ApplicationUpdate",
            "next_action_due",
            json!({"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 0}, day_string()]}),
        ),
    ];
    for schema in ["OfferInput", "OfferUpdate"] {
        for field in ["company", "salary_text", "experience"] {
            rules.push((schema, field, json!({"maxLength": 200})));
        }
        rules.push((schema, "source_url", url()));
        rules.push((
            schema,
            "skills",
            json!({"maxItems": crate::offers::SKILLS_MAX, "items": {"type": "string", "maxLength": crate::offers::SKILL_MAX_CHARS}}),
        ));
        for field in ["salary_min", "salary_max"] {
            rules.push((schema, field, json!({"minimum": 0, "maximum": 10_000_000})));
        }
    }
    // Saved searches and notifications (`crate::alerts`).
    rules.extend([
        ("SavedSearchInput", "name", not_blank(1, 100)),
        ("SavedSearchUpdate", "name", not_blank(1, 100)),
        ("SearchParams", "q", json!({"maxLength": 200})),
        (
            "SearchParams",
            "departement",
            json!({"maxItems": 20, "items": {"type": "string", "pattern": format!("^(?:{DEPARTEMENT})$")}}),
        ),
        (
            "SearchParams",
            "salary_min",
            json!({"minimum": 0, "maximum": 10_000_000}),
        ),
        ("MarkNotificationsRead", "ids", json!({"maxItems": 100})),
        ("CvTextUpdate", "text", json!({"maxLength": 50_000})),
    ]);
    // The profile (`routes::profile::validate`).
    for (field, items, chars) in crate::profile::WORD_LISTS {
        rules.push((
            "Profile",
            field,
            json!({"maxItems": items, "items": {"type": "string", "maxLength": chars}}),
        ));
    }
    for field in ["headline", "mobility", "availability"] {
        rules.push(("Profile", field, json!({"maxLength": 200})));
    }
    rules.extend([
        (
            "Profile",
            "salary_expectation",
            json!({"minimum": 0, "maximum": 10_000_000}),
        ),
        ("Profile", "experiences", json!({"maxItems": 30})),
        ("Profile", "education", json!({"maxItems": 20})),
        ("Profile", "languages", json!({"maxItems": 20})),
        (
            "Profile",
            "links",
            json!({"maxItems": 10, "items": merged(json!({"type": "string"}), url())}),
        ),
        ("Experience", "title", not_blank(1, 200)),
        ("Experience", "company", json!({"maxLength": 200})),
        ("Experience", "start", month()),
        ("Experience", "end", month()),
        ("Experience", "description", json!({"maxLength": 2_000})),
        ("Education", "title", not_blank(1, 200)),
        ("Education", "school", json!({"maxLength": 200})),
        ("Education", "year", json!({"minimum": 1950, "maximum": 2100})),
        ("LanguageSkill", "language", not_blank(1, 60)),
        ("LanguageSkill", "level", json!({"maxLength": 60})),
    ]);
    for schema in ["NewApplication", "ApplicationUpdate"] {
        rules.push((schema, "company", json!({"maxLength": 200})));
        rules.push((schema, "contact", json!({"maxLength": 500})));
        rules.push((schema, "next_action", json!({"maxLength": 500})));
        rules.push((schema, "notes", json!({"maxLength": 20_000})));
    }
    rules
}

/// `YYYY-MM` (month 01 to 12), or spaces only (left empty).
fn month() -> Value {
    json!({"maxLength": 7, "pattern": format!("^(?:[{SPACE}]*|[0-9]{{4}}-(?:0[1-9]|1[0-2]))$")})
}

/// `base` with `rule`'s keywords.
fn merged(mut base: Value, rule: Value) -> Value {
    merge(&mut base, rule);
    base
}

/// A French département code (`offers::is_departement`).
const DEPARTEMENT: &str = "0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-8]|98[4-8]";

/// `YYYY-MM-DD` exactly (for a string: a nullable property keeps its `null`).
fn day() -> Value {
    json!({"format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

fn day_string() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

/// An optional address: spaces (cleared) or `http(s)://` without spaces, within 2,000 characters.
fn url() -> Value {
    json!({"maxLength": 2000, "pattern": format!("^[{SPACE}]*(?:https?://[^{SPACE}\\[\\]]*)?[{SPACE}]*$")})
}

/// A comma-separated list of `values` (spaces and empty items allowed), as `offers::OfferQuery` reads it.
fn list_of(values: &str) -> Value {
    let item = format!("[{SPACE}]*(?:{values})?[{SPACE}]*");
    json!({"pattern": format!("^{item}(?:,{item})*$")})
}

/// `(path, parameter, schema keywords)` for query parameters that are more than a range.
fn parameter_schemas() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("/api/v1/offers", "q", json!({"maxLength": 200})),
        (
            "/api/v1/offers",
            "contract",
            list_of("cdi|cdd|interim|alternance|stage|freelance"),
        ),
        ("/api/v1/offers", "remote", list_of("on_site|hybrid|remote")),
        ("/api/v1/offers", "departement", list_of(DEPARTEMENT)),
        ("/api/v1/offers", "sort", json!({"enum": ["relevance", "date"]})),
        (
            "/api/v1/assistant/context",
            "exclude",
            list_of(
                &jobbot_api_types::ContextPart::ALL
                    .map(jobbot_api_types::ContextPart::as_str)
                    .join("|"),
            ),
        ),
        (
            "/api/v1/applications/{id}/documents/{document_id}/download",
            "format",
            json!({"enum": ["md", "txt"]}),
        ),
        (
            "/api/v1/applications",
            "status",
            list_of(
                "to_send|sent|followed_up|interview|offer_received|accepted|rejected|no_response|abandoned",
            ),
        ),
        (
            "/api/v1/offers",
            "cursor",
            json!({"pattern": crate::offers::CURSOR_PATTERN}),
        ),
        (
            "/api/v1/offers",
            "published_since",
            json!({"anyOf": [day_string(), {"type": "string", "format": "date-time"}]}),
        ),
    ]
}

/// `(path, parameter, minimum, maximum)` for query parameters (`routes::in_range`).
const PARAMETER_RULES: &[(&str, &str, i64, i64)] = &[
    ("/api/v1/conversations", "limit", 1, 100),
    ("/api/v1/conversations", "offset", 0, 1_000_000),
    ("/api/v1/conversations/{id}/messages", "limit", 1, 200),
    ("/api/v1/chats/{id}/messages", "limit", 1, 200),
    ("/api/v1/offers", "limit", 1, 50),
    ("/api/v1/offers", "salary_min", 0, 10_000_000),
];

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

fn merge(target: &mut Value, rule: Value) {
    let (Some(target), Value::Object(rule)) = (target.as_object_mut(), rule) else {
        return;
    };
    for (key, value) in rule {
        target.insert(key, value);
    }
}

/// Adds the standard answers and the request rules to the document.
/// The operations anyone may call. Every other one takes a bearer token (a JWT or a personal token) or the
/// session cookie: said once here, not on each handler, so a new operation is documented as secured unless it
/// is listed.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/api/v1/assistant"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/register"),
    ("get", "/api/v1/privacy"),
    ("get", "/healthz"),
    ("get", "/readyz"),
];

pub fn refine(doc: &mut Value) {
    for (schema, property, rule) in rules() {
        if let Some(target) = doc.pointer_mut(&format!("/components/schemas/{schema}/properties/{property}"))
        {
            merge(target, rule);
        }
    }
    // An application names its offer or its title (a title with at least one character that is not a space).
    if let Some(schema) = doc.pointer_mut("/components/schemas/NewApplication") {
        merge(
            schema,
            json!({"anyOf": [
                {"required": ["offer_id"], "properties": {"offer_id": {"type": "string"}}},
                {"required": ["title"], "properties": {"title": {"type": "string", "pattern": format!("[^{SPACE}]")}}},
            ]}),
        );
    }
    // A document is written or saved from a reply.
    if let Some(schema) = doc.pointer_mut("/components/schemas/NewDocument") {
        merge(
            schema,
            json!({"anyOf": [
                {"required": ["content"], "properties": {"content": {"type": "string"}}},
                {"required": ["message_id"], "properties": {"message_id": {"type": "string"}}},
            ]}),
        );
    }
    // Defaulted for a friendlier error (`accept_terms: required`), yet an account needs it.
    if let Some(required) = doc
        .pointer_mut("/components/schemas/RegisterRequest/required")
        .and_then(Value::as_array_mut)
    {
        if !required.contains(&json!("accept_terms")) {
            required.push(json!("accept_terms"));
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            if !PUBLIC.contains(&(method.as_str(), path.as_str())) && operation.get("security").is_none() {
                operation["security"] = json!([{"bearer": []}, {"cookie": []}]);
            }
            for (rule_path, parameter, rule) in parameter_schemas() {
                if rule_path != path {
                    continue;
                }
                let parameters = operation.get_mut("parameters").and_then(Value::as_array_mut);
                for p in parameters.into_iter().flatten() {
                    if p["name"] == parameter {
                        if let Some(schema) = p.get_mut("schema") {
                            merge(schema, rule.clone());
                        }
                    }
                }
            }
            for (rule_path, parameter, min, max) in PARAMETER_RULES {
                if rule_path != path {
                    continue;
                }
                let parameters = operation.get_mut("parameters").and_then(Value::as_array_mut);
                for p in parameters.into_iter().flatten() {
                    if p["name"] == *parameter {
                        if let Some(schema) = p.get_mut("schema") {
                            merge(schema, json!({"minimum": min, "maximum": max}));
                        }
                    }
                }
            }
            binary_contents(operation);
            add_standard_answers(path, operation);
        }
    }
}

/// Files (a PDF, a zip) are bytes: utoipa writes `Vec<u8>` as an array of integers, which no client sends.
fn binary_contents(operation: &mut Value) {
    let fix = |content: &mut Value| {
        let Some(media) = content.as_object_mut() else {
            return;
        };
        for (media_type, body) in media.iter_mut() {
            let bytes = body["schema"]["type"] == "array" && body["schema"]["items"]["type"] == "integer";
            if bytes && !media_type.contains("json") {
                body["schema"] = json!({"type": "string", "format": "binary"});
            }
        }
    };
    if let Some(content) = operation.pointer_mut("/requestBody/content") {
        fix(content);
    }
    if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
        for response in responses.values_mut() {
            if let Some(content) = response.get_mut("content") {
                fix(content);
            }
        }
    }
}

fn add_standard_answers(path: &str, operation: &mut Value) {
    let has_body = operation.get("requestBody").is_some();
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let parameters = operation
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has_path_id = parameters.iter().any(|p| p["in"] == "path");
    let has_query = parameters.iter().any(|p| p["in"] == "query");
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    if has_body || has_query || path == "/api/v1/ws" {
        add(
            "400",
            "`invalid_json`: the body is not JSON; `bad_request`: a malformed parameter or request",
        );
    }
    if has_body {
        add(
            "413",
            "`payload_too_large`: over 1 MiB (8 KiB for authentication)",
        );
        add("415", "`unsupported_media_type`: send `application/json`");
        add(
            "422",
            "`invalid_body`: the body does not match the schema; `validation_failed`: field errors",
        );
    } else if has_query {
        add("422", "`validation_failed`: a parameter out of range");
    }
    if secured {
        add(
            "401",
            "`unauthenticated`, `invalid_token`, `token_expired` or `session_revoked`",
        );
        add(
            "403",
            "`csrf_failed` (cookie without X-CSRF-Token), `insufficient_scope` (a read-only token), `session_required`, `forbidden`",
        );
    }
    if has_path_id {
        add("404", "`not_found`: no such resource, or not yours");
    }
    if path != "/healthz" {
        add("503", "`database_unavailable`, with Retry-After");
    }
}

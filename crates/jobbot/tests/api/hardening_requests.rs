//! Issue 27's findings on what a request may carry, on both backends: forged forwarded addresses, an admin's
//! personal token on the admin API, and query parameters held to what the served OpenAPI document says (their
//! schemas, and no unknown name).

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::json;

use crate::hardening::audited;
use crate::helpers::{assert_problem, spawn_app_with};

crate::on_both_backends!(
    forwarded_addresses_are_validated,
    an_admins_personal_token_cannot_reach_the_admin_api,
    query_parameters_take_what_their_schema_says,
    unknown_query_parameters_are_refused,
);

/// With `JOBBOT_TRUST_PROXY` on, the audit log stored `X-Forwarded-For` as sent.
async fn forwarded_addresses_are_validated(backend: Backend) {
    let app = spawn_app_with(backend, &[("JOBBOT_TRUST_PROXY", "true")]).await;
    let user = app.user("fwd@example.fr").await;
    for (header, expected) in [
        ("10.9.8.7, 203.0.113.77", "203.0.113.77"),
        ("<script>alert(1)</script>", "127.0.0.1"),
        ("203.0.113.5, not-an-ip", "127.0.0.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/me/tokens"))
            .bearer_auth(&user.access_token)
            .header("x-forwarded-for", header)
            .json(&json!({"name": "t", "scope": "read"}))
            .send()
            .await
            .expect("token");
        assert_eq!(response.status(), StatusCode::CREATED);
        let last = audited(&app, "token.created")
            .into_iter()
            .next()
            .expect("a record");
        assert_eq!(last.client_ip.as_deref(), Some(expected), "{header}");
    }
}

/// An admin's read-only personal token read the admin API without the second factor.
async fn an_admins_personal_token_cannot_reach_the_admin_api(backend: Backend) {
    let app = spawn_app_with(backend, &[]).await;
    let admin = app.admin_token("boss@example.fr").await;
    app.with_token(&admin).json("/api/v1/admin/users").await;
    for scope in ["read", "write"] {
        let token = app.create_token(&admin, scope).await;
        let secret = token["secret"].as_str().expect("secret");
        for path in [
            "/api/v1/admin/users",
            "/api/v1/admin/audit",
            "/api/v1/admin/stats",
            "/api/v1/admin/system",
        ] {
            app.with_token(secret)
                .refused(path, 403, "session_required")
                .await;
        }
    }
}

/// What the OpenAPI document allows in a query string, the server takes: list items may carry any space of its
/// patterns (schemathesis sent `\x1c`, which `str::trim` keeps and the pattern allows), and a message id in
/// `after`/`before` that names no message is a 404 naming the parameter (no schema can know which ids exist).
async fn query_parameters_take_what_their_schema_says(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let user = app.user("lea@example.fr").await;
    app.user("sam@example.fr").await;
    let doc = app.openapi().await;
    let pattern = |path: &str, name: &str| -> regex_lite::Regex {
        let parameters = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        let parameter = parameters.iter().find(|p| p["name"] == name).expect("parameter");
        regex_lite::Regex::new(parameter["schema"]["pattern"].as_str().expect("pattern")).expect("regex")
    };
    let spaced = [
        ("/api/v1/offers", "contract", "\u{1c}cdi\u{1f}, cdd\u{3000}"),
        ("/api/v1/offers", "remote", "\u{a0}remote,\u{1d}hybrid"),
        ("/api/v1/offers", "departement", "\u{1e}69 ,2A\u{2028}"),
        ("/api/v1/applications", "status", "\u{1c}sent,\u{85}interview"),
        ("/api/v1/assistant/context", "exclude", "\u{1f}profile"),
    ];
    for (path, name, value) in spaced {
        assert!(
            pattern(path, name).is_match(value),
            "{path} {name}: the schema allows {value:?}"
        );
        let response = app
            .client
            .get(app.url(path))
            .query(&[(name, value)])
            .bearer_auth(&user.access_token)
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::OK, "{path}?{name}={value:?}");
    }
    // An unknown word is still refused, field by field.
    let refused = app
        .client
        .get(app.url("/api/v1/offers"))
        .query(&[("contract", "\u{1c}cdx")])
        .bearer_auth(&user.access_token)
        .send()
        .await
        .expect("get");
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "contract");

    let conversation = crate::helpers::new_conversation(&app.client, &app.url(""), &user.access_token).await;
    let unknown = app
        .get_bearer(
            &format!("/api/v1/conversations/{conversation}/messages?after=no-such-message"),
            &user.access_token,
        )
        .await;
    let problem = assert_problem(unknown, 404, "not_found").await;
    assert_eq!(problem["errors"][0]["field"], "after");
    assert_eq!(problem["errors"][0]["code"], "unknown_message");

    let chat = app.as_user(&user).open_chat("sam@example.fr").await.id;
    for name in ["before", "after"] {
        let unknown = app
            .get_bearer(
                &format!("/api/v1/chats/{chat}/messages?{name}=no-such-message"),
                &user.access_token,
            )
            .await;
        let problem = assert_problem(unknown, 404, "not_found").await;
        assert_eq!(problem["errors"][0]["field"], name);
    }
    // Another user's chat is a plain 404, whatever the parameters say.
    let theirs = app
        .get_bearer(
            &format!("/api/v1/chats/{chat}/messages?after=no-such-message"),
            &app.user("eve@example.fr").await.access_token,
        )
        .await;
    let problem = assert_problem(theirs, 404, "not_found").await;
    assert!(problem["errors"].is_null(), "{problem}");
}

/// A query string holds only the parameters the OpenAPI document names: anything else is a 400 `bad_request`
/// naming it, on every operation that takes a query (schemathesis sent `/assistant/context?…` with an extra key
/// and got a 200: a typo such as `?ofer_id=` silently gave an answer about nothing).
async fn unknown_query_parameters_are_refused(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let user = app.user("lea@example.fr").await;
    let admin = app.admin_token("root@example.fr").await;
    let doc = app.openapi().await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            let takes_query = operation["parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
            if !takes_query {
                continue;
            }
            // Path ids need not exist: the query string is read before anything is looked up.
            let concrete = regex_lite::Regex::new(r"\{[^}]+\}")
                .expect("regex")
                .replace_all(path, "x")
                .into_owned();
            let token = if path.starts_with("/api/v1/admin/") {
                &admin
            } else {
                &user.access_token
            };
            let url = format!("{}?colour=bleu", app.url(&concrete));
            let request = match method.as_str() {
                "get" => app.client.get(&url),
                "put" => app
                    .client
                    .put(&url)
                    .header("content-type", "application/pdf")
                    .body("%PDF-1.4"),
                other => panic!("{other} {path}: a query on this method is not covered here"),
            };
            let response = request.bearer_auth(token).send().await.expect("send");
            let problem = assert_problem(response, 400, "bad_request").await;
            assert!(
                problem["detail"].as_str().is_some_and(|d| d.contains("colour")),
                "{method} {path}: the problem names the parameter: {problem}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 12,
        "every operation with a query string is covered ({checked})"
    );
}

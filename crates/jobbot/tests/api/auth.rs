//! Register, login, refresh, logout, CSRF, rate limits and their edge cases.

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{
    assert_problem, set_cookies, spawn_app, spawn_app_with, TestApp, PASSWORD, TEST_JWT_SECRET,
};

both_backends!(
    register_creates_a_normalised_account,
    register_reports_every_invalid_field,
    short_and_common_passwords_are_refused,
    the_terms_must_be_accepted,
    duplicate_email_in_another_case_is_a_conflict,
    login_returns_tokens_and_secure_cookies,
    wrong_password_and_unknown_email_look_the_same,
    expired_access_token_is_refused,
    logout_revokes_the_session_at_once,
    refresh_rotates_and_reuse_revokes_the_family,
    cookie_requests_need_the_csrf_header,
    cookie_refresh_and_logout_work_for_the_spa,
);

async fn register_creates_a_normalised_account(app: TestApp) {
    let response = app.register("  Camille.Martin@Example.FR ", "  Camille  ").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let user: Value = response.json().await.expect("json");
    assert_eq!(user["email"], "camille.martin@example.fr");
    assert_eq!(user["display_name"], "Camille");
    assert_eq!(user["role"], "candidate");
    assert_eq!(user["locale"], "fr");
    assert!(user.get("password_hash").is_none());
    let id = user["id"].as_str().expect("id");
    assert_eq!(uuid::Uuid::parse_str(id).expect("uuid").get_version_num(), 7);
}

async fn register_reports_every_invalid_field(app: TestApp) {
    let response = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "nope", "password": "short", "display_name": " ", "accept_terms": true}),
        )
        .await;
    let body = assert_problem(response, 422, "validation_failed").await;
    let fields: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default(),
                e["code"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            ("email", "invalid_email"),
            ("password", "too_short"),
            ("display_name", "required")
        ]
    );
}

async fn short_and_common_passwords_are_refused(app: TestApp) {
    for (password, code) in [
        ("Ab1!", "too_short"),
        ("motdepasse", "too_common"),
        ("Password123", "too_common"),
    ] {
        let response = app
            .post_json(
                "/api/v1/auth/register",
                &json!({"email": "zoe@example.fr", "password": password, "display_name": "Zoé", "accept_terms": true}),
            )
            .await;
        let body = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["field"], "password");
        assert_eq!(body["errors"][0]["code"], code, "{password}");
    }
    let too_long = "x7".repeat(65);
    let response = app
        .post_json(
            "/api/v1/auth/register",
            &json!({"email": "zoe@example.fr", "password": too_long, "display_name": "Zoé", "accept_terms": true}),
        )
        .await;
    let body = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "too_long");
}

async fn the_terms_must_be_accepted(app: TestApp) {
    for body in [
        json!({"email": "tom@example.fr", "password": PASSWORD, "display_name": "Tom"}),
        json!({"email": "tom@example.fr", "password": PASSWORD, "display_name": "Tom", "accept_terms": false}),
    ] {
        let refused = assert_problem(
            app.post_json("/api/v1/auth/register", &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(
            (
                refused["errors"][0]["field"].as_str(),
                refused["errors"][0]["code"].as_str()
            ),
            (Some("accept_terms"), Some("required"))
        );
    }
    assert_eq!(
        app.register("tom@example.fr", "Tom").await.status(),
        StatusCode::CREATED
    );
    let pool = jobbot_db::connect(&app.db.url, 1).expect("pool");
    let row = jobbot_db::users::find_by_email(&mut pool.get().expect("conn"), "tom@example.fr")
        .expect("query")
        .expect("user");
    assert_eq!(
        row.terms_version.as_deref(),
        Some(jobbot_domain::legal::TERMS_VERSION)
    );
    assert!(row.terms_accepted_at.is_some());
}

async fn duplicate_email_in_another_case_is_a_conflict(app: TestApp) {
    assert_eq!(
        app.register("lea@example.fr", "Léa").await.status(),
        StatusCode::CREATED
    );
    let response = app.register("LEA@Example.fr", "Another Léa").await;
    assert_problem(response, 409, "email_taken").await;
}

async fn login_returns_tokens_and_secure_cookies(app: TestApp) {
    app.register("hugo@example.fr", "Hugo").await;
    let response = app.login("Hugo@Example.fr", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(&response);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["user"]["email"], "hugo@example.fr");

    let claims = decode_claims(body["access_token"].as_str().expect("token"));
    assert_eq!(claims["sub"], body["user"]["id"]);
    assert_eq!(claims["role"], "candidate");
    assert!(claims["sid"].is_string());
    assert_eq!(
        claims["exp"].as_i64().expect("exp") - claims["iat"].as_i64().expect("iat"),
        900
    );

    let (_, access) = &cookies["jobbot_access"];
    assert!(
        access.contains("HttpOnly") && access.contains("SameSite=Strict"),
        "{access}"
    );
    let (_, refresh) = &cookies["jobbot_refresh"];
    assert!(
        refresh.contains("HttpOnly")
            && refresh.contains("SameSite=Strict")
            && refresh.contains("Path=/api/v1/auth")
    );
    let (csrf_value, csrf) = &cookies["jobbot_csrf"];
    assert!(!csrf.contains("HttpOnly") && csrf.contains("SameSite=Strict") && csrf_value.len() >= 32);

    let me = app
        .get_bearer("/api/v1/me", body["access_token"].as_str().expect("token"))
        .await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.expect("json");
    assert_eq!(me["display_name"], "Hugo");
}

async fn wrong_password_and_unknown_email_look_the_same(app: TestApp) {
    app.register("ines@example.fr", "Inès").await;
    let wrong = assert_problem(
        app.login("ines@example.fr", "Pas-le-bon-mot-de-passe").await,
        401,
        "invalid_credentials",
    )
    .await;
    let unknown = assert_problem(
        app.login("nobody@example.fr", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    let malformed = assert_problem(
        app.login("not-an-email", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, malformed);
}

async fn expired_access_token_is_refused(app: TestApp) {
    let user = app.user("ana@example.fr").await;
    let mut claims = decode_claims(&user.access_token);
    let past = chrono::Utc::now().timestamp() - 3600;
    claims["iat"] = json!(past - 900);
    claims["exp"] = json!(past);
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
    )
    .expect("encode");
    app.with_token(&expired)
        .refused("/api/v1/me", 401, "token_expired")
        .await;

    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &decode_claims(&user.access_token),
        &jsonwebtoken::EncodingKey::from_secret(b"another-secret-another-secret-another!!"),
    )
    .expect("encode");
    app.with_token(&forged)
        .refused("/api/v1/me", 401, "invalid_token")
        .await;
    assert_problem(
        app.client.get(app.url("/api/v1/me")).send().await.expect("req"),
        401,
        "unauthenticated",
    )
    .await;
}

async fn logout_revokes_the_session_at_once(app: TestApp) {
    let user = app.user("theo@example.fr").await;
    let response = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    // The access JWT is still unexpired, but its session is gone.
    app.as_user(&user)
        .refused("/api/v1/me", 401, "session_revoked")
        .await;
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(refresh, 401, "invalid_token").await;

    // A Bearer access token alone can also end its session.
    let other = app.user("theo2@example.fr").await;
    let response = app.as_user(&other).post_empty("/api/v1/auth/logout").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    app.as_user(&other)
        .refused("/api/v1/me", 401, "session_revoked")
        .await;
}

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    let user = app.user("nina@example.fr").await;
    let first = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let first: Value = first.json().await.expect("json");
    let rotated = first["refresh_token"].as_str().expect("refresh").to_owned();
    assert_ne!(rotated, user.refresh_token);
    let new_access = first["access_token"].as_str().expect("access").to_owned();
    app.with_token(&new_access).json("/api/v1/me").await;

    // The old refresh token is dead; replaying it revokes the whole family.
    let replay = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_problem(replay, 401, "refresh_token_reused").await;
    let after = app
        .post_json("/api/v1/auth/refresh", &json!({"refresh_token": rotated}))
        .await;
    assert_problem(after, 401, "invalid_token").await;
    app.with_token(&new_access)
        .refused("/api/v1/me", 401, "session_revoked")
        .await;
    app.as_user(&user)
        .refused("/api/v1/me", 401, "session_revoked")
        .await;
}

async fn cookie_requests_need_the_csrf_header(app: TestApp) {
    let user = app.user("eva@example.fr").await;
    let cookie = user.cookie_header();
    let get = app
        .client
        .get(app.url("/api/v1/me"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), StatusCode::OK, "safe methods need no CSRF header");

    let patch = |csrf: Option<&str>| {
        let mut request = app
            .client
            .patch(app.url("/api/v1/me"))
            .header("Cookie", &cookie)
            .json(&json!({"locale": "en"}));
        if let Some(csrf) = csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        request.send()
    };
    assert_problem(patch(None).await.expect("patch"), 403, "csrf_failed").await;
    assert_problem(patch(Some("wrong")).await.expect("patch"), 403, "csrf_failed").await;
    let ok = patch(Some(&user.cookies["jobbot_csrf"])).await.expect("patch");
    assert_eq!(ok.status(), StatusCode::OK);
    let body: Value = ok.json().await.expect("json");
    assert_eq!(body["locale"], "en");
}

async fn cookie_refresh_and_logout_work_for_the_spa(app: TestApp) {
    let user = app.user("sam@example.fr").await;
    let cookie = user.cookie_header();
    let csrf = &user.cookies["jobbot_csrf"];
    let refresh = |csrf: Option<String>| {
        let mut request = app
            .client
            .post(app.url("/api/v1/auth/refresh"))
            .header("Cookie", &cookie);
        if let Some(csrf) = csrf {
            request = request.header("X-CSRF-Token", csrf);
        }
        request.send()
    };
    assert_problem(refresh(None).await.expect("refresh"), 403, "csrf_failed").await;
    let refreshed = refresh(Some(csrf.clone())).await.expect("refresh");
    assert_eq!(refreshed.status(), StatusCode::OK);
    let new_cookies: std::collections::HashMap<String, String> = set_cookies(&refreshed)
        .into_iter()
        .map(|(k, (v, _))| (k, v))
        .collect();
    assert_ne!(new_cookies["jobbot_refresh"], user.cookies["jobbot_refresh"]);
    let cookie = new_cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");

    let logout = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &new_cookies["jobbot_csrf"])
        .send()
        .await
        .expect("logout");
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookies(&logout);
    assert!(cleared["jobbot_access"].0.is_empty() && cleared["jobbot_access"].1.contains("Max-Age=0"));
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("me");
    assert_problem(me, 401, "session_revoked").await;
}

#[actix_rt::test]
async fn login_and_register_are_rate_limited_per_ip_and_email() {
    let app = spawn_app_with(Backend::Sqlite, &[("JOBBOT_AUTH_RATE_LIMIT", "5")]).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("victim@example.fr", "whatever-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = app.login("victim@example.fr", "whatever-password").await;
    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(limited, 429, "rate_limited").await;

    // Registration has its own budget, also per IP.
    for i in 0..5 {
        let status = app.register(&format!("new{i}@example.fr"), "New").await.status();
        assert_eq!(status, StatusCode::CREATED);
    }
    assert_problem(app.register("new6@example.fr", "New").await, 429, "rate_limited").await;
}

fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> reqwest::RequestBuilder {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", ip)
        .json(&json!({"email": email, "password": password}))
}

#[actix_rt::test]
async fn failures_from_one_client_do_not_lock_the_owner_out() {
    // Finding: 10 bad passwords from one address kept the real owner out from another.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("JOBBOT_AUTH_RATE_LIMIT", "10"), ("JOBBOT_TRUST_PROXY", "true")],
    )
    .await;
    app.register("owner@example.fr", "Owner").await;
    for _ in 0..10 {
        let attempt = login_from(&app, "203.0.113.66", "owner@example.fr", "wrong-password-1");
        assert_eq!(
            attempt.send().await.expect("login").status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let attacker = login_from(&app, "203.0.113.66", "owner@example.fr", "wrong-password-1");
    assert_problem(attacker.send().await.expect("login"), 429, "rate_limited").await;
    let owner = login_from(&app, "198.51.100.20", "owner@example.fr", PASSWORD);
    assert_eq!(
        owner.send().await.expect("login").status(),
        StatusCode::OK,
        "the owner logs in from their own client"
    );
}

#[actix_rt::test]
async fn the_email_budget_holds_across_client_ips() {
    // Behind the trusted proxy each attempt comes from another IP, so only the per-email budget can trip:
    // it is ten times the per-client one, with a short wait.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("JOBBOT_AUTH_RATE_LIMIT", "3"), ("JOBBOT_TRUST_PROXY", "true")],
    )
    .await;
    // 35 attempts at once, each from its own address: the budget is taken when a request arrives, before
    // its password check, so exactly 30 get through (one after the other, 30 password checks on a loaded
    // machine took longer than the budget takes to refill one attempt).
    let attempts = (1..=35).map(|i| {
        login_from(
            &app,
            &format!("203.0.113.{i}"),
            "target@example.fr",
            "wrong-password-1",
        )
        .send()
    });
    let mut limited = Vec::new();
    let mut refused = 0;
    for attempt in futures_util::future::join_all(attempts).await {
        let attempt = attempt.expect("login");
        match attempt.status() {
            StatusCode::UNAUTHORIZED => refused += 1,
            _ => limited.push(attempt),
        }
    }
    assert_eq!(
        (refused, limited.len()),
        (30, 5),
        "30 wrong passwords, then the email's budget is spent"
    );
    let limited = limited.pop().expect("a limited attempt");
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(retry_after <= 3, "a short backoff: {retry_after}");
    assert_problem(limited, 429, "rate_limited").await;
    // Another email from a fresh IP is unaffected.
    let other = login_from(&app, "198.51.100.7", "other@example.fr", "wrong-password-1");
    assert_eq!(
        other.send().await.expect("login").status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_rt::test]
async fn authentication_bodies_are_small() {
    // Finding: 900 KB "emails" became rate-limit keys and grew the server by 115 MB.
    let app = spawn_app(Backend::Sqlite).await;
    let huge = "a".repeat(900 * 1024);
    for path in ["/api/v1/auth/login", "/api/v1/auth/register"] {
        let response = app
            .client
            .post(app.url(path))
            .json(&json!({"email": huge, "password": "whatever-password", "display_name": "X", "accept_terms": true}))
            .send()
            .await
            .expect("post");
        assert_problem(response, 413, "payload_too_large").await;
    }
    let refresh = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": huge}))
        .send()
        .await
        .expect("refresh");
    assert_problem(refresh, 413, "payload_too_large").await;
    // Under the cap, a malformed email is refused like a wrong password.
    let long = format!("{}@example.fr", "a".repeat(3_000));
    assert_problem(app.login(&long, PASSWORD).await, 401, "invalid_credentials").await;
}

pub fn decode_claims(token: &str) -> Value {
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.validate_exp = false;
    jsonwebtoken::decode::<Value>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
        &validation,
    )
    .expect("a valid JWT")
    .claims
}

//! Two-factor sign-in: enrolment (secret, link, QR code, confirmation, recovery codes), login with a code or
//! a recovery code (each once), refusals, and turning it off.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, TestApp, PASSWORD};
use jobbot_api::credentials::totp;

// Many logins in a row: the authentication rate limit (which codes count against, like passwords) is off.
#[actix_rt::test]
async fn two_factor_on_sqlite() {
    let app =
        crate::helpers::spawn_app_with(jobbot_db::Backend::Sqlite, &[("JOBBOT_AUTH_RATE_LIMIT", "0")]).await;
    a_user_enrols_logs_in_with_codes_and_turns_it_off(app).await;
}

#[actix_rt::test]
async fn two_factor_on_postgres() {
    let app =
        crate::helpers::spawn_app_with(jobbot_db::Backend::Postgres, &[("JOBBOT_AUTH_RATE_LIMIT", "0")])
            .await;
    a_user_enrols_logs_in_with_codes_and_turns_it_off(app).await;
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> reqwest::Response {
    app.with_token(token).send(path, body.clone()).await
}

/// The app's code `offset` steps from now.
fn code(secret: &str, offset: i64) -> String {
    let secret = totp::base32_decode(secret).expect("base32");
    let step = totp::step_of(chrono::Utc::now().timestamp() as u64) as i64 + offset;
    format!("{:06}", totp::code_at_step(&secret, step as u64, 6))
}

async fn login(app: &TestApp, otp: Option<&str>) -> reqwest::Response {
    let mut body = json!({"email": "jade@example.fr", "password": PASSWORD});
    if let Some(otp) = otp {
        body["otp"] = json!(otp);
    }
    app.post_json("/api/v1/auth/login", &body).await
}

async fn a_user_enrols_logs_in_with_codes_and_turns_it_off(app: TestApp) {
    let jade = app.user("jade@example.fr").await;
    let token = &jade.access_token;
    let status: Value = app.with_token(token).json("/api/v1/me/2fa").await;
    assert_eq!(
        status,
        json!({"enabled": false, "enabled_at": null, "recovery_codes_left": 0})
    );
    // A personal token cannot manage it.
    let pat = app.create_token(token, "write").await;
    let pat = pat["secret"].as_str().expect("secret");
    assert_problem(
        post(&app, "/api/v1/me/2fa/setup", pat, json!({})).await,
        403,
        "session_required",
    )
    .await;
    // Nothing to confirm before a setup.
    assert_problem(
        post(
            &app,
            "/api/v1/me/2fa/enable",
            token,
            json!({"code": "123456", "password": PASSWORD}),
        )
        .await,
        409,
        "conflict",
    )
    .await;

    let setup: Value = post(&app, "/api/v1/me/2fa/setup", token, json!({}))
        .await
        .json()
        .await
        .expect("json");
    let secret = setup["secret"].as_str().expect("secret").to_owned();
    assert_eq!(totp::base32_decode(&secret).map(|s| s.len()), Some(20));
    assert!(setup["otpauth_uri"].as_str().is_some_and(|u| u
        .starts_with("otpauth://totp/JobBot:jade@example.fr?secret=")
        && u.contains(&secret)));
    assert!(setup["qr_svg"].as_str().is_some_and(|svg| svg.contains("<svg")));
    // Still off until confirmed: login needs no code yet.
    assert_eq!(login(&app, None).await.status(), StatusCode::OK);
    let wrong = post(
        &app,
        "/api/v1/me/2fa/enable",
        token,
        json!({"code": "000000", "password": PASSWORD}),
    )
    .await;
    let problem = assert_problem(wrong, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "invalid_otp");
    let confirming = code(&secret, 0);
    let enabled = post(
        &app,
        "/api/v1/me/2fa/enable",
        token,
        json!({ "code": confirming, "password": PASSWORD }),
    )
    .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    let enabled: Value = enabled.json().await.expect("json");
    let recovery: Vec<String> = enabled["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("text").to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert!(recovery.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
    let status: Value = app.with_token(token).json("/api/v1/me/2fa").await;
    assert_eq!(
        (
            status["enabled"].as_bool(),
            status["recovery_codes_left"].as_i64()
        ),
        (Some(true), Some(10))
    );
    assert_problem(
        post(&app, "/api/v1/me/2fa/setup", token, json!({})).await,
        409,
        "conflict",
    )
    .await;

    // Login now needs the second factor, asked only after the right password.
    assert_problem(
        app.post_json(
            "/api/v1/auth/login",
            &json!({"email": "jade@example.fr", "password": "wrong-password-1"}),
        )
        .await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(login(&app, None).await, 401, "otp_required").await;
    assert_problem(login(&app, Some("123 456")).await, 401, "invalid_otp").await;
    // The code that confirmed the setup is spent; the next step's code works, once.
    assert_problem(login(&app, Some(&confirming)).await, 401, "invalid_otp").await;
    let next = code(&secret, 1);
    assert_eq!(login(&app, Some(&next)).await.status(), StatusCode::OK);
    assert_problem(login(&app, Some(&next)).await, 401, "invalid_otp").await;
    // A recovery code works once, in any case and without its dash.
    let first = recovery[0].to_uppercase().replace('-', "");
    assert_eq!(login(&app, Some(&first)).await.status(), StatusCode::OK);
    assert_problem(login(&app, Some(&recovery[0])).await, 401, "invalid_otp").await;
    let status: Value = app.with_token(token).json("/api/v1/me/2fa").await;
    assert_eq!(status["recovery_codes_left"], 9);
    let audited = app.with_db(|conn| {
        let filter = jobbot_db::audit::AuditFilter {
            actor_id: Some(jade.id.clone()),
            ..Default::default()
        };
        jobbot_db::audit::list(conn, &filter, 10, 0).expect("audit").0
    });
    let actions: Vec<&str> = audited.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["auth.recovery_code_used", "account.2fa_enabled", "token.created"]
    );

    // Off: the password and a code are required.
    let off = |password: &str, code: &str| {
        app.client
            .delete(app.url("/api/v1/me/2fa"))
            .bearer_auth(token)
            .json(&json!({"password": password, "code": code}))
            .send()
    };
    let problem = assert_problem(
        off("wrong-password-1", &recovery[1]).await.expect("off"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "password");
    let problem = assert_problem(
        off(PASSWORD, "000000").await.expect("off"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "invalid_otp");
    assert_eq!(
        off(PASSWORD, &recovery[1]).await.expect("off").status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(login(&app, None).await.status(), StatusCode::OK);
    assert_problem(off(PASSWORD, &recovery[2]).await.expect("off"), 409, "conflict").await;
    let status: Value = app.with_token(token).json("/api/v1/me/2fa").await;
    assert_eq!(status["enabled"], false);
}

//! The caller's account: profile, password change, role guard, and the CLI that creates accounts.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, TestApp, PASSWORD};

both_backends!(
    profile_can_be_read_and_edited,
    password_change_needs_the_current_one_and_ends_other_sessions,
    admin_routes_are_guarded_by_role,
);

async fn profile_can_be_read_and_edited(app: TestApp) {
    let user = app.user("jade@example.fr").await;
    let patch = app
        .as_user(&user)
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"display_name": "  Jade Dupont ", "locale": "en"})),
        )
        .await;
    assert_eq!(patch.status(), StatusCode::OK);
    let me: Value = app.as_user(&user).json("/api/v1/me").await;
    assert_eq!(me["display_name"], "Jade Dupont");
    assert_eq!(me["locale"], "en");

    let bad = app
        .as_user(&user)
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"display_name": ""})),
        )
        .await;
    let body = assert_problem(bad, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "display_name");
    let bad_locale = app
        .as_user(&user)
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"locale": "de"})),
        )
        .await;
    assert_problem(bad_locale, 422, "invalid_body").await;

    // Rectification: the email can change, to a valid address no one else uses, with the current password.
    app.register("taken@example.fr", "Other").await;
    let patch_with = |token: String, body: Value| {
        app.client
            .patch(app.url("/api/v1/me"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let patch_email = |email: &str| {
        patch_with(
            user.access_token.clone(),
            json!({"email": email, "current_password": PASSWORD}),
        )
    };
    // Finding: a write personal token could change the login email. It needs a session and the password.
    let created = app.create_token(&user.access_token, "write").await;
    let write_token = created["secret"].as_str().expect("secret").to_owned();
    let by_token = patch_with(
        write_token.clone(),
        json!({"email": "stolen@example.fr", "current_password": PASSWORD}),
    );
    assert_problem(by_token.await.expect("patch"), 403, "session_required").await;
    let by_token_name = patch_with(write_token, json!({"display_name": "Jade B."}));
    assert_eq!(
        by_token_name.await.expect("patch").status(),
        StatusCode::OK,
        "a write token still edits the rest of the profile"
    );
    let no_password = patch_with(user.access_token.clone(), json!({"email": "stolen@example.fr"}));
    let problem = assert_problem(no_password.await.expect("patch"), 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "required");
    let wrong = patch_with(
        user.access_token.clone(),
        json!({"email": "stolen@example.fr", "current_password": "not-my-password"}),
    );
    let problem = assert_problem(wrong.await.expect("patch"), 422, "validation_failed").await;
    assert_eq!(
        (
            problem["errors"][0]["field"].as_str(),
            problem["errors"][0]["code"].as_str()
        ),
        (Some("current_password"), Some("incorrect"))
    );
    let same = patch_with(user.access_token.clone(), json!({"email": "jade@example.fr"}));
    assert_eq!(
        same.await.expect("patch").status(),
        StatusCode::OK,
        "resending the same email is no change"
    );
    assert_problem(
        patch_email("TAKEN@example.fr").await.expect("patch"),
        409,
        "email_taken",
    )
    .await;
    assert_problem(
        patch_email("not-an-email").await.expect("patch"),
        422,
        "validation_failed",
    )
    .await;
    let changed: Value = patch_email(" Jade.New@Example.fr ")
        .await
        .expect("patch")
        .json()
        .await
        .expect("json");
    assert_eq!(changed["email"], "jade.new@example.fr");
    assert_eq!(
        app.login("jade.new@example.fr", PASSWORD).await.status(),
        StatusCode::OK
    );
}

async fn password_change_needs_the_current_one_and_ends_other_sessions(app: TestApp) {
    let user = app.user("leo@example.fr").await;
    let second: Value = app
        .login("leo@example.fr", PASSWORD)
        .await
        .json()
        .await
        .expect("json");
    let second_access = second["access_token"].as_str().expect("token").to_owned();

    let change = |current: &str, new: &str| {
        app.client
            .post(app.url("/api/v1/me/password"))
            .bearer_auth(&user.access_token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    let wrong = assert_problem(
        change("not-my-password", "Nouveau-secret-2026")
            .await
            .expect("req"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(wrong["errors"][0]["field"], "current_password");
    let weak = assert_problem(
        change(PASSWORD, "azertyuiop").await.expect("req"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(weak["errors"][0]["field"], "new_password");

    assert_eq!(
        change(PASSWORD, "Nouveau-secret-2026")
            .await
            .expect("req")
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get_bearer("/api/v1/me", &user.access_token).await.status(),
        StatusCode::OK,
        "this session stays"
    );
    app.with_token(&second_access)
        .refused("/api/v1/me", 401, "session_revoked")
        .await;
    assert_problem(
        app.login("leo@example.fr", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        app.login("leo@example.fr", "Nouveau-secret-2026").await.status(),
        StatusCode::OK
    );
}

async fn admin_routes_are_guarded_by_role(app: TestApp) {
    let candidate = app.user("cand@example.fr").await;
    app.as_user(&candidate)
        .refused("/api/v1/admin/users", 403, "forbidden")
        .await;
    let admin = app.user("boss@example.fr").await;
    app.promote(&admin.id, "admin").await;
    // The role is read from the database on every request, so the promotion applies at once; admin
    // endpoints then want two-factor sign-in.
    app.as_user(&admin)
        .refused("/api/v1/admin/users", 403, "admin_2fa_required")
        .await;
    app.enrol_two_factor(&admin.access_token).await;
    let list = app
        .get_bearer("/api/v1/admin/users?limit=10&sort=created", &admin.access_token)
        .await;
    assert_eq!(list.status(), StatusCode::OK);
    let page: Value = list.json().await.expect("json");
    let emails: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, vec!["cand@example.fr", "boss@example.fr"]);
}

#[test]
fn cli_creates_an_admin_who_can_log_in_and_bad_config_names_the_variable() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Sqlite);
    let url = crate::helpers::db_url(&db);
    let mut child = Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .args(["user", "create", "--email", "Admin@Example.fr", "--role", "admin"])
        .env("DATABASE_URL", &url)
        .env("JOBBOT_DATA_DIR", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jobbot");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Un-admin-tres-solide\n")
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("admin@example.fr"));

    let pool = jobbot_db::connect(&db.url, 1).expect("pool");
    let mut conn = pool.get().expect("conn");
    let row = jobbot_db::users::find_by_email(&mut conn, "admin@example.fr")
        .expect("query")
        .expect("created");
    assert_eq!(row.role, "admin");
    assert!(row.password_hash.starts_with("$argon2id$"));

    let duplicate = Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .args([
            "user",
            "create",
            "--email",
            "admin@example.fr",
            "--password-file",
            "/dev/null",
        ])
        .env("DATABASE_URL", &url)
        .output()
        .expect("run jobbot");
    assert!(!duplicate.status.success());

    let bad = Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .arg("migrate")
        .env("JOBBOT_BIND", "not-an-address")
        .output()
        .expect("run jobbot");
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("JOBBOT_BIND"), "{stderr}");
}

#[actix_rt::test]
async fn the_admin_port_serves_admin_routes_and_only_them() {
    let app = crate::helpers::spawn_app_with(
        jobbot_db::Backend::Sqlite,
        &[
            ("JOBBOT_ADMIN_BIND", "127.0.0.1:0"),
            ("JOBBOT_TRUST_PROXY", "true"),
        ],
    )
    .await;
    let token = app.admin_token("root@example.fr").await;
    let admin_base = app.admin_address.clone().expect("an admin listener");
    let get = |base: &str, path: &str| app.client.get(format!("{base}{path}")).bearer_auth(&token).send();

    // The main listener no longer answers admin routes, nor /metrics.
    assert_problem(
        get(&app.address, "/api/v1/admin/users").await.expect("get"),
        404,
        "not_found",
    )
    .await;
    assert_problem(
        get(&app.address, "/metrics").await.expect("get"),
        404,
        "not_found",
    )
    .await;
    // The admin listener answers them (still behind the admin role), and nothing else.
    assert_eq!(
        get(&admin_base, "/api/v1/admin/users")
            .await
            .expect("get")
            .status(),
        StatusCode::OK
    );
    let metrics = get(&admin_base, "/metrics").await.expect("get");
    assert_eq!(metrics.status(), StatusCode::OK);
    let exposition = metrics.text().await.expect("text");
    assert!(
        exposition.contains("jobbot_build_info{") && exposition.ends_with("# EOF\n"),
        "{exposition}"
    );
    assert_problem(
        get(&admin_base, "/api/v1/me").await.expect("get"),
        404,
        "not_found",
    )
    .await;
    let candidate = app.user("cand@example.fr").await;
    let as_candidate = app
        .client
        .get(format!("{admin_base}/api/v1/admin/users"))
        .bearer_auth(&candidate.access_token)
        .send()
        .await
        .expect("get");
    assert_problem(as_candidate, 403, "forbidden").await;
}

#[actix_rt::test]
async fn admin_routes_answer_only_to_the_allowed_networks() {
    let app = crate::helpers::spawn_app_with(
        jobbot_db::Backend::Sqlite,
        &[
            ("JOBBOT_ADMIN_ALLOW", "10.0.0.0/8, 2001:db8::/32"),
            ("JOBBOT_TRUST_PROXY", "true"),
        ],
    )
    .await;
    let token = app.admin_token("root@example.fr").await;
    let from = |ip: &str| {
        app.client
            .get(app.url("/api/v1/admin/users"))
            .bearer_auth(&token)
            .header("X-Forwarded-For", ip)
            .send()
    };
    assert_eq!(from("10.1.2.3").await.expect("get").status(), StatusCode::OK);
    assert_eq!(from("2001:db8::7").await.expect("get").status(), StatusCode::OK);
    assert_problem(from("203.0.113.9").await.expect("get"), 403, "admin_network").await;
    // Other routes are not concerned.
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), StatusCode::OK);
}

//! Issue 27's findings, each replayed as the attack pass wrote it, on both backends: encoded paths past the
//! admin split and allow-list, costly PDFs, second-factor codes guessed from many addresses, the current
//! password guessed by a stolen session, personal tokens surviving a password change, per-user caps raced,
//! the database's whereabouts told to anonymous callers, a stolen session enrolling its own authenticator,
//! forged forwarded addresses, and an admin's personal token on the admin API.

use std::time::{Duration, Instant};

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, spawn_app_with, TestApp, PASSWORD};

/// The audit records of `action`, newest first.
pub(crate) fn audited(app: &TestApp, action: &str) -> Vec<jobbot_db::audit::AuditRow> {
    app.with_db(|conn| {
        let filter = jobbot_db::audit::AuditFilter {
            action: Some(action.to_owned()),
            ..Default::default()
        };
        jobbot_db::audit::list(conn, &filter, 100, 0).expect("audit").0
    })
}

/// Turns two-step sign-in on for the holder of `access`: the secret and the recovery codes.
pub(crate) async fn enrol(app: &TestApp, access: &str) -> (String, Vec<String>) {
    let setup: Value = post_json_bearer(
        app,
        reqwest::Method::POST,
        "/api/v1/me/2fa/setup",
        access,
        json!({}),
    )
    .await
    .json()
    .await
    .expect("json");
    let secret = setup["secret"].as_str().expect("secret").to_owned();
    let enabled: Value = post_json_bearer(
        app,
        reqwest::Method::POST,
        "/api/v1/me/2fa/enable",
        access,
        json!({"code": code_now(&secret), "password": PASSWORD}),
    )
    .await
    .json()
    .await
    .expect("json");
    let codes = enabled["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    (secret, codes)
}
use crate::hostile_pdf::Hostile;

crate::on_both_backends!(
    encoded_paths_are_gated_like_plain_ones,
    costly_pdfs_are_refused_fast,
    extractions_are_bounded_in_time_and_number,
    second_factor_guesses_from_many_addresses_lock_the_codes,
    current_password_guesses_are_limited,
    a_password_change_ends_personal_tokens,
    per_user_caps_hold_under_concurrency,
    anonymous_callers_learn_no_infrastructure,
    enrolling_an_authenticator_needs_the_password
);

pub(crate) async fn get(app: &TestApp, base: &str, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("get")
}

/// `/api/v1/%61dmin/users`, `admi%6e`, `/api/%761/…` and `/%6detrics` are routed like the plain paths: they
/// must be refused like them.
async fn encoded_paths_are_gated_like_plain_ones(backend: Backend) {
    let spellings = [
        "/api/v1/%61dmin/users",
        "/api/v1/admi%6e/users",
        "/api/%761/admin/users",
        "/api/v1/%61%64%6D%69%6E/users",
        "/api/v1/admin/%75sers",
    ];
    // The admin split: 404 on the public listener for every spelling, the admin listener answers them.
    let app = spawn_app_with(backend, &[("JOBBOT_ADMIN_BIND", "127.0.0.1:0")]).await;
    let admin = app.admin_token("boss@example.fr").await;
    let public = app.address.clone();
    let private = app.admin_address.clone().expect("admin listener");
    assert_eq!(
        get(&app, &private, "/api/v1/admin/users", Some(&admin))
            .await
            .status(),
        200
    );
    for path in spellings {
        let response = get(&app, &public, path, Some(&admin)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "public {path}");
    }
    for path in ["/%6detrics", "/metric%73", "/%6D%65%74%72%69%63%73"] {
        let response = get(&app, &public, path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "public {path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("# TYPE"), "{path} answered the metrics");
    }
    // On the admin listener the encoded spelling reaches the same route (and nothing else does).
    let encoded = get(&app, &private, "/api/v1/%61dmin/users", Some(&admin)).await;
    assert_eq!(encoded.status(), StatusCode::OK);
    assert_eq!(
        get(&app, &private, "/api/v1/%6De", Some(&admin)).await.status(),
        StatusCode::NOT_FOUND
    );

    // The allow-list: 127.0.0.1 is outside 10.0.0.0/8, whatever the spelling.
    let app = spawn_app_with(backend, &[("JOBBOT_ADMIN_ALLOW", "10.0.0.0/8")]).await;
    let admin = app.admin_token("boss@example.fr").await;
    let base = app.address.clone();
    for path in spellings.iter().copied().chain(["/api/v1/admi%6e/audit"]) {
        let response = get(&app, &base, path, Some(&admin)).await;
        assert_problem(response, 403, "admin_network").await;
    }
    for path in ["/metrics", "/%6detrics"] {
        assert_problem(get(&app, &base, path, None).await, 403, "admin_network").await;
    }
}

async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .put(app.url("/api/v1/me/cv"))
        .bearer_auth(token)
        .header("content-type", "application/pdf")
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

/// The three files of the report took 10 to 21 s each (and up to 700 MB): refused now, at once, and nothing kept.
async fn costly_pdfs_are_refused_fast(backend: Backend) {
    let app = spawn_app_with(backend, &[]).await;
    let user = app.user("nora@example.fr").await;
    for file in Hostile::ALL {
        let started = Instant::now();
        let response = upload(&app, &user.access_token, file.bytes()).await;
        let elapsed = started.elapsed();
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "file", "{}", file.name());
        assert_eq!(problem["errors"][0]["code"], "too_costly", "{}", file.name());
        // Far under the budget (5 s) on any machine: the cost is found before any text is extracted.
        assert!(elapsed < Duration::from_secs(4), "{}: {elapsed:?}", file.name());
    }
    app.as_user(&user)
        .refused("/api/v1/me/cv", 404, "not_found")
        .await;
    // A real CV still goes through the worker.
    let cv = crate::cv::pdf(&[&["Nora Benali", "Électricienne"]], true);
    let response = upload(&app, &user.access_token, cv).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["text"].as_str().is_some_and(|t| t.contains("Nora Benali")),
        "{body}"
    );
}

/// A worker that never answers: the time budget kills it (422 `too_costly`), a second upload meanwhile finds
/// every slot taken (503 `busy` with Retry-After), and a client that goes away takes its worker with it.
async fn extractions_are_bounded_in_time_and_number(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("jobbot-slow-worker-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("dir");
    let script = dir.join("worker.sh");
    let pids = dir.join("pids");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho $$ >> {}\nexec sleep 60\n", pids.display()),
    )
    .expect("script");
    std::process::Command::new("chmod")
        .args(["+x", &script.to_string_lossy()])
        .status()
        .expect("chmod");
    let app = spawn_app_with(
        backend,
        &[
            ("JOBBOT_EXTRACT_PROGRAM", &script.to_string_lossy()),
            ("JOBBOT_EXTRACT_TIMEOUT_MS", "3000"),
            ("JOBBOT_EXTRACT_WORKERS", "1"),
        ],
    )
    .await;
    let user = app.user("nora@example.fr").await;
    let cv = crate::cv::pdf(&[&["Nora Benali"]], true);
    let started = Instant::now();
    let first = upload(&app, &user.access_token, cv.clone());
    let second = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        upload(&app, &user.access_token, cv.clone()).await
    };
    let (first, second) = tokio::join!(first, second);
    let busy = second.headers().get("retry-after").cloned();
    assert_problem(second, 503, "busy").await;
    assert!(busy.is_some(), "Retry-After on busy");
    let problem = assert_problem(first, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "too_costly");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Killed and not yet reaped (a zombie, state Z) is dead.
    let alive = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| stat.rsplit(')').next().map(|rest| rest.trim_start().to_owned()))
            .is_some_and(|rest| !rest.starts_with('Z'))
    };
    // A signal takes a moment to land: wait up to 3 s for the process to be gone.
    let gone = |pid: String| async move {
        for _ in 0..30 {
            if !alive(&pid) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    let started_pids = std::fs::read_to_string(&pids).expect("pids");
    let killed = started_pids.lines().next().expect("one worker").to_owned();
    assert!(gone(killed.clone()).await, "the worker over its budget is killed");

    // A client that leaves before the answer: its worker is killed at once, long before the budget (3 s).
    let slow_client = reqwest::Client::builder()
        .timeout(Duration::from_millis(400))
        .build()
        .expect("client");
    let left = slow_client
        .put(app.url("/api/v1/me/cv"))
        .bearer_auth(&user.access_token)
        .header("content-type", "application/pdf")
        .body(cv)
        .send()
        .await;
    assert!(left.is_err(), "the client gave up");
    let all = std::fs::read_to_string(&pids).expect("pids");
    let abandoned = all.lines().last().expect("a second worker").to_owned();
    assert_ne!(abandoned, killed);
    let left_at = Instant::now();
    assert!(gone(abandoned).await, "the abandoned worker is killed");
    assert!(
        left_at.elapsed() < Duration::from_millis(1500),
        "killed when its client left, not at the budget: {:?}",
        left_at.elapsed()
    );
    // Its slot is free again: the next upload is read (and meets the budget), not refused as busy.
    let next = upload(
        &app,
        &user.access_token,
        crate::cv::pdf(&[&["Nora Benali"]], true),
    )
    .await;
    assert_problem(next, 422, "validation_failed").await;
}

async fn login_from(app: &TestApp, address: &str, otp: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"email": "jade@example.fr", "password": PASSWORD, "otp": otp}))
        .send()
        .await
        .expect("login")
}

fn code_now(secret: &str) -> String {
    let key = jobbot_api::credentials::totp::base32_decode(secret).expect("base32");
    let step = jobbot_api::credentials::totp::step_of(chrono::Utc::now().timestamp() as u64);
    format!(
        "{:06}",
        jobbot_api::credentials::totp::code_at_step(&key, step, 6)
    )
}

/// With the password known, 30 wrong codes from 30 addresses all got 401 and the right code then logged in.
async fn second_factor_guesses_from_many_addresses_lock_the_codes(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[("JOBBOT_TRUST_PROXY", "true"), ("JOBBOT_AUTH_RATE_LIMIT", "0")],
    )
    .await;
    let jade = app.user("jade@example.fr").await;
    let (secret, recovery) = enrol(&app, &jade.access_token).await;
    let right = code_now(&secret);
    let wrong = if right == "000000" { "111111" } else { "000000" };

    // One address alone is slowed down after 5 failures, and never locks the account for the others.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(login_from(&app, "198.51.100.7", wrong).await.status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert_problem(login_from(&app, "198.51.100.7", wrong).await, 429, "rate_limited").await;
    // (The owner's own wrong code from elsewhere is still only a wrong code.)
    assert_problem(login_from(&app, "203.0.113.50", wrong).await, 401, "invalid_otp").await;

    // Spread over 30 addresses, concurrently: the account's budget (10 in 15 minutes) holds.
    let attempts = (0..30).map(|i| {
        let address = format!("192.0.2.{}", i + 1);
        let app = &app;
        async move { login_from(app, &address, wrong).await.status().as_u16() }
    });
    let results = futures_util::future::join_all(attempts).await;
    let refused = results.iter().filter(|&&s| s == 429).count();
    let wrong_answers = results.iter().filter(|&&s| s == 401).count();
    assert_eq!(refused + wrong_answers, 30, "{results:?}");
    assert!(
        wrong_answers <= 4,
        "at most the account's budget is checked: {results:?}"
    );
    // Now even the right code is refused, from a fresh address, with a wait...
    let locked = login_from(&app, "203.0.113.9", &right).await;
    let wait: u64 = locked
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert_problem(locked, 429, "attempts_locked").await;
    // ...the lock is in the audit log, once, with the address whose failure spent the budget...
    let locks = audited(&app, "auth.second_factor_locked");
    assert_eq!(locks.len(), 1);
    assert_eq!(locks[0].target_id.as_deref(), Some(jade.id.as_str()));
    assert!(
        locks[0]
            .client_ip
            .as_deref()
            .is_some_and(|ip| ip.starts_with("192.0.2.")),
        "{:?}",
        locks[0].client_ip
    );
    // ...and the owner still signs in with a recovery code (not a guessable one), which clears the failures.
    assert_problem(
        login_from(&app, "203.0.113.10", "aaaaa-bbbbb").await,
        401,
        "invalid_otp",
    )
    .await;
    let signed_in = login_from(&app, "203.0.113.11", &recovery[0]).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let later = login_from(&app, "203.0.113.12", wrong).await;
    assert_problem(later, 401, "invalid_otp").await;
}

async fn post_json_bearer(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request")
}

/// A stolen session guessing the password: 30 wrong ones in a row all got 422. Now the 6th from one address is
/// 429, and the right one is still refused while the budget lasts; on every endpoint that asks for it.
async fn current_password_guesses_are_limited(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[("JOBBOT_TRUST_PROXY", "true"), ("JOBBOT_AUTH_RATE_LIMIT", "0")],
    )
    .await;
    type Endpoint = (reqwest::Method, &'static str, fn(&str) -> Value);
    let endpoints: [Endpoint; 3] = [
        (
            reqwest::Method::POST,
            "/api/v1/me/password",
            |p| json!({"current_password": p, "new_password": "Un-autre-mot-de-passe-77"}),
        ),
        (
            reqwest::Method::PATCH,
            "/api/v1/me",
            |p| json!({"email": "nouvelle@example.fr", "current_password": p}),
        ),
        (reqwest::Method::DELETE, "/api/v1/me", |p| json!({"password": p})),
    ];
    for (i, (method, path, body)) in endpoints.into_iter().enumerate() {
        let user = app.user(&format!("victim{i}@example.fr")).await;
        let mut statuses = Vec::new();
        for _ in 0..30 {
            let response = post_json_bearer(
                &app,
                method.clone(),
                path,
                &user.access_token,
                body("mauvais-mot-de-passe"),
            )
            .await;
            statuses.push(response.status().as_u16());
        }
        assert_eq!(&statuses[..5], [422; 5], "{method} {path}");
        assert!(
            statuses[5..].iter().all(|&s| s == 429),
            "{method} {path}: {statuses:?}"
        );
        // The right password waits too: the budget is the account's, not the guess's.
        let right = post_json_bearer(&app, method.clone(), path, &user.access_token, body(PASSWORD)).await;
        assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "{method} {path}");
    }
    // Two-step sign-in off: the password goes through the same budget.
    let user = app.user("victim-2fa@example.fr").await;
    enrol(&app, &user.access_token).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let response = post_json_bearer(
            &app,
            reqwest::Method::DELETE,
            "/api/v1/me/2fa",
            &user.access_token,
            json!({"password": "mauvais-mot-de-passe", "code": "000000"}),
        )
        .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429, 429]);
    // From several addresses at once, the account's budget holds.
    let user = app.user("victim-spread@example.fr").await;
    let attempts = (0..20).map(|i| {
        let (app, token) = (&app, user.access_token.clone());
        async move {
            app.client
                .post(app.url("/api/v1/me/password"))
                .bearer_auth(token)
                .header("x-forwarded-for", format!("192.0.2.{}", i + 1))
                .json(&json!({"current_password": "mauvais", "new_password": "Un-autre-mot-de-passe-77"}))
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
    });
    let results = futures_util::future::join_all(attempts).await;
    assert_eq!(results.iter().filter(|&&s| s == 422).count(), 10, "{results:?}");
    assert_eq!(results.iter().filter(|&&s| s == 429).count(), 10, "{results:?}");
}

/// A write token made before a password change kept working after it.
async fn a_password_change_ends_personal_tokens(backend: Backend) {
    let app = spawn_app_with(backend, &[]).await;
    let user = app.user("lea@example.fr").await;
    let token = app.create_token(&user.access_token, "write").await;
    let secret = token["secret"].as_str().expect("secret").to_owned();
    app.with_token(&secret).json("/api/v1/me").await;
    let changed = post_json_bearer(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/password",
        &user.access_token,
        json!({"current_password": PASSWORD, "new_password": "Un-autre-mot-de-passe-77"}),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_bearer("/api/v1/me", &secret).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The session that changed it goes on, and lists no live token.
    let tokens: Value = app.as_user(&user).json("/api/v1/me/tokens").await;
    assert_eq!(tokens, json!([]));
}

/// 40 concurrent saves left 22–25 saved searches against a cap of 20 on PostgreSQL; tokens had no cap at all.
async fn per_user_caps_hold_under_concurrency(backend: Backend) {
    let app = spawn_app_with(backend, &[]).await;
    let user = app.user("cap@example.fr").await;
    let saves = (0..40).map(|i| {
        let (app, token) = (&app, user.access_token.clone());
        async move {
            post_json_bearer(
                app,
                reqwest::Method::POST,
                "/api/v1/me/saved-searches",
                &token,
                json!({"name": format!("Recherche {i}"), "query": {"q": format!("électricien {i}")}}),
            )
            .await
            .status()
            .as_u16()
        }
    });
    let results = futures_util::future::join_all(saves).await;
    assert_eq!(results.iter().filter(|&&s| s == 201).count(), 20, "{results:?}");
    assert_eq!(results.iter().filter(|&&s| s == 409).count(), 20, "{results:?}");
    let saved: Value = app.as_user(&user).json("/api/v1/me/saved-searches").await;
    assert_eq!(saved.as_array().map(Vec::len), Some(20), "{saved}");

    let creates = (0..60).map(|i| {
        let (app, token) = (&app, user.access_token.clone());
        async move {
            post_json_bearer(
                app,
                reqwest::Method::POST,
                "/api/v1/me/tokens",
                &token,
                json!({"name": format!("client {i}"), "scope": "read"}),
            )
            .await
            .status()
            .as_u16()
        }
    });
    let results = futures_util::future::join_all(creates).await;
    assert_eq!(results.iter().filter(|&&s| s == 201).count(), 50, "{results:?}");
    assert_eq!(results.iter().filter(|&&s| s == 409).count(), 10, "{results:?}");
}

/// `GET /api/v1/privacy` gave anonymous callers the SQLite file's path, or PostgreSQL's host, port and name.
async fn anonymous_callers_learn_no_infrastructure(backend: Backend) {
    let app = spawn_app_with(backend, &[]).await;
    let facts = app
        .client
        .get(app.url("/api/v1/privacy"))
        .send()
        .await
        .expect("privacy");
    let facts: Value = facts.json().await.expect("json");
    let location = facts["database"]["location"].as_str().expect("location");
    assert!(location.contains("France"), "{location}");
    let url = crate::helpers::db_url(&app.db);
    let secrets: Vec<String> = match backend {
        Backend::Sqlite => vec![
            url.trim_start_matches("sqlite://").to_owned(),
            ".sqlite".into(),
            "/".into(),
        ],
        Backend::Postgres => {
            let rest = url.trim_start_matches("postgres://");
            let host = rest.split(['@']).next_back().unwrap_or(rest);
            let host = host.split([':', '/']).next().unwrap_or(host).to_owned();
            let name = rest
                .rsplit('/')
                .next()
                .unwrap_or(rest)
                .split('?')
                .next()
                .unwrap_or_default()
                .to_owned();
            vec![host, name, "5432".into()]
        }
    };
    let text = facts.to_string();
    for secret in secrets {
        // A host or database name counts as a whole word: CI's host `postgres` is not leaked by the store's
        // kind, `postgresql`.
        let word = regex_lite::Regex::new(&format!(
            r"(^|[^A-Za-z0-9_.-]){}($|[^A-Za-z0-9_.-])",
            regex_lite::escape(&secret)
        ))
        .expect("regex");
        let leaked = if secret.len() > 1 && backend == Backend::Postgres {
            word.is_match(&text)
        } else {
            text.contains(&secret)
        };
        assert!(!leaked, "{secret} in {text}");
    }
    // Admins see where it is on the system page.
    let admin = app.admin_token("boss@example.fr").await;
    let system: Value = app.with_token(&admin).json("/api/v1/admin/system").await;
    let shown = system["database"]["location"].as_str().expect("location");
    assert!(!shown.is_empty() && !shown.contains("France"), "{shown}");
}

/// Turning two-step sign-in on needed only a session: a stolen one could enrol its own authenticator.
async fn enrolling_an_authenticator_needs_the_password(backend: Backend) {
    let app = spawn_app_with(backend, &[]).await;
    let user = app.user("thief-target@example.fr").await;
    let setup: Value = post_json_bearer(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/2fa/setup",
        &user.access_token,
        json!({}),
    )
    .await
    .json()
    .await
    .expect("json");
    let secret = setup["secret"].as_str().expect("secret").to_owned();
    let without = post_json_bearer(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/2fa/enable",
        &user.access_token,
        json!({"code": code_now(&secret)}),
    )
    .await;
    assert_eq!(without.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = post_json_bearer(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/2fa/enable",
        &user.access_token,
        json!({"code": code_now(&secret), "password": "pas-le-bon-mot-de-passe"}),
    )
    .await;
    let problem = assert_problem(wrong, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "password");
    assert_eq!(problem["errors"][0]["code"], "incorrect");
    let status: Value = app.as_user(&user).json("/api/v1/me/2fa").await;
    assert_eq!(status["enabled"], false);
    let right = post_json_bearer(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/2fa/enable",
        &user.access_token,
        json!({"code": code_now(&secret), "password": PASSWORD}),
    )
    .await;
    assert_eq!(right.status(), StatusCode::OK);
    assert_eq!(audited(&app, "account.2fa_enabled").len(), 1);
}

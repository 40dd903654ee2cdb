//! One error shape for everything, probes, CORS, and serving the SPA.

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{assert_problem, spawn_app_with, TestApp};

both_backends!(probes_answer, malformed_requests_get_problem_json);

async fn probes_answer(app: TestApp) {
    for path in ["/healthz", "/readyz"] {
        let response = app.client.get(app.url(path)).send().await.expect("probe");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["status"], "ok");
    }
}

async fn malformed_requests_get_problem_json(app: TestApp) {
    let register = app.url("/api/v1/auth/register");
    let malformed = app
        .client
        .post(&register)
        .header("Content-Type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("req");
    assert_problem(malformed, 400, "invalid_json").await;

    let wrong_type = app
        .client
        .post(&register)
        .header("Content-Type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("req");
    assert_problem(wrong_type, 415, "unsupported_media_type").await;

    let missing_field = app
        .client
        .post(&register)
        .header("Content-Type", "application/json")
        .body("{\"email\": \"a@b.fr\"}")
        .send()
        .await
        .expect("req");
    assert_problem(missing_field, 422, "invalid_body").await;

    let huge = format!("{{\"email\": \"{}\"}}", "a".repeat(1024 * 1024 + 10));
    let too_large = app
        .client
        .post(&register)
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("req");
    assert_problem(too_large, 413, "payload_too_large").await;

    let unknown = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .expect("req");
    assert_problem(unknown, 404, "not_found").await;
    let unknown_api = app.client.get(app.url("/api/v2/me")).send().await.expect("req");
    assert_problem(unknown_api, 404, "not_found").await;
    let outside = app.client.get(app.url("/some/page")).send().await.expect("req");
    assert_problem(outside, 404, "not_found").await;

    let wrong_method = app
        .client
        .put(app.url("/api/v1/auth/login"))
        .send()
        .await
        .expect("req");
    assert_problem(wrong_method, 405, "method_not_allowed").await;
    let wrong_method = app.client.put(app.url("/api/v1/me")).send().await.expect("req");
    assert_problem(wrong_method, 405, "method_not_allowed").await;
}

#[actix_rt::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = crate::helpers::spawn_app(Backend::Postgres).await;
    // Drop the database under the running app: its pooled connections are terminated.
    app.db.drop_now();
    let response = app.client.get(app.url("/readyz")).send().await.expect("probe");
    let body = assert_problem(response, 503, "database_unavailable").await;
    let text = body.to_string();
    assert!(!text.contains("jobbot_test_"), "no internals in the body: {text}");
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("probe")
            .status(),
        StatusCode::OK
    );
}

#[actix_rt::test]
async fn cors_allows_only_the_configured_origins() {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("JOBBOT_ALLOWED_ORIGINS", "https://app.jobbot.fr")],
    )
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/me"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PATCH")
            .header("Access-Control-Request-Headers", "content-type,x-csrf-token")
            .send()
    };
    let allowed = preflight("https://app.jobbot.fr").await.expect("preflight");
    assert_eq!(allowed.status(), StatusCode::OK);
    let headers = allowed.headers();
    assert_eq!(headers["access-control-allow-origin"], "https://app.jobbot.fr");
    assert_eq!(headers["access-control-allow-credentials"], "true");

    let denied = preflight("https://evil.example").await.expect("preflight");
    assert!(denied.headers().get("access-control-allow-origin").is_none());
    assert_problem(denied, 400, "cors_rejected").await;

    let simple = app
        .client
        .get(app.url("/healthz"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .expect("get");
    assert!(simple.headers().get("access-control-allow-origin").is_none());
}

#[actix_rt::test]
async fn the_spa_is_served_with_index_for_client_routes() {
    let dir = std::env::temp_dir().join(format!("jobbot-static-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>JobBot</title>").expect("index");
    std::fs::write(dir.join("app.js"), "console.log('jobbot')").expect("asset");
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("JOBBOT_STATIC_DIR", dir.to_str().expect("utf-8"))],
    )
    .await;

    for path in ["/", "/login", "/account/tokens"] {
        let page = app.client.get(app.url(path)).send().await.expect("page");
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert!(
            page.text().await.expect("text").contains("<title>JobBot</title>"),
            "{path}"
        );
    }
    let asset = app.client.get(app.url("/app.js")).send().await.expect("asset");
    assert!(asset.text().await.expect("text").contains("jobbot"));
    // The earlier release's addresses (the assistant was /chat, the chats /messages) lead to today's.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (old, new) in [
        ("/chat", "/assistant"),
        ("/chat/0190-abc?x=1", "/assistant/0190-abc?x=1"),
        ("/messages", "/chats"),
        ("/messages/0190-abc", "/chats/0190-abc"),
    ] {
        let moved = no_redirects.get(app.url(old)).send().await.expect("page");
        assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY, "{old}");
        assert_eq!(moved.headers()["location"], new, "{old}");
    }
    // A browser follows it to the page.
    let followed = reqwest::get(app.url("/messages/1")).await.expect("page");
    assert_eq!(followed.url().path(), "/chats/1");
    assert!(followed
        .text()
        .await
        .expect("text")
        .contains("<title>JobBot</title>"));
    // API paths never fall back to the SPA.
    assert_problem(
        app.client
            .get(app.url("/api/v1/unknown"))
            .send()
            .await
            .expect("req"),
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("req")
            .status(),
        StatusCode::OK
    );
    std::fs::remove_dir_all(dir).ok();
}

#[actix_rt::test]
async fn the_spa_sends_precompressed_files_and_caches_hashed_ones() {
    let dir = std::env::temp_dir().join(format!("jobbot-static-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>JobBot</title>").expect("index");
    std::fs::write(dir.join("index.html.gz"), "gzip bytes of index").expect("index.gz");
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), "plain wasm").expect("wasm");
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.br"), "brotli wasm").expect("wasm.br");
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.gz"), "gzip wasm").expect("wasm.gz");
    std::fs::write(dir.join("robots.txt"), "User-agent: *\nAllow: /\n").expect("robots");
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("JOBBOT_STATIC_DIR", dir.to_str().expect("utf-8"))],
    )
    .await;
    let get = |path: &str, accept: &str| {
        let request = app.client.get(app.url(path));
        let request = if accept.is_empty() {
            request
        } else {
            request.header("Accept-Encoding", accept)
        };
        async move { request.send().await.expect("get") }
    };

    let wasm = "/app-0123456789abcdef_bg.wasm";
    for (accept, encoding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli wasm"),
        ("gzip, br;q=0", Some("gzip"), "gzip wasm"),
        ("identity", None, "plain wasm"),
        ("", None, "plain wasm"),
    ] {
        let response = get(wasm, accept).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "application/wasm", "{accept}");
        assert_eq!(
            headers
                .get("content-encoding")
                .map(|v| v.to_str().expect("ascii")),
            encoding,
            "{accept}"
        );
        assert!(headers["vary"]
            .to_str()
            .expect("ascii")
            .contains("Accept-Encoding"));
        assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
        assert!(!headers.contains_key("content-disposition"));
        assert_eq!(response.text().await.expect("body"), body, "{accept}");
    }
    // index.html, for itself and for client routes: revalidated every time, gzip when that is all there is.
    for path in ["/", "/index.html", "/chats/0190"] {
        let response = get(path, "br, gzip").await;
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
        assert!(response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html"));
    }
    let robots = get("/robots.txt", "br").await;
    assert_eq!(robots.headers()["cache-control"], "public, max-age=3600");
    assert!(robots.headers().get("content-encoding").is_none());
    assert!(!robots.headers()["vary"]
        .to_str()
        .expect("ascii")
        .contains("Accept-Encoding"));
    assert!(robots.text().await.expect("body").starts_with("User-agent"));
    // A missing file is a 404 problem, not the SPA; no path leaves the folder.
    for path in ["/missing-0123456789abcdef.js", "/..%2Fetc%2Fpasswd.txt", "/.env"] {
        assert_problem(get(path, "").await, 404, "not_found").await;
    }
    std::fs::remove_dir_all(dir).ok();
}

#[actix_rt::test]
async fn every_response_carries_the_security_headers() {
    let app = crate::helpers::spawn_app(jobbot_db::Backend::Sqlite).await;
    for path in ["/healthz", "/api/v1/me", "/api/v1/nowhere"] {
        let response = app.client.get(app.url(path)).send().await.expect("get");
        let headers = response.headers();
        let policy = headers["content-security-policy"].to_str().expect("ascii");
        assert_eq!(policy, jobbot_api::startup::CONTENT_SECURITY_POLICY, "{path}");
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'") && !policy.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("permissions-policy"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS outside production"
        );
    }
    let production =
        crate::helpers::spawn_app_with(jobbot_db::Backend::Sqlite, &[("JOBBOT_ENV", "production")]).await;
    let response = production
        .client
        .get(production.url("/healthz"))
        .send()
        .await
        .expect("get");
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .expect("ascii")
        .starts_with("max-age="));
}

//! nginx (`nginx/`) repeats a few of the API's values: its headers, its body limits, the shape of its errors.
//! These tests keep the copies equal; `scripts/check-deploy.sh` runs nginx itself on the rendered files.

use std::path::PathBuf;

use jobbot_api_types::{ErrorCode, Problem};

fn nginx_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../nginx")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn nginx_sends_the_apis_security_headers() {
    let headers = nginx_file("snippets/security-headers.conf");
    let value = |name: &str| {
        headers
            .lines()
            .find_map(|line| line.strip_prefix(&format!("add_header {name} \"")))
            .and_then(|rest| rest.split_once("\" always;"))
            .map(|(value, _)| value.to_owned())
            .unwrap_or_else(|| panic!("no {name} in security-headers.conf"))
    };
    assert_eq!(
        value("Content-Security-Policy"),
        jobbot_api::startup::CONTENT_SECURITY_POLICY
    );
    assert_eq!(
        value("Permissions-Policy"),
        jobbot_api::startup::PERMISSIONS_POLICY
    );
    assert_eq!(value("X-Content-Type-Options"), "nosniff");
    assert_eq!(value("Referrer-Policy"), "same-origin");
}

/// nginx's size notation for a byte count.
fn nginx_size(bytes: usize) -> String {
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{}m", bytes / (1024 * 1024))
    } else {
        assert!(bytes.is_multiple_of(1024), "limits are whole KiB");
        format!("{}k", bytes / 1024)
    }
}

#[test]
fn nginx_refuses_bodies_at_the_apis_limits() {
    let general = format!(
        "client_max_body_size {};",
        nginx_size(jobbot_api::startup::BODY_LIMIT)
    );
    assert!(nginx_file("nginx.conf.template").contains(&general), "{general}");
    let api = nginx_file("snippets/api.conf");
    let auth = &api[api.find("location ^~ /api/v1/auth/").expect("an auth location")..];
    let auth = &auth[..auth.find("\n}").expect("its end")];
    let limit = format!(
        "client_max_body_size {};",
        nginx_size(jobbot_api::routes::auth::BODY_LIMIT)
    );
    assert!(auth.contains(&limit), "{limit} in {auth}");
}

/// Every answer nginx writes itself is a problem+json the SPA and generated clients read like the API's.
#[test]
fn nginx_errors_are_the_apis_problems() {
    let mut seen = Vec::new();
    for file in [
        "nginx.conf.template",
        "snippets/errors.conf",
        "snippets/not-found.conf",
    ] {
        for line in nginx_file(file).lines() {
            let Some(rest) = line.trim().strip_prefix("return ") else {
                continue;
            };
            let (status, body) = rest.split_once(' ').expect("return CODE BODY");
            let body = body
                .strip_prefix('\'')
                .and_then(|b| b.strip_suffix("';"))
                .unwrap_or_else(|| panic!("a quoted body: {line}"));
            let problem: Problem =
                serde_json::from_str(body).unwrap_or_else(|e| panic!("{file}: {e}: {body}"));
            assert_eq!(problem.status.to_string(), status, "{line}");
            assert_ne!(problem.code, ErrorCode::Unknown, "{line}");
            assert_eq!(
                problem.type_uri,
                format!("urn:jobbot:problem:{}", problem.code.as_str())
            );
            seen.push(problem.code);
        }
    }
    for code in [
        ErrorCode::NotFound,
        ErrorCode::AdminNetwork,
        ErrorCode::RateLimited,
        ErrorCode::PayloadTooLarge,
        ErrorCode::ServiceUnavailable,
    ] {
        assert!(seen.contains(&code), "nginx answers {code:?} itself");
    }
}

/// The images' HEALTHCHECK: `jobbot healthcheck` asks the port of JOBBOT_BIND, with no configuration needed.
#[actix_rt::test]
async fn healthcheck_says_whether_the_server_answers() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Sqlite);
    let server =
        crate::helpers::start_process(&crate::helpers::db_url(&db), &[], std::process::Stdio::null()).await;
    let port = server.base.rsplit(':').next().expect("a port").to_owned();
    let probe = |bind: String| {
        std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
            .arg("healthcheck")
            .env_clear()
            .env("JOBBOT_BIND", bind)
            .output()
            .expect("run jobbot healthcheck")
    };
    // 0.0.0.0 (the image's bind address) is asked on the loopback address.
    let up = probe(format!("0.0.0.0:{port}"));
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    drop(server);
    let down = probe(format!("127.0.0.1:{port}"));
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).contains("jobbot healthcheck"));
    assert_eq!(probe("nonsense".into()).status.code(), Some(2));
}

//! The public contract: the OpenAPI document is snapshot-tested and matches the live routes.

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

#[test]
fn openapi_document_matches_the_snapshot() {
    let current = jobbot_api::openapi::document();
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(SNAPSHOT, format!("{current}\n")).expect("write snapshot");
        return;
    }
    let snapshot = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        snapshot.trim_end() == current.trim_end(),
        "the OpenAPI document changed; review the diff and run `UPDATE_SNAPSHOTS=1 cargo test -p jobbot --test api openapi` to accept it"
    );
}

#[actix_rt::test]
async fn every_documented_operation_is_routed() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app.openapi().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        for method in item.as_object().expect("operations").keys() {
            let concrete = path.replace("{id}", "00000000-0000-7000-8000-000000000000");
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let response = app
                .client
                .request(method.clone(), app.url(&concrete))
                .send()
                .await
                .expect("request");
            let status = response.status();
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed"
            );
            if status == StatusCode::NOT_FOUND {
                let body: Value = response.json().await.expect("problem");
                assert_ne!(
                    body["detail"], "No route matches this path.",
                    "{method} {path} is documented but not routed"
                );
            }
            operations += 1;
        }
    }
    assert!(operations >= 13, "{operations}");
    // Every error response is documented as problem+json.
    let text = doc.to_string();
    assert!(text.contains("application/problem+json"));
}

/// Every `in: path` parameter names a `{name}` of its path template, every `{name}` is declared once as a required
/// path parameter, and no operation declares the same parameter twice: what client generators insist on (a query
/// parameter written as a path parameter made openapi-python-client skip 15 operations).
#[actix_rt::test]
async fn parameters_are_where_their_template_says() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app.openapi().await;
    let mut problems = Vec::new();
    let mut queries = 0;
    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let template: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        for (method, operation) in item.as_object().expect("operations") {
            let id = operation["operationId"].as_str().unwrap_or_default().to_owned();
            if !operation_ids.insert(id.clone()) {
                problems.push(format!("{method} {path}: operationId `{id}` used twice"));
            }
            let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
            let mut seen = std::collections::HashSet::new();
            for parameter in &parameters {
                let (name, place) = (
                    parameter["name"].as_str().unwrap_or_default(),
                    parameter["in"].as_str().unwrap_or_default(),
                );
                if !seen.insert((name.to_owned(), place.to_owned())) {
                    problems.push(format!("{method} {path}: `{name}` ({place}) declared twice"));
                }
                match place {
                    "path" if !template.contains(&name) => problems.push(format!(
                        "{method} {path}: `{name}` is in: path but not in the template"
                    )),
                    "path" if parameter["required"] != true => {
                        problems.push(format!("{method} {path}: path parameter `{name}` not required"))
                    }
                    "query" => queries += 1,
                    _ => {}
                }
            }
            for name in &template {
                let declared = parameters.iter().any(|p| p["name"] == *name && p["in"] == "path");
                if !declared {
                    problems.push(format!("{method} {path}: `{{{name}}}` has no path parameter"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        queries >= 46,
        "the query parameters are declared in: query ({queries})"
    );
}

//! The assistant's upstream faults, with a fake Mistral: a wrong key, a refusal, rate limits and server errors
//! (retried, then reported), no first token in time, a stall, a cut or an error chunk (what was written is
//! kept), and failures as an SSE `error` event.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::assistant::{new_conversation, send, send_streaming, settled, with_fake};
use crate::fake_llm::{pieces, Behaviour, FakeLlm, Flavor};
use crate::helpers::assert_problem;

/// Sends one question against a scripted upstream; returns the JSON problem and the stored messages.
async fn fault(
    behaviours: Vec<Behaviour>,
    expected_status: u16,
    expected_code: &str,
) -> (FakeLlm, Value, Vec<Value>) {
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    fake.script(behaviours);
    let user = app.user("fault@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let problem = assert_problem(
        send(&app, &user.access_token, &id, "Ma question précieuse").await,
        expected_status,
        expected_code,
    )
    .await;
    let stored = settled(&app, &user.access_token, &id).await;
    assert_eq!(
        stored[0]["content"], "Ma question précieuse",
        "the question survives every fault"
    );
    assert_eq!(stored[0]["status"], "complete");
    (fake, problem, stored)
}

#[actix_rt::test]
async fn a_wrong_key_tells_the_admin_without_retrying() {
    let body = r#"{"message":"Unauthorized","request_id":"5c1e"}"#.to_owned();
    let (fake, problem, stored) = fault(
        vec![Behaviour::Status {
            status: 401,
            body,
            retry_after: None,
        }],
        503,
        "llm_unavailable",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .expect("detail")
        .contains("administrator"));
    assert_eq!(
        (stored[1]["status"].as_str(), stored[1]["error_code"].as_str()),
        (Some("failed"), Some("llm_unavailable"))
    );
    assert_eq!(fake.requests().len(), 1);
}

#[actix_rt::test]
async fn a_refused_request_is_not_retried() {
    let body = r#"{"object":"error","message":{"detail":[{"type":"missing","loc":["body","messages"],"msg":"Field required"}]},"type":"invalid_request_message_error"}"#.to_owned();
    let (fake, problem, _) = fault(
        vec![Behaviour::Status {
            status: 422,
            body,
            retry_after: None,
        }],
        502,
        "llm_rejected",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .expect("detail")
        .contains("Field required"));
    assert_eq!(fake.requests().len(), 1);
}

#[actix_rt::test]
async fn rate_limits_are_retried_honouring_retry_after_then_reported() {
    let limited = || Behaviour::Status {
        status: 429,
        body: r#"{"message":"Requests rate limit exceeded"}"#.into(),
        retry_after: Some("0.2"),
    };
    let ok = Behaviour::Reply {
        pieces: pieces(&["Réponse après attente"]),
        delay: Duration::ZERO,
    };
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    fake.script(vec![limited(), limited(), ok]);
    let user = app.user("patient@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let started = std::time::Instant::now();
    let response = send(&app, &user.access_token, &id, "Question").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "two waits of Retry-After: 0.2 s"
    );
    assert_eq!(fake.requests().len(), 3);

    let (fake, _, stored) = fault(vec![limited(), limited(), limited()], 429, "llm_rate_limited").await;
    assert_eq!(fake.requests().len(), 3, "one try and two retries");
    assert_eq!(stored[1]["error_code"], "llm_rate_limited");
}

#[actix_rt::test]
async fn server_errors_are_retried_then_reported() {
    let error = |status| Behaviour::Status {
        status,
        body: r#"{"detail":"Service unavailable"}"#.into(),
        retry_after: None,
    };
    let (fake, problem, _) = fault(vec![error(500), error(503), error(500)], 503, "llm_unavailable").await;
    assert_eq!(
        fake.requests().len(),
        3,
        "a 500 and a 503 are retried, then the third answer is reported"
    );
    assert!(problem["detail"]
        .as_str()
        .expect("detail")
        .contains("Service unavailable"));
}

#[actix_rt::test]
async fn no_first_token_in_time_fails_the_reply() {
    let (_, _, stored) = fault(vec![Behaviour::HangBeforeFirstToken], 504, "llm_timeout").await;
    assert_eq!(
        (stored[1]["status"].as_str(), stored[1]["content"].as_str()),
        (Some("failed"), Some(""))
    );
}

#[actix_rt::test]
async fn a_stall_a_cut_or_an_error_chunk_keeps_what_was_written() {
    for (behaviour, status, code) in [
        (
            Behaviour::StallAfter(pieces(&["Début", " de réponse"])),
            504,
            "llm_timeout",
        ),
        (
            Behaviour::CutAfter(pieces(&["Début", " de réponse"])),
            503,
            "llm_unavailable",
        ),
        (
            Behaviour::ErrorChunkAfter(pieces(&["Début", " de réponse"])),
            503,
            "llm_unavailable",
        ),
    ] {
        let (_, _, stored) = fault(vec![behaviour.clone()], status, code).await;
        let reply = &stored[1];
        assert_eq!(reply["status"], "failed", "{behaviour:?}");
        assert_eq!(reply["content"], "Début de réponse", "{behaviour:?}");
        assert_eq!(reply["error_code"], code, "{behaviour:?}");
    }
}

#[actix_rt::test]
async fn streaming_reports_failures_as_an_error_event() {
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    fake.script(vec![Behaviour::CutAfter(pieces(&["Début"]))]);
    let user = app.user("sse@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let events = send_streaming(&app, &user.access_token, &id, "Question").await;
    let names: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, ["user_message", "delta", "error"]);
    assert_eq!(events[2].1["code"], "llm_unavailable");
    assert_eq!(events[2].1["status"], 503);
}

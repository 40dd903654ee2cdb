//! Real time: WebSocket events on one instance (both backends), and across two server processes on one
//! PostgreSQL through LISTEN/NOTIFY.

use std::process::Stdio;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{login_at as login, start_process, Process, TestApp};
use crate::speak::{sharing, Speaker};
use jobbot_domain::ShareMode;

both_backends!(events_reach_every_participant_connection);

pub(crate) type Frames = Result<awc::ws::Frame, awc::error::WsProtocolError>;

/// The next event (text frame), skipping pings.
pub(crate) async fn next_event(socket: &mut (impl Stream<Item = Frames> + Unpin)) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("an event within 5 s")
            .expect("the socket is open")
            .expect("a valid frame");
        if let awc::ws::Frame::Text(bytes) = frame {
            return serde_json::from_slice(&bytes).expect("JSON event");
        }
    }
}

pub(crate) async fn connect(base: &str, token: &str) -> impl Stream<Item = Frames> + Unpin {
    let url = format!("{}/api/v1/ws", base.replace("http://", "ws://"));
    let (response, socket) = awc::Client::new()
        .ws(url)
        .bearer_auth(token)
        .connect()
        .await
        .expect("websocket");
    assert_eq!(response.status().as_u16(), 101);
    socket
}

async fn events_reach_every_participant_connection(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let mut alice_phone = connect(&app.address, &alice.access_token).await;
    let mut alice_laptop = connect(&app.address, &alice.access_token).await;
    let mut bob_socket = connect(&app.address, &bob.access_token).await;

    let (as_alice, as_bob) = (app.as_user(&alice), app.as_user(&bob));
    let chat_id = &as_bob.open_chat("alice@example.fr").await.id;
    let posted: Value = as_bob
        .post(
            &format!("/api/v1/chats/{chat_id}/messages"),
            json!({"content": "Salut Alice !"}),
            &[StatusCode::CREATED],
        )
        .await;
    for socket in [&mut alice_phone, &mut alice_laptop, &mut bob_socket] {
        let event = next_event(socket).await;
        assert_eq!(event["type"], "chat.message");
        assert_eq!(event["data"], posted, "the same JSON as the REST API");
    }

    let read = as_alice
        .send(
            &format!("/api/v1/chats/{chat_id}/read"),
            json!({"message_id": posted["id"]}),
        )
        .await;
    assert_eq!(read.status(), StatusCode::NO_CONTENT);
    let event = next_event(&mut bob_socket).await;
    assert_eq!(
        (event["type"].as_str(), event["data"]["user_id"].as_str()),
        (Some("chat.read"), Some(alice.id.as_str()))
    );

    // Shares: created, updated, revoked.
    let conversation_id = &as_alice.conversation_about("Comment rédiger mon CV ?").await.id;
    let shared: Value = as_alice
        .post(
            &format!("/api/v1/chats/{chat_id}/shares"),
            sharing(conversation_id, ShareMode::Snapshot),
            &[StatusCode::CREATED],
        )
        .await;
    let share_id = shared["share"]["id"].as_str().expect("id");
    let created = next_event(&mut bob_socket).await;
    assert_eq!(created["type"], "share.created");
    assert_eq!(created["data"], shared);
    app.as_user(&alice)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/shares/{share_id}"),
            Some(json!({"resnapshot": true})),
        )
        .await;
    let updated = next_event(&mut bob_socket).await;
    assert_eq!(
        (updated["type"].as_str(), updated["data"]["updated"].as_bool()),
        (Some("share.updated"), Some(true))
    );
    app.as_user(&alice)
        .delete(&format!("/api/v1/shares/{share_id}"))
        .await;
    let revoked = next_event(&mut bob_socket).await;
    assert_eq!(
        (revoked["type"].as_str(), revoked["data"]["state"].as_str()),
        (Some("share.revoked"), Some("revoked"))
    );

    // Deleting the conversation revokes its live shares, and says so.
    let again: Value = app
        .as_user(&alice)
        .send(
            &format!("/api/v1/chats/{chat_id}/shares"),
            sharing(conversation_id, ShareMode::Live),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(next_event(&mut bob_socket).await["type"], "share.created");
    app.as_user(&alice)
        .delete(&format!("/api/v1/conversations/{conversation_id}"))
        .await;
    let gone = next_event(&mut bob_socket).await;
    assert_eq!(
        (gone["type"].as_str(), gone["data"]["id"].as_str()),
        (Some("share.revoked"), again["share"]["id"].as_str())
    );
}

#[actix_rt::test]
async fn the_websocket_needs_a_login_and_our_own_origin_for_cookies() {
    let app = crate::helpers::spawn_app(jobbot_db::Backend::Sqlite).await;
    let user = app.user("eve@example.fr").await;
    let ws = app.address.replace("http://", "ws://") + "/api/v1/ws";
    let anonymous = awc::Client::new().ws(ws.clone()).connect().await;
    assert!(
        matches!(anonymous, Err(awc::error::WsClientError::InvalidResponseStatus(s)) if s.as_u16() == 401)
    );
    let by_query = awc::Client::new()
        .ws(format!("{ws}?access_token={}", user.access_token))
        .connect()
        .await;
    assert!(by_query.is_ok(), "a token on connect works");
    let forged = awc::Client::new()
        .ws(ws)
        .origin("https://evil.example")
        .set_header("Cookie", user.cookie_header())
        .connect()
        .await;
    assert!(matches!(forged, Err(awc::error::WsClientError::InvalidResponseStatus(s)) if s.as_u16() == 403));
}

async fn start_server(database_url: &str) -> Process {
    start_process(database_url, &[], Stdio::null()).await
}

#[actix_rt::test]
async fn two_instances_on_one_postgres_deliver_to_each_other() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = crate::helpers::db_url(&db);
    let first = start_server(&url).await;
    let second = start_server(&url).await;
    let alice = login(&first.base, "alice@example.fr").await;
    let bob = login(&first.base, "bob@example.fr").await;
    // Alice listens on the second instance; Bob talks to the first.
    let mut alice_socket = connect(&second.base, &alice.access_token).await;
    let client = crate::helpers::client();
    let chat: Value = client
        .post(format!("{}/api/v1/chats", first.base))
        .bearer_auth(&bob.access_token)
        .json(&json!({"participant_email": "alice@example.fr"}))
        .send()
        .await
        .expect("open")
        .json()
        .await
        .expect("json");
    let chat_id = chat["id"].as_str().expect("id");
    // The second message is too large for a NOTIFY payload (4,000 three-byte characters): it travels by id.
    for content in ["Bonjour depuis l'autre instance".to_owned(), "€".repeat(4_000)] {
        let posted: Value = client
            .post(format!("{}/api/v1/chats/{chat_id}/messages", first.base))
            .bearer_auth(&bob.access_token)
            .json(&json!({"content": content}))
            .send()
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        let event = next_event(&mut alice_socket).await;
        assert_eq!(event["type"], "chat.message");
        assert_eq!(event["data"], posted);
    }
    // A share crosses too.
    let bob_speaks = Speaker::at(&client, &first.base, &bob.access_token);
    let conversation = bob_speaks.conversation_about("Préparer un entretien").await;
    let shared: Value = bob_speaks
        .post(
            &format!("/api/v1/chats/{chat_id}/shares"),
            sharing(&conversation.id, ShareMode::Live),
            &[StatusCode::CREATED],
        )
        .await;
    let event = next_event(&mut alice_socket).await;
    assert_eq!(
        (event["type"].as_str(), &event["data"]),
        (Some("share.created"), &shared)
    );
    drop((first, second));
}

#[actix_rt::test]
async fn a_reply_running_on_one_instance_stops_from_another() {
    use crate::fake_llm::{pieces, Behaviour, FakeLlm, Flavor};
    let fake = FakeLlm::start(Flavor::Mistral).await;
    let words: Vec<String> = (0..40).map(|i| format!("mot{i} ")).collect();
    fake.set_fallback(Behaviour::Reply {
        pieces: pieces(&words.iter().map(String::as_str).collect::<Vec<_>>()),
        delay: Duration::from_millis(100),
    });
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = crate::helpers::db_url(&db);
    let env = [
        ("JOBBOT_LLM_PROVIDER", "mistral"),
        ("MISTRAL_API_KEY", "k"),
        ("MISTRAL_BASE_URL", fake.base_url.as_str()),
    ];
    let first = start_process(&url, &env, Stdio::null()).await;
    let second = start_process(&url, &env, Stdio::null()).await;
    let alice = login(&first.base, "alice@example.fr").await;
    let client = crate::helpers::client();
    let id = Speaker::at(&client, &first.base, &alice.access_token)
        .new_conversation()
        .await
        .id;
    let asking = {
        let (client, url, token) = (
            client.clone(),
            format!("{}/api/v1/conversations/{id}/messages", first.base),
            alice.access_token.clone(),
        );
        actix_rt::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"content": "Réponds longuement"}))
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(800)).await;
    // The reply runs on the first instance; the stop goes to the second.
    let stopped = client
        .post(format!("{}/api/v1/conversations/{id}/stop", second.base))
        .bearer_auth(&alice.access_token)
        .send()
        .await
        .expect("stop");
    assert_eq!(stopped.status(), StatusCode::OK);
    let stopped: Value = stopped.json().await.expect("json");
    let content = stopped["message"]["content"].as_str().expect("content");
    assert_eq!(stopped["message"]["status"], "stopped");
    assert!(
        content.starts_with("mot0") && !content.contains("mot39"),
        "{content}"
    );
    let answered: Value = asking
        .await
        .expect("task")
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(answered["assistant_message"]["status"], "stopped");
    let again = client
        .post(format!("{}/api/v1/conversations/{id}/stop", second.base))
        .bearer_auth(&alice.access_token)
        .send()
        .await
        .expect("stop");
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[actix_rt::test]
async fn one_user_holds_at_most_ten_sockets() {
    // Finding: nothing bounded the WebSocket connections one account could hold open.
    let app = crate::helpers::spawn_app(jobbot_db::Backend::Sqlite).await;
    let user = app.user("tabs@example.fr").await;
    let mut open = Vec::new();
    for _ in 0..10 {
        open.push(connect(&app.address, &user.access_token).await);
    }
    let ws = app.address.replace("http://", "ws://") + "/api/v1/ws";
    let eleventh = awc::Client::new()
        .ws(ws.clone())
        .bearer_auth(&user.access_token)
        .connect()
        .await;
    assert!(
        matches!(eleventh, Err(awc::error::WsClientError::InvalidResponseStatus(s)) if s.as_u16() == 429),
        "the 11th is refused"
    );
    let other = app.user("other@example.fr").await;
    let _theirs = connect(&app.address, &other.access_token).await;
    // Closing one frees a place (the server notices the close at once).
    drop(open.pop());
    let mut reopened = false;
    for _ in 0..50 {
        if awc::Client::new()
            .ws(ws.clone())
            .bearer_auth(&user.access_token)
            .connect()
            .await
            .is_ok()
        {
            reopened = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened, "a closed socket gives its place back");
}

/// The PostgreSQL listener's thread holds its hub, so it outlived its server: a test binary ended with dozens of
/// them polling libpq, and one crashed in it during the process's exit (SIGSEGV in `jobbot-listen`). Now the
/// server's end stops and joins it.
#[actix_rt::test]
async fn the_postgres_listener_ends_with_its_server() {
    let app = crate::helpers::spawn_app(jobbot_db::Backend::Postgres).await;
    let hub = std::sync::Arc::clone(&app.hub);
    assert!(
        hub.listening(),
        "a PostgreSQL server listens to the other instances"
    );
    drop(app);
    let mut listening = true;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        listening = hub.listening();
        if !listening {
            break;
        }
    }
    assert!(!listening, "the listener thread ended with its server");
}

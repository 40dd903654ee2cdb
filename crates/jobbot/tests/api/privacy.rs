//! Consent records and the transparency facts.

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, spawn_app_with, TestApp};
use crate::speak::{share_id, Speaker};
use jobbot_domain::ShareMode;

both_backends!(
    consent_is_recorded_with_its_history,
    the_facts_describe_the_database,
    deleting_an_account_removes_everything,
    the_export_holds_everything,
    purge_deletes_exactly_what_its_dry_run_announced,
);

async fn consent_is_recorded_with_its_history(app: TestApp) {
    let user = app.user("rgpd@example.fr").await;
    let put = |preferences: bool, measurement: bool| {
        app.client
            .put(app.url("/api/v1/me/consent"))
            .bearer_auth(&user.access_token)
            .json(&json!({"policy_version": jobbot_domain::legal::PRIVACY_POLICY_VERSION, "preferences": preferences, "measurement": measurement}))
            .send()
    };
    let empty: Value = app.as_user(&user).json("/api/v1/me/consent").await;
    assert!(empty["current"].is_null());
    assert_eq!(put(false, false).await.expect("put").status(), StatusCode::OK);
    let state: Value = put(true, false).await.expect("put").json().await.expect("json");
    assert_eq!(
        (
            state["current"]["preferences"].as_bool(),
            state["current"]["measurement"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let history = state["history"].as_array().expect("history");
    assert_eq!(history.len(), 2, "append-only");
    assert_eq!(history[0]["preferences"], false);
    let bad = app
        .as_user(&user)
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/consent",
            Some(json!({"policy_version": "", "preferences": true, "measurement": true})),
        )
        .await;
    assert_problem(bad, 422, "validation_failed").await;
    assert_problem(
        app.client
            .get(app.url("/api/v1/me/consent"))
            .send()
            .await
            .expect("get"),
        401,
        "unauthenticated",
    )
    .await;
}

async fn the_facts_describe_the_database(app: TestApp) {
    let facts: Value = app.public_json("/api/v1/privacy").await;
    let url = crate::helpers::db_url(&app.db);
    // The kind of hosting and the country, never the file, host or database name (issue 27).
    let location = facts["database"]["location"].as_str().expect("location");
    assert!(location.contains("France"), "{location}");
    if url.starts_with("sqlite") {
        assert_eq!(facts["database"]["kind"], "sqlite");
        assert!(
            !location.contains(".sqlite3") && !location.contains('/'),
            "{location}"
        );
    } else {
        assert_eq!(facts["database"]["kind"], "postgresql");
        assert!(
            !location.contains("127.0.0.1") && !location.contains('@'),
            "{location}"
        );
    }
    assert_eq!(facts["assistant"]["provider"], "offline");
    assert!(facts["assistant"]["host"].is_null());
    assert!(facts["retention_days"].is_null());
}

#[actix_rt::test]
async fn the_facts_follow_the_configured_provider_and_retention() {
    let mistral = spawn_app_with(
        Backend::Sqlite,
        &[("MISTRAL_API_KEY", "k"), ("JOBBOT_RETENTION_DAYS", "180")],
    )
    .await;
    let facts: Value = mistral.public_json("/api/v1/privacy").await;
    assert_eq!(facts["assistant"]["provider"], "mistral");
    assert_eq!(facts["assistant"]["host"], "api.mistral.ai");
    assert_eq!(facts["assistant"]["in_eu"], true);
    assert_eq!(facts["retention_days"], 180);
    let sends = facts["assistant"]["sends"].as_str().expect("sends");
    assert!(sends.contains("Nothing else: no email address"), "{sends}");
    assert!(sends.contains("the parts of them you chose to send"), "{sends}");
    assert!(!facts.to_string().contains("\"k\""), "no key in the facts");

    let openrouter = spawn_app_with(Backend::Sqlite, &[("OPENROUTER_API_KEY", "k")]).await;
    let facts: Value = openrouter.public_json("/api/v1/privacy").await;
    assert_eq!(
        (
            facts["assistant"]["provider"].as_str(),
            facts["assistant"]["in_eu"].as_bool()
        ),
        (Some("openrouter"), Some(false))
    );

    let ollama = spawn_app_with(
        Backend::Sqlite,
        &[
            ("JOBBOT_LLM_PROVIDER", "openai"),
            ("OPENAI_BASE_URL", "http://gpu.internal:11434/v1"),
        ],
    )
    .await;
    let facts: Value = ollama.public_json("/api/v1/privacy").await;
    assert_eq!(facts["assistant"]["host"], "gpu.internal:11434");
    assert!(
        facts["assistant"]["in_eu"].is_null(),
        "unknown for a self-hosted server"
    );
}

async fn deleting_an_account_removes_everything(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let post = |token: &str, path: &str, body: Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    // Alice has one of everything.
    let token: Value = post(
        &alice.access_token,
        "/api/v1/me/tokens",
        json!({"name": "script", "scope": "read"}),
    )
    .await
    .expect("token")
    .json()
    .await
    .expect("json");
    app.as_user(&alice)
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/consent",
            Some(json!({"policy_version": "v1", "preferences": true, "measurement": false})),
        )
        .await;
    let speaks = app.as_user(&alice);
    let conversation = speaks.new_conversation().await;
    let conversation_id = conversation.id.as_str();
    speaks.ask(conversation_id, "Comment rédiger mon CV ?").await;
    let chat = speaks.open_chat("bob@example.fr").await;
    let chat_id = chat.id.as_str();
    speaks.say(chat_id, "Mon numéro : 06 12 34 56 78").await;
    let share_id = share_id(&speaks.share(chat_id, conversation_id, ShareMode::Live).await);
    app.as_user(&bob)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
    let fork: Value = post(
        &bob.access_token,
        &format!("/api/v1/shares/{share_id}/fork"),
        json!({}),
    )
    .await
    .expect("fork")
    .json()
    .await
    .expect("json");
    let alice_share_view = app
        .get_bearer(&format!("/api/v1/shares/{share_id}"), &alice.access_token)
        .await;
    assert_eq!(alice_share_view.status(), StatusCode::OK);

    // The password is required, and a personal token cannot do it.
    let wrong = app
        .as_user(&alice)
        .call(
            reqwest::Method::DELETE,
            "/api/v1/me",
            Some(json!({"password": "not-my-password"})),
        )
        .await;
    let wrong = assert_problem(wrong, 422, "validation_failed").await;
    assert_eq!(wrong["errors"][0]["field"], "password");
    let by_token = app
        .with_token(token["secret"].as_str().expect("secret"))
        .call(
            reqwest::Method::DELETE,
            "/api/v1/me",
            Some(json!({"password": crate::helpers::PASSWORD})),
        )
        .await;
    assert_problem(by_token, 403, "insufficient_scope").await;

    let deleted = app.as_user(&alice).delete_account().await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let receipt: Value = deleted.json().await.expect("json");
    assert_eq!(receipt["conversations"], 1);
    assert_eq!(receipt["messages"], 2);
    assert_eq!(receipt["shares"], 1);
    assert_eq!(receipt["personal_tokens"], 1);
    assert_eq!(receipt["consent_records"], 1);
    assert_eq!(
        receipt["chat_messages_anonymised"], 2,
        "her text message and her share card"
    );
    assert!(receipt["sessions"].as_i64().expect("sessions") >= 1);
    assert!(receipt["usage_records"].as_i64().expect("usage") >= 1);

    // Counting rows: nothing of hers is left.
    let pool = jobbot_db::connect(&app.db.url, 1).expect("pool");
    let left = jobbot_db::accounts::footprint(&mut pool.get().expect("conn"), &alice.id).expect("count");
    assert_eq!(left, jobbot_db::accounts::Footprint::default(), "{left:?}");

    // Bob: the share is gone (410), the session stays with her messages anonymised, his fork is his.
    app.as_user(&bob)
        .refused(&format!("/api/v1/shares/{share_id}"), 410, "share_gone")
        .await;
    let chats: Value = app.as_user(&bob).json("/api/v1/chats").await;
    assert_eq!(chats[0]["participant"]["display_name"], "Utilisateur supprimé");
    assert!(chats[0]["participant"]["id"].is_null());
    let messages: Value = app
        .as_user(&bob)
        .json(&format!("/api/v1/chats/{chat_id}/messages"))
        .await;
    for message in messages["items"].as_array().expect("items") {
        assert!(
            message["sender_id"].is_null() && message["content"] == "",
            "{message}"
        );
    }
    assert_eq!(messages["items"][1]["share"]["state"], "revoked");
    app.as_user(&bob)
        .json(&format!(
            "/api/v1/conversations/{}",
            fork["id"].as_str().expect("id")
        ))
        .await;

    // Alice can no longer log in; her old access token is dead.
    assert_problem(
        app.login("alice@example.fr", crate::helpers::PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    app.as_user(&alice)
        .refused("/api/v1/me", 401, "session_revoked")
        .await;
}

async fn the_export_holds_everything(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let post = |token: &str, path: &str, body: Value| {
        app.client
            .post(app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    post(
        &alice.access_token,
        "/api/v1/me/tokens",
        json!({"name": "script", "scope": "read"}),
    )
    .await
    .expect("token");
    app.as_user(&alice)
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/consent",
            Some(json!({"policy_version": "v1", "preferences": false, "measurement": false})),
        )
        .await;
    let speaks = app.as_user(&alice);
    let conversation_id = speaks.new_conversation().await.id;
    speaks.ask(&conversation_id, "Comment rédiger mon CV ?").await;
    let chat = speaks.open_chat("bob@example.fr").await;
    let chat_id = chat.id.as_str();
    speaks.say(chat_id, "Bonjour Bob").await;
    let shared = speaks.share(chat_id, &conversation_id, ShareMode::Snapshot).await;
    app.get_bearer(
        &format!("/api/v1/shares/{}", share_id(&shared)),
        &bob.access_token,
    )
    .await;
    let bob_speaks = app.as_user(&bob);
    let bobs = bob_speaks.new_conversation().await;
    bob_speaks.ask(&bobs.id, "Préparer un entretien").await;
    bob_speaks.share(chat_id, &bobs.id, ShareMode::Live).await;

    let response = app.get_bearer("/api/v1/me/export", &alice.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .contains("jobbot-export-"));
    let bytes = response.bytes().await.expect("body");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut read = |name: &str| -> String {
        use std::io::Read;
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} is in the archive"))
            .read_to_string(&mut text)
            .expect("utf-8");
        text
    };
    let json = |text: String| -> Value { serde_json::from_str(&text).expect("JSON") };
    assert_eq!(json(read("account.json"))["email"], "alice@example.fr");
    assert_eq!(
        json(read("consent-history.json")).as_array().map(Vec::len),
        Some(1)
    );
    assert!(json(read("sessions.json"))
        .as_array()
        .is_some_and(|s| !s.is_empty()));
    let tokens = json(read("personal-tokens.json"));
    let token = tokens[0].as_object().expect("a token");
    assert_eq!(token["name"], "script");
    assert!(
        token.get("secret").is_none() && token.get("token_hash").is_none(),
        "metadata only: {token:?}"
    );
    assert!(
        token["prefix"].as_str().is_some_and(|p| p.len() <= 10),
        "only the short display prefix"
    );
    let conversation = json(read(&format!("conversations/{conversation_id}.json")));
    assert_eq!(conversation["messages"].as_array().map(Vec::len), Some(2));
    assert!(read(&format!("conversations/{conversation_id}.md")).contains("Comment rédiger mon CV ?"));
    assert!(read("chat-messages.json").contains("Bonjour Bob"));
    let made = json(read("shares-made.json"));
    assert_eq!(
        made[0]["views"].as_array().map(Vec::len),
        Some(1),
        "with who viewed it"
    );
    let received = json(read("shares-received.json"));
    assert_eq!(
        (received.as_array().map(Vec::len), received[0]["mode"].as_str()),
        (Some(1), Some("live"))
    );
    assert!(json(read("usage.json")).as_array().is_some_and(|u| !u.is_empty()));
    assert!(read("README.txt").contains("conversations/"));
    assert!(!read("account.json").contains("password"), "no password hash");
}

fn purge(app: &TestApp, args: &[&str], retention: Option<&str>) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"));
    command
        .arg("purge")
        .args(args)
        .env("DATABASE_URL", crate::helpers::db_url(&app.db))
        .env("JOBBOT_DATA_DIR", std::env::temp_dir());
    if let Some(days) = retention {
        command.env("JOBBOT_RETENTION_DAYS", days);
    }
    command.output().expect("run jobbot purge")
}

/// The ids a purge report names, in order.
fn named(report: &str) -> Vec<String> {
    report
        .lines()
        .filter(|l| l.contains(" conversation 0") || l.contains(" share 0"))
        .filter_map(|l| l.split_whitespace().find(|w| w.len() == 36).map(str::to_owned))
        .collect()
}

async fn purge_deletes_exactly_what_its_dry_run_announced(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let speaks = app.as_user(&alice);
    let mut ids = Vec::new();
    for question in ["Vieille question", "Question récente"] {
        let id = speaks.new_conversation().await.id;
        speaks.ask(&id, question).await;
        ids.push(id);
    }
    let chat = speaks.open_chat("bob@example.fr").await;
    let chat_id = chat.id.as_str();
    let old_share = speaks.share(chat_id, &ids[0], ShareMode::Live).await;
    let expired_id = share_id(&speaks.share(chat_id, &ids[1], ShareMode::Snapshot).await);
    // Age the first conversation and expire the second share.
    let pool = jobbot_db::connect(&app.db.url, 1).expect("pool");
    let mut conn = pool.get().expect("conn");
    jobbot_db::assistant::conversations::touch(
        &mut conn,
        &ids[0],
        jobbot_db::now() - chrono::TimeDelta::days(90),
    )
    .expect("age");
    let mut share = jobbot_db::shares::find(&mut conn, &expired_id)
        .expect("q")
        .expect("share");
    share.expires_at = Some(jobbot_db::now() - chrono::TimeDelta::hours(1));
    jobbot_db::shares::update(&mut conn, &share).expect("expire");
    drop(conn);

    let off = purge(&app, &["--dry-run"], None);
    assert!(off.status.success() && String::from_utf8_lossy(&off.stdout).contains("JOBBOT_RETENTION_DAYS"));
    assert!(
        named(&String::from_utf8_lossy(&off.stdout)).is_empty(),
        "retention off: nothing of the user's"
    );

    let dry = purge(&app, &["--dry-run"], Some("30"));
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let announced = named(&String::from_utf8_lossy(&dry.stdout));
    assert_eq!(
        announced,
        vec![ids[0].clone(), expired_id.clone()],
        "the old conversation and the expired share"
    );
    assert_eq!(
        app.get_bearer(&format!("/api/v1/conversations/{}", ids[0]), &alice.access_token)
            .await
            .status(),
        StatusCode::OK,
        "a dry run deletes nothing"
    );

    let real = purge(&app, &[], Some("30"));
    assert!(real.status.success());
    assert_eq!(
        named(&String::from_utf8_lossy(&real.stdout)),
        announced,
        "exactly what the dry run announced"
    );
    app.as_user(&alice)
        .refused(&format!("/api/v1/conversations/{}", ids[0]), 404, "not_found")
        .await;
    app.as_user(&alice)
        .json(&format!("/api/v1/conversations/{}", ids[1]))
        .await;
    for share_id in [share_id(&old_share), expired_id] {
        app.as_user(&bob)
            .refused(&format!("/api/v1/shares/{share_id}"), 410, "share_gone")
            .await;
    }
    let again = purge(&app, &["--dry-run"], Some("30"));
    assert!(
        named(&String::from_utf8_lossy(&again.stdout)).is_empty(),
        "nothing left to purge"
    );
}

#[actix_rt::test]
async fn the_logs_hold_no_contents_passwords_tokens_or_emails() {
    use std::io::Read;
    let db = jobbot_db::testing::TestDatabase::new(Backend::Sqlite);
    let mut server = crate::helpers::start_process(
        &crate::helpers::db_url(&db),
        &[("RUST_LOG", "debug")],
        std::process::Stdio::piped(),
    )
    .await;
    let base = server.base.clone();
    let client = crate::helpers::client();
    let (email, password, question, note) = (
        "secret.person@example.fr",
        crate::helpers::PASSWORD,
        "Ma question très privée",
        "Mon numéro 06 12 34 56 78",
    );
    client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": email, "password": password, "display_name": "Privée", "accept_terms": true}))
        .send()
        .await
        .expect("register");
    client.post(format!("{base}/api/v1/auth/register")).json(&json!({"email": "friend@example.fr", "password": password, "display_name": "Ami", "accept_terms": true})).send().await.expect("register");
    let login = crate::helpers::login_with(&base, email, password).await;
    let (access, refresh) = (
        login["access_token"].as_str().expect("a").to_owned(),
        login["refresh_token"].as_str().expect("r").to_owned(),
    );
    client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": "a-wrong-password"}))
        .send()
        .await
        .expect("login");
    let secret = Speaker::at(&client, &base, &access);
    secret.conversation_about(question).await;
    let chat = secret.open_chat("friend@example.fr").await;
    secret.say(&chat.id, note).await;
    let token: Value = secret
        .post(
            "/api/v1/me/tokens",
            json!({"name": "t", "scope": "read"}),
            &[StatusCode::CREATED],
        )
        .await;
    client
        .get(format!("{base}/api/v1/me?access_token={access}"))
        .bearer_auth(token["secret"].as_str().expect("secret"))
        .send()
        .await
        .expect("me");
    client
        .post(format!("{base}/api/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .expect("refresh");
    // The request id: nginx's is kept, returned and logged; a malformed one is replaced by a fresh one.
    let traced = client
        .get(format!("{base}/healthz"))
        .header("X-Request-Id", "0123456789abcdef0123456789abcdef")
        .send()
        .await
        .expect("healthz");
    assert_eq!(
        traced.headers()["x-request-id"],
        "0123456789abcdef0123456789abcdef"
    );
    let forged = client
        .get(format!("{base}/healthz"))
        .header("X-Request-Id", "forged id\" level=error")
        .send()
        .await
        .expect("healthz");
    let fresh = forged.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(fresh.len() >= 16 && !fresh.contains(' '), "a new id: {fresh}");
    let _ = server.child.kill();
    let mut logs = String::new();
    server
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut logs)
        .expect("logs");
    assert!(
        logs.contains("request") && logs.contains("logged in"),
        "the server did log: {logs}"
    );
    for secret in [
        email,
        password,
        "a-wrong-password",
        question,
        note,
        "06 12 34 56 78",
        &access,
        &refresh,
        token["secret"].as_str().expect("secret"),
    ] {
        assert!(!logs.contains(secret), "the logs contain {secret:?}");
    }
    assert!(logs.contains("s***@example.fr"), "emails appear masked");
    assert!(
        logs.contains("request_id=0123456789abcdef0123456789abcdef"),
        "{logs}"
    );
    assert!(logs.contains(&format!("request_id={fresh}")) && !logs.contains("forged"));
}

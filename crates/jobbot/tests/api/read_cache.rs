//! The in-memory read cache (PostgreSQL): requests skip the session lookup and a conversation's first page is
//! served from memory, and still every change made anywhere — another instance, or SQL typed by hand — shows on
//! the very next request.

use std::process::Stdio;
use std::time::Duration;

use jobbot_api::cache::{Page, ReadCache};
use jobbot_api_types::{Conversation, User};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{login_at, login_with, start_process, PASSWORD};
use crate::speak::Speaker;

async fn me(client: &reqwest::Client, base: &str, token: &str) -> reqwest::Response {
    client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET /me")
}

/// Runs `statement` on its own connection, as someone typing SQL by hand would.
async fn sql_by_hand(url: &str, statement: String) {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        use diesel::{Connection, RunQueryDsl};
        let mut conn = diesel::PgConnection::establish(&url).expect("connect");
        diesel::sql_query(statement).execute(&mut conn).expect("sql");
    })
    .await
    .expect("join")
}

async fn code(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

/// Two instances on one database; each round logs in on the first, makes the second trust the session from
/// memory, changes something on the first and asks the second at once (or changes it by hand in SQL).
#[actix_rt::test]
async fn every_revocation_reaches_the_other_instance_by_the_next_request() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = crate::helpers::db_url(&db);
    let first = start_process(&url, &[], Stdio::null()).await;
    let second = start_process(&url, &[], Stdio::null()).await;
    let client = crate::helpers::client();

    for round in 0..5 {
        let email = format!("round{round}@example.fr");
        // Logout with the access token alone.
        let user = login_at(&first.base, &email).await;
        for _ in 0..3 {
            assert_eq!(
                me(&client, &second.base, &user.access_token).await.status(),
                StatusCode::OK
            );
        }
        let logout = client
            .post(format!("{}/api/v1/auth/logout", first.base))
            .bearer_auth(&user.access_token)
            .send()
            .await
            .expect("logout");
        assert_eq!(logout.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            code(me(&client, &second.base, &user.access_token).await).await,
            (StatusCode::UNAUTHORIZED, "session_revoked".to_owned()),
            "round {round}: logout on the first instance"
        );

        // A password change ends the user's other sessions.
        let kept = login_at(&first.base, &email).await;
        let other = login_at(&first.base, &email).await;
        assert_eq!(
            me(&client, &second.base, &other.access_token).await.status(),
            StatusCode::OK
        );
        let new_password = format!("{PASSWORD}-{round}");
        let changed = client
            .post(format!("{}/api/v1/me/password", first.base))
            .bearer_auth(&kept.access_token)
            .json(&json!({"current_password": PASSWORD, "new_password": new_password}))
            .send()
            .await
            .expect("password");
        assert!(changed.status().is_success(), "{}", changed.status());
        assert_eq!(
            code(me(&client, &second.base, &other.access_token).await).await.0,
            StatusCode::UNAUTHORIZED,
            "round {round}: password change on the first instance"
        );
        // The profile the second instance returns is the new one, not the one it remembered.
        assert_eq!(
            me(&client, &second.base, &kept.access_token).await.status(),
            StatusCode::OK
        );
        let renamed = client
            .patch(format!("{}/api/v1/me", first.base))
            .bearer_auth(&kept.access_token)
            .json(&json!({"display_name": format!("Renamed {round}")}))
            .send()
            .await
            .expect("rename");
        assert_eq!(renamed.status(), StatusCode::OK);
        let seen: Value = me(&client, &second.base, &kept.access_token)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(seen["display_name"], format!("Renamed {round}"), "round {round}");

        // A revocation typed by hand in SQL, bypassing every instance.
        assert_eq!(
            me(&client, &second.base, &kept.access_token).await.status(),
            StatusCode::OK
        );
        sql_by_hand(
            &url,
            format!(
                "UPDATE sessions SET revoked_at = now() WHERE user_id = '{}'",
                kept.id
            ),
        )
        .await;
        // No instance made that change, so none waited for it: it reaches them by NOTIFY within moments.
        within_a_second(
            || async {
                me(&client, &second.base, &kept.access_token).await.status() == StatusCode::UNAUTHORIZED
            },
            "the revocation made in SQL",
        )
        .await;

        // Deleting the account, on the first instance.
        let last = login_with(&first.base, &email, &new_password).await;
        let last = last["access_token"].as_str().expect("token").to_owned();
        assert_eq!(me(&client, &second.base, &last).await.status(), StatusCode::OK);
        let deleted = client
            .delete(format!("{}/api/v1/me", first.base))
            .bearer_auth(&last)
            .json(&json!({"password": new_password}))
            .send()
            .await
            .expect("delete");
        assert!(deleted.status().is_success(), "{}", deleted.status());
        assert_eq!(
            code(me(&client, &second.base, &last).await).await.0,
            StatusCode::UNAUTHORIZED,
            "round {round}: account deleted on the first instance"
        );
    }
}

/// The cache itself, against a real PostgreSQL: it serves what it stored, forgets a user as soon as the
/// database announces a change, refuses to store what was read before a change, and is off on SQLite.
#[actix_rt::test]
async fn the_session_cache_forgets_what_the_database_announces() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = crate::helpers::db_url(&db);
    let server = start_process(&url, &[], Stdio::null()).await;
    let alice = login_at(&server.base, "alice@example.fr").await;
    let bob = login_at(&server.base, "bob@example.fr").await;
    let sessions = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::{Connection, RunQueryDsl};
            #[derive(diesel::QueryableByName)]
            struct Row {
                #[diesel(sql_type = diesel::sql_types::Text)]
                id: String,
                #[diesel(sql_type = diesel::sql_types::Text)]
                user_id: String,
            }
            let mut conn = diesel::PgConnection::establish(&url).expect("connect");
            diesel::sql_query("SELECT id, user_id FROM sessions ORDER BY created_at")
                .load::<Row>(&mut conn)
                .expect("sessions")
                .into_iter()
                .map(|r| (r.user_id, r.id))
                .collect::<Vec<_>>()
        })
        .await
        .expect("join")
    };
    let session_of = |user: &str| {
        sessions
            .iter()
            .find(|(u, _)| u == user)
            .expect("session")
            .1
            .clone()
    };
    let (alice_sid, bob_sid) = (session_of(&alice.id), session_of(&bob.id));
    let user = |id: &str| User {
        id: id.to_owned(),
        email: format!("{id}@example.fr"),
        display_name: id.to_owned(),
        role: Default::default(),
        locale: Default::default(),
        created_at: chrono::Utc::now(),
    };
    let now = jobbot_db::now();
    let later = now + chrono::TimeDelta::days(1);

    let cache = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || ReadCache::listening(url))
            .await
            .expect("join")
    };
    // Sessions are served from memory only once the instance hears its own heartbeats (its lease).
    within_a_second(|| async { cache.holds_lease() }, "the lease").await;
    let ticket = cache
        .session(&alice_sid, &alice.id, now)
        .expect_err("empty at first");
    cache.store_session(ticket, &alice_sid, user(&alice.id), later);
    let ticket = cache.session(&bob_sid, &bob.id, now).expect_err("empty at first");
    cache.store_session(ticket, &bob_sid, user(&bob.id), later);
    assert_eq!(
        cache.session(&alice_sid, &alice.id, now).expect("cached").id,
        alice.id
    );
    assert!(
        cache.session(&alice_sid, &bob.id, now).is_err(),
        "another user's claim"
    );
    assert!(
        cache.session(&alice_sid, &alice.id, later).is_err(),
        "an expired session"
    );

    // A lookup that missed, then a change: what it read before must not be stored.
    let stale = cache.session("unknown", &alice.id, now).expect_err("miss");
    sql_by_hand(
        &url,
        format!(
            "UPDATE users SET display_name = 'Alice' WHERE id = '{}'",
            alice.id
        ),
    )
    .await;
    // The notification is sent at commit; give it a moment to cross the socket, as a real request would.
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(
        cache.session(&alice_sid, &alice.id, now).is_err(),
        "alice was forgotten"
    );
    assert_eq!(
        cache.session(&bob_sid, &bob.id, now).expect("bob is kept").id,
        bob.id
    );
    cache.store_session(stale, "unknown", user(&alice.id), later);
    assert!(
        cache.session("unknown", &alice.id, now).is_err(),
        "a stale read is not stored"
    );

    // Deleting a session row is a change too.
    sql_by_hand(&url, format!("DELETE FROM sessions WHERE id = '{bob_sid}'")).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(
        cache.session(&bob_sid, &bob.id, now).is_err(),
        "bob was forgotten"
    );
    assert_eq!(cache.len(), (0, 0));

    let off = ReadCache::disabled();
    let ticket = off.session(&alice_sid, &alice.id, now).expect_err("off");
    off.store_session(ticket, &alice_sid, user(&alice.id), later);
    assert!(off.session(&alice_sid, &alice.id, now).is_err());
    let ticket = off.page("c", &alice.id).expect_err("off");
    off.store_page(ticket, "c", Page::new(alice.id.clone(), vec![]));
    assert!(off.page("c", &alice.id).is_err());
    assert_eq!(off.len(), (0, 0));
}

async fn messages(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: &str,
    limit: usize,
) -> (StatusCode, String) {
    let response = client
        .get(format!("{base}/api/v1/conversations/{id}/messages?limit={limit}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET messages");
    (response.status(), response.text().await.expect("body"))
}

/// Conversations' first pages: the second instance answers from memory with the same bytes as an instance
/// without the cache, and every change made on the first instance or by hand shows on the next request.
#[actix_rt::test]
async fn first_pages_from_memory_are_exact_and_never_stale() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = crate::helpers::db_url(&db);
    let first = start_process(&url, &[], Stdio::null()).await;
    let second = start_process(&url, &[], Stdio::null()).await;
    let reference = start_process(&url, &[("JOBBOT_READ_CACHE", "false")], Stdio::null()).await;
    let client = crate::helpers::client();
    let alice = login_at(&first.base, "alice@example.fr").await;
    let mallory = login_at(&first.base, "mallory@example.fr").await;
    let conversation: Conversation = Speaker::at(&client, &first.base, &alice.access_token)
        .post(
            "/api/v1/conversations",
            json!({"title": "Cache"}),
            &[StatusCode::CREATED],
        )
        .await;
    let id = conversation.id;
    let same_everywhere = |round: usize| {
        let (client, id, token) = (client.clone(), id.clone(), alice.access_token.clone());
        let (second, reference) = (second.base.clone(), reference.base.clone());
        async move {
            for limit in [1, 2, 3, 50, 200] {
                let expected = messages(&client, &reference, &token, &id, limit).await;
                assert_eq!(expected.0, StatusCode::OK);
                // Twice: the first may fill the cache, the second is served from it.
                for _ in 0..2 {
                    assert_eq!(
                        messages(&client, &second, &token, &id, limit).await,
                        expected,
                        "round {round}, limit {limit}"
                    );
                }
            }
        }
    };
    same_everywhere(0).await;
    for round in 1..=3 {
        // A question on the first instance (the offline coach answers at once): two new messages.
        let sent = client
            .post(format!("{}/api/v1/conversations/{id}/messages", first.base))
            .bearer_auth(&alice.access_token)
            .json(&json!({"content": format!("Question {round} : comment préparer un entretien ?")}))
            .send()
            .await
            .expect("send");
        assert!(sent.status().is_success(), "{}", sent.status());
        // Pages are not leased like sessions: the other instance has them as soon as the NOTIFY arrives, which
        // is normally before this next request, and within moments in any case.
        let count = || async {
            let page: Value = serde_json::from_str(
                &messages(&client, &second.base, &alice.access_token, &id, 200)
                    .await
                    .1,
            )
            .expect("json");
            page["items"].as_array().expect("items").len()
        };
        within_a_second(|| async { count().await == round * 2 }, "the new messages").await;
        same_everywhere(round).await;
        // Another user never gets it, cached or not.
        assert_eq!(
            code(
                client
                    .get(format!(
                        "{}/api/v1/conversations/{id}/messages?limit=50",
                        second.base
                    ))
                    .bearer_auth(&mallory.access_token)
                    .send()
                    .await
                    .expect("get")
            )
            .await,
            (StatusCode::NOT_FOUND, "not_found".to_owned())
        );
    }
    // A message edited by hand in SQL.
    sql_by_hand(
        &url,
        format!("UPDATE messages SET content = 'Modifié à la main' WHERE conversation_id = '{id}' AND role = 'user'"),
    )
    .await;
    within_a_second(
        || async {
            messages(&client, &second.base, &alice.access_token, &id, 50)
                .await
                .1
                .contains("Modifié à la main")
        },
        "the edit made in SQL",
    )
    .await;
    same_everywhere(4).await;
    // Deleted on the first instance: gone on the second at once.
    let deleted = client
        .delete(format!("{}/api/v1/conversations/{id}", first.base))
        .bearer_auth(&alice.access_token)
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    within_a_second(
        || async {
            messages(&client, &second.base, &alice.access_token, &id, 50)
                .await
                .0
                == StatusCode::NOT_FOUND
        },
        "the deletion",
    )
    .await;
}

/// Waits until `ready` holds, for at most a second (asserting it then does).
async fn within_a_second<F, Fut>(ready: F, what: &str)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while !ready().await {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{what} did not show within a second"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// On SQLite the sessions are kept in memory too (one instance owns the file): a warm session is served without
/// reading it — proven by a revocation typed by hand in SQL, which the memory does not see within its 30 s —,
/// while everything the API changes (another session's password change, a profile change) shows on the very
/// next request.
#[actix_rt::test]
async fn on_sqlite_warm_sessions_come_from_memory_and_api_changes_show_at_once() {
    let dir = std::env::temp_dir().join(format!("jobbot-sqlite-cache-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}", dir.join("jobbot.sqlite3").display());
    let server = start_process(&url, &[], Stdio::null()).await;
    let base = server.base.clone();
    let client = crate::helpers::client();
    let alice = login_at(&base, "alice@example.fr").await;
    let alice_two = login_with(&base, "alice@example.fr", PASSWORD).await;
    let alice_two = alice_two["access_token"].as_str().expect("token").to_owned();
    let bob = login_at(&base, "bob@example.fr").await;
    let bob_cold = login_with(&base, "bob@example.fr", PASSWORD).await;
    let bob_cold = bob_cold["access_token"].as_str().expect("token").to_owned();
    for token in [&alice.access_token, &alice_two, &bob.access_token] {
        for _ in 0..2 {
            assert_eq!(me(&client, &base, token).await.status(), StatusCode::OK);
        }
    }

    // Bob's sessions revoked by hand, behind the server's back: the warm one is still served from memory, the
    // cold one is read and refused.
    let path = dir.join("jobbot.sqlite3");
    let bob_id = bob.id.clone();
    tokio::task::spawn_blocking(move || {
        use diesel::{Connection, RunQueryDsl};
        let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).expect("connect");
        diesel::sql_query(format!(
            "UPDATE sessions SET revoked_at = '2026-01-01 00:00:00' WHERE user_id = '{bob_id}'"
        ))
        .execute(&mut conn)
        .expect("sql");
    })
    .await
    .expect("join");
    assert_eq!(
        me(&client, &base, &bob.access_token).await.status(),
        StatusCode::OK,
        "from memory"
    );
    assert_eq!(
        code(me(&client, &base, &bob_cold).await).await,
        (StatusCode::UNAUTHORIZED, "session_revoked".into())
    );

    // Through the API: a profile change shows at once in the other warm session…
    let renamed = client
        .patch(format!("{base}/api/v1/me"))
        .bearer_auth(&alice.access_token)
        .json(&json!({"display_name": "Alice Martin"}))
        .send()
        .await
        .expect("rename");
    assert_eq!(renamed.status(), StatusCode::OK);
    let seen: Value = me(&client, &base, &alice_two).await.json().await.expect("json");
    assert_eq!(seen["display_name"], "Alice Martin");
    // …and a password changed in one session ends the other (warm) one on its next request.
    let changed = client
        .post(format!("{base}/api/v1/me/password"))
        .bearer_auth(&alice_two)
        .json(&json!({"current_password": PASSWORD, "new_password": "Un-autre-mot-de-passe-77"}))
        .send()
        .await
        .expect("password");
    assert!(changed.status().is_success(), "{}", changed.status());
    assert_eq!(
        code(me(&client, &base, &alice.access_token).await).await,
        (StatusCode::UNAUTHORIZED, "session_revoked".into())
    );
    assert_eq!(
        me(&client, &base, &alice_two).await.status(),
        StatusCode::OK,
        "the one that changed it stays"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

//! Shares after they are made: who may reach one (the authorization matrix), a live share's cut, and gone or
//! blocked shares kept out of reach (export, fork, re-snapshot) — on both backends. The chats and the making of
//! a share are in `chats.rs`, whose set-up helpers these use.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::chats::{json_of, set_block, share};
use crate::helpers::{assert_problem, TestApp, TestUser};
use crate::speak::sharing;
use jobbot_domain::ShareMode;

both_backends!(
    live_shares_stop_at_their_cut,
    gone_and_blocked_shares_stay_out_of_reach,
    authorization_matrix
);

async fn authorization_matrix(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let carol = app.user("carol@example.fr").await;
    let chat = app.as_user(&alice).open_chat("bob@example.fr").await.id;
    let conversation = app
        .as_user(&alice)
        .conversation_about("Préparer un entretien")
        .await
        .id;
    let card = json_of(share(&app, &alice, &chat, sharing(&conversation, ShareMode::Live)).await).await;
    let share_id = card["share"]["id"].as_str().expect("id").to_owned();
    let message_id = card["id"].as_str().expect("id").to_owned();

    let chat_calls = |token: &str| {
        let c = &app.client;
        vec![
            c.get(app.url(&format!("/api/v1/chats/{chat}/messages")))
                .bearer_auth(token),
            c.post(app.url(&format!("/api/v1/chats/{chat}/messages")))
                .bearer_auth(token)
                .json(&json!({"content": "hi"})),
            c.post(app.url(&format!("/api/v1/chats/{chat}/read")))
                .bearer_auth(token)
                .json(&json!({"message_id": message_id})),
            c.post(app.url(&format!("/api/v1/chats/{chat}/leave")))
                .bearer_auth(token),
            c.post(app.url(&format!("/api/v1/chats/{chat}/block")))
                .bearer_auth(token),
            c.delete(app.url(&format!("/api/v1/chats/{chat}/block")))
                .bearer_auth(token),
            c.post(app.url(&format!("/api/v1/chats/{chat}/shares")))
                .bearer_auth(token)
                .json(&sharing(&conversation, ShareMode::Snapshot)),
        ]
    };
    let share_calls = |token: &str| {
        let c = &app.client;
        vec![
            c.get(app.url(&format!("/api/v1/shares/{share_id}")))
                .bearer_auth(token),
            c.patch(app.url(&format!("/api/v1/shares/{share_id}")))
                .bearer_auth(token)
                .json(&json!({"resnapshot": true})),
            c.delete(app.url(&format!("/api/v1/shares/{share_id}")))
                .bearer_auth(token),
            c.post(app.url(&format!("/api/v1/shares/{share_id}/fork")))
                .bearer_auth(token),
        ]
    };
    // A third user gets 404 on every chat and share endpoint.
    for call in chat_calls(&carol.access_token)
        .into_iter()
        .chain(share_calls(&carol.access_token))
    {
        assert_problem(call.send().await.expect("request"), 404, "not_found").await;
    }
    let carols: Vec<Value> = app.as_user(&carol).get("/api/v1/chats").await;
    assert!(carols.is_empty());
    // The recipient may read and fork, not change or revoke.
    for call in share_calls(&bob.access_token).into_iter().skip(1).take(2) {
        assert_problem(call.send().await.expect("request"), 404, "not_found").await;
    }
    // Nor share Alice's conversation.
    assert_problem(
        share(&app, &bob, &chat, sharing(&conversation, ShareMode::Snapshot)).await,
        404,
        "not_found",
    )
    .await;

    // Expired: the recipient gets 410, the owner still sees it.
    let pool = jobbot_db::connect(&app.db.url, 1).expect("pool");
    let mut conn = pool.get().expect("conn");
    let mut row = jobbot_db::shares::find(&mut conn, &share_id)
        .expect("query")
        .expect("share");
    row.expires_at = Some(jobbot_db::now() - chrono::TimeDelta::minutes(1));
    jobbot_db::shares::update(&mut conn, &row).expect("expire");
    for call in [
        share_calls(&bob.access_token).remove(0),
        share_calls(&bob.access_token).remove(3),
    ] {
        assert_problem(call.send().await.expect("request"), 410, "share_gone").await;
    }
    let owner = app
        .as_user(&alice)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
    assert_eq!(owner["share"]["state"], "expired");
    // Revoked likewise.
    row.expires_at = None;
    jobbot_db::shares::update(&mut conn, &row).expect("unexpire");
    app.as_user(&bob)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
    let revoke = app
        .as_user(&alice)
        .delete(&format!("/api/v1/shares/{share_id}"))
        .await;
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    for call in [
        share_calls(&bob.access_token).remove(0),
        share_calls(&bob.access_token).remove(3),
    ] {
        assert_problem(call.send().await.expect("request"), 410, "share_gone").await;
    }
    let messages = app
        .as_user(&bob)
        .json(&format!("/api/v1/chats/{chat}/messages"))
        .await;
    assert_eq!(
        messages["items"][0]["share"]["state"], "revoked",
        "the card says so"
    );
}

async fn patch_share(app: &TestApp, user: &TestUser, share: &str, body: Value) -> reqwest::Response {
    app.as_user(user)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/shares/{share}"),
            Some(body.clone()),
        )
        .await
}

async fn ask(app: &TestApp, user: &TestUser, conversation: &str, question: &str) {
    let sent = app
        .as_user(user)
        .send(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"content": question}),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
}

async fn share_id(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::CREATED);
    json_of(response).await["share"]["id"]
        .as_str()
        .expect("share id")
        .to_owned()
}

async fn transcript_len(app: &TestApp, user: &TestUser, share: &str) -> Option<usize> {
    let seen = app.as_user(user).json(&format!("/api/v1/shares/{share}")).await;
    seen["messages"].as_array().map(Vec::len)
}

/// Finding: a live share cut at a message showed the whole conversation.
async fn live_shares_stop_at_their_cut(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let chat = app.as_user(&alice).open_chat("bob@example.fr").await.id;
    let conversation = app
        .as_user(&alice)
        .conversation_about("Comment rédiger mon CV ?")
        .await
        .id;
    ask(&app, &alice, &conversation, "Et la lettre de motivation ?").await;
    let listed = app
        .as_user(&alice)
        .json(&format!("/api/v1/conversations/{conversation}/messages"))
        .await;
    let second = listed["items"][1]["id"].as_str().expect("id").to_owned();
    let live = share_id(
        share(
            &app,
            &alice,
            &chat,
            json!({"conversation_id": conversation, "mode": "live", "up_to_message_id": second}),
        )
        .await,
    )
    .await;
    assert_eq!(
        transcript_len(&app, &bob, &live).await,
        Some(2),
        "the cut holds for a live share"
    );
    ask(&app, &alice, &conversation, "Et pour l'entretien ?").await;
    assert_eq!(
        transcript_len(&app, &bob, &live).await,
        Some(2),
        "and keeps holding as it grows"
    );
    // Without a cut, a live share follows everything.
    let uncut = share_id(share(&app, &alice, &chat, sharing(&conversation, ShareMode::Live)).await).await;
    assert_eq!(transcript_len(&app, &bob, &uncut).await, Some(6));
    let fork = app
        .as_user(&bob)
        .post_empty(&format!("/api/v1/shares/{live}/fork"))
        .await;
    let forked = json_of(fork).await["id"].as_str().expect("id").to_owned();
    let copy = app
        .as_user(&bob)
        .json(&format!("/api/v1/conversations/{forked}/messages"))
        .await;
    assert_eq!(
        copy["items"].as_array().map(Vec::len),
        Some(2),
        "a fork takes what the share shows"
    );
}

fn received(files: &std::collections::HashMap<String, String>) -> Vec<Value> {
    serde_json::from_str::<Value>(&files["shares-received.json"])
        .expect("json")
        .as_array()
        .expect("list")
        .clone()
}

fn by_id<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter().find(|s| s["id"] == id).expect("the share is listed")
}

/// Findings: a revoked/expired/deleted share's transcript leaked through the recipient's export; blocking did
/// not stop live shares, forks, or the owner's re-snapshots.
async fn gone_and_blocked_shares_stay_out_of_reach(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let chat = app.as_user(&alice).open_chat("bob@example.fr").await.id;
    let secret = "Mon ancien employeur s'appelle Durand Industries";
    let conversation = app.as_user(&alice).conversation_about(secret).await.id;
    let other = app
        .as_user(&alice)
        .conversation_about("Comment préparer un entretien ?")
        .await
        .id;
    let body = |c: &str, mode: &str| json!({"conversation_id": c, "mode": mode});
    let revoked = share_id(share(&app, &alice, &chat, body(&conversation, "snapshot")).await).await;
    let expired = share_id(share(&app, &alice, &chat, body(&conversation, "live")).await).await;
    let deleted = share_id(share(&app, &alice, &chat, body(&other, "snapshot")).await).await;
    let active = share_id(share(&app, &alice, &chat, body(&conversation, "live")).await).await;

    let before = app.export(&bob.access_token).await;
    assert_eq!(
        by_id(&received(&before), &active)["transcript"][0]["content"],
        secret,
        "an active share is exported with its transcript"
    );
    assert_eq!(
        by_id(&received(&before), &revoked)["transcript"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let gone = app
        .as_user(&alice)
        .delete(&format!("/api/v1/shares/{revoked}"))
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    app.with_db(|conn| {
        let mut row = jobbot_db::shares::find(conn, &expired)
            .expect("query")
            .expect("share");
        row.expires_at = Some(jobbot_db::now() - chrono::TimeDelta::minutes(1));
        jobbot_db::shares::update(conn, &row).expect("expire");
    });
    let deleting = app
        .as_user(&alice)
        .delete(&format!("/api/v1/conversations/{other}"))
        .await;
    assert_eq!(deleting.status(), StatusCode::NO_CONTENT);
    for id in [&revoked, &expired, &deleted] {
        app.as_user(&bob)
            .refused(&format!("/api/v1/shares/{id}"), 410, "share_gone")
            .await;
    }
    let after = received(&app.export(&bob.access_token).await);
    for (id, state) in [
        (&revoked, "revoked"),
        (&expired, "expired"),
        (&deleted, "revoked"),
    ] {
        let tombstone = by_id(&after, id);
        assert_eq!(
            (
                tombstone["state"].as_str(),
                tombstone["transcript"].is_null(),
                tombstone["title"].is_string()
            ),
            (Some(state), true, true),
            "a gone share is a tombstone in the export: {tombstone}"
        );
    }
    assert_eq!(
        by_id(&after, &active)["transcript"].as_array().map(Vec::len),
        Some(2)
    );

    // Alice blocks Bob: he can no longer read, fork or export her live share; she cannot push new content.
    set_block(&app, &alice, &chat, true).await;
    app.as_user(&bob)
        .refused(&format!("/api/v1/shares/{active}"), 403, "blocked")
        .await;
    let fork = app
        .as_user(&bob)
        .post_empty(&format!("/api/v1/shares/{active}/fork"))
        .await;
    assert_problem(fork, 403, "blocked").await;
    assert_problem(
        patch_share(&app, &alice, &active, json!({"resnapshot": true})).await,
        403,
        "blocked",
    )
    .await;
    assert_problem(
        share(&app, &alice, &chat, body(&conversation, "snapshot")).await,
        403,
        "blocked",
    )
    .await;
    let blocked_export = received(&app.export(&bob.access_token).await);
    assert!(
        blocked_export.iter().all(|s| s["transcript"].is_null()),
        "no transcript leaks through the export: {blocked_export:?}"
    );
    assert_eq!(
        app.get_bearer(&format!("/api/v1/shares/{active}"), &alice.access_token)
            .await
            .status(),
        StatusCode::OK,
        "the owner still sees her share"
    );

    // The other way round: Bob blocks Alice (after she unblocks him); she cannot re-snapshot into his chat.
    set_block(&app, &alice, &chat, false).await;
    assert_eq!(transcript_len(&app, &bob, &active).await, Some(2));
    set_block(&app, &bob, &chat, true).await;
    assert_problem(
        patch_share(&app, &alice, &active, json!({"resnapshot": true})).await,
        403,
        "blocked",
    )
    .await;
    app.as_user(&bob)
        .refused(&format!("/api/v1/shares/{active}"), 403, "blocked")
        .await;
}

//! Saved searches and their alerts: new matching offers raise one notification per search per day, live over
//! the WebSocket (on connect too), listed and marked read; every refusal; export.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, ok, send, spawn_app_with, TestApp, TestUser};
use crate::realtime::{connect, next_event};

both_backends!(
    alert_rules_once_a_day_open_public_offers_only,
    refusals_and_limits
);

async fn recruiter(app: &TestApp, email: &str) -> TestUser {
    let user = app.user(email).await;
    app.promote(&user.id, "recruiter").await;
    user
}

/// A recruiter's public offer in `postcode`: its id.
async fn post_offer(app: &TestApp, boss: &TestUser, title: &str, postcode: &str) -> String {
    let body = json!({
        "title": title,
        "description": format!("{title} : poste à pourvoir rapidement, expérience souhaitée."),
        "company": "Volta Services",
        "contract_type": "cdi",
        "location": {"postcode": postcode},
    });
    let offer = ok(
        send(app, boss, Method::POST, "/api/v1/offers", Some(body)).await,
        StatusCode::CREATED,
    )
    .await;
    offer["id"].as_str().expect("id").to_owned()
}

async fn save_search(app: &TestApp, user: &TestUser, body: Value) -> Value {
    ok(
        send(app, user, Method::POST, "/api/v1/me/saved-searches", Some(body)).await,
        StatusCode::CREATED,
    )
    .await
}

async fn notifications(app: &TestApp, user: &TestUser) -> Value {
    ok(
        send(app, user, Method::GET, "/api/v1/me/notifications", None).await,
        StatusCode::OK,
    )
    .await
}

async fn saved(app: &TestApp, user: &TestUser, id: &str) -> Value {
    ok(
        send(
            app,
            user,
            Method::GET,
            &format!("/api/v1/me/saved-searches/{id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await
}

/// Runs the alert check as the server's does, at `now` (another instance's hub: nobody listens to it).
fn check(app: &TestApp, now: chrono::NaiveDateTime) -> usize {
    let hub = jobbot_api::realtime::Hub::new();
    app.with_db(|conn| jobbot_api::alerts::check(conn, &hub, now))
        .expect("check")
        .expect("not locked")
}

async fn alert_rules_once_a_day_open_public_offers_only(app: TestApp) {
    let boss = recruiter(&app, "rh@volta.fr").await;
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    // An offer posted before the search is saved is not news to it.
    post_offer(&app, &boss, "Électricien de chantier", "69003").await;
    let on = save_search(
        &app,
        &alice,
        json!({"query": {"q": "electriciens", "departement": ["69"]}}),
    )
    .await;
    assert_eq!(on["name"], "electriciens", "the words name it");
    assert_eq!(on["alerts"], true, "alerts are on by default");
    assert_eq!(on["new_offers"], 0);
    let on_id = on["id"].as_str().expect("id").to_owned();
    let off = save_search(
        &app,
        &alice,
        json!({"name": "Sans alerte", "alerts": false, "query": {"q": "électricien"}}),
    )
    .await;
    let off_id = off["id"].as_str().expect("id").to_owned();
    save_search(
        &app,
        &alice,
        json!({"name": "Boulangerie", "query": {"q": "boulanger"}}),
    )
    .await;
    let t0 = jobbot_db::now();
    assert_eq!(check(&app, t0), 0, "nothing new yet");

    let first = post_offer(&app, &boss, "Électricien de maintenance H/F", "69007").await;
    post_offer(&app, &boss, "Électricien tertiaire", "75011").await; // another département
    post_offer(&app, &boss, "Plombier chauffagiste", "69003").await;
    // Bob's own find matches too, but it is private to him.
    ok(
        send(
            &app,
            &bob,
            Method::POST,
            "/api/v1/offers",
            Some(json!({"title": "Électricien (trouvée ailleurs)", "description": "Lyon.", "location": {"postcode": "69001"}})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let now = jobbot_db::now();
    assert_eq!(check(&app, now), 1, "one alert: the search with alerts on");
    let list = notifications(&app, &alice).await;
    assert_eq!(list["unread"], 1);
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "saved_search");
    assert_eq!(items[0]["saved_search_id"], on_id.as_str());
    assert_eq!(items[0]["title"], "electriciens");
    assert_eq!(items[0]["count"], 1);
    assert_eq!(items[0]["offers"][0]["id"], first.as_str());
    assert_eq!(items[0]["offers"][0]["company"], "Volta Services");
    assert!(items[0]["read_at"].is_null());
    assert_eq!(notifications(&app, &bob).await["unread"], 0, "nobody else's");

    // Within the day: no second alert, however many offers come; the search counts them as new.
    assert_eq!(check(&app, now), 0);
    let second = post_offer(&app, &boss, "Électricien bâtiment", "69100").await;
    assert_eq!(
        check(&app, now + chrono::TimeDelta::hours(23)),
        0,
        "at most one a day"
    );
    let search = saved(&app, &alice, &on_id).await;
    assert_eq!(search["new_offers"], 2, "both are new to the search");
    assert!(search["alerted_at"].is_string());
    assert_eq!(
        saved(&app, &alice, &off_id).await["new_offers"],
        3,
        "alerts off: still counted (any département)"
    );
    // A day after the last alert: one more, for what came since.
    let later = now + chrono::TimeDelta::hours(25);
    assert_eq!(check(&app, later), 1);
    let list = notifications(&app, &alice).await;
    assert_eq!(list["unread"], 2);
    assert_eq!(
        list["items"][0]["count"], 1,
        "only the offer added since the last alert"
    );
    assert_eq!(list["items"][0]["offers"][0]["id"], second.as_str());
    assert_eq!(
        check(&app, later + chrono::TimeDelta::days(2)),
        0,
        "nothing new since"
    );

    // Alerts turned on again start from now: what exists is not news.
    let patched = ok(
        send(
            &app,
            &alice,
            Method::PATCH,
            &format!("/api/v1/me/saved-searches/{off_id}"),
            Some(json!({"alerts": true, "name": "Électricité"})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(patched["alerts"], true);
    assert_eq!(patched["name"], "Électricité");
    assert_eq!(check(&app, later + chrono::TimeDelta::days(3)), 0);

    // Opening the results: no new offers until more come.
    let seen = ok(
        send(
            &app,
            &alice,
            Method::POST,
            &format!("/api/v1/me/saved-searches/{on_id}/seen"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["new_offers"], 0);
    assert_eq!(saved(&app, &alice, &on_id).await["new_offers"], 0);
    // Changing what it searches: only what comes next is new.
    let moved = ok(
        send(
            &app,
            &alice,
            Method::PATCH,
            &format!("/api/v1/me/saved-searches/{on_id}"),
            Some(json!({"query": {"q": "plombier", "contract": ["cdi", "cdi"], "salary_min": 0}})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["query"]["contract"], json!(["cdi"]), "stored once");
    assert_eq!(moved["query"]["departement"], json!([]));
    assert_eq!(moved["new_offers"], 0);

    // Marking read: one, then all.
    let list = notifications(&app, &alice).await;
    let newest = list["items"][0]["id"].as_str().expect("id").to_owned();
    let unread = ok(
        send(
            &app,
            &bob,
            Method::POST,
            "/api/v1/me/notifications/read",
            Some(json!({"ids": [newest]})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unread["unread"], 0, "Bob marks nothing of Alice's");
    assert_eq!(notifications(&app, &alice).await["unread"], 2);
    let unread = ok(
        send(
            &app,
            &alice,
            Method::POST,
            "/api/v1/me/notifications/read",
            Some(json!({"ids": [newest]})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unread["unread"], 1);
    let unread = ok(
        send(
            &app,
            &alice,
            Method::POST,
            "/api/v1/me/notifications/read",
            Some(json!({})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unread["unread"], 0);
    assert!(notifications(&app, &alice).await["items"][1]["read_at"].is_string());

    // The export has them; deleting the search deletes its notifications.
    let files = app.export(&alice.access_token).await;
    let searches: Value = serde_json::from_str(&files["saved-searches.json"]).expect("json");
    assert_eq!(searches.as_array().expect("list").len(), 3);
    let kept: Value = serde_json::from_str(&files["notifications.json"]).expect("json");
    assert_eq!(kept.as_array().expect("list").len(), 2);
    assert!(files["README.txt"].contains("saved-searches.json"));
    // Read ones go with `jobbot purge` once old enough (here: a day from now, as if 180 days had passed).
    let read = app
        .with_db(|conn| jobbot_db::saved_searches::purge_read(conn, jobbot_db::now(), true))
        .expect("count");
    assert_eq!(read, 2, "both are read");
    let purged = app
        .with_db(|conn| {
            jobbot_db::saved_searches::purge_read(conn, jobbot_db::now() + chrono::TimeDelta::days(1), false)
        })
        .expect("purge");
    assert_eq!(purged, 2);
    assert_eq!(notifications(&app, &alice).await["items"], json!([]));
    let gone = send(
        &app,
        &alice,
        Method::DELETE,
        &format!("/api/v1/me/saved-searches/{on_id}"),
        None,
    )
    .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(notifications(&app, &alice).await["items"], json!([]));
    let again = send(
        &app,
        &alice,
        Method::DELETE,
        &format!("/api/v1/me/saved-searches/{on_id}"),
        None,
    )
    .await;
    assert_problem(again, 404, "not_found").await;
}

async fn refusals_and_limits(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let search = save_search(&app, &alice, json!({})).await;
    assert_eq!(search["name"], "Ma recherche");
    assert_eq!(
        search["query"],
        json!({"q": "", "contract": [], "remote": [], "departement": [], "salary_min": null})
    );
    let id = search["id"].as_str().expect("id").to_owned();

    for (body, field) in [
        (json!({"name": "  "}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"query": {"q": "x".repeat(201)}}), "query.q"),
        (
            json!({"query": {"departement": ["69", "20"]}}),
            "query.departement[1]",
        ),
        (json!({"query": {"salary_min": 20_000_000}}), "query.salary_min"),
    ] {
        let response = send(
            &app,
            &alice,
            Method::POST,
            "/api/v1/me/saved-searches",
            Some(body.clone()),
        )
        .await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    for body in [
        json!({"query": []}),
        json!({"query": {"contract": ["permanent"]}}),
        json!({"query": {"salary_min": -1}}),
        json!({"alerts": "yes"}),
    ] {
        let response = send(
            &app,
            &alice,
            Method::POST,
            "/api/v1/me/saved-searches",
            Some(body.clone()),
        )
        .await;
        assert!(response.status().is_client_error(), "{body}");
    }
    let response = send(
        &app,
        &alice,
        Method::PATCH,
        &format!("/api/v1/me/saved-searches/{id}"),
        Some(json!({"name": ""})),
    )
    .await;
    assert_problem(response, 422, "validation_failed").await;

    // Someone else's search is not found, whatever the method.
    let path = format!("/api/v1/me/saved-searches/{id}");
    assert_problem(send(&app, &bob, Method::GET, &path, None).await, 404, "not_found").await;
    assert_problem(
        send(&app, &bob, Method::PATCH, &path, Some(json!({"alerts": false}))).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        send(&app, &bob, Method::DELETE, &path, None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        send(&app, &bob, Method::POST, &format!("{path}/seen"), None).await,
        404,
        "not_found",
    )
    .await;
    let mine = ok(
        send(&app, &bob, Method::GET, "/api/v1/me/saved-searches", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine, json!([]));
    assert_eq!(saved(&app, &alice, &id).await["alerts"], true, "untouched");

    // A read-only token reads, and changes nothing.
    let token = app.create_token(&alice.access_token, "read").await;
    let secret = token["secret"].as_str().expect("secret");
    let list = app.get_bearer("/api/v1/me/saved-searches", secret).await;
    assert_eq!(list.status(), StatusCode::OK);
    let refused = app
        .with_token(secret)
        .send("/api/v1/me/saved-searches", json!({}))
        .await;
    assert_problem(refused, 403, "insufficient_scope").await;
    let refused = app
        .with_token(secret)
        .send("/api/v1/me/notifications/read", json!({}))
        .await;
    assert_problem(refused, 403, "insufficient_scope").await;
    let too_many: Vec<String> = (0..101).map(|i| i.to_string()).collect();
    let response = send(
        &app,
        &alice,
        Method::POST,
        "/api/v1/me/notifications/read",
        Some(json!({"ids": too_many})),
    )
    .await;
    assert_problem(response, 422, "validation_failed").await;

    // Twenty at most.
    for i in 1..20 {
        save_search(&app, &alice, json!({"name": format!("Recherche {i}")})).await;
    }
    let response = send(
        &app,
        &alice,
        Method::POST,
        "/api/v1/me/saved-searches",
        Some(json!({})),
    )
    .await;
    assert_problem(response, 409, "conflict").await;
    // Not logged in.
    let anonymous = app
        .client
        .get(app.url("/api/v1/me/saved-searches"))
        .send()
        .await
        .expect("get");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

/// The server's own check (every second here) reaches the user's open sockets, and a new socket hears the
/// unread count at once; marking read elsewhere reaches them too.
async fn alerts_arrive_live(backend: jobbot_db::Backend) {
    let app = spawn_app_with(backend, &[("JOBBOT_ALERTS_EVERY_SECONDS", "1")]).await;
    let boss = recruiter(&app, "rh@volta.fr").await;
    let alice = app.user("alice@example.fr").await;
    save_search(
        &app,
        &alice,
        json!({"name": "Soudeur", "query": {"q": "soudeur"}}),
    )
    .await;
    let mut socket = connect(&app.address, &alice.access_token).await;
    post_offer(&app, &boss, "Soudeur TIG", "13008").await;
    let event = next_event(&mut socket).await;
    assert_eq!(event, json!({"type": "notifications", "data": {"unread": 1}}));
    let mut another = connect(&app.address, &alice.access_token).await;
    assert_eq!(
        next_event(&mut another).await,
        json!({"type": "notifications", "data": {"unread": 1}}),
        "on connect"
    );
    ok(
        send(
            &app,
            &alice,
            Method::POST,
            "/api/v1/me/notifications/read",
            Some(json!({})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for socket in [&mut socket, &mut another] {
        assert_eq!(
            next_event(socket).await,
            json!({"type": "notifications", "data": {"unread": 0}})
        );
    }
}

#[actix_rt::test]
async fn alerts_arrive_live_sqlite() {
    alerts_arrive_live(jobbot_db::Backend::Sqlite).await;
}

#[actix_rt::test]
async fn alerts_arrive_live_postgres() {
    alerts_arrive_live(jobbot_db::Backend::Postgres).await;
}

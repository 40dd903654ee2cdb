//! Job offers: the sample import (idempotent), search with filters, facets and cursors, recruiters' offers,
//! candidates' private offers, saved offers, and every refusal.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, db_url, TestApp, TestUser};

both_backends!(
    search_filters_facets_and_pages,
    recruiters_post_edit_and_close_only_their_offers,
    private_offers_and_saved_offers_stay_their_owners,
    import_is_idempotent_by_france_travail_id
);

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../samples/offres-france-travail.json"
);

/// The sample's offers, as an import stores them.
fn sample_rows() -> Vec<jobbot_db::offers::OfferRow> {
    let bytes = std::fs::read(SAMPLE).expect("the sample file");
    jobbot_api::offers::france_travail::parse_file(&bytes)
        .expect("parses")
        .into_iter()
        .map(|o| o.into_row(jobbot_db::now()))
        .collect()
}

fn load_sample(app: &TestApp) -> usize {
    let rows = sample_rows();
    app.with_db(|conn| jobbot_db::offers::upsert_by_source(conn, &rows))
        .expect("loads")
        .inserted
}

async fn get(app: &TestApp, user: &TestUser, path: &str) -> reqwest::Response {
    app.get_bearer(path, &user.access_token).await
}

async fn page(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let response = get(app, user, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.expect("json")
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["title"].as_str().expect("title").to_owned())
        .collect()
}

fn count(facet: &Value, value: &str) -> i64 {
    facet
        .as_array()
        .expect("facet")
        .iter()
        .find(|f| f["value"] == value)
        .map_or(0, |f| f["count"].as_i64().expect("count"))
}

async fn search_filters_facets_and_pages(app: TestApp) {
    assert_eq!(load_sample(&app), 24);
    let user = app.user("lea@example.fr").await;

    let anonymous = app
        .client
        .get(app.url("/api/v1/offers"))
        .send()
        .await
        .expect("get");
    assert_problem(anonymous, 401, "unauthenticated").await;

    // Accents, case and plural forms: all the electricians, the title match first.
    let found = page(&app, &user, "/api/v1/offers?q=electriciens").await;
    let names = titles(&found);
    assert!(names[0].starts_with("Électricien"), "{names:?}");
    assert!(
        !names.iter().any(|t| t.starts_with("Électrotechnicien")),
        "{names:?}"
    );
    assert_eq!(found["total"], names.len());
    let offer = &found["items"][0];
    assert_eq!(offer["contract_type"], "interim");
    assert_eq!(offer["location"]["departement"], "69");
    assert_eq!(offer["source"], "france_travail");
    assert_eq!(offer["saved"], false);
    assert_eq!(offer["mine"], false);

    // Facets count the matches of the query with the other filters.
    let all = page(&app, &user, "/api/v1/offers?limit=50").await;
    assert_eq!(all["total"], 24);
    assert_eq!(all["items"].as_array().expect("items").len(), 24);
    let facets = &all["facets"];
    let by_contract: i64 = facets["contract"]
        .as_array()
        .expect("contract")
        .iter()
        .map(|f| f["count"].as_i64().expect("n"))
        .sum();
    assert_eq!(by_contract, 24, "every sample offer has a contract type");
    assert_eq!(count(&facets["departement"], "31"), 2);
    assert_eq!(count(&facets["contract"], "alternance"), 2);
    // The contract facet ignores the contract filter (it shows the alternatives); the others apply it.
    let cdi = page(&app, &user, "/api/v1/offers?contract=cdi&limit=50").await;
    assert_eq!(cdi["total"], count(&facets["contract"], "cdi"));
    assert_eq!(cdi["facets"]["contract"], facets["contract"]);
    assert!(cdi["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|o| o["contract_type"] == "cdi"));
    let toulouse_cdi = page(&app, &user, "/api/v1/offers?contract=cdi,cdd&departement=31").await;
    assert_eq!(titles(&toulouse_cdi).len(), 2);
    let remote = page(&app, &user, "/api/v1/offers?remote=remote&limit=50").await;
    assert!(
        titles(&remote).iter().any(|t| t.contains("full-stack")),
        "{:?}",
        titles(&remote)
    );
    let rich = page(&app, &user, "/api/v1/offers?salary_min=50000").await;
    assert!(rich["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|o| o["salary_max"].as_i64() >= Some(50_000)));
    assert!(!titles(&rich).is_empty());
    let recent = page(
        &app,
        &user,
        "/api/v1/offers?published_since=2026-11-24&sort=date&limit=50",
    )
    .await;
    let dates: Vec<&str> = recent["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["published_at"].as_str().expect("date"))
        .collect();
    assert!(
        !dates.is_empty() && dates.iter().all(|d| *d >= "2026-11-24"),
        "{dates:?}"
    );
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");

    // Pages of 5 through the cursor give the same 24 offers, without facets after the first.
    let mut seen = Vec::new();
    let mut path = "/api/v1/offers?limit=5".to_owned();
    loop {
        let p = page(&app, &user, &path).await;
        if !seen.is_empty() {
            assert!(p["facets"].is_null() && p["total"].is_null());
        }
        seen.extend(titles(&p));
        match p["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/offers?limit=5&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, titles(&all));

    // Bad parameters: each is named.
    let bad = get(
        &app,
        &user,
        "/api/v1/offers?contract=cdx&remote=moon&departement=123&salary_min=-1&published_since=hier&sort=best&limit=0&cursor=xyz",
    )
    .await;
    let body = assert_problem(bad, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    for field in [
        "contract",
        "remote",
        "departement",
        "salary_min",
        "published_since",
        "sort",
        "limit",
        "cursor",
    ] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let long = get(&app, &user, &format!("/api/v1/offers?q={}", "a".repeat(201))).await;
    assert_problem(long, 422, "validation_failed").await;
    // Punctuation alone is no query: everything matches.
    let punctuation = page(&app, &user, "/api/v1/offers?q=%22%22%20*%20-").await;
    assert_eq!(punctuation["total"], 24);
}

async fn recruiter(app: &TestApp, email: &str) -> TestUser {
    let user = app.user(email).await;
    app.promote(&user.id, "recruiter").await;
    user
}

async fn post_offer(app: &TestApp, user: &TestUser, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/offers"))
        .bearer_auth(&user.access_token)
        .json(body)
        .send()
        .await
        .expect("post")
}

async fn patch_offer(app: &TestApp, user: &TestUser, id: &str, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/v1/offers/{id}")))
        .bearer_auth(&user.access_token)
        .json(body)
        .send()
        .await
        .expect("patch")
}

async fn recruiters_post_edit_and_close_only_their_offers(app: TestApp) {
    let boss = recruiter(&app, "rh@volta.fr").await;
    let rival = recruiter(&app, "rh@rival.fr").await;
    let candidate = app.user("sam@example.fr").await;

    let created = post_offer(
        &app,
        &boss,
        &json!({
            "title": "Soudeur / Soudeuse TIG (H/F)",
            "description": "Soudure inox sur tuyauterie industrielle, lecture de plans isométriques.",
            "company": "Volta Industrie",
            "contract_type": "cdi",
            "working_time": "full_time",
            "remote": "on_site",
            "location": {"label": "69 - Vénissieux", "commune": "Vénissieux", "postcode": "69200"},
            "salary_min": 30000,
            "salary_max": 36000,
        }),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let offer: Value = created.json().await.expect("json");
    let id = offer["id"].as_str().expect("id").to_owned();
    assert_eq!(offer["source"], "recruiter");
    assert_eq!(offer["private"], false);
    assert_eq!(offer["mine"], true);
    assert_eq!(offer["location"]["departement"], "69", "from the postcode");

    // Candidates find it (plural, no accents) and see the company.
    let found = page(&app, &candidate, "/api/v1/offers?q=soudeurs").await;
    assert_eq!(found["items"][0]["id"], id.as_str());
    assert_eq!(found["items"][0]["company"], "Volta Industrie");
    assert_eq!(found["items"][0]["mine"], false);

    // Only its author changes it.
    let by_candidate = patch_offer(&app, &candidate, &id, &json!({"title": "Pirate"})).await;
    assert_problem(by_candidate, 403, "forbidden").await;
    let by_rival = patch_offer(&app, &rival, &id, &json!({"state": "closed"})).await;
    assert_problem(by_rival, 403, "forbidden").await;
    let read_only = app.create_token(&boss.access_token, "read").await;
    let by_read_token = app
        .with_token(read_only["secret"].as_str().expect("secret"))
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/offers/{id}"),
            Some(json!({"state": "closed"})),
        )
        .await;
    assert_problem(by_read_token, 403, "insufficient_scope").await;
    let missing = patch_offer(&app, &boss, "01930000-0000-7000-8000-000000000000", &json!({})).await;
    assert_problem(missing, 404, "not_found").await;

    // Edits are validated, all at once, and change nothing when refused.
    let invalid = patch_offer(
        &app,
        &boss,
        &id,
        &json!({"title": " ", "source_url": "javascript:alert(1)", "salary_min": 50000, "location": {"departement": "99"}}),
    )
    .await;
    let body = assert_problem(invalid, 422, "validation_failed").await;
    assert_eq!(body["errors"].as_array().expect("errors").len(), 3, "{body}");
    let unchanged = page(&app, &boss, &format!("/api/v1/offers/{id}")).await;
    assert_eq!(unchanged["title"], "Soudeur / Soudeuse TIG (H/F)");

    let edited = patch_offer(
        &app,
        &boss,
        &id,
        &json!({"title": "Soudeur TIG confirmé", "company": ""}),
    )
    .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let edited: Value = edited.json().await.expect("json");
    assert_eq!(edited["title"], "Soudeur TIG confirmé");
    assert!(edited["company"].is_null(), "an empty text clears it");
    assert_eq!(edited["salary_max"], 36000, "fields not given are kept");
    let found = page(&app, &candidate, "/api/v1/offers?q=confirmé").await;
    assert_eq!(found["total"], 1, "the search follows the edit");

    // Closed: out of the search, still readable, in its author's list; a public offer is not deleted.
    let closed = patch_offer(&app, &boss, &id, &json!({"state": "closed"})).await;
    assert_eq!(closed.status(), StatusCode::OK);
    let found = page(&app, &candidate, "/api/v1/offers?q=soudeur").await;
    assert_eq!(found["total"], 0);
    let direct = page(&app, &candidate, &format!("/api/v1/offers/{id}")).await;
    assert_eq!(direct["state"], "closed");
    let mine = page(&app, &boss, "/api/v1/offers?mine=true").await;
    assert_eq!(titles(&mine), ["Soudeur TIG confirmé"]);
    let theirs = page(&app, &rival, "/api/v1/offers?mine=true").await;
    assert_eq!(theirs["total"], 0);
    let delete = app.as_user(&boss).delete(&format!("/api/v1/offers/{id}")).await;
    assert_problem(delete, 409, "conflict").await;

    // Creation checks its fields too.
    let empty = post_offer(&app, &boss, &json!({"title": "", "description": " "})).await;
    let body = assert_problem(empty, 422, "validation_failed").await;
    assert_eq!(body["errors"].as_array().expect("errors").len(), 2, "{body}");
    // A range given upside down is kept in order.
    let upside = post_offer(
        &app,
        &boss,
        &json!({"title": "Grutier", "description": "Chantier.", "salary_min": 40000, "salary_max": 30000}),
    )
    .await;
    let upside: Value = upside.json().await.expect("json");
    assert_eq!(
        (&upside["salary_min"], &upside["salary_max"]),
        (&json!(30000), &json!(40000))
    );
    let huge = post_offer(
        &app,
        &boss,
        &json!({"title": "x", "description": "y".repeat(20_001)}),
    )
    .await;
    assert_problem(huge, 422, "validation_failed").await;
    let not_json = app
        .client
        .post(app.url("/api/v1/offers"))
        .bearer_auth(&boss.access_token)
        .header("content-type", "application/json")
        .body("{\"title\":")
        .send()
        .await
        .expect("post");
    assert_problem(not_json, 400, "invalid_json").await;
}

async fn private_offers_and_saved_offers_stay_their_owners(app: TestApp) {
    load_sample(&app);
    let lea = app.user("lea@example.fr").await;
    let max = app.user("max@example.fr").await;

    // An offer Léa found elsewhere: private to her, saved for her.
    let created = post_offer(
        &app,
        &lea,
        &json!({
            "title": "Cheffe de projet événementiel",
            "description": "Organisation de salons professionnels, relation prestataires.",
            "source_url": "https://www.example.com/offres/42",
        }),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let mine: Value = created.json().await.expect("json");
    let private_id = mine["id"].as_str().expect("id").to_owned();
    assert_eq!(mine["private"], true);
    assert_eq!(mine["source"], "candidate");
    assert_eq!(mine["saved"], true);

    // Nobody else reaches it, by any way.
    assert_problem(
        get(&app, &max, &format!("/api/v1/offers/{private_id}")).await,
        404,
        "not_found",
    )
    .await;
    let save_theirs = app
        .as_user(&max)
        .put(&format!("/api/v1/me/saved-offers/{private_id}"))
        .await;
    assert_problem(save_theirs, 404, "not_found").await;
    assert_problem(
        patch_offer(&app, &max, &private_id, &json!({"title": "x"})).await,
        404,
        "not_found",
    )
    .await;
    let found = page(&app, &max, "/api/v1/offers?q=événementiel").await;
    assert_eq!(found["total"], 0, "private offers are not in the search");
    let found = page(&app, &lea, "/api/v1/offers?q=événementiel").await;
    assert_eq!(
        found["total"], 0,
        "not even their owner's: they are in her saved offers"
    );

    // Saving a public offer: idempotent, marked in the search, listed newest first.
    let public = page(&app, &max, "/api/v1/offers?q=boulanger").await;
    let public_id = public["items"][0]["id"].as_str().expect("id").to_owned();
    for _ in 0..2 {
        let saved = app
            .as_user(&lea)
            .put(&format!("/api/v1/me/saved-offers/{public_id}"))
            .await;
        assert_eq!(saved.status(), StatusCode::NO_CONTENT);
    }
    let marked = page(&app, &lea, "/api/v1/offers?q=boulanger").await;
    assert_eq!(marked["items"][0]["saved"], true);
    let unmarked = page(&app, &max, "/api/v1/offers?q=boulanger").await;
    assert_eq!(unmarked["items"][0]["saved"], false);
    let list: Value = page(&app, &lea, "/api/v1/me/saved-offers").await;
    let ids: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["offer"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&public_id.as_str()) && ids.contains(&private_id.as_str()));
    let others: Value = page(&app, &max, "/api/v1/me/saved-offers").await;
    assert_eq!(others, json!([]));

    // Forgetting: once, then 404; someone else's saved offer is not theirs to forget.
    let forget = |user: &TestUser, id: &str| {
        app.client
            .delete(app.url(&format!("/api/v1/me/saved-offers/{id}")))
            .bearer_auth(&user.access_token)
            .send()
    };
    assert_problem(forget(&max, &public_id).await.expect("delete"), 404, "not_found").await;
    assert_eq!(
        forget(&lea, &public_id).await.expect("delete").status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(forget(&lea, &public_id).await.expect("delete"), 404, "not_found").await;

    // Her export has both; deleting her account removes her private offer and what she saved.
    let files = app.export(&lea.access_token).await;
    let own: Value = serde_json::from_str(&files["offers.json"]).expect("offers.json");
    assert_eq!(own[0]["id"], private_id.as_str());
    let kept: Value = serde_json::from_str(&files["saved-offers.json"]).expect("saved-offers.json");
    assert_eq!(kept.as_array().expect("saved").len(), 1);
    let none = app.export(&max.access_token).await;
    assert_eq!(none["offers.json"].trim(), "[]");

    // Her private offer: others cannot delete it; she can.
    let delete = |user: &TestUser| {
        app.client
            .delete(app.url(&format!("/api/v1/offers/{private_id}")))
            .bearer_auth(&user.access_token)
            .send()
    };
    assert_problem(delete(&max).await.expect("delete"), 404, "not_found").await;
    assert_eq!(
        delete(&lea).await.expect("delete").status(),
        StatusCode::NO_CONTENT
    );
    let list: Value = page(&app, &lea, "/api/v1/me/saved-offers").await;
    assert_eq!(list, json!([]));

    let again = post_offer(
        &app,
        &lea,
        &json!({"title": "Régisseuse", "description": "Salle de spectacle."}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CREATED);
    let saved = app
        .as_user(&lea)
        .put(&format!("/api/v1/me/saved-offers/{public_id}"))
        .await;
    assert_eq!(saved.status(), StatusCode::NO_CONTENT);
    let deleted = app
        .as_user(&lea)
        .call(
            reqwest::Method::DELETE,
            "/api/v1/me",
            Some(json!({"password": crate::helpers::PASSWORD})),
        )
        .await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let (owned, saved) = app.with_db(|conn| {
        (
            jobbot_db::offers::owned(conn, &lea.id).expect("owned").len(),
            jobbot_db::saved_offers::saved(conn, &lea.id)
                .expect("saved")
                .len(),
        )
    });
    assert_eq!((owned, saved), (0, 0));
    let public = page(&app, &max, &format!("/api/v1/offers/{public_id}")).await;
    assert_eq!(public["id"], public_id.as_str(), "public offers stay");
}

fn import(url: &str, file: &std::path::Path) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .args(["offers", "import"])
        .arg(file)
        .env("DATABASE_URL", url)
        .env("JOBBOT_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run jobbot");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn import_is_idempotent_by_france_travail_id(app: TestApp) {
    let url = db_url(&app.db);
    let sample = std::path::Path::new(SAMPLE);
    assert!(import(&url, sample).contains("24 offer(s) read: 24 new, 0 updated, 0 unchanged"));
    assert!(import(&url, sample).contains("24 offer(s) read: 0 new, 0 updated, 24 unchanged"));

    // France Travail updated one offer: only that one changes, under the same id.
    let user = app.user("lea@example.fr").await;
    let before = page(&app, &user, "/api/v1/offers?q=boulanger").await;
    let mut json: Value = serde_json::from_slice(&std::fs::read(sample).expect("read")).expect("json");
    let first = json["resultats"]
        .as_array_mut()
        .expect("resultats")
        .iter_mut()
        .find(|o| o["intitule"].as_str().is_some_and(|t| t.starts_with("Boulanger")))
        .expect("the baker");
    first["intitule"] = json!("Boulanger / Boulangère tourier (H/F)");
    first["dateActualisation"] = json!("2026-11-26T07:00:00.000Z");
    let changed = std::env::temp_dir().join(format!("offers-{}.json", uuid::Uuid::now_v7()));
    std::fs::write(&changed, serde_json::to_vec(&json).expect("json")).expect("write");
    assert!(import(&url, &changed).contains("0 new, 1 updated, 23 unchanged"));
    let after = page(&app, &user, "/api/v1/offers?q=tourier").await;
    assert_eq!(after["items"][0]["id"], before["items"][0]["id"]);
    assert_eq!(after["items"][0]["title"], "Boulanger / Boulangère tourier (H/F)");

    // Not offers JSON: a clear failure, nothing loaded.
    std::fs::write(&changed, b"{\"resultats\": 12}").expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .args(["offers", "import"])
        .arg(&changed)
        .env("DATABASE_URL", &url)
        .env("JOBBOT_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
        .output()
        .expect("run jobbot");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not France Travail offers JSON"));
    let _ = std::fs::remove_file(changed);
}

/// Two real instances on one PostgreSQL database, each with its own in-memory search index: what one writes
/// (a recruiter's offer, its closing) and what reaches the database directly (an import) is found, or no
/// longer found, by the other's very next search.
#[actix_rt::test]
async fn another_instance_sees_every_change_at_its_next_search() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = db_url(&db);
    let writer = crate::helpers::start_process(&url, &[], std::process::Stdio::null()).await;
    let reader = crate::helpers::start_process(&url, &[], std::process::Stdio::null()).await;
    let client = crate::helpers::client();
    let boss = crate::helpers::login_at(&writer.base, "rh@volta.fr").await;
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        let changes = jobbot_db::users::UserChanges {
            role: Some("recruiter"),
            ..Default::default()
        };
        jobbot_db::users::update(&mut conn, &boss.id, &changes).expect("promote");
    }
    let candidate = crate::helpers::login_at(&reader.base, "sam@example.fr").await;
    let search = |q: &'static str| {
        let (client, base, token) = (
            client.clone(),
            reader.base.clone(),
            candidate.access_token.clone(),
        );
        async move {
            let page: Value = client
                .get(format!("{base}/api/v1/offers?q={q}"))
                .bearer_auth(token)
                .send()
                .await
                .expect("search")
                .json()
                .await
                .expect("json");
            (page["total"].as_i64().expect("total"), titles(&page))
        }
    };
    assert_eq!(
        search("soudeurs").await.0,
        0,
        "nothing yet (and the reader's index is built)"
    );

    // Posted on the writer (a new login: the role is read at sign-in).
    let boss = crate::helpers::login_at(&writer.base, "rh@volta.fr").await;
    let created = client
        .post(format!("{}/api/v1/offers", writer.base))
        .bearer_auth(&boss.access_token)
        .json(&json!({"title": "Soudeur TIG", "description": "Soudure inox.", "contract_type": "cdi"}))
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(search("soudeurs").await, (1, vec!["Soudeur TIG".to_owned()]));

    // Imported straight into the database, as the sync and `jobbot offers import` do.
    let rows = sample_rows();
    let imported = rows.len() as i64;
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        jobbot_db::offers::upsert_by_source(&mut conn, &rows).expect("import");
    }
    let browse: Value = client
        .get(format!("{}/api/v1/offers", reader.base))
        .bearer_auth(&candidate.access_token)
        .send()
        .await
        .expect("browse")
        .json()
        .await
        .expect("json");
    assert_eq!(browse["total"].as_i64(), Some(imported + 1));

    // Closed on the writer: gone from the reader's next search.
    let closed = client
        .patch(format!("{}/api/v1/offers/{id}", writer.base))
        .bearer_auth(&boss.access_token)
        .json(&json!({"state": "closed"}))
        .send()
        .await
        .expect("close");
    assert_eq!(closed.status(), StatusCode::OK);
    assert_eq!(search("soudeurs").await, (0, Vec::new()));
}

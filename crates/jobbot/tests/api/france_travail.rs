//! The France Travail connector against a local fake speaking its documented API: OAuth2 client credentials,
//! `GET /offres/search` with `range` paging (206 + `Content-Range`), `minCreationDate`/`maxCreationDate`,
//! a token that expires mid-run (401), rate limiting (429 + `Retry-After`) and a 503 — through `jobbot offers
//! sync`, the real binary, on both backends.

use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{db_url, TestApp};

both_backends!(sync_pages_retries_and_resumes_where_it_stopped);

#[derive(Default)]
struct Fake {
    /// Offers France Travail has: (id, creation time).
    offers: Vec<(String, NaiveDateTime)>,
    tokens_issued: usize,
    /// Answers to give first, in order, to searches: a status (401, 429, 503).
    trouble: Vec<u16>,
    searches: Vec<String>,
}

type Shared = web::Data<Mutex<Fake>>;

async fn token(state: Shared, form: web::Form<Vec<(String, String)>>) -> HttpResponse {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("grant_type") != Some("client_credentials")
        || get("client_id") != Some("jobbot-test")
        || get("client_secret") != Some("s3cret")
        || !get("scope").is_some_and(|s| s.contains("api_offresdemploiv2"))
    {
        return HttpResponse::Unauthorized()
            .json(json!({"error": "invalid_client", "error_description": "Client authentication failed"}));
    }
    let mut fake = state.lock().unwrap_or_else(|p| p.into_inner());
    fake.tokens_issued += 1;
    HttpResponse::Ok().json(json!({
        "scope": "api_offresdemploiv2 o2dsoffre", "expires_in": 1499, "token_type": "Bearer",
        "access_token": format!("token-{}", fake.tokens_issued),
    }))
}

fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn parse_time(raw: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(raw).ok().map(|t| t.naive_utc())
}

async fn search(state: Shared, req: HttpRequest, query: web::Query<Vec<(String, String)>>) -> HttpResponse {
    let mut fake = state.lock().unwrap_or_else(|p| p.into_inner());
    fake.searches.push(req.query_string().to_owned());
    let current = format!("Bearer token-{}", fake.tokens_issued);
    let authorization = req.headers().get("authorization").and_then(|v| v.to_str().ok());
    if authorization != Some(current.as_str()) {
        return HttpResponse::Unauthorized().json(json!({"message": "Invalid access token"}));
    }
    if !fake.trouble.is_empty() {
        match fake.trouble.remove(0) {
            401 => {
                // The token expired: the next one issued is the only valid one.
                fake.tokens_issued += 1000;
                return HttpResponse::Unauthorized().json(json!({"message": "Expired access token"}));
            }
            429 => {
                return HttpResponse::TooManyRequests()
                    .insert_header(("Retry-After", "1"))
                    .json(json!({"message": "Limit exceeded"}))
            }
            status => {
                return HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"))
                    .json(json!({"message": "Service indisponible"}))
            }
        }
    }
    let (Some(min), Some(max)) = (
        param(&query, "minCreationDate").and_then(parse_time),
        param(&query, "maxCreationDate").and_then(parse_time),
    ) else {
        return HttpResponse::BadRequest()
            .json(json!({"message": "minCreationDate et maxCreationDate vont ensemble"}));
    };
    let Some((start, end)) = param(&query, "range")
        .and_then(|r| r.split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
        .filter(|(a, b)| a <= b && b - a < 150 && *a <= 3000)
    else {
        return HttpResponse::BadRequest().json(json!({"message": "Le paramètre range est invalide"}));
    };
    assert_eq!(param(&query, "departement"), Some("69"), "the configured search");
    let matching: Vec<&(String, NaiveDateTime)> = fake
        .offers
        .iter()
        .filter(|(_, at)| *at >= min && *at <= max)
        .collect();
    if matching.is_empty() {
        return HttpResponse::NoContent().finish();
    }
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(end - start + 1)
        .map(|(id, at)| {
            json!({
                "id": id, "intitule": format!("Électricien {id}"), "description": "Chantiers tertiaires.",
                "dateCreation": format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S%.3f")),
                "dateActualisation": format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S%.3f")),
                "lieuTravail": {"libelle": "69 - LYON 03", "codePostal": "69003", "commune": "69383"},
                "entreprise": {"nom": "VOLTA"}, "typeContrat": "CDI", "natureContrat": "Contrat travail",
            })
        })
        .collect();
    let last = (start + page.len()).saturating_sub(1);
    let total = matching.len();
    let status = if last + 1 < total { 206 } else { 200 };
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"))
        .insert_header(("Content-Range", format!("offres {start}-{last}/{total}")))
        .insert_header(("Accept-Range", "offres 150"))
        .json(json!({"resultats": page, "filtresPossibles": []}))
}

async fn start_fake(state: Arc<Mutex<Fake>>) -> String {
    let data = web::Data::from(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/connexion/oauth2/access_token", web::post().to(token))
            .route(
                "/partenaire/offresdemploi/v2/offres/search",
                web::get().to(search),
            )
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .expect("bind the fake France Travail");
    let port = server.addrs()[0].port();
    actix_rt::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

async fn sync(database_url: &str, fake: &str, secret: &str) -> (bool, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"));
    command
        .args(["offers", "sync"])
        .env("DATABASE_URL", database_url)
        .env("JOBBOT_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
        .env("JOBBOT_OFFERS_SYNC", "departement=69&codeROME=F1602")
        .env("FRANCE_TRAVAIL_CLIENT_ID", "jobbot-test")
        .env("FRANCE_TRAVAIL_CLIENT_SECRET", secret)
        .env(
            "FRANCE_TRAVAIL_TOKEN_URL",
            format!("{fake}/connexion/oauth2/access_token?realm=%2Fpartenaire"),
        )
        .env(
            "FRANCE_TRAVAIL_API_URL",
            format!("{fake}/partenaire/offresdemploi/v2"),
        )
        .env("RUST_LOG", "warn");
    let output = actix_web::rt::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("run jobbot");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

async fn sync_pages_retries_and_resumes_where_it_stopped(app: TestApp) {
    let now = Utc::now().naive_utc();
    let state = Arc::new(Mutex::new(Fake {
        // 320 offers of the last three weeks: three pages; one of 40 days ago, before the first run's month.
        offers: (0..320)
            .map(|i| (format!("1{i:05}X"), now - TimeDelta::minutes(90 * i + 1)))
            .chain([("OLD0001".to_owned(), now - TimeDelta::days(40))])
            .collect(),
        trouble: vec![401, 429, 503],
        ..Fake::default()
    }));
    let fake = start_fake(state.clone()).await;
    let url = db_url(&app.db);

    // Wrong credentials: a clear failure, nothing stored.
    let (ok, output) = sync(&url, &fake, "wrong").await;
    assert!(
        !ok && output.contains("refused the client credentials"),
        "{output}"
    );

    let (ok, output) = sync(&url, &fake, "s3cret").await;
    assert!(ok, "{output}");
    assert!(output.contains("320 offer(s) read"), "{output}");
    assert!(output.contains("320 new, 0 updated, 0 unchanged"), "{output}");
    {
        let fake = state.lock().unwrap_or_else(|p| p.into_inner());
        // 401 then a new token; 429 waited for; 503 retried; then pages 0, 150 and 300.
        assert_eq!(fake.searches.len(), 6, "{:?}", fake.searches);
        let pages: Vec<&str> = fake.searches[3..]
            .iter()
            .filter_map(|q| q.split('&').find(|p| p.starts_with("range=")))
            .collect();
        assert_eq!(pages, ["range=0-149", "range=150-299", "range=300-449"]);
        assert!(fake.searches[0].starts_with("departement=69&codeROME=F1602&"));
    }
    let count = |app: &TestApp| {
        app.with_db(|conn| {
            jobbot_db::offers::search(
                conn,
                &jobbot_db::offers::Search {
                    limit: 1,
                    facets: true,
                    ..Default::default()
                },
            )
            .expect("search")
            .total
        })
    };
    assert_eq!(count(&app), Some(320));

    // The next run asks only for what was created since (with an hour of overlap).
    {
        let mut fake = state.lock().unwrap_or_else(|p| p.into_inner());
        fake.searches.clear();
        // (France Travail's dates are to the second: a minute ago is surely before the run's end.)
        let fresh = Utc::now().naive_utc() - TimeDelta::minutes(1);
        fake.offers.push(("NEW0001".into(), fresh));
        fake.offers.push(("NEW0002".into(), fresh));
    }
    let (ok, output) = sync(&url, &fake, "s3cret").await;
    assert!(ok, "{output}");
    assert!(output.contains("2 new, 0 updated"), "{output}");
    {
        let fake = state.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(fake.searches.len(), 1, "one page: {:?}", fake.searches);
        let min = fake.searches[0]
            .split('&')
            .find_map(|p| p.strip_prefix("minCreationDate="))
            .and_then(|v| parse_time(&v.replace("%3A", ":")))
            .expect("minCreationDate");
        assert!(
            now - min < TimeDelta::hours(2),
            "since the last run, not a month: {min}"
        );
    }
    assert_eq!(count(&app), Some(322));
}

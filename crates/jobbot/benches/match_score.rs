//! `make bench` (the offers' match score, issue 30): how long `GET /api/v1/offers/{id}/match` takes for a
//! candidate with a full profile and CV. First the computation alone (`matching::fit`, in this process) over the
//! sample's 24 France Travail offers, BENCH_MATCH_ROUNDS (200) times each; then through a real `jobbot` on SQLite
//! (the offer, the profile and the CV read from the database, the answer as JSON over HTTP), 20 times each.
//! Prints p50/p95/max (goal: p95 ≤ 5 ms); asserts nothing but that answers come.

mod common;

use common::*;

use std::time::Instant;

use jobbot_api::matching::{fit, OfferText, Vocabulary};
use jobbot_api_types::{Experience, LanguageSkill, Profile};
use jobbot_domain::Locale;
use serde_json::json;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../samples/offres-france-travail.json"
);

/// A full profile: twenty skills, ten experiences of 600 characters, languages, jobs looked for.
fn profile() -> Profile {
    let skills = [
        "Java",
        "Spring Boot",
        "SQL",
        "PostgreSQL",
        "Git",
        "Docker",
        "Kubernetes",
        "Linux",
        "Scrum",
        "Jira",
        "Habilitation électrique",
        "Lecture de plans",
        "Permis B",
        "CACES 3",
        "Excel",
        "Anglais",
        "Gestion de projet",
        "Relation client",
        "Autonomie",
        "Rigueur",
    ];
    let description = "Conception et développement de services, revue de code, tests automatisés, mise en \
                       production, accompagnement des équipes, rédaction de la documentation et suivi des \
                       indicateurs de qualité avec les responsables métier. "
        .repeat(3);
    Profile {
        headline: Some("Développeuse Java, dix ans d'expérience".into()),
        target_jobs: vec!["Développeuse Java".into(), "Cheffe de projet technique".into()],
        skills: skills.map(String::from).to_vec(),
        experiences: (0..10)
            .map(|i| Experience {
                title: format!("Développeuse {i}"),
                company: Some(format!("Entreprise {i}")),
                description: Some(description.clone()),
                ..Experience::default()
            })
            .collect(),
        languages: vec![LanguageSkill {
            language: "Anglais".into(),
            level: Some("C1".into()),
        }],
        ..Profile::default()
    }
}

/// A CV's text of about 8,000 characters.
fn cv() -> String {
    "Léa Martin — développeuse Java. Expériences : microservices Spring Boot, PostgreSQL, Docker, \
     intégration continue, encadrement de deux développeurs, méthodes agiles. "
        .repeat(50)
}

fn print(label: &str, times: &mut [f64]) {
    times.sort_by(f64::total_cmp);
    println!(
        "  {label:<52} {:>6} matches: p50 {:>6.3} ms, p95 {:>6.3} ms, max {:>6.3} ms (goal p95 ≤ 5 ms)",
        times.len(),
        percentile(times, 0.5),
        percentile(times, 0.95),
        times.last().copied().unwrap_or(f64::NAN)
    );
}

async fn bench() {
    println!(
        "JobBot match score benchmark — {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let started = Instant::now();
    let vocabulary = Vocabulary::load(None).expect("vocabulary");
    println!(
        "  the vocabulary ({} skills) loaded in {:.2} ms",
        vocabulary.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let bytes = std::fs::read(SAMPLE).expect("the sample file");
    let offers = jobbot_api::offers::france_travail::parse_file(&bytes).expect("parses");
    let rows: Vec<_> = offers.into_iter().map(|o| o.into_row(jobbot_db::now())).collect();
    let (profile, cv) = (profile(), cv());
    let mut times = Vec::new();
    for _ in 0..env_or("BENCH_MATCH_ROUNDS", 200) {
        for row in &rows {
            let started = Instant::now();
            let text = OfferText {
                title: &row.title,
                description: &row.description,
                skills: &row.skills,
            };
            let fit = fit(&vocabulary, &text, &profile, Some(&cv), Locale::Fr);
            times.push(started.elapsed().as_secs_f64() * 1e3);
            assert!(fit.score <= 100);
        }
    }
    print("the computation (in process)", &mut times);

    let dir = std::env::temp_dir().join(format!("jobbot-match-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let sqlite = format!("sqlite://{}/match.sqlite3", dir.display());
    let server = Server::start(&sqlite).await;
    {
        let url = jobbot_db::DatabaseUrl::parse(&sqlite).expect("url");
        let pool = jobbot_db::connect(&url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        jobbot_db::offers::upsert_by_source(&mut conn, &rows).expect("load");
    }
    let client = reqwest::Client::new();
    let token = sign_up(&client, &server.1, "bench-match@example.fr").await;
    let saved = client
        .put(format!("{}/api/v1/me/profile", server.1))
        .bearer_auth(&token)
        .json(&profile)
        .send()
        .await
        .expect("profile");
    assert!(saved.status().is_success(), "{}", saved.status());
    let page: serde_json::Value = client
        .get(format!("{}/api/v1/offers?limit=50", server.1))
        .bearer_auth(&token)
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    let ids: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|o| o["id"].as_str().expect("id").to_owned())
        .collect();
    let mut times = Vec::new();
    for _ in 0..20 {
        for id in &ids {
            let started = Instant::now();
            let response = client
                .get(format!("{}/api/v1/offers/{id}/match", server.1))
                .bearer_auth(&token)
                .send()
                .await
                .expect("match");
            assert!(response.status().is_success());
            let body: serde_json::Value = response.json().await.expect("json");
            times.push(started.elapsed().as_secs_f64() * 1e3);
            assert!(body["score"].is_u64(), "{}", json!(body));
        }
    }
    print("GET /api/v1/offers/{id}/match (SQLite, over HTTP)", &mut times);
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

fn main() {
    actix_rt::System::new().block_on(bench());
}

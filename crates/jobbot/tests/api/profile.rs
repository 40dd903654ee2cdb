//! The candidate's profile: empty until saved, replaced whole, cleaned (trimmed, blanks and repeats dropped),
//! refused field by field with the item's index, private, exported, and given to the coach of a conversation
//! about an offer — part of what it shows before the first question, and left out on request.

use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{ask, assert_problem, ok, send, TestApp};

both_backends!(the_profile_is_saved_cleaned_private_and_grounds_the_coach);

async fn the_profile_is_saved_cleaned_private_and_grounds_the_coach(app: TestApp) {
    let ines = app.user("ines@example.fr").await;
    let max = app.user("max@example.fr").await;

    let empty = ok(
        send(&app, &ines, M::GET, "/api/v1/me/profile", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(empty["updated_at"].is_null());
    assert_eq!(empty["skills"], json!([]));

    let saved = ok(
        send(
            &app,
            &ines,
            M::PUT,
            "/api/v1/me/profile",
            Some(json!({
                "headline": "  Cariste confirmée  ",
                "target_jobs": ["Cariste", "cariste", " ", "Préparatrice de commandes"],
                "locations": ["Lyon", "69"],
                "mobility": "30 km autour de Lyon, permis B",
                "contract_types": ["cdi", "interim", "cdi"],
                "remote": ["on_site"],
                "salary_expectation": 26000,
                "availability": "Immédiate",
                "skills": ["CACES R489 catégorie 3", "Gestion de stock"],
                "experiences": [{"title": "Cariste", "company": "Logisud", "start": "2021-03", "end": "2024-06",
                    "description": "Chargement des camions, CACES R489 catégorie 3"}],
                "education": [{"title": "CAP Opérateur logistique", "school": "Lycée Jean Moulin", "year": 2019}],
                "languages": [{"language": "Anglais", "level": "B1"}],
                "links": ["https://www.linkedin.com/in/ines-durand"]
            })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved["headline"], "Cariste confirmée");
    assert_eq!(
        saved["target_jobs"],
        json!(["Cariste", "Préparatrice de commandes"])
    );
    assert_eq!(saved["contract_types"], json!(["cdi", "interim"]));
    assert!(saved["updated_at"].is_string());
    let read = ok(
        send(&app, &ines, M::GET, "/api/v1/me/profile", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read, saved, "what is read is what was saved");

    // Refused field by field, with the item's index; nothing is saved.
    let refused = send(
        &app,
        &ines,
        M::PUT,
        "/api/v1/me/profile",
        Some(json!({
            "headline": "x".repeat(201),
            "skills": vec!["compétence"; 51],
            "experiences": [{"title": "Cariste", "start": "2021-13"}, {"title": " "}],
            "education": [{"title": "CAP", "year": 1900}],
            "links": ["javascript:alert(1)"],
            "salary_expectation": 10_000_001
        })),
    )
    .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "education[0].year",
            "experiences[0].start",
            "experiences[1].title",
            "headline",
            "links[0]",
            "salary_expectation",
            "skills"
        ]
    );
    let unchanged = ok(
        send(&app, &ines, M::GET, "/api/v1/me/profile", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unchanged, saved);

    // Someone else's is their own; a read-only token cannot change it.
    let theirs = ok(
        send(&app, &max, M::GET, "/api/v1/me/profile", None).await,
        StatusCode::OK,
    )
    .await;
    assert!(theirs["updated_at"].is_null());
    let token = app.create_token(&ines.access_token, "read").await;
    let read_only = app
        .with_token(token["secret"].as_str().expect("secret"))
        .call(reqwest::Method::PUT, "/api/v1/me/profile", Some(json!({})))
        .await;
    assert_problem(read_only, 403, "insufficient_scope").await;
    // Not even JSON's shape: a negative salary, an experience given as a list.
    for body in [
        json!({"salary_expectation": -1}),
        json!({"experiences": [["Cariste"]]}),
    ] {
        let malformed = send(&app, &ines, M::PUT, "/api/v1/me/profile", Some(body)).await;
        assert_problem(malformed, 422, "invalid_body").await;
    }

    // The coach of a conversation about an offer is given it, as a part the candidate can leave out.
    let offer = ok(
        send(
            &app,
            &ines,
            M::POST,
            "/api/v1/offers",
            Some(json!({"title": "Cariste (H/F)", "company": "Logisud",
                "description": "Entrepôt. CACES R489 catégorie 3 exigé."})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let offer_id = offer["id"].as_str().expect("id");
    let context = ok(
        send(
            &app,
            &ines,
            M::GET,
            &format!("/api/v1/assistant/context?offer_id={offer_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(context["parts"][1]["part"], "profile");
    let text = context["parts"][1]["text"].as_str().expect("text");
    assert!(
        text.starts_with("Headline: Cariste confirmée\nTarget jobs: Cariste; Préparatrice de commandes\n"),
        "{text}"
    );
    assert!(text.contains("Contracts wanted: cdi; interim\n"), "{text}");
    assert!(
        text.contains("Salary expectation: 26000 EUR gross a year\n"),
        "{text}"
    );
    assert!(
        text.contains("- Cariste — Logisud (2021-03 to 2024-06): Chargement des camions"),
        "{text}"
    );
    assert!(
        text.contains("- CAP Opérateur logistique — Lycée Jean Moulin (2019)"),
        "{text}"
    );
    assert!(
        text.ends_with("Links: https://www.linkedin.com/in/ines-durand"),
        "{text}"
    );
    assert!(context["system_prompt"]
        .as_str()
        .expect("system")
        .contains(&format!("\n\n## The candidate's profile\n{text}")));
    let without = ok(
        send(
            &app,
            &ines,
            M::GET,
            &format!("/api/v1/assistant/context?offer_id={offer_id}&exclude=profile"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(!without["system_prompt"]
        .as_str()
        .expect("system")
        .contains("Cariste confirmée"));

    // The offline coach matches it to the offer's requirements.
    let answer = ask(
        &app,
        &ines,
        json!({"offer_id": offer_id}),
        "Rédige ma lettre de motivation",
    )
    .await;
    assert!(
        answer
            .contains("Dans votre profil, ce qui y répond :\n- CACES R489 catégorie 3\n- Cariste — Logisud"),
        "{answer}"
    );

    // A conversation about nothing is given nothing of it.
    let plain = ok(
        send(&app, &ines, M::GET, "/api/v1/assistant/context", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(plain["parts"], json!([]));

    // In the export.
    let files = app.export(&ines.access_token).await;
    let exported: Value = serde_json::from_str(&files["profile.json"]).expect("profile.json");
    assert_eq!(exported["skills"], saved["skills"]);
}

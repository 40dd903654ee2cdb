//! The coach grounded in the workspace: what a conversation about an offer and an application sends the AI
//! provider (exactly, through the fake Mistral upstream), the preview before the first question and the parts
//! left out, the offline coach quoting the offer, replies kept as an application's documents (edited,
//! downloaded as Markdown and plain text, exported), and every refusal.

use jobbot_db::Backend;
use reqwest::{Method as M, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::fake_llm::{FakeLlm, Flavor};
use crate::helpers::{ask, assert_problem, ok, send, spawn_app_with, TestApp, TestUser};

both_backends!(
    documents_are_kept_edited_downloaded_and_private,
    the_offline_coach_quotes_the_offer
);

const DESCRIPTION: &str = "Entrepôt de 20 000 m² à Corbas. Vous chargez et déchargez les camions. \
CACES R489 catégorie 3 exigé. Expérience d'un an souhaitée. Horaires en 2x8.";

/// A private offer of `user`'s and an application for it, sent, with notes and a next action.
async fn offer_and_application(app: &TestApp, user: &TestUser) -> (String, String) {
    let offer = ok(
        send(
            app,
            user,
            M::POST,
            "/api/v1/offers",
            Some(
                json!({"title": "Cariste (H/F)", "company": "Logisud", "description": DESCRIPTION,
                        "skills": ["CACES R489 catégorie 3", "Autonomie"]}),
            ),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let offer_id = offer["id"].as_str().expect("id").to_owned();
    let application = ok(
        send(
            app,
            user,
            M::POST,
            "/api/v1/applications",
            Some(
                json!({"offer_id": offer_id, "status": "sent", "notes": "Entretien téléphonique mardi 10 h",
                "next_action": "Relancer Mme Roux", "next_action_due": "2026-12-03"}),
            ),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (offer_id, application["id"].as_str().expect("id").to_owned())
}

fn system_of(request: &Value) -> String {
    let messages = request["messages"].as_array().expect("messages");
    assert_eq!(messages[0]["role"], "system");
    assert_eq!(
        messages.iter().filter(|m| m["role"] == "system").count(),
        1,
        "one system message"
    );
    messages[0]["content"].as_str().expect("content").to_owned()
}

async fn grounded_conversations_send_the_workspace(backend: Backend) {
    let fake = FakeLlm::start(Flavor::Mistral).await;
    let app = spawn_app_with(
        backend,
        &[
            ("JOBBOT_LLM_PROVIDER", "mistral"),
            ("MISTRAL_API_KEY", "test-upstream-key"),
            ("MISTRAL_BASE_URL", fake.base_url.as_str()),
        ],
    )
    .await;
    let lea = app.user("lea@example.fr").await;
    let max = app.user("max@example.fr").await;
    let (offer_id, application_id) = offer_and_application(&app, &lea).await;

    // Before the first question: every part, its exact text, and the system message made of them.
    let preview = ok(
        send(
            &app,
            &lea,
            M::GET,
            &format!("/api/v1/assistant/context?application_id={application_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let parts: Vec<(&str, bool)> = preview["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| (p["part"].as_str().unwrap_or_default(), p["included"] == true))
        .collect();
    assert_eq!(
        parts,
        [("offer", true), ("application", true)],
        "the application's offer comes with it"
    );
    let offer_text = preview["parts"][0]["text"].as_str().expect("text");
    assert!(
        offer_text.starts_with("Title: Cariste (H/F)\nCompany: Logisud\n"),
        "{offer_text}"
    );
    assert!(
        offer_text.ends_with(&format!(
            "Skills asked: CACES R489 catégorie 3; Autonomie\nDescription:\n{DESCRIPTION}"
        )),
        "the skills it lists, then its text: {offer_text}"
    );
    let application_text = preview["parts"][1]["text"].as_str().expect("text");
    assert!(
        application_text.contains("Status: sent since "),
        "{application_text}"
    );
    assert!(application_text.contains("Next action: Relancer Mme Roux (due 2026-12-03)"));
    assert!(application_text.contains("Notes: Entretien téléphonique mardi 10 h"));
    let system = preview["system_prompt"].as_str().expect("system");
    assert!(system.starts_with("You are JobBot"));
    assert!(system.contains(&format!("\n\n## The job offer\n{offer_text}")));
    assert!(system.contains(&format!("\n\n## The application\n{application_text}")));

    // A part left out is shown, marked, and absent from the system message.
    let without = ok(
        send(
            &app,
            &lea,
            M::GET,
            &format!("/api/v1/assistant/context?application_id={application_id}&exclude=application"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(without["parts"][1]["included"], false);
    assert!(!without["system_prompt"]
        .as_str()
        .expect("system")
        .contains("Entretien téléphonique"));
    let unknown = send(
        &app,
        &lea,
        M::GET,
        "/api/v1/assistant/context?exclude=cv,salary",
        None,
    )
    .await;
    let body = assert_problem(unknown, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "exclude");

    // Started without the application: the offer alone goes with the question.
    let conversation = ok(
        send(
            &app,
            &lea,
            M::POST,
            "/api/v1/conversations",
            Some(json!({"application_id": application_id, "context_excluded": ["application"]})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(conversation["offer_id"], offer_id.as_str());
    assert_eq!(conversation["application_id"], application_id.as_str());
    assert_eq!(conversation["context_excluded"], json!(["application"]));
    let id = conversation["id"].as_str().expect("id").to_owned();
    let asked = send(
        &app,
        &lea,
        M::POST,
        &format!("/api/v1/conversations/{id}/messages"),
        Some(json!({"content": "Rédige ma lettre de motivation"})),
    )
    .await;
    let exchange = ok(asked, StatusCode::CREATED).await;
    let context = ok(
        send(
            &app,
            &lea,
            M::GET,
            &format!("/api/v1/conversations/{id}/context"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let sent = system_of(&fake.requests()[0].body);
    assert_eq!(
        sent,
        context["system_prompt"].as_str().expect("system"),
        "what is shown is what is sent"
    );
    assert!(sent.contains("CACES R489 catégorie 3 exigé."));
    assert!(
        !sent.contains("Entretien téléphonique"),
        "the part left out is not sent"
    );
    let messages = fake.requests()[0].body["messages"].clone();
    assert_eq!(
        messages[1],
        json!({"role": "user", "content": "Rédige ma lettre de motivation"})
    );

    // Put back, the application goes too — as it is now.
    let patched = ok(
        send(
            &app,
            &lea,
            M::PATCH,
            &format!("/api/v1/conversations/{id}"),
            Some(json!({"context_excluded": []})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(patched["context_excluded"], json!([]));
    assert_eq!(
        patched["title"], "Rédige ma lettre de motivation",
        "the title is kept"
    );
    ok(
        send(
            &app,
            &lea,
            M::PATCH,
            &format!("/api/v1/applications/{application_id}"),
            Some(json!({"status": "interview"})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    ok(
        send(
            &app,
            &lea,
            M::POST,
            &format!("/api/v1/conversations/{id}/messages"),
            Some(json!({"content": "Et pour l'entretien ?"})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let second = system_of(&fake.requests()[1].body);
    assert!(second.contains("Status: interview since "), "{second}");
    assert!(second.contains("Notes: Entretien téléphonique mardi 10 h"));

    // The reply kept as the application's cover letter.
    let reply_id = exchange["assistant_message"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let document = ok(
        send(
            &app,
            &lea,
            M::POST,
            &format!("/api/v1/applications/{application_id}/documents"),
            Some(json!({"kind": "cover_letter", "title": "Lettre — Cariste", "message_id": reply_id})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(document["content"], "Bonjour ! Voici mes conseils.");
    assert_eq!(document["message_id"], reply_id.as_str());

    // Nobody else reaches any of it.
    let (_, max_application) = offer_and_application(&app, &max).await;
    for body in [
        json!({"application_id": application_id}),
        json!({"offer_id": offer_id}),
    ] {
        let refused = send(&app, &max, M::POST, "/api/v1/conversations", Some(body)).await;
        assert_problem(refused, 404, "not_found").await;
    }
    for path in [
        format!("/api/v1/conversations/{id}/context"),
        format!("/api/v1/assistant/context?offer_id={offer_id}"),
        format!("/api/v1/assistant/context?application_id={application_id}"),
    ] {
        assert_problem(send(&app, &max, M::GET, &path, None).await, 404, "not_found").await;
    }
    let stolen = send(
        &app,
        &max,
        M::POST,
        &format!("/api/v1/applications/{max_application}/documents"),
        Some(json!({"title": "Volée", "message_id": reply_id})),
    )
    .await;
    assert_problem(stolen, 404, "not_found").await;
    let read = app.create_token(&lea.access_token, "read").await;
    let read_only = app
        .with_token(read["secret"].as_str().expect("secret"))
        .send("/api/v1/conversations", json!({"application_id": application_id}))
        .await;
    assert_problem(read_only, 403, "insufficient_scope").await;

    // The application deleted: the conversation stays, about the offer only.
    let deleted = send(
        &app,
        &lea,
        M::DELETE,
        &format!("/api/v1/applications/{application_id}"),
        None,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let after = ok(
        send(
            &app,
            &lea,
            M::GET,
            &format!("/api/v1/conversations/{id}/context"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let left: Vec<&str> = after["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| p["part"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(left, ["offer"]);
    let conversation = ok(
        send(&app, &lea, M::GET, &format!("/api/v1/conversations/{id}"), None).await,
        StatusCode::OK,
    )
    .await;
    assert!(conversation["application_id"].is_null());
}

#[actix_rt::test]
async fn grounded_conversations_send_the_workspace_sqlite() {
    grounded_conversations_send_the_workspace(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn grounded_conversations_send_the_workspace_postgres() {
    grounded_conversations_send_the_workspace(Backend::Postgres).await;
}

async fn the_offline_coach_quotes_the_offer(app: TestApp) {
    let lea = app.user("lea@example.fr").await;
    let (_, application_id) = offer_and_application(&app, &lea).await;
    let answer = ask(
        &app,
        &lea,
        json!({"application_id": application_id}),
        "Rédige ma lettre de motivation",
    )
    .await;
    assert!(
        answer.contains("### L'offre : Cariste (H/F) — Logisud"),
        "{answer}"
    );
    assert!(answer.contains("- CACES R489 catégorie 3 exigé."), "{answer}");
    assert!(answer.contains("- Expérience d'un an souhaitée."), "{answer}");
    assert!(
        answer.to_lowercase().contains("lettre de motivation"),
        "the guide answers too: {answer}"
    );
}

async fn documents_are_kept_edited_downloaded_and_private(app: TestApp) {
    let lea = app.user("lea@example.fr").await;
    let max = app.user("max@example.fr").await;
    let (_, application_id) = offer_and_application(&app, &lea).await;
    let documents = format!("/api/v1/applications/{application_id}/documents");

    // Refused: no title, a blank text, nothing to keep, a text too long.
    for (body, field) in [
        (json!({"title": " ", "content": "x"}), "title"),
        (json!({"title": "Lettre", "content": "  \n"}), "content"),
        (json!({"title": "Lettre"}), "content"),
        (
            json!({"title": "Lettre", "content": "x".repeat(50_001)}),
            "content",
        ),
    ] {
        let refused = send(&app, &lea, M::POST, &documents, Some(body)).await;
        let problem = assert_problem(refused, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field);
    }

    let letter =
        "# Lettre de motivation\n\nMadame, Monsieur,\n\nTitulaire du **CACES R489**, je vous propose :\n\n\
- ma *rigueur* ;\n- mon expérience.\n\nCordialement,";
    let created = ok(
        send(
            &app,
            &lea,
            M::POST,
            &documents,
            Some(json!({"kind": "cover_letter", "title": "Lettre de motivation — Cariste (H/F)", "content": letter})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let doc_id = created["id"].as_str().expect("id").to_owned();
    let path = format!("{documents}/{doc_id}");
    assert_eq!(created["kind"], "cover_letter");
    assert!(created["message_id"].is_null());

    // Edited; listed with the application.
    let edited = ok(
        send(
            &app,
            &lea,
            M::PATCH,
            &path,
            Some(json!({"content": format!("{letter}\n\nLéa Martin")})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(edited["content"]
        .as_str()
        .expect("content")
        .ends_with("Léa Martin"));
    assert_eq!(edited["title"], "Lettre de motivation — Cariste (H/F)");
    let detail = ok(
        send(
            &app,
            &lea,
            M::GET,
            &format!("/api/v1/applications/{application_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["documents"][0]["id"], doc_id.as_str());

    // Downloads: Markdown as written, plain text without the marks.
    let markdown = send(&app, &lea, M::GET, &format!("{path}/download"), None).await;
    assert_eq!(markdown.status(), StatusCode::OK);
    assert_eq!(markdown.headers()["content-type"], "text/markdown; charset=utf-8");
    assert_eq!(
        markdown.headers()["content-disposition"],
        "attachment; filename=\"lettre-de-motivation-cariste-h-f.md\""
    );
    assert!(markdown
        .text()
        .await
        .expect("text")
        .starts_with("# Lettre de motivation\n"));
    let plain = send(&app, &lea, M::GET, &format!("{path}/download?format=txt"), None).await;
    assert_eq!(plain.headers()["content-type"], "text/plain; charset=utf-8");
    let plain = plain.text().await.expect("text");
    assert!(
        plain.starts_with("Lettre de motivation\n\nMadame, Monsieur,\n\nTitulaire du CACES R489"),
        "{plain}"
    );
    assert!(plain.contains("\n- ma rigueur ;\n"), "{plain}");
    let pdf = send(&app, &lea, M::GET, &format!("{path}/download?format=pdf"), None).await;
    assert_problem(pdf, 422, "validation_failed").await;

    // Another user: 404 everywhere, and through their own application too.
    let (_, max_application) = offer_and_application(&app, &max).await;
    for (method, target) in [
        (M::GET, path.clone()),
        (M::PATCH, path.clone()),
        (M::DELETE, path.clone()),
        (M::GET, format!("{path}/download")),
        (
            M::GET,
            format!("/api/v1/applications/{max_application}/documents/{doc_id}"),
        ),
        (M::POST, documents.clone()),
    ] {
        let response = send(
            &app,
            &max,
            method,
            &target,
            Some(json!({"title": "x", "content": "y"})),
        )
        .await;
        assert_problem(response, 404, "not_found").await;
    }

    // Exported with its application.
    let files = app.export(&lea.access_token).await;
    let exported: Value = serde_json::from_str(&files["applications.json"]).expect("applications.json");
    assert_eq!(
        exported[0]["documents"][0]["title"],
        "Lettre de motivation — Cariste (H/F)"
    );

    // Deleted alone, then with the application.
    let second = ok(
        send(
            &app,
            &lea,
            M::POST,
            &documents,
            Some(json!({"title": "Relance", "kind": "follow_up", "content": "Bonjour,"})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        send(&app, &lea, M::DELETE, &path, None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(send(&app, &lea, M::GET, &path, None).await, 404, "not_found").await;
    let deleted = send(
        &app,
        &lea,
        M::DELETE,
        &format!("/api/v1/applications/{application_id}"),
        None,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = format!("{documents}/{}", second["id"].as_str().expect("id"));
    assert_problem(send(&app, &lea, M::GET, &gone, None).await, 404, "not_found").await;
}

//! The CV built from the profile (`GET /api/v1/me/cv/templates`, `GET /api/v1/me/cv/render`), through the real
//! server: every template as a PDF that the CV upload's own extractor reads back — the name, the email, and
//! every experience's title and employer in reading order — and as a DOCX whose document part holds the same
//! texts; the account's language; the refusals.

use std::io::Read;

use jobbot_api_types::{Cv, CvTemplate};
use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{assert_problem, TestApp, TestUser};

both_backends!(
    the_cv_renders_from_the_profile_as_pdf_and_docx,
    the_cv_speaks_the_accounts_language_and_refuses_what_it_does_not_know
);

const EXPERIENCES: [(&str, &str); 3] = [
    ("Cheffe de chantier électricité", "Volta Énergies"),
    ("Électricienne du bâtiment", "Leroy & Fils"),
    ("Apprentie électricienne", "Hexa Services"),
];

async fn profile(app: &TestApp, user: &TestUser) {
    let experiences: Vec<_> = EXPERIENCES
        .iter()
        .enumerate()
        .map(|(i, (title, company))| {
            json!({"title": title, "company": company, "start": format!("20{}-03", 20 - 4 * i),
                   "end": if i == 0 { None } else { Some(format!("20{}-02", 24 - 4 * i)) },
                   "description": "Installations électriques neuves et rénovation, mise en conformité, lecture de plans et encadrement d'une équipe de quatre personnes."})
        })
        .collect();
    let response = app
        .as_user(user)
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/profile",
            Some(json!({
                "headline": "Électricienne, dix ans d'expérience",
                "locations": ["Lyon"],
                "skills": ["Habilitation électrique B1V-BR", "Lecture de plans", "Domotique"],
                "experiences": experiences,
                "education": [{"title": "BP électricien", "school": "CFA de Lyon", "year": 2013}],
                "languages": [{"language": "Anglais", "level": "B1"}],
            })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn render(app: &TestApp, user: &TestUser, query: &str) -> reqwest::Response {
    app.get_bearer(&format!("/api/v1/me/cv/render?{query}"), &user.access_token)
        .await
}

/// Finds each of `texts` in `haystack`, in order.
fn in_order(haystack: &str, texts: &[&str]) {
    let mut at = 0;
    for text in texts {
        let found = haystack[at..]
            .find(text)
            .unwrap_or_else(|| panic!("{text:?} after byte {at} of {haystack:?}"));
        at += found + text.len();
    }
}

async fn the_cv_renders_from_the_profile_as_pdf_and_docx(app: TestApp) {
    let lea = app.user("lea.cv@example.fr").await;
    profile(&app, &lea).await;
    let templates: Vec<CvTemplate> = app.as_user(&lea).get("/api/v1/me/cv/templates").await;
    let ids: Vec<&str> = templates.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["sobre", "moderne", "europass"]);
    assert_eq!(templates[0].name, "Sobre");

    let mut expected = vec!["Camille Martin", "lea.cv@example.fr"];
    for (title, company) in EXPERIENCES {
        expected.extend([title, company]);
    }
    for template in [None, Some("sobre"), Some("moderne"), Some("europass")] {
        // Without a template, the first.
        let query = template.map_or("format=pdf".to_owned(), |t| format!("template={t}&format=pdf"));
        let response = render(&app, &lea, &query).await;
        assert_eq!(response.status(), StatusCode::OK, "{template:?}");
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let disposition = response.headers()["content-disposition"].to_str().expect("ascii");
        assert!(
            disposition.starts_with("attachment") && disposition.contains("CV"),
            "{disposition}"
        );
        let pdf = response.bytes().await.expect("body").to_vec();
        assert!(pdf.starts_with(b"%PDF-"), "{template:?}");
        // The CV upload's own extractor reads it back, in reading order, on one page.
        let uploaded = app
            .client
            .put(app.url("/api/v1/me/cv"))
            .query(&[("filename", "cv.pdf")])
            .bearer_auth(&lea.access_token)
            .header("Content-Type", "application/pdf")
            .body(pdf)
            .send()
            .await
            .expect("upload");
        assert_eq!(uploaded.status(), StatusCode::OK, "{template:?}");
        let cv: Cv = uploaded.json().await.expect("cv");
        assert_eq!(cv.pages, 1, "{template:?}: three experiences on one page");
        in_order(&cv.text, &expected);
        assert!(
            cv.text.contains("mars 2020 – aujourd'hui"),
            "{template:?}: {}",
            cv.text
        );
    }

    // The preview: the first page as an SVG picture, with the same texts.
    let preview = app
        .get_bearer("/api/v1/me/cv/preview?template=moderne", &lea.access_token)
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert_eq!(preview.headers()["content-type"], "image/svg+xml");
    let svg = preview.text().await.expect("svg");
    assert!(svg.starts_with("<svg") && svg.contains("Volta Énergies"), "{svg}");

    for template in ["sobre", "europass"] {
        let response = render(&app, &lea, &format!("template={template}&format=docx")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        let bytes = response.bytes().await.expect("body").to_vec();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut document = String::new();
        archive
            .by_name("word/document.xml")
            .expect("the document part")
            .read_to_string(&mut document)
            .expect("utf-8");
        let escaped: Vec<String> = expected.iter().map(|t| t.replace('&', "&amp;")).collect();
        in_order(&document, &escaped.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

async fn the_cv_speaks_the_accounts_language_and_refuses_what_it_does_not_know(app: TestApp) {
    let sam = app.user("sam.cv@example.com").await;
    profile(&app, &sam).await;
    let response = app
        .as_user(&sam)
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"locale": "en"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let templates: Vec<CvTemplate> = app.as_user(&sam).get("/api/v1/me/cv/templates").await;
    assert_eq!(templates[0].name, "Plain");
    let response = render(&app, &sam, "format=docx&template=moderne").await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.expect("body").to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut document)
        .expect("utf-8");
    assert!(
        document.contains("Experience") && document.contains("Mar 2020 – present"),
        "{document}"
    );

    let problem = assert_problem(
        render(&app, &sam, "template=fancy&format=pdf").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "template");
    let problem = assert_problem(render(&app, &sam, "format=odt").await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "format");
    // An empty value is not the default: what is given must be a template (schemathesis holds the pattern).
    for query in ["template=&format=pdf", "template=fancy&format=docx", "format="] {
        assert_problem(render(&app, &sam, query).await, 422, "validation_failed").await;
    }
    for template in ["fancy", ""] {
        let preview = app
            .get_bearer(
                &format!("/api/v1/me/cv/preview?template={template}"),
                &sam.access_token,
            )
            .await;
        assert_problem(preview, 422, "validation_failed").await;
    }
    // Without a session: nothing.
    let anonymous = app
        .client
        .get(app.url("/api/v1/me/cv/render?format=pdf"))
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // An empty profile still renders (the name and the email).
    let empty = app.user("empty.cv@example.fr").await;
    let response = render(&app, &empty, "format=pdf").await;
    assert_eq!(response.status(), StatusCode::OK);
}

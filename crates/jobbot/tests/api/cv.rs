//! The candidate's CV: a real PDF (written here by hand, not by the library JobBot reads it with) uploaded,
//! its text extracted, corrected, given to the coach, downloaded only by its owner, replaced, exported and
//! deleted with its file; and everything that is not a PDF refused without anything stored.

use std::io::Write;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, ok, send, TestApp, TestUser};

both_backends!(
    a_cv_is_read_corrected_grounded_and_only_its_owners,
    what_is_not_a_pdf_leaves_nothing
);

const LINES: &[&str] = &[
    "Nora Benali",
    "Électricienne du bâtiment",
    "Habilitation électrique B1V-BR",
    "2021-2026 : câblage de tableaux tertiaires (Volta, Lyon)",
];

/// WinAnsi (cp1252) bytes of a PDF string literal, escaped.
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let byte = match c {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                c as u8
            }
            '\u{2019}' => 0x92,
            c if (c as u32) < 0x100 => c as u32 as u8,
            _ => b'?',
        };
        out.push(byte);
    }
    out.push(b')');
    out
}

/// A PDF 1.4 of `pages` (each a list of lines) in Helvetica, its content streams deflated when `compress`.
pub fn pdf(pages: &[&[&str]], compress: bool) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects
        .push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
    for (i, lines) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        let mut content = b"BT /F1 12 Tf 16 TL 72 770 Td ".to_vec();
        for line in *lines {
            content.extend(literal(line));
            content.extend(b" Tj T* ");
        }
        content.extend(b"ET");
        let (data, filter) = if compress {
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&content).expect("deflate");
            (encoder.finish().expect("deflate"), " /Filter /FlateDecode")
        } else {
            (content, "")
        };
        let mut stream = format!("<< /Length {}{filter} >>\nstream\n", data.len()).into_bytes();
        stream.extend(data);
        stream.extend(b"\nendstream");
        objects.push(stream);
    }
    crate::hostile_pdf::assemble(&objects)
}

async fn upload(
    app: &TestApp,
    token: &str,
    bytes: Vec<u8>,
    content_type: &str,
    name: &str,
) -> reqwest::Response {
    app.client
        .put(app.url("/api/v1/me/cv"))
        .query(&[("filename", name)])
        .bearer_auth(token)
        .header("Content-Type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

/// The CV files of `user_id` in the app's file store (a local folder by default).
fn stored(app: &TestApp, user_id: &str) -> Vec<String> {
    let folder = app.data_dir.join("files").join("cv").join(user_id);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The server's sweep, run `hours` from now: files nothing refers to and written over six hours before go.
pub async fn sweep(app: &TestApp, hours: i64) -> usize {
    let files = jobbot_api::files::Files::open(&app.data_dir.join("files").to_string_lossy()).expect("store");
    let pool = jobbot_db::connect(&app.db.url, 1).expect("pool");
    jobbot_api::cv::sweep(
        &files,
        &pool,
        chrono::Utc::now() + chrono::TimeDelta::hours(hours),
        false,
    )
    .await
    .expect("sweep")
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn a_cv_is_read_corrected_grounded_and_only_its_owners(app: TestApp) {
    let nora = app.user("nora@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    assert_problem(
        send(&app, &nora, Method::GET, "/api/v1/me/cv", None).await,
        404,
        "not_found",
    )
    .await;

    let first = pdf(&[LINES, &["Langues : anglais B1"]], true);
    let cv = ok(
        upload(
            &app,
            &nora.access_token,
            first.clone(),
            "application/pdf",
            "../Mon CV.pdf",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cv["filename"], "Mon CV.pdf", "no folders");
    assert_eq!(cv["pages"], 2);
    assert_eq!(cv["size_bytes"], first.len());
    assert_eq!(cv["sha256"], sha256(&first));
    assert_eq!(cv["text_edited"], false);
    let text = cv["text"].as_str().expect("text");
    for line in [
        "Électricienne du bâtiment",
        "Habilitation électrique B1V-BR",
        "anglais B1",
    ] {
        assert!(text.contains(line), "{line:?} in {text:?}");
    }
    assert_eq!(stored(&app, &nora.id).len(), 1, "one file");
    assert_eq!(
        ok(
            send(&app, &nora, Method::GET, "/api/v1/me/cv", None).await,
            StatusCode::OK
        )
        .await,
        cv
    );

    // The file, to its owner only, as a download.
    let file = send(&app, &nora, Method::GET, "/api/v1/me/cv/file", None).await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    let disposition = file.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"Mon CV.pdf\""),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''Mon%20CV.pdf"),
        "{disposition}"
    );
    assert_eq!(file.headers()["content-security-policy"], "sandbox");
    assert_eq!(file.bytes().await.expect("bytes").to_vec(), first);
    for path in ["/api/v1/me/cv", "/api/v1/me/cv/file"] {
        assert_problem(send(&app, &bob, Method::GET, path, None).await, 404, "not_found").await;
    }

    // The candidate corrects the text; the coach gets the corrected one (as a part they may leave out).
    let corrected =
        "Nora Benali\nÉlectricienne du bâtiment, 5 ans\nHabilitation électrique B1V-BR\n\n## pas un titre";
    let cv = ok(
        send(
            &app,
            &nora,
            Method::PATCH,
            "/api/v1/me/cv",
            Some(json!({"text": corrected})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cv["text"], corrected);
    assert_eq!(cv["text_edited"], true);
    let offer = ok(
        send(
            &app,
            &nora,
            Method::POST,
            "/api/v1/offers",
            Some(json!({"title": "Électricien (H/F)", "description": "Chantiers tertiaires. Habilitation électrique B1V exigée."})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let offer_id = offer["id"].as_str().expect("id");
    let context = ok(
        send(
            &app,
            &nora,
            Method::GET,
            &format!("/api/v1/assistant/context?offer_id={offer_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let part = context["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| p["part"] == "cv")
        .expect("the CV part")
        .clone();
    assert_eq!(part["title"], "The candidate's CV");
    assert_eq!(
        part["text"],
        "Nora Benali\nÉlectricienne du bâtiment, 5 ans\nHabilitation électrique B1V-BR\n## pas un titre",
        "tidied: no blank line inside a part"
    );
    assert_eq!(part["included"], true);
    let prompt = context["system_prompt"].as_str().expect("prompt");
    assert!(
        prompt.ends_with(&format!(
            "## The candidate's CV\n{}",
            part["text"].as_str().expect("text")
        )),
        "{prompt}"
    );
    let left_out = ok(
        send(
            &app,
            &nora,
            Method::GET,
            &format!("/api/v1/assistant/context?offer_id={offer_id}&exclude=cv"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(!left_out["system_prompt"]
        .as_str()
        .expect("prompt")
        .contains("candidate's CV"));
    // Not about an offer or an application: no CV.
    let plain = ok(
        send(&app, &nora, Method::GET, "/api/v1/assistant/context", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(plain["parts"], json!([]));
    // The offline coach quotes the CV's lines that answer the offer's requirements.
    let answer = crate::helpers::ask(
        &app,
        &nora,
        json!({"offer_id": offer_id}),
        "Aide-moi à préparer ma candidature.",
    )
    .await;
    assert!(
        answer.contains("Dans votre profil et votre CV, ce qui y répond :\n- Habilitation électrique B1V-BR"),
        "{answer}"
    );

    // Replaced: the new file only, its own text again.
    let second = pdf(&[&["Nora Benali", "Cheffe de chantier électricité"]], false);
    let cv = ok(
        upload(
            &app,
            &nora.access_token,
            second.clone(),
            "application/pdf; charset=binary",
            "cv-2026.PDF",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cv["filename"], "cv-2026.PDF");
    assert_eq!(cv["sha256"], sha256(&second));
    assert_eq!(cv["text_edited"], false);
    assert!(cv["text"].as_str().expect("text").contains("Cheffe de chantier"));
    // The previous file stays for the sweep (six hours on: a backup under way still finds it).
    assert_eq!(stored(&app, &nora.id).len(), 2);
    assert_eq!(sweep(&app, 1).await, 0, "too recent");
    assert_eq!(sweep(&app, 7).await, 1);
    assert_eq!(stored(&app, &nora.id).len(), 1, "the previous file is gone");
    let file = send(&app, &nora, Method::GET, "/api/v1/me/cv/file", None).await;
    assert_eq!(
        file.bytes().await.expect("bytes").to_vec(),
        second,
        "the current one stays"
    );

    // The export has it, file and text.
    let files = app.export_bytes(&nora.access_token).await;
    assert_eq!(files["cv.pdf"], second);
    let meta: Value = serde_json::from_slice(&files["cv.json"]).expect("json");
    assert_eq!(meta["sha256"], sha256(&second));
    assert!(String::from_utf8_lossy(&files["README.txt"]).contains("cv.pdf"));

    // Deleted: the row and the file.
    let gone = send(&app, &nora, Method::DELETE, "/api/v1/me/cv", None).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_problem(
        send(&app, &nora, Method::GET, "/api/v1/me/cv/file", None).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(sweep(&app, 7).await, 1);
    assert!(stored(&app, &nora.id).is_empty());
    assert_problem(
        send(&app, &nora, Method::DELETE, "/api/v1/me/cv", None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        send(
            &app,
            &nora,
            Method::PATCH,
            "/api/v1/me/cv",
            Some(json!({"text": "x"})),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // An account deleted takes its CV's file with it.
    ok(
        upload(
            &app,
            &bob.access_token,
            pdf(&[LINES], true),
            "application/pdf",
            "cv.pdf",
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stored(&app, &bob.id).len(), 1);
    let deleted = app.as_user(&bob).delete_account().await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(sweep(&app, 7).await, 1);
    assert!(stored(&app, &bob.id).is_empty());
}

async fn what_is_not_a_pdf_leaves_nothing(app: TestApp) {
    let nora: TestUser = app.user("nora@example.fr").await;
    let token = nora.access_token.clone();
    let real = pdf(&[LINES], true);
    for (bytes, code) in [
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "not_pdf"),
        (b"%PDF-1.7\nnot really\n%%EOF\n".to_vec(), "invalid_pdf"),
        (real[..real.len() / 2].to_vec(), "invalid_pdf"),
        (Vec::new(), "empty"),
    ] {
        let refused = assert_problem(
            upload(&app, &token, bytes, "application/pdf", "cv.pdf").await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], "file");
        assert_eq!(refused["errors"][0]["code"], code);
    }
    assert_problem(
        upload(&app, &token, real.clone(), "application/octet-stream", "cv.pdf").await,
        415,
        "unsupported_media_type",
    )
    .await;
    let mut huge = real.clone();
    huge.resize(5 * 1024 * 1024 + 1, b' ');
    assert_problem(
        upload(&app, &token, huge, "application/pdf", "cv.pdf").await,
        413,
        "payload_too_large",
    )
    .await;
    // A read-only token reads, never uploads.
    let read = app.create_token(&token, "read").await;
    let secret = read["secret"].as_str().expect("secret");
    assert_problem(
        upload(&app, secret, real.clone(), "application/pdf", "cv.pdf").await,
        403,
        "insufficient_scope",
    )
    .await;
    assert!(stored(&app, &nora.id).is_empty(), "nothing stored");
    assert_problem(
        send(&app, &nora, Method::GET, "/api/v1/me/cv", None).await,
        404,
        "not_found",
    )
    .await;

    // A small file that would inflate to 64 MB: read within bounds, the server unharmed.
    let bomb = {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 64 * 1024 * 1024]).expect("deflate");
        let data = encoder.finish().expect("deflate");
        let mut doc = pdf(&[&["Nora Benali"]], false);
        let text = String::from_utf8_lossy(&doc).into_owned();
        // Page 1's content becomes the bomb (same object number; the xref is rebuilt by lenient readers).
        let start = text.find("5 0 obj\n").expect("content object");
        let end = text[start..].find("endobj").expect("end") + start;
        let mut object = format!(
            "5 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
            data.len()
        )
        .into_bytes();
        object.extend(&data);
        object.extend(b"\nendstream\n");
        doc.splice(start..end, object);
        doc
    };
    let answered = upload(&app, &token, bomb, "application/pdf", "bomb.pdf").await;
    assert!(
        answered.status() == StatusCode::OK || answered.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answered.status()
    );
    if answered.status() == StatusCode::OK {
        let cv: Value = answered.json().await.expect("json");
        assert!(
            cv["text"].as_str().expect("text").len() < 1000,
            "the bomb's text is not read"
        );
    }
    let health = app.client.get(app.url("/healthz")).send().await.expect("health");
    assert_eq!(health.status(), StatusCode::OK);
}

/// `JOBBOT_FILES_URL` on S3 (moto) and Azure Blob (Azurite), started by scripts/object-stores.sh in `make test`:
/// two `jobbot serve` processes on one PostgreSQL share the store — a CV uploaded through one is downloaded
/// through the other, byte for byte, and deleted through it.
#[actix_rt::test]
async fn cvs_in_s3_and_azure_are_shared_by_two_instances() {
    let Some((s3, azurite)) = crate::helpers::object_stores() else {
        return;
    };
    let name = format!("jobbot-cv-{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let made = crate::helpers::client()
        .put(format!("{s3}/{name}"))
        .send()
        .await
        .expect("bucket");
    assert!(made.status().is_success(), "the bucket: {}", made.status());
    crate::backup::create_azurite_container(&azurite, &name).await;
    for store in [format!("s3://{name}/files"), format!("azure://{name}/files")] {
        let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
        let url = crate::helpers::db_url(&db);
        let mut env = vec![("JOBBOT_FILES_URL", store.as_str())];
        env.extend(crate::backup::emulator_env(&s3, &azurite));
        let one = crate::helpers::start_process(&url, &env, std::process::Stdio::null()).await;
        let two = crate::helpers::start_process(&url, &env, std::process::Stdio::null()).await;
        let client = crate::helpers::client();
        let nora = crate::helpers::login_at(&one.base, "nora@example.fr").await;
        let cv = pdf(&[LINES], true);
        let uploaded = client
            .put(format!("{}/api/v1/me/cv", one.base))
            .bearer_auth(&nora.access_token)
            .header("Content-Type", "application/pdf")
            .body(cv.clone())
            .send()
            .await
            .expect("upload");
        assert_eq!(uploaded.status(), StatusCode::OK, "{store}");
        let file = client
            .get(format!("{}/api/v1/me/cv/file", two.base))
            .bearer_auth(&nora.access_token)
            .send()
            .await
            .expect("download");
        assert_eq!(file.status(), StatusCode::OK, "{store}");
        assert_eq!(file.bytes().await.expect("bytes").to_vec(), cv, "{store}");
        let gone = client
            .delete(format!("{}/api/v1/me/cv", two.base))
            .bearer_auth(&nora.access_token)
            .send()
            .await
            .expect("delete");
        assert_eq!(gone.status(), StatusCode::NO_CONTENT);
        let after = client
            .get(format!("{}/api/v1/me/cv/file", one.base))
            .bearer_auth(&nora.access_token)
            .send()
            .await
            .expect("download");
        assert_eq!(after.status(), StatusCode::NOT_FOUND, "{store}");
    }
}

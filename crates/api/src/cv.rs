//! A candidate's CV: is the upload a real PDF, and what text it holds (for the candidate to correct, and for
//! the coach). Parsing runs on the blocking pool, bounded: at most [`PAGES_READ`] pages, streams decompressed
//! up to [`STREAM_LIMIT`] each (a small crafted file cannot inflate to gigabytes), a panic in the parser is a
//! refusal, not a crash.

use jobbot_api_types::FieldError;
use sha2::{Digest, Sha256};

/// The largest CV accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The text kept (as extracted or corrected).
pub const TEXT_MAX_CHARS: usize = 50_000;
/// Pages whose text is read (a CV has one to three).
const PAGES_READ: u32 = 20;
/// The most a single stream of the PDF may decompress to.
const STREAM_LIMIT: usize = 8 * 1024 * 1024;
pub const FILENAME_MAX_CHARS: usize = 200;

/// What a valid PDF gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub pages: i32,
    pub text: String,
    pub sha256: String,
}

fn refusal(code: &str, message: &str) -> FieldError {
    FieldError {
        field: "file".into(),
        code: code.into(),
        message: message.into(),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Lines trimmed, runs of spaces made one, empty lines dropped (so the text never holds a blank line: the
/// coach's context separates its parts with them), cut at [`TEXT_MAX_CHARS`].
pub fn tidy(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&words.join(" "));
    }
    out.chars().take(TEXT_MAX_CHARS).collect()
}

/// Checks that `bytes` are a PDF (its header, its end marker, a document lopdf can read with at least one
/// page, not password-protected) and extracts its text. Refusals name the field `file`.
pub fn parse(bytes: &[u8]) -> Result<Parsed, FieldError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(refusal("not_pdf", "This file is not a PDF."));
    }
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(refusal("invalid_pdf", "This PDF is incomplete or damaged."));
    }
    let read = std::panic::catch_unwind(|| read_pdf(bytes));
    match read {
        Ok(result) => result,
        Err(_) => Err(refusal("invalid_pdf", "This PDF cannot be read.")),
    }
}

fn read_pdf(bytes: &[u8]) -> Result<Parsed, FieldError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(STREAM_LIMIT),
        ..Default::default()
    };
    let document = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|_| refusal("invalid_pdf", "This PDF cannot be read."))?;
    if document.is_encrypted() {
        return Err(refusal(
            "encrypted_pdf",
            "This PDF is protected by a password: save it without one.",
        ));
    }
    let pages = document.get_pages();
    if pages.is_empty() {
        return Err(refusal("invalid_pdf", "This PDF has no page."));
    }
    let numbers: Vec<u32> = pages.keys().copied().take(PAGES_READ as usize).collect();
    let text: String = document
        .extract_text_chunks_with_limit(&numbers, STREAM_LIMIT)
        .into_iter()
        .filter_map(Result::ok)
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Parsed {
        pages: i32::try_from(pages.len()).unwrap_or(i32::MAX),
        text: tidy(&text),
        sha256: sha256_hex(bytes),
    })
}

/// The name kept for the file: the client's, without folders or control characters, ending in `.pdf`.
pub fn filename(raw: Option<&str>) -> String {
    let base = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(FILENAME_MAX_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "cv.pdf".to_owned()
    } else if clean.to_lowercase().ends_with(".pdf") {
        clean.to_owned()
    } else {
        format!("{clean}.pdf")
    }
}

/// A file nothing refers to is deleted this long after it was written (a replaced or deleted CV, a deleted
/// account's, an upload interrupted before its row): an upload in progress keeps its file, and a backup
/// copying the files after its database still finds every file that database refers to.
pub const SWEEP_GRACE: chrono::TimeDelta = chrono::TimeDelta::hours(6);

/// Deletes the CV files no row refers to, written more than [`SWEEP_GRACE`] before `now`; returns how many
/// (would) go. The server runs it every hour, `jobbot purge` too.
pub async fn sweep(
    files: &crate::files::Files,
    pool: &jobbot_db::Pool,
    now: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
) -> anyhow::Result<usize> {
    let stored = files.list("cv/").await?;
    let pool = pool.clone();
    let kept: std::collections::HashSet<String> =
        actix_web::rt::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            Ok(jobbot_db::cvs::keys(&mut conn)?.into_iter().collect())
        })
        .await??;
    let before = now - SWEEP_GRACE;
    let mut swept = 0;
    for file in stored {
        if kept.contains(&file.key) || file.modified > before {
            continue;
        }
        if !dry_run {
            files.delete(&file.key).await?;
        }
        swept += 1;
    }
    Ok(swept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_keeps_lines_and_drops_blanks() {
        assert_eq!(
            tidy("  Nora   Benali \n\n\n Électricienne\t B1V \n"),
            "Nora Benali\nÉlectricienne B1V"
        );
        assert_eq!(tidy("\n\n"), "");
        assert_eq!(tidy(&"a".repeat(60_000)).chars().count(), TEXT_MAX_CHARS);
    }

    #[test]
    fn filenames_lose_folders_and_gain_pdf() {
        assert_eq!(filename(Some("C:\\Users\\nora\\CV Nora.pdf")), "CV Nora.pdf");
        assert_eq!(filename(Some("../../etc/passwd")), "passwd.pdf");
        assert_eq!(filename(Some("cv\"\n.PDF")), "cv.PDF");
        assert_eq!(filename(None), "cv.pdf");
        assert_eq!(filename(Some("   ")), "cv.pdf");
    }

    #[test]
    fn what_is_not_a_pdf_is_refused() {
        assert_eq!(parse(b"\x89PNG\r\n\x1a\n").expect_err("refused").code, "not_pdf");
        assert_eq!(
            parse(b"%PDF-1.4\nno end").expect_err("refused").code,
            "invalid_pdf"
        );
        assert_eq!(
            parse(b"%PDF-1.4\ngarbage\n%%EOF\n").expect_err("refused").code,
            "invalid_pdf"
        );
    }
}

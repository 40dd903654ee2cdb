//! A candidate's CV: is the upload a real PDF, and what text it holds (for the candidate to correct, and for
//! the coach). Reading a PDF is bounded twice:
//! - here, before any text is extracted, by what the extraction would cost ([`check_cost`]): at most
//!   [`PAGES_READ`] pages, a page whose content streams were all read already is skipped (shared streams
//!   count once), the content read in all at most [`CONTENT_BUDGET`] bytes, each font's `ToUnicode` map at
//!   most [`CMAP_CODES_PER_FONT`] codes and all the maps built at most [`CMAP_CODES_BUDGET`] (the extraction
//!   library walks every code of every range, for every page using the font); streams decompressed up to
//!   [`STREAM_LIMIT`] each; a panic in the parser is a refusal, not a crash;
//! - and by `crate::extraction`, which runs this in a separate worker process with a time and a memory budget,
//!   killed when it overruns, a few at a time per instance.

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
/// The page content read in all (after decompression), each stream once: a text-heavy 20-page CV has a
/// few hundred KB.
pub const CONTENT_BUDGET: usize = 4 * 1024 * 1024;
/// The codes one font's `ToUnicode` map may cover: every two-byte code.
pub const CMAP_CODES_PER_FONT: u64 = 65_536;
/// The codes of all the maps the extraction builds (one per font per page read).
pub const CMAP_CODES_BUDGET: u64 = 2_000_000;
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
    let numbers = check_cost(&document, &pages)?;
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

fn too_costly() -> FieldError {
    refusal(
        "too_costly",
        "This PDF would take too long to read (its pages or fonts are far larger than a CV's): export it \
         again from your word processor.",
    )
}

/// The pages whose text is read, once [`check_cost`] has found what reading them costs within the budgets;
/// a [`too_costly`] refusal otherwise.
fn check_cost(
    document: &lopdf::Document,
    pages: &std::collections::BTreeMap<u32, lopdf::ObjectId>,
) -> Result<Vec<u32>, FieldError> {
    let mut seen_streams = std::collections::HashSet::new();
    let mut font_codes: std::collections::HashMap<lopdf::ObjectId, u64> = std::collections::HashMap::new();
    let (mut content, mut codes) = (0usize, 0u64);
    let mut read = Vec::new();
    for (&number, &page) in pages.iter().take(PAGES_READ as usize) {
        let streams = document.get_page_contents(page);
        let new: Vec<lopdf::ObjectId> = streams
            .iter()
            .copied()
            .filter(|id| !seen_streams.contains(id))
            .collect();
        if new.is_empty() && !streams.is_empty() {
            // Its content was read with an earlier page: the same text again.
            continue;
        }
        for id in new {
            seen_streams.insert(id);
            let Ok(stream) = document.get_object(id).and_then(lopdf::Object::as_stream) else {
                continue;
            };
            let left = CONTENT_BUDGET.saturating_sub(content);
            let data = stream
                .decompressed_content_with_limit(left.max(1))
                .map_err(|_| too_costly())?;
            content += data.len();
            if content > CONTENT_BUDGET {
                return Err(too_costly());
            }
        }
        for font in document.get_page_fonts(page).unwrap_or_default().values() {
            let Ok(lopdf::Object::Reference(id)) = font.get(b"ToUnicode") else {
                continue;
            };
            let per_font = match font_codes.get(id) {
                Some(known) => *known,
                None => {
                    let Ok(stream) = document.get_object(*id).and_then(lopdf::Object::as_stream) else {
                        continue;
                    };
                    let text = stream
                        .decompressed_content_with_limit(STREAM_LIMIT)
                        .map_err(|_| too_costly())?;
                    let covered = cmap_codes(&text);
                    font_codes.insert(*id, covered);
                    covered
                }
            };
            // The library builds the map again for every page that uses the font.
            codes = codes.saturating_add(per_font);
            if per_font > CMAP_CODES_PER_FONT || codes > CMAP_CODES_BUDGET {
                return Err(too_costly());
            }
        }
        read.push(number);
    }
    Ok(read)
}

/// How many codes a `ToUnicode` CMap's `bfrange` sections cover (`<lo> <hi> <dst>` or `<lo> <hi> [...]`
/// entries; `bfchar` entries are one each, and cheap).
fn cmap_codes(cmap: &[u8]) -> u64 {
    let mut total = 0u64;
    let mut rest = cmap;
    while let Some(start) = find(rest, b"beginbfrange") {
        rest = &rest[start + b"beginbfrange".len()..];
        let end = find(rest, b"endbfrange").unwrap_or(rest.len());
        let section = &rest[..end];
        // Hex strings at the top level of the section; arrays are destinations, skipped.
        let mut codes: Vec<Option<u64>> = Vec::new();
        let mut depth = 0usize;
        let mut i = 0;
        while i < section.len() {
            match section[i] {
                b'[' => depth += 1,
                b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        codes.push(None);
                    }
                }
                b'<' if depth == 0 => {
                    let close = section[i..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map_or(section.len(), |p| i + p);
                    let digits: Vec<u8> = section[i + 1..close]
                        .iter()
                        .copied()
                        .filter(u8::is_ascii_hexdigit)
                        .collect();
                    // Longer than eight bytes cannot be a code: counted as the largest.
                    let value = std::str::from_utf8(&digits)
                        .ok()
                        .and_then(|d| u64::from_str_radix(d, 16).ok())
                        .or(Some(u64::MAX));
                    codes.push(value);
                    i = close;
                }
                _ => {}
            }
            i += 1;
        }
        for entry in codes.chunks(3) {
            if let [Some(lo), Some(hi), ..] = entry {
                total = total.saturating_add(hi.saturating_sub(*lo).saturating_add(1));
            }
        }
        rest = &rest[end..];
    }
    total
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
    files: &jobbot_storage::files::Files,
    pool: &jobbot_db::Pool,
    now: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
) -> anyhow::Result<usize> {
    let stored = files.list("cv/").await?;
    let pool = pool.clone();
    let kept: std::collections::HashSet<String> =
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
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
    fn cmap_ranges_are_counted() {
        let cmap = b"2 beginbfrange\n<0000> <00FF> <0041>\n<0100> <0101> [<0042> <0043>]\nendbfrange\n\
                     1 beginbfrange <00000000> <003FFFFF> <0000> endbfrange";
        assert_eq!(cmap_codes(cmap), 256 + 2 + 0x40_0000);
        assert_eq!(cmap_codes(b"1 beginbfchar <01> <0041> endbfchar"), 0);
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

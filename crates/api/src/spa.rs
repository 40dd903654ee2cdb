//! The built SPA, when `JOBBOT_STATIC_DIR` is set (`make run`): the same rules as nginx's `snippets/spa.conf`.
//!
//! - A file that exists is sent, as its precompressed `.br` or `.gz` twin (written at build time by
//!   `scripts/precompress.py`) when the browser accepts that encoding, with `Vary: Accept-Encoding`.
//! - Hashed files (`name-0123456789abcdef.ext`) are cached for a year (`immutable`); `index.html` is revalidated
//!   on every load (`no-cache`) so a new release is picked up at once, and so is the service worker (`/sw.js`);
//!   other files for an hour.
//! - A client route (`/legal/terms`: no extension) gets `index.html`; a missing file with an extension is a 404.
//! - An address of an earlier release (`/chat…` for the assistant, `/messages…` for the chats) is a permanent
//!   redirect to today's (`jobbot_domain::builds::moved`), its query string kept.
//! - The console build (`console/index.html`: the admin console and the two-step sign-in settings, kept out
//!   of the first page's bundle) answers `/admin`, `/admin/…` and `/account/security`; the workspace build
//!   (`workspace/index.html`: the signed-in app — the job seeker's offers, applications, profile, account and
//!   alerts, the assistant's conversations, chats and shares) answers `/offers`, `/offers/…`, `/applications`,
//!   `/applications/…`, `/profile`, `/account`, `/alerts`, `/assistant`, `/assistant/…`, `/chats`, `/chats/…`,
//!   `/shares` and `/shares/…`.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use jobbot_api_types::ErrorCode;
// Which build owns a client route: one list, which the SPA's routers read too.
use jobbot_domain::builds::{is_console_path, is_workspace_path, moved};

use crate::error::ApiError;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
const ONE_HOUR: &str = "public, max-age=3600";

/// Where the SPA's files are.
#[derive(Clone)]
pub struct SpaDir(pub PathBuf);

/// What a path names in the build.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    File(PathBuf),
    Index,
    /// A client route of a second build (`console` or `workspace`): its folder.
    BuildIndex(&'static str),
    Missing,
}

/// The second build whose page answers `path`, if any.
fn second_build(path: &str) -> Option<&'static str> {
    if is_console_path(path) {
        Some("console")
    } else if is_workspace_path(path) {
        Some("workspace")
    } else {
        None
    }
}

/// Only plain names are looked up (no `..`, no hidden files, no escapes): anything else is a client route or
/// a missing file, never a path outside `dir`.
fn resolve(dir: &Path, path: &str) -> Target {
    let relative = path.trim_start_matches('/');
    if relative.is_empty() || relative == "index.html" {
        return Target::Index;
    }
    let plain = relative.split('/').all(|segment| {
        !segment.is_empty()
            && !segment.starts_with('.')
            && segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if plain {
        let file = dir.join(relative);
        if file.is_file() {
            return Target::File(file);
        }
    }
    let last = relative.rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        Target::Missing
    } else if let Some(build) = second_build(path).filter(|b| dir.join(b).join("index.html").is_file()) {
        Target::BuildIndex(build)
    } else {
        Target::Index
    }
}

/// `name-0123456789abcdef.ext` or `name-0123456789abcdef_bg.wasm`: trunk's content-hashed names. trunk writes
/// its 64-bit hash without leading zeros, so one name in sixteen has 15 digits (and rarer ones fewer).
fn is_hashed(file_name: &str) -> bool {
    let Some((stem, _extension)) = file_name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((name, hash)) => {
            !name.is_empty()
                && (8..=16).contains(&hash.len())
                && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }
        None => false,
    }
}

/// Whether `Accept-Encoding` allows `coding` (a `q=0` refuses it).
fn accepts(req: &HttpRequest, coding: &str) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

/// Sends `file`, or its `.br`/`.gz` twin when there is one and the browser takes it.
async fn send(req: &HttpRequest, file: &Path, cache: &'static str) -> Result<HttpResponse, ApiError> {
    let mime =
        actix_files::file_extension_to_mime(file.extension().and_then(|e| e.to_str()).unwrap_or_default());
    let twin = |suffix: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let (brotli, gzip) = (twin(".br"), twin(".gz"));
    let has_variants = brotli.is_file() || gzip.is_file();
    let (path, encoding) = if brotli.is_file() && accepts(req, "br") {
        (brotli, Some(ContentEncoding::Brotli))
    } else if gzip.is_file() && accepts(req, "gzip") {
        (gzip, Some(ContentEncoding::Gzip))
    } else {
        (file.to_path_buf(), None)
    };
    let mut named = NamedFile::open_async(&path)
        .await
        .map_err(|e| ApiError::internal(format!("cannot open {}: {e}", path.display())))?
        .set_content_type(mime)
        .disable_content_disposition();
    if let Some(encoding) = encoding {
        named = named.set_content_encoding(encoding);
    }
    let mut response = named.into_response(req);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if has_variants {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    Ok(response)
}

/// GET and HEAD on any path no API route took.
pub async fn serve(req: HttpRequest, dir: web::Data<SpaDir>) -> Result<HttpResponse, ApiError> {
    if let Some(to) = moved(req.path()) {
        let query = req.query_string();
        let location = if query.is_empty() {
            to
        } else {
            format!("{to}?{query}")
        };
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, location))
            .finish());
    }
    let index = dir.0.join("index.html");
    match resolve(&dir.0, req.path()) {
        Target::Index => send(&req, &index, REVALIDATE).await,
        Target::BuildIndex(build) => send(&req, &dir.0.join(build).join("index.html"), REVALIDATE).await,
        Target::File(file) => {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let cache = if is_hashed(name) {
                IMMUTABLE
            } else if req.path() == "/sw.js" {
                // The service worker: a new release's is picked up at the next visit.
                REVALIDATE
            } else {
                ONE_HOUR
            };
            send(&req, &file, cache).await
        }
        Target::Missing => Err(ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "No file at this path.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_trunks() {
        assert!(is_hashed("jobbot-frontend-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("style-0123456789abcdef.css"));
        assert!(is_hashed("loader-fedcba9876543210.js"));
        assert!(!is_hashed("robots.txt"));
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("style-0123456789ABCDEF.css"));
        assert!(
            is_hashed("jobbot-frontend-678493da0d97aea_bg.wasm"),
            "a hash with a leading zero"
        );
        assert!(!is_hashed("style-0123456.css"));
        assert!(!is_hashed("style-0123456789abcdef0.css"));
        assert!(!is_hashed("-0123456789abcdef.css"));
    }

    #[test]
    fn paths_resolve_like_nginx() {
        let dir = std::env::temp_dir().join(format!("jobbot-spa-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).expect("test files");
        std::fs::write(dir.join("index.html"), "<html>").expect("test files");
        std::fs::write(dir.join("robots.txt"), "User-agent: *").expect("test files");
        std::fs::write(dir.join("assets/app-0123456789abcdef.js"), "x").expect("test files");
        assert_eq!(resolve(&dir, "/"), Target::Index);
        assert_eq!(resolve(&dir, "/index.html"), Target::Index);
        assert_eq!(resolve(&dir, "/robots.txt"), Target::File(dir.join("robots.txt")));
        assert_eq!(
            resolve(&dir, "/assets/app-0123456789abcdef.js"),
            Target::File(dir.join("assets/app-0123456789abcdef.js"))
        );
        assert_eq!(resolve(&dir, "/legal/terms"), Target::Index);
        assert_eq!(resolve(&dir, "/missing.js"), Target::Missing);
        // Never a file outside the folder: at most index.html.
        assert_eq!(resolve(&dir, "/../etc/passwd"), Target::Index);
        assert_eq!(resolve(&dir, "/../etc/hosts.txt"), Target::Missing);
        assert_eq!(resolve(&dir, "/%2e%2e/secret.txt"), Target::Missing);
        assert_eq!(resolve(&dir, "/.env"), Target::Missing);
        assert_eq!(resolve(&dir, "/assets"), Target::Index);
        // The console's routes get its page once it is built, and the main page before.
        assert_eq!(resolve(&dir, "/admin/users"), Target::Index);
        std::fs::create_dir_all(dir.join("console")).expect("test files");
        std::fs::write(dir.join("console/index.html"), "<html>").expect("test files");
        assert_eq!(resolve(&dir, "/admin"), Target::BuildIndex("console"));
        assert_eq!(
            resolve(&dir, "/admin/users/0190-abc"),
            Target::BuildIndex("console")
        );
        assert_eq!(resolve(&dir, "/account/security"), Target::BuildIndex("console"));
        assert_eq!(resolve(&dir, "/account/tokens"), Target::Index);
        assert_eq!(resolve(&dir, "/administrator"), Target::Index);
        assert_eq!(resolve(&dir, "/offers/saved"), Target::Index);
        std::fs::create_dir_all(dir.join("workspace")).expect("test files");
        std::fs::write(dir.join("workspace/index.html"), "<html>").expect("test files");
        assert_eq!(resolve(&dir, "/offers"), Target::BuildIndex("workspace"));
        assert_eq!(resolve(&dir, "/offers/0190-abc"), Target::BuildIndex("workspace"));
        assert_eq!(resolve(&dir, "/offersx"), Target::Index);
        assert_eq!(resolve(&dir, "/applications"), Target::BuildIndex("workspace"));
        assert_eq!(
            resolve(&dir, "/applications/0190-abc"),
            Target::BuildIndex("workspace")
        );
        assert_eq!(resolve(&dir, "/applicationsx"), Target::Index);
        assert_eq!(resolve(&dir, "/profile"), Target::BuildIndex("workspace"));
        assert_eq!(resolve(&dir, "/account"), Target::BuildIndex("workspace"));
        assert_eq!(resolve(&dir, "/alerts"), Target::BuildIndex("workspace"));
        for path in [
            "/assistant",
            "/assistant/0190-abc",
            "/chats",
            "/chats/0190-abc",
            "/shares",
            "/shares/0190-abc",
        ] {
            assert_eq!(resolve(&dir, path), Target::BuildIndex("workspace"), "{path}");
        }
        assert_eq!(resolve(&dir, "/chatter"), Target::Index);
        assert_eq!(resolve(&dir, "/assistants"), Target::Index);
        assert_eq!(resolve(&dir, "/alerts/x"), Target::Index);
        assert_eq!(resolve(&dir, "/account/security"), Target::BuildIndex("console"));
        assert_eq!(
            resolve(&dir, "/console/index.html"),
            Target::File(dir.join("console/index.html"))
        );
        std::fs::remove_dir_all(&dir).expect("test files");
    }
}

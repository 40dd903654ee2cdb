//! The one API client: same-origin JSON over fetch, cookies for the session, the CSRF header on every
//! unsafe method, and one transparent refresh when the access token has expired. The calls here are the first
//! page's and the account's; each signed-in page's own calls live beside it (`workspace/*/api.rs`).

use gloo_net::http::{Request, RequestBuilder, Response};
use jobbot_api_types::{
    ChangePasswordRequest, ConversationPage, CreateTokenRequest, CreatedToken, ErrorCode, LoginRequest,
    PersonalToken, Problem, RegisterRequest, TokenResponse, UpdateMeRequest, User,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;

const BASE: &str = "/api/v1";

/// A failed call: the server's problem, or a synthetic one for network failures.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError(pub Problem);

impl ApiError {
    pub fn local(code: ErrorCode, detail: String) -> Self {
        Self(Problem {
            type_uri: format!("urn:jobbot:problem:{code}"),
            title: "Error".into(),
            status: 0,
            detail: Some(detail),
            code,
            errors: None,
        })
    }

    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

fn csrf_token() -> Option<String> {
    let document = web_sys::window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?;
    let cookies = document.cookie().ok()?;
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == "jobbot_csrf")
        .map(|(_, value)| value.to_owned())
}

/// Whether the browser holds a login session: the readable CSRF cookie lives exactly as long as the session's
/// refresh cookie (both are set at login and cleared at logout), so without it there is nothing to ask the
/// server, and an anonymous visit sends no request that could only answer 401.
pub fn has_session() -> bool {
    csrf_token().is_some_and(|token| !token.is_empty())
}

/// Forgets a session the server no longer knows (revoked elsewhere, or expired), so later visits stay quiet.
pub fn forget_session() {
    if let Some(document) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let _ = document.set_cookie("jobbot_csrf=; Max-Age=0; Path=/; SameSite=Strict");
    }
}

/// A 401 worth one refresh: the access token expired, or its cookie (15 minutes) is gone while the session
/// (30 days) may still be alive.
pub fn refreshable(error: &ApiError) -> bool {
    match error.code() {
        ErrorCode::TokenExpired => true,
        ErrorCode::Unauthenticated => has_session(),
        _ => false,
    }
}

async fn send(verb: Verb, path: &str, body: Option<&str>) -> Result<Response, ApiError> {
    send_accepting(verb, path, body, "application/json").await
}

pub async fn send_accepting(
    verb: Verb,
    path: &str,
    body: Option<&str>,
    accept: &str,
) -> Result<Response, ApiError> {
    send_with_headers(verb, path, body, accept, &[]).await
}

pub async fn send_with_headers(
    verb: Verb,
    path: &str,
    body: Option<&str>,
    accept: &str,
    headers: &[(&str, &str)],
) -> Result<Response, ApiError> {
    let url = format!("{BASE}{path}");
    let builder: RequestBuilder = match verb {
        Verb::Get => Request::get(&url),
        Verb::Post => Request::post(&url),
        Verb::Put => Request::put(&url),
        Verb::Patch => Request::patch(&url),
        Verb::Delete => Request::delete(&url),
    };
    let mut builder = builder.header("Accept", accept);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    if verb != Verb::Get {
        if let Some(token) = csrf_token() {
            builder = builder.header("X-CSRF-Token", &token);
        }
    }
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body.to_owned()),
        None => builder.build(),
    }
    .map_err(|e| ApiError::local(ErrorCode::NetworkError, e.to_string()))?;
    request
        .send()
        .await
        .map_err(|e| ApiError::local(ErrorCode::NetworkError, e.to_string()))
}

pub async fn problem_of(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiError(problem),
        Err(_) => ApiError::local(ErrorCode::UnexpectedResponse, format!("HTTP {status}")),
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::local(ErrorCode::NetworkError, e.to_string()))?;
    let text = if text.trim().is_empty() {
        "null"
    } else {
        text.as_str()
    };
    serde_json::from_str(text).map_err(|e| ApiError::local(ErrorCode::UnexpectedResponse, e.to_string()))
}

pub async fn call<T: DeserializeOwned>(verb: Verb, path: &str, body: Option<String>) -> Result<T, ApiError> {
    let response = send(verb, path, body.as_deref()).await?;
    if response.status() == 401 {
        let error = problem_of(response).await;
        if refreshable(&error) && refresh().await.is_ok() {
            return decode(send(verb, path, body.as_deref()).await?).await;
        }
        return Err(error);
    }
    decode(response).await
}

/// Sends a file as the body (`content_type`), refreshing the session once if it expired.
pub async fn upload<T: DeserializeOwned>(
    verb: Verb,
    path: &str,
    file: &web_sys::File,
    content_type: &str,
) -> Result<T, ApiError> {
    let attempt = || async {
        let url = format!("{BASE}{path}");
        let builder = match verb {
            Verb::Post => Request::post(&url),
            _ => Request::put(&url),
        };
        let mut builder = builder
            .header("Accept", "application/json")
            .header("Content-Type", content_type);
        if let Some(token) = csrf_token() {
            builder = builder.header("X-CSRF-Token", &token);
        }
        builder
            .body(wasm_bindgen::JsValue::from(file.clone()))
            .map_err(|e| ApiError::local(ErrorCode::NetworkError, e.to_string()))?
            .send()
            .await
            .map_err(|e| ApiError::local(ErrorCode::NetworkError, e.to_string()))
    };
    let response = attempt().await?;
    if response.status() == 401 {
        let error = problem_of(response).await;
        if refreshable(&error) && refresh().await.is_ok() {
            return decode(attempt().await?).await;
        }
        return Err(error);
    }
    decode(response).await
}

pub fn json<B: Serialize>(body: &B) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// Rotates the session cookies with the HttpOnly refresh cookie.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    decode(send(Verb::Post, "/auth/refresh", Some("{}")).await?).await
}

pub async fn register(body: &RegisterRequest) -> Result<User, ApiError> {
    call(Verb::Post, "/auth/register", json(body)).await
}

/// Logs in; the server sets the cookies. The tokens in the body are not kept: the SPA never stores them.
pub async fn login(body: &LoginRequest) -> Result<User, ApiError> {
    let response: TokenResponse = call(Verb::Post, "/auth/login", json(body)).await?;
    Ok(response.user)
}

pub async fn logout() -> Result<(), ApiError> {
    call(Verb::Post, "/auth/logout", Some("{}".into())).await
}

pub async fn me() -> Result<User, ApiError> {
    call(Verb::Get, "/me", None).await
}

pub async fn update_me(body: &UpdateMeRequest) -> Result<User, ApiError> {
    call(Verb::Patch, "/me", json(body)).await
}

pub async fn change_password(body: &ChangePasswordRequest) -> Result<(), ApiError> {
    call(Verb::Post, "/me/password", json(body)).await
}

pub async fn list_tokens() -> Result<Vec<PersonalToken>, ApiError> {
    call(Verb::Get, "/me/tokens", None).await
}

pub async fn create_token(body: &CreateTokenRequest) -> Result<CreatedToken, ApiError> {
    call(Verb::Post, "/me/tokens", json(body)).await
}

pub async fn revoke_token(id: &str) -> Result<(), ApiError> {
    call(Verb::Delete, &format!("/me/tokens/{id}"), None).await
}

/// The latest `limit` conversations (the dashboard's).
pub async fn recent_conversations(limit: u8) -> Result<ConversationPage, ApiError> {
    call(Verb::Get, &format!("/conversations?limit={limit}"), None).await
}

/// What the dashboard shows of a saved search (the rest of its JSON is left unread).
#[derive(Clone, serde::Deserialize)]
pub struct SearchNews {
    pub id: String,
    pub name: String,
    pub new_offers: i64,
}

/// The candidate's saved searches, as the dashboard reads them.
pub async fn saved_searches() -> Result<Vec<SearchNews>, ApiError> {
    call(Verb::Get, "/me/saved-searches", None).await
}

/// The candidate's applications (the dashboard's next actions and counts).
pub async fn applications() -> Result<jobbot_api_types::ApplicationList, ApiError> {
    call(Verb::Get, "/applications", None).await
}

pub async fn put_consent(
    choice: &jobbot_api_types::ConsentChoice,
) -> Result<jobbot_api_types::ConsentState, ApiError> {
    call(Verb::Put, "/me/consent", json(choice)).await
}

pub async fn privacy_facts() -> Result<jobbot_api_types::PrivacyFacts, ApiError> {
    call(Verb::Get, "/privacy", None).await
}

pub async fn delete_account(password: &str) -> Result<jobbot_api_types::DeletionReceipt, ApiError> {
    let body = json(&jobbot_api_types::DeleteAccountRequest {
        password: password.to_owned(),
    });
    call(Verb::Delete, "/me", body).await
}

/// Downloads the export, reporting the bytes received so far; returns the archive.
pub async fn export(mut progress: impl FnMut(usize)) -> Result<Vec<u8>, ApiError> {
    let response = send_accepting(Verb::Get, "/me/export", None, "application/zip").await?;
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    let stream = response
        .body()
        .ok_or_else(|| ApiError::local(ErrorCode::UnexpectedResponse, "no body".into()))?;
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut archive = Vec::new();
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|_| ApiError::local(ErrorCode::NetworkError, "the download was interrupted".into()))?;
        if js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).unwrap_or_default();
        archive.extend(js_sys::Uint8Array::new(&value).to_vec());
        progress(archive.len());
    }
    Ok(archive)
}

/// Offers `bytes` to the user as a file.
pub fn save_file(bytes: &[u8], filename: &str, mime: &str) {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Ok(link) = document.create_element("a") {
            let link: web_sys::HtmlAnchorElement = link.unchecked_into();
            link.set_href(&url);
            link.set_download(filename);
            link.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

//! `spawn_app`: the real server on a free port, on its own fresh database, with an HTTP client.

use std::collections::HashMap;

use actix_web::dev::ServerHandle;
use jobbot_api::config::Config;
use jobbot_api::startup::Application;
use jobbot_db::testing::TestDatabase;
use jobbot_db::Backend;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "Un-mot-de-passe-solide-42";

/// How long the tests' clients keep an idle connection: under actix-web's 5 s keep-alive, so a request is
/// never sent on a connection the server is closing (reqwest then fails with `IncompleteMessage`; it happened
/// to a backup test whose `jobbot backup` commands took over 5 s between two requests on a busy machine).
pub const IDLE_BEFORE_THE_SERVER: std::time::Duration = std::time::Duration::from_secs(2);

/// A client as the tests' servers expect (redirects followed, idle connections dropped in time).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(IDLE_BEFORE_THE_SERVER)
        .build()
        .expect("client")
}

pub struct TestApp {
    pub address: String,
    /// The admin listener, when `JOBBOT_ADMIN_BIND` is set.
    pub admin_address: Option<String>,
    pub client: reqwest::Client,
    handle: ServerHandle,
    /// The server's hub (its PostgreSQL listener thread ends with the server).
    pub hub: std::sync::Arc<jobbot_api::realtime::Hub>,
    pub db: TestDatabase,
    /// `JOBBOT_DATA_DIR` (the file store is its `files/`).
    pub data_dir: std::path::PathBuf,
}

/// A logged-in user, as the tests drive it.
pub struct TestUser {
    pub id: String,
    pub access_token: String,
    pub refresh_token: String,
    /// `name=value` pairs of the cookies set at login.
    pub cookies: HashMap<String, String>,
}

impl TestUser {
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Starts the app with extra environment variables (e.g. `JOBBOT_AUTH_RATE_LIMIT`).
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let db = TestDatabase::new(backend);
    let data_dir = std::env::temp_dir().join(format!("jobbot-test-data-{}", uuid::Uuid::now_v7()));
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), db_url(&db)),
        ("JOBBOT_BIND".into(), "127.0.0.1:0".into()),
        ("JOBBOT_JWT_SECRET".into(), TEST_JWT_SECRET.into()),
        ("JOBBOT_WORKERS".into(), "2".into()),
        ("JOBBOT_DB_POOL_SIZE".into(), "4".into()),
        // The extraction worker is the built `jobbot` binary (this test binary has no `extract` command).
        (
            "JOBBOT_EXTRACT_PROGRAM".into(),
            env!("CARGO_BIN_EXE_jobbot").into(),
        ),
        ("JOBBOT_DATA_DIR".into(), data_dir.to_string_lossy().into_owned()),
    ]);
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration");
    let app = Application::build(config).await.expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let admin_address = app.admin_port().map(|port| format!("http://127.0.0.1:{port}"));
    let handle = app.handle();
    let hub = app.hub();
    actix_rt::spawn(app.into_server());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(IDLE_BEFORE_THE_SERVER)
        .build()
        .expect("client");
    TestApp {
        address,
        admin_address,
        client,
        handle,
        hub,
        db,
        data_dir,
    }
}

pub fn db_url(db: &TestDatabase) -> String {
    match &db.url {
        jobbot_db::DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        jobbot_db::DatabaseUrl::Postgres(url) => url.clone(),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_rt::spawn(async move { handle.stop(false).await });
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn register(&self, email: &str, name: &str) -> Response {
        self.post_json(
            "/api/v1/auth/register",
            &json!({"email": email, "password": PASSWORD, "display_name": name, "accept_terms": true}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers and logs in a new user.
    pub async fn user(&self, email: &str) -> TestUser {
        let registered = self.register(email, "Camille Martin").await;
        assert_eq!(registered.status(), StatusCode::CREATED);
        let response = self.login(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookies = set_cookies(&response)
            .into_iter()
            .map(|(name, (value, _))| (name, value))
            .collect();
        let body: Value = response.json().await.expect("json");
        TestUser {
            id: body["user"]["id"].as_str().expect("id").to_owned(),
            access_token: body["access_token"].as_str().expect("access").to_owned(),
            refresh_token: body["refresh_token"].as_str().expect("refresh").to_owned(),
            cookies,
        }
    }

    pub async fn get_bearer(&self, path: &str, token: &str) -> Response {
        self.with_token(token)
            .call(reqwest::Method::GET, path, None)
            .await
    }

    /// GETs `path` without credentials: the answer's JSON, which must come with 200.
    pub async fn public_json(&self, path: &str) -> Value {
        let response = self.client.get(self.url(path)).send().await.expect("request");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.expect("json")
    }

    /// The OpenAPI document this server serves.
    pub async fn openapi(&self) -> Value {
        self.public_json("/api/openapi.json").await
    }

    /// Creates a personal token of `scope` (`read` or `write`) for the holder of `access`; returns its JSON.
    pub async fn create_token(&self, access: &str, scope: &str) -> Value {
        let response = self
            .client
            .post(self.url("/api/v1/me/tokens"))
            .bearer_auth(access)
            .json(&json!({"name": format!("{scope} client"), "scope": scope, "expires_in_days": 30}))
            .send()
            .await
            .expect("create");
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("json")
    }

    /// Runs `f` on a connection of the app's database (for what no endpoint does, e.g. moving time on).
    pub fn with_db<T>(&self, f: impl FnOnce(&mut jobbot_db::DbConnection) -> T) -> T {
        let pool = jobbot_db::connect(&self.db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        f(&mut conn)
    }

    /// The caller's export, unzipped: file name → contents.
    pub async fn export(&self, token: &str) -> HashMap<String, String> {
        self.export_bytes(token)
            .await
            .into_iter()
            .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap_or_default()))
            .collect()
    }

    /// The export's files as bytes (a CV's PDF is not text).
    pub async fn export_bytes(&self, token: &str) -> HashMap<String, Vec<u8>> {
        use std::io::Read;
        let response = self.get_bearer("/api/v1/me/export", token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.expect("body");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
        let mut files = HashMap::new();
        for index in 0..archive.len() {
            let mut file = archive.by_index(index).expect("entry");
            let mut content = Vec::new();
            file.read_to_end(&mut content).expect("read");
            files.insert(file.name().expect("a name").to_string(), content);
        }
        files
    }

    /// Signs up `email`, makes it an admin, logs in again and turns two-factor sign-in on (admins need it):
    /// the admin's access token.
    pub async fn admin_token(&self, email: &str) -> String {
        let user = self.user(email).await;
        self.promote(&user.id, "admin").await;
        let login: Value = self.login(email, PASSWORD).await.json().await.expect("json");
        let token = login["access_token"].as_str().expect("token").to_owned();
        self.enrol_two_factor(&token).await;
        token
    }

    /// Turns two-factor sign-in on for the holder of `access` (a login session); returns the base32 secret.
    pub async fn enrol_two_factor(&self, access: &str) -> String {
        let setup: Value = self
            .client
            .post(self.url("/api/v1/me/2fa/setup"))
            .bearer_auth(access)
            .send()
            .await
            .expect("setup")
            .json()
            .await
            .expect("json");
        let secret = setup["secret"].as_str().expect("secret").to_owned();
        let key = jobbot_api::credentials::totp::base32_decode(&secret).expect("base32");
        let step = jobbot_api::credentials::totp::step_of(chrono::Utc::now().timestamp() as u64);
        let code = format!(
            "{:06}",
            jobbot_api::credentials::totp::code_at_step(&key, step, 6)
        );
        let enabled = self
            .client
            .post(self.url("/api/v1/me/2fa/enable"))
            .bearer_auth(access)
            .json(&json!({ "code": code, "password": PASSWORD }))
            .send()
            .await
            .expect("enable");
        assert_eq!(enabled.status(), StatusCode::OK, "two-factor sign-in on");
        secret
    }

    /// Makes a user an admin directly in the database (as `jobbot user create --role admin` would).
    pub async fn promote(&self, user_id: &str, role: &str) {
        let pool = jobbot_db::connect(&self.db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        let changes = jobbot_db::users::UserChanges {
            role: Some(role),
            ..Default::default()
        };
        jobbot_db::users::update(&mut conn, user_id, &changes).expect("promote");
    }
}

/// Cookies set by a response: name → (value, the whole `Set-Cookie` line).
pub fn set_cookies(response: &Response) -> HashMap<String, (String, String)> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|line| {
            let pair = line.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_owned(), (value.trim().to_owned(), line.to_owned())))
        })
        .collect()
}

/// `method path` as `user` (their bearer token), with a JSON body when given.
pub async fn send(
    app: &TestApp,
    user: &TestUser,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Response {
    app.as_user(user).call(method, path, body).await
}

/// The answer's JSON, once its status is checked.
pub async fn ok(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.expect("json")
}

/// Starts a conversation from `start` (its `offer_id`, `application_id`…), asks `question` and returns the
/// finished answer's text.
pub async fn ask(app: &TestApp, user: &TestUser, start: Value, question: &str) -> String {
    let speaker = app.as_user(user);
    let conversation: jobbot_api_types::Conversation = speaker
        .post("/api/v1/conversations", start, &[StatusCode::CREATED])
        .await;
    speaker
        .ask(&conversation.id, question)
        .await
        .assistant_message
        .content
}
/// Asserts a problem+json response with this status and code; returns the body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(content_type, "application/problem+json", "content type of {body}");
    assert_eq!(body["code"], code, "code in {body}");
    assert_eq!(body["status"], status, "status in {body}");
    assert!(
        body["type"].is_string() && body["title"].is_string(),
        "RFC 9457 fields in {body}"
    );
    body
}

/// Runs each named `async fn(TestApp)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_rt::test]
                async fn sqlite() {
                    super::$name($crate::helpers::spawn_app(jobbot_db::Backend::Sqlite).await).await
                }

                #[actix_rt::test]
                async fn postgres() {
                    super::$name($crate::helpers::spawn_app(jobbot_db::Backend::Postgres).await).await
                }
            }
        )*
    };
}

/// Like `both_backends!`, for test functions that take the `Backend` and build their own app (a fake upstream,
/// other settings, real processes).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_rt::test]
                async fn sqlite() {
                    super::$name(jobbot_db::Backend::Sqlite).await
                }

                #[actix_rt::test]
                async fn postgres() {
                    super::$name(jobbot_db::Backend::Postgres).await
                }
            }
        )*
    };
}

/// The real `jobbot` binary, serving on a free port; killed and reaped when dropped.
pub struct Process {
    pub child: std::process::Child,
    pub base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Registers `email` on a server started with [`start_process`] and logs in.
pub async fn login_at(base: &str, email: &str) -> TestUser {
    let client = client();
    client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": email, "password": PASSWORD, "display_name": email, "accept_terms": true}))
        .send()
        .await
        .expect("register");
    let body = login_with(base, email, PASSWORD).await;
    TestUser {
        id: body["user"]["id"].as_str().expect("id").to_owned(),
        access_token: body["access_token"].as_str().expect("token").to_owned(),
        refresh_token: String::new(),
        cookies: Default::default(),
    }
}

/// Logs in to a server started with [`start_process`]: the token response.
pub async fn login_with(base: &str, email: &str, password: &str) -> Value {
    client()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json")
}

/// Starts `jobbot serve` on `database_url` (rate limits off, the test JWT secret, `RUST_LOG=warn`; `extra`
/// overrides) and waits until it is ready. `stderr` receives its logs.
pub async fn start_process(
    database_url: &str,
    extra: &[(&str, &str)],
    stderr: std::process::Stdio,
) -> Process {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("JOBBOT_BIND", format!("127.0.0.1:{port}"))
        .env("JOBBOT_JWT_SECRET", TEST_JWT_SECRET)
        .env("JOBBOT_AUTH_RATE_LIMIT", "0")
        .env("JOBBOT_DATA_DIR", std::env::temp_dir())
        .env("RUST_LOG", "warn")
        .envs(extra.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start jobbot");
    // Owned by its guard at once, so the process is killed and reaped whatever happens next.
    let process = Process {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = client();
    for _ in 0..200 {
        if client
            .get(format!("{}/readyz", process.base))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return process;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("jobbot did not start");
}

/// A new conversation of the token's user on the server at `base`: its id.
pub async fn new_conversation(client: &reqwest::Client, base: &str, token: &str) -> String {
    crate::speak::Speaker::at(client, base, token)
        .new_conversation()
        .await
        .id
}

impl TestApp {
    /// `user`, calling the API with their access token.
    pub fn as_user<'a>(&'a self, user: &'a TestUser) -> crate::speak::Speaker<'a> {
        self.with_token(&user.access_token)
    }

    /// The holder of `token` (an access or personal token).
    pub fn with_token<'a>(&'a self, token: &'a str) -> crate::speak::Speaker<'a> {
        crate::speak::Speaker::at(&self.client, &self.address, token)
    }
}

impl crate::speak::Speaker<'_> {
    /// GETs `path` and asserts the refusal: a problem with this status and code; returns its body.
    pub async fn refused(&self, path: &str, status: u16, code: &str) -> Value {
        assert_problem(self.call(reqwest::Method::GET, path, None).await, status, code).await
    }

    /// Deletes the speaker's account (confirmed with the test password): the answer as it comes.
    pub async fn delete_account(&self) -> Response {
        self.call(
            reqwest::Method::DELETE,
            "/api/v1/me",
            Some(json!({ "password": PASSWORD })),
        )
        .await
    }
}

/// The S3 (moto) and Azurite endpoints scripts/object-stores.sh started for `make test`, when it did.
pub fn object_stores() -> Option<(String, String)> {
    match (
        std::env::var("JOBBOT_TEST_S3_ENDPOINT"),
        std::env::var("JOBBOT_TEST_AZURITE_URL"),
    ) {
        (Ok(s3), Ok(azurite)) => Some((s3, azurite)),
        _ => {
            eprintln!("skipped: no object stores (make test starts them with scripts/object-stores.sh)");
            None
        }
    }
}

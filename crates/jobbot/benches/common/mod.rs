//! What the benchmarks share: knobs, ports, percentiles, a process's memory, and signing a user up.
#![allow(dead_code)] // each benchmark uses part of it

use serde_json::{json, Value};

/// The API in its own types, shared with the API tests.
#[path = "../../tests/api/speak.rs"]
pub mod speak;

pub const PASSWORD: &str = "Un-mot-de-passe-solide-42";

/// A numeric knob from the environment.
pub fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The `p` quantile (0 to 1) of sorted figures.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted
        .get(((sorted.len().max(1) - 1) as f64 * p).round() as usize)
        .copied()
        .unwrap_or(f64::NAN)
}

/// A field of `/proc/PID/status` in KiB (`VmRSS:`, `VmHWM:`), 0 if unreadable.
pub fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A streamed answer in Mistral's wire format: `pieces` chunks `mot0 `, `mot1 `… `delay` apart, then the
/// usage and `data: [DONE]`.
pub fn mistral_stream(pieces: u64, delay: std::time::Duration) -> actix_web::HttpResponse {
    use actix_web::web::Bytes;
    use futures_util::StreamExt;
    fn chunk(content: &str) -> String {
        let value = json!({"id": "cmpl-b", "object": "chat.completion.chunk", "created": 1, "model": "mistral-small-latest",
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]});
        format!("data: {value}\n\n")
    }
    const END: &str = "data: {\"id\":\"cmpl-b\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"mistral-small-latest\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":20,\"total_tokens\":40}}\n\ndata: [DONE]\n\n";
    let stream = futures_util::stream::iter(0..pieces)
        .then(move |i| async move {
            if i > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok::<_, actix_web::Error>(Bytes::from(chunk(&format!("mot{i} "))))
        })
        .chain(futures_util::stream::once(async {
            Ok(Bytes::from_static(END.as_bytes()))
        }));
    actix_web::HttpResponse::Ok()
        .content_type("text/event-stream")
        .streaming(stream)
}

/// Creates a conversation for the holder of `token`: its id.
pub async fn new_conversation(client: &reqwest::Client, base: &str, token: &str) -> String {
    speak::Speaker::at(client, base, token)
        .new_conversation()
        .await
        .id
}

/// Registers `email` on the server at `base` and logs in: the access token.
pub async fn sign_up(client: &reqwest::Client, base: &str, email: &str) -> String {
    client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": email, "password": PASSWORD, "display_name": "Bench", "accept_terms": true}))
        .send()
        .await
        .expect("register");
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    login["access_token"].as_str().expect("token").to_owned()
}

/// A release `jobbot serve` on a free port (authentication not rate-limited, admins without two-factor
/// sign-in allowed as in local development, errors only in its log), killed and reaped when dropped.
pub struct Server(pub std::process::Child, pub String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    /// Starts it on `database_url` and waits until `/readyz` answers (it migrates first).
    pub async fn start(database_url: &str) -> Server {
        Self::start_with(database_url, &[]).await
    }

    /// As `start`, with more environment variables.
    pub async fn start_with(database_url: &str, extra: &[(&str, &str)]) -> Server {
        let port = free_port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("JOBBOT_BIND", format!("127.0.0.1:{port}"))
            .env("JOBBOT_JWT_SECRET", "bench-secret-bench-secret-bench-secret!!")
            .env("JOBBOT_AUTH_RATE_LIMIT", "0")
            .env("JOBBOT_ADMIN_2FA", "optional")
            .env("JOBBOT_DATA_DIR", std::env::temp_dir())
            .env("RUST_LOG", "error")
            .envs(extra.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start jobbot");
        let server = Server(child, format!("http://127.0.0.1:{port}"));
        let client = reqwest::Client::new();
        for _ in 0..400 {
            if client
                .get(format!("{}/readyz", server.1))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("jobbot did not start");
    }
}

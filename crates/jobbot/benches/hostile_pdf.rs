//! `make bench` (hostile PDFs, issue 27): the three small files that took 10 to 21 s of CPU and up to 700 MB
//! in the extraction, uploaded as a CV to a release `jobbot serve` on SQLite, BENCH_HOSTILE_RUNS times each.
//! Prints each file's time to the refusal (median and worst) and the server's memory growth (RSS, and its peak,
//! VmHWM, before and after). The goal: every one refused in under 2 s with under 50 MB of growth.

mod common;
#[path = "../tests/api/hostile_pdf.rs"]
mod hostile_pdf;

use std::time::Instant;

use common::{env_or, percentile, sign_up, status_kib, Server};
use hostile_pdf::Hostile;

#[actix_rt::main]
async fn main() {
    let runs = env_or("BENCH_HOSTILE_RUNS", 10);
    let dir = std::env::temp_dir().join(format!("jobbot-bench-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let server = Server::start(&format!("sqlite://{}/bench.sqlite3", dir.display())).await;
    let pid = server.0.id();
    let client = reqwest::Client::new();
    let token = sign_up(&client, &server.1, "hostile@example.fr").await;
    let (rss_before, hwm_before) = (status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"));
    println!(
        "JobBot hostile PDFs — {} cores, {runs} uploads of each; server RSS {:.1} MB, peak {:.1} MB",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        rss_before as f64 / 1024.0,
        hwm_before as f64 / 1024.0
    );
    let mut worst_overall: f64 = 0.0;
    for file in Hostile::ALL {
        let bytes = file.bytes();
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let response = client
                .put(format!("{}/api/v1/me/cv", server.1))
                .bearer_auth(&token)
                .header("content-type", "application/pdf")
                .body(bytes.clone())
                .send()
                .await
                .expect("upload");
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            assert!(
                status == 422 && body.contains("too_costly"),
                "{}: {status} {body}",
                file.name()
            );
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let worst = times.last().copied().unwrap_or(f64::NAN);
        worst_overall = worst_overall.max(worst);
        println!(
            "  {:<45} {:>6} bytes  refused: p50 {:>7.1} ms  max {:>7.1} ms",
            file.name(),
            bytes.len(),
            percentile(&times, 0.5),
            worst
        );
    }
    let (rss_after, hwm_after) = (status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"));
    let growth_mb = (rss_after.saturating_sub(rss_before)) as f64 / 1024.0;
    let peak_growth_mb = (hwm_after.saturating_sub(hwm_before)) as f64 / 1024.0;
    println!(
        "  server memory: RSS {:.1} → {:.1} MB (+{growth_mb:.1}), peak +{peak_growth_mb:.1} MB",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    let met = worst_overall < 2000.0 && peak_growth_mb < 50.0;
    println!(
        "  goal (each refused < 2 s, < 50 MB growth): {}",
        if met { "met" } else { "NOT met" }
    );
    let _ = std::fs::remove_dir_all(&dir);
}

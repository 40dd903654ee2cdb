//! `make bench` (the CV builder, issue 30): how long rendering a CV takes and whether memory stays put. In this
//! process, BENCH_CV_RENDERS (1,000) PDFs of a profile of three experiences, the three templates in turn (the
//! faces are loaded once, before timing), with this process's resident memory before and after; then the DOCX
//! and the SVG preview. Prints p50/p95/max (goal: a PDF p95 ≤ 150 ms, memory growth < 50 MB after 1,000
//! renders); asserts nothing but that PDFs come out.

mod common;

use common::*;

use std::time::Instant;

use jobbot_api_types::{Education, Experience, LanguageSkill, Profile};
use jobbot_documents::{docx, pdf, Cv, Person, Template};
use jobbot_domain::Locale;

fn profile() -> Profile {
    let description = "Conception et développement de services, revue de code, tests automatisés, mise en \
                       production, accompagnement des équipes et suivi des indicateurs de qualité.";
    Profile {
        headline: Some("Développeuse Java, dix ans d'expérience".into()),
        locations: vec!["Lyon".into()],
        skills: [
            "Java",
            "Spring Boot",
            "SQL",
            "PostgreSQL",
            "Git",
            "Docker",
            "Kubernetes",
            "Scrum",
        ]
        .map(String::from)
        .to_vec(),
        experiences: (0..3)
            .map(|i| Experience {
                title: format!("Développeuse {i}"),
                company: Some(format!("Entreprise {i}")),
                start: Some(format!("20{}-03", 15 + 3 * i)),
                end: None,
                description: Some(description.into()),
            })
            .collect(),
        education: vec![Education {
            title: "Master informatique".into(),
            school: Some("Université Lyon 1".into()),
            year: Some(2014),
        }],
        languages: vec![LanguageSkill {
            language: "Anglais".into(),
            level: Some("C1".into()),
        }],
        ..Profile::default()
    }
}

fn time(label: &str, goal: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    println!(
        "{label:<28} {:>5} renders: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({goal})",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.last().copied().unwrap_or(f64::NAN)
    );
}

fn main() {
    println!(
        "JobBot CV rendering benchmark — {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let profile = profile();
    let person = Person {
        name: "Léa Martin",
        email: "lea@example.fr",
    };
    let cv = Cv::build(person, &profile, Locale::Fr);
    // The faces are parsed once per process: not part of a render.
    let started = Instant::now();
    let (first, _) = pdf::render(&cv, Template::Sober).expect("renders");
    println!(
        "the first render (faces loaded): {:.1} ms, {} bytes",
        started.elapsed().as_secs_f64() * 1000.0,
        first.len()
    );
    let pid = std::process::id();
    let rss_before = status_kib(pid, "VmRSS:");
    let renders = env_or("BENCH_CV_RENDERS", 1_000) as usize;
    let mut times = Vec::with_capacity(renders);
    let mut bytes = 0usize;
    for n in 0..renders {
        let template = Template::ALL[n % Template::ALL.len()];
        let started = Instant::now();
        let (pdf, pages) = pdf::render(&Cv::build(person, &profile, Locale::Fr), template).expect("renders");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(pdf.starts_with(b"%PDF-") && pages == 1);
        bytes += pdf.len();
    }
    let rss_after = status_kib(pid, "VmRSS:");
    time("PDF (profile built each time)", "goal p95 ≤ 150 ms", times);
    println!(
        "memory: RSS {:.1} → {:.1} MB after {renders} PDFs (+{:.1} MB; goal < 50 MB); {:.0} KB a PDF on average",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        (rss_after as f64 - rss_before as f64) / 1024.0,
        bytes as f64 / renders as f64 / 1024.0
    );
    let docx_times: Vec<f64> = (0..renders.min(200))
        .map(|n| {
            let started = Instant::now();
            docx::render(&cv, Template::ALL[n % 3]).expect("renders");
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    time("DOCX", "no goal", docx_times);
    let svg_times: Vec<f64> = (0..renders.min(200))
        .map(|n| {
            let started = Instant::now();
            pdf::preview_svg(&cv, Template::ALL[n % 3]);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    time("SVG preview", "no goal", svg_times);
}

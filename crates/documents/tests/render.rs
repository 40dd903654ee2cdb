//! The CV in every template and format, from a profile of three experiences: a one-page A4 PDF with its
//! metadata and fonts embedded, a DOCX whose document part holds the texts in reading order.

use std::io::Read;

use jobbot_api_types::{Education, Experience, LanguageSkill, Profile};
use jobbot_documents::{docx, pdf, Cv, Person, Template};
use jobbot_domain::Locale;

fn profile() -> Profile {
    let description =
        "Conception et développement de services Java, revue de code, tests automatisés, mise en \
                       production et accompagnement des équipes.";
    Profile {
        headline: Some("Développeuse Java, dix ans d'expérience".into()),
        locations: vec!["Lyon".into()],
        mobility: Some("30 km autour de Lyon, permis B".into()),
        skills: ["Java", "Spring Boot", "SQL", "PostgreSQL", "Git", "Docker"]
            .map(String::from)
            .to_vec(),
        experiences: [
            ("Développeuse senior", "Numeria", "2021-09", None),
            ("Développeuse", "Hexa", "2017-01", Some("2021-08")),
            (
                "Stagiaire développement",
                "Volta & Fils",
                "2016-03",
                Some("2016-08"),
            ),
        ]
        .into_iter()
        .map(|(title, company, start, end)| Experience {
            title: title.into(),
            company: Some(company.into()),
            start: Some(start.into()),
            end: end.map(String::from),
            description: Some(description.into()),
        })
        .collect(),
        education: vec![Education {
            title: "Master informatique".into(),
            school: Some("Université Lyon 1".into()),
            year: Some(2016),
        }],
        languages: vec![LanguageSkill {
            language: "Anglais".into(),
            level: Some("C1".into()),
        }],
        links: vec!["https://lea.example.fr".into()],
        ..Profile::default()
    }
}

fn cv(locale: Locale) -> Cv {
    Cv::build(
        Person {
            name: "Léa Martin",
            email: "lea@example.fr",
        },
        &profile(),
        locale,
    )
}

#[test]
fn every_template_makes_a_one_page_pdf_with_its_fonts_and_metadata() {
    for template in Template::ALL {
        let (bytes, pages) = pdf::render(&cv(Locale::Fr), template).expect("renders");
        assert!(bytes.starts_with(b"%PDF-"), "{template:?}");
        assert_eq!(pages, 1, "{template:?}: three experiences fit on one page");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("/FontFile2"),
            "{template:?}: the fonts are embedded"
        );
        assert!(
            text.contains("/ToUnicode"),
            "{template:?}: the text can be selected and extracted"
        );
        assert!(text.contains("DejaVu"), "{template:?}");
        assert!(text.contains("JobBot"), "{template:?}: the creator");
    }
}

#[test]
fn a_long_profile_takes_more_pages_and_stays_bounded() {
    let mut profile = profile();
    let long = "Mise en production de services critiques, ".repeat(48);
    profile.experiences = (0..30)
        .map(|i| Experience {
            title: format!("Poste {i}"),
            company: Some(format!("Entreprise {i}")),
            start: Some("2010-01".into()),
            end: None,
            description: Some(long.clone()),
        })
        .collect();
    let cv = Cv::build(
        Person {
            name: "Léa Martin",
            email: "lea@example.fr",
        },
        &profile,
        Locale::En,
    );
    let started = std::time::Instant::now();
    let (bytes, pages) = pdf::render(&cv, Template::Europass).expect("renders");
    assert!(pages > 5, "{pages} pages");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_docx_holds_the_texts_in_reading_order() {
    for template in Template::ALL {
        let bytes = docx::render(&cv(Locale::Fr), template).expect("renders");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/styles.xml",
            "docProps/core.xml",
        ] {
            assert!(archive.by_name(part).is_ok(), "{part}");
        }
        let mut document = String::new();
        archive
            .by_name("word/document.xml")
            .expect("document part")
            .read_to_string(&mut document)
            .expect("utf-8");
        let mut at = 0;
        for text in [
            "Léa Martin",
            "lea@example.fr",
            "Développeuse Java",
            "Expérience professionnelle",
            "Développeuse senior",
            "Numeria",
            "septembre 2021 – aujourd&apos;hui",
            "Hexa",
            "Volta &amp; Fils",
            "Master informatique",
            "Java · Spring Boot",
            "Anglais",
        ] {
            let found = document[at..]
                .find(text)
                .unwrap_or_else(|| panic!("{template:?}: {text:?} after byte {at}"));
            at += found + text.len();
        }
        let mut core = String::new();
        archive
            .by_name("docProps/core.xml")
            .expect("core")
            .read_to_string(&mut core)
            .expect("utf-8");
        assert!(core.contains("<dc:title>CV — Léa Martin</dc:title>"), "{core}");
    }
}

#[test]
fn english_accounts_read_english() {
    let bytes = docx::render(&cv(Locale::En), Template::Modern).expect("renders");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut document)
        .expect("utf-8");
    assert!(document.contains("Experience") && document.contains("Sep 2021 – present"));
    assert!(!document.contains("Expérience professionnelle"));
}

/// `CV_SAMPLES=dir cargo test -p jobbot-documents samples` writes each template's PDF there (to look at).
#[test]
fn samples() {
    let Ok(dir) = std::env::var("CV_SAMPLES") else {
        return;
    };
    for template in Template::ALL {
        let (bytes, _) = pdf::render(&cv(Locale::Fr), template).expect("renders");
        std::fs::write(format!("{dir}/{}.pdf", template.id()), bytes).expect("write");
    }
}

#[test]
fn the_preview_is_the_first_page_as_svg() {
    let svg = pdf::preview_svg(&cv(Locale::Fr), Template::Modern);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(
        svg.contains(">Léa Martin</text>") && svg.contains("Volta &amp; Fils"),
        "{svg}"
    );
    assert!(svg.ends_with("</svg>"));
}

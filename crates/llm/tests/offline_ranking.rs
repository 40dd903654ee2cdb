//! The offline coach picks the right guide section for realistic questions: at least 95 % top-1 on the
//! labelled set in `tests/data/offline-questions.tsv` (French and English, several per section).

use jobbot_llm::offline::OfflineCoach;

const QUESTIONS: &str = include_str!("data/offline-questions.tsv");

#[test]
fn the_best_section_comes_first_for_95_percent_of_the_questions() {
    let coach = OfflineCoach::new();
    let labelled: Vec<(&str, &str)> = QUESTIONS
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| line.split_once('\t').expect("section<TAB>question"))
        .collect();
    assert!(labelled.len() >= 60, "at least 60 questions: {}", labelled.len());
    let misses: Vec<String> = labelled
        .iter()
        .filter_map(|(expected, question)| {
            let got = coach.best_sections(question);
            (got.first() != Some(expected))
                .then(|| format!("{question:?}: expected {expected:?}, got {got:?}"))
        })
        .collect();
    let accuracy = 1.0 - misses.len() as f64 / labelled.len() as f64;
    println!(
        "offline coach top-1: {:.1} % of {} questions",
        accuracy * 100.0,
        labelled.len()
    );
    for miss in &misses {
        println!("  miss: {miss}");
    }
    assert!(
        accuracy >= 0.95,
        "top-1 accuracy {:.1} %:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}

#[test]
fn every_section_of_both_guides_is_covered_by_the_set() {
    let coach = OfflineCoach::new();
    for section in coach.sections() {
        assert!(
            QUESTIONS
                .lines()
                .filter(|l| l.starts_with(&format!("{section}\t")))
                .count()
                >= 3,
            "{section}: at least 3 labelled questions"
        );
    }
}

//! The offline coach: JobBot's assistant when no AI key is configured.
//!
//! It says plainly that it is offline, then answers with the passages of the built-in guides (French and
//! English, written for JobBot) that best match the question. Passages are ranked with BM25 over two fields
//! (topic: title and keywords; body), on Snowball stems with accents folded, so "négocier", "negocier" and
//! "négociation" meet. The question's language is told by its stop words, accents and known words.
//! Deterministic and instant. Accuracy is tested on a labelled set (`tests/data/offline-questions.tsv`).

use std::collections::{HashMap, HashSet};

use futures_util::future::BoxFuture;
use rust_stemmers::{Algorithm, Stemmer};

use crate::{ChatRequest, Chunk, ChunkStream, LlmError, Provider, Role, Usage};

const GUIDE_FR: &str = include_str!("guides/fr.md");
const GUIDE_EN: &str = include_str!("guides/en.md");
const MODEL: &str = "jobbot-guides-1";

/// BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.5;
/// A passage has two fields, each scored by BM25 with its own statistics: its topic (the title and the
/// keyword line) and its body. A topic match is the stronger evidence: a word many bodies use in passing
/// ("CV", "poste") still names few topics, and keeps a high weight there.
const TOPIC_WEIGHT: f32 = 1.5;
/// A second passage is shown when it scores at least this share of the first.
const SECOND_PASSAGE_SHARE: f32 = 0.7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    French,
    English,
}

/// Term frequencies of one field of one passage.
#[derive(Default)]
struct Field {
    terms: HashMap<String, f32>,
    length: f32,
}

impl Field {
    fn add(&mut self, text: &str, language: Language) {
        for term in terms(text, language) {
            *self.terms.entry(term).or_default() += 1.0;
            self.length += 1.0;
        }
    }
}

struct Passage {
    title: String,
    body: String,
    topic: Field,
    text: Field,
}

/// BM25 statistics of one field across a guide's passages.
struct FieldStats {
    idf: HashMap<String, f32>,
    average_length: f32,
}

impl FieldStats {
    fn new<'a>(fields: impl Iterator<Item = &'a Field> + Clone) -> Self {
        let count = fields.clone().count() as f32;
        let mut document_frequency: HashMap<&str, f32> = HashMap::new();
        for field in fields.clone() {
            for term in field.terms.keys() {
                *document_frequency.entry(term).or_default() += 1.0;
            }
        }
        let idf = document_frequency
            .into_iter()
            .map(|(term, df)| (term.to_owned(), (1.0 + (count - df + 0.5) / (df + 0.5)).ln()))
            .collect();
        let average_length = fields.map(|f| f.length).sum::<f32>() / count.max(1.0);
        Self { idf, average_length }
    }

    fn score(&self, field: &Field, query: &HashSet<String>) -> f32 {
        let norm = K1 * (1.0 - B + B * field.length / self.average_length.max(1.0));
        query
            .iter()
            .filter_map(|term| {
                let tf = *field.terms.get(term)?;
                Some(self.idf.get(term).copied().unwrap_or(0.0) * tf * (K1 + 1.0) / (tf + norm))
            })
            .sum()
    }

    fn knows(&self, term: &str) -> bool {
        self.idf.contains_key(term)
    }
}

/// One guide, indexed for BM25.
struct Guide {
    language: Language,
    passages: Vec<Passage>,
    topic: FieldStats,
    text: FieldStats,
}

impl Guide {
    fn new(text: &str, language: Language) -> Self {
        let passages = parse_guide(text, language);
        let topic = FieldStats::new(passages.iter().map(|p| &p.topic));
        let body = FieldStats::new(passages.iter().map(|p| &p.text));
        Self {
            language,
            passages,
            topic,
            text: body,
        }
    }

    fn knows(&self, term: &str) -> bool {
        self.topic.knows(term) || self.text.knows(term)
    }

    /// Passages with a positive score, best first (ties keep the guide's order).
    fn rank(&self, question: &str) -> Vec<(f32, &Passage)> {
        let query: HashSet<String> = terms(question, self.language).collect();
        let mut scored: Vec<(f32, &Passage)> = self
            .passages
            .iter()
            .map(|p| {
                let score =
                    TOPIC_WEIGHT * self.topic.score(&p.topic, &query) + self.text.score(&p.text, &query);
                (score, p)
            })
            .filter(|(score, _)| *score > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored
    }
}

pub struct OfflineCoach {
    french: Guide,
    english: Guide,
}

impl Default for OfflineCoach {
    fn default() -> Self {
        Self::new()
    }
}

impl OfflineCoach {
    pub fn new() -> Self {
        Self {
            french: Guide::new(GUIDE_FR, Language::French),
            english: Guide::new(GUIDE_EN, Language::English),
        }
    }

    fn guide(&self, language: Language) -> &Guide {
        match language {
            Language::French => &self.french,
            Language::English => &self.english,
        }
    }

    /// Every section title, French guide first.
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.french
            .passages
            .iter()
            .chain(&self.english.passages)
            .map(|p| p.title.as_str())
    }

    /// The titles of the sections that answer `question`, best first (what the answer shows, at most two).
    pub fn best_sections(&self, question: &str) -> Vec<&str> {
        self.chosen(question).1.iter().map(|p| p.title.as_str()).collect()
    }

    fn chosen(&self, question: &str) -> (Language, Vec<&Passage>) {
        let language = self.language_of(question);
        let ranked = self.guide(language).rank(question);
        let top = ranked.first().map_or(0.0, |(score, _)| *score);
        let chosen = ranked
            .iter()
            .take(2)
            .filter(|(score, _)| *score >= top * SECOND_PASSAGE_SHARE)
            .map(|(_, p)| *p)
            .collect();
        (language, chosen)
    }

    /// The whole answer to `question`.
    pub fn answer(&self, question: &str) -> String {
        self.grounded_answer(question, "")
    }

    /// The answer to `question` in a conversation whose system message is `system`: when that carries an
    /// offer (`grounding`), its key requirements are quoted before the guides' passages.
    pub fn grounded_answer(&self, question: &str, system: &str) -> String {
        let (language, chosen) = self.chosen(question);
        let mut answer = String::new();
        let offer = crate::grounding::section(system, crate::grounding::OFFER_HEADING);
        if chosen.is_empty() {
            let topics: Vec<String> = self
                .guide(language)
                .passages
                .iter()
                .map(|p| format!("- {}", p.title))
                .collect();
            let intro = match language {
                Language::French => "Je fonctionne en **mode hors ligne** (aucun modèle d'IA n'est connecté) et je n'ai pas trouvé de guide sur ce sujet. Voici les sujets sur lesquels je peux vous aider :",
                Language::English => "I am running in **offline mode** (no AI model is connected) and found no guide on that subject. Here is what I can help with:",
            };
            answer.push_str(intro);
            if let Some(offer) = offer {
                answer.push_str(&offer_summary(offer, system, language));
            }
            answer.push_str("\n\n");
            answer.push_str(&topics.join("\n"));
        } else {
            let intro = match language {
                Language::French => "Je fonctionne en **mode hors ligne** (aucun modèle d'IA n'est connecté) : voici ce que disent les guides de JobBot sur votre question.",
                Language::English => "I am running in **offline mode** (no AI model is connected): here is what JobBot's guides say about your question.",
            };
            answer.push_str(intro);
            if let Some(offer) = offer {
                answer.push_str(&offer_summary(offer, system, language));
            }
            for passage in chosen {
                answer.push_str(&format!("\n\n### {}\n\n{}", passage.title, passage.body));
            }
        }
        answer
    }
}

impl Provider for OfflineCoach {
    fn name(&self) -> &'static str {
        "offline"
    }

    fn model(&self) -> &str {
        MODEL
    }

    fn is_offline(&self) -> bool {
        true
    }

    fn start(&self, request: ChatRequest) -> BoxFuture<'_, Result<ChunkStream, LlmError>> {
        let question = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.clone());
        let system = request
            .messages
            .iter()
            .find(|m| m.role == Role::System)
            .map_or("", |m| m.content.as_str());
        let answer = self.grounded_answer(question.as_deref().unwrap_or_default(), system);
        let prompt_chars: usize = request.messages.iter().map(|m| m.content.chars().count()).sum();
        let usage = Usage {
            prompt_tokens: estimate_tokens(prompt_chars),
            completion_tokens: estimate_tokens(answer.chars().count()),
        };
        let mut chunks: Vec<Result<Chunk, LlmError>> = split_words(&answer, 4)
            .into_iter()
            .map(|text| Ok(Chunk::Text(text)))
            .collect();
        chunks.push(Ok(Chunk::Usage(usage)));
        Box::pin(async move { Ok(Box::pin(futures_util::stream::iter(chunks)) as ChunkStream) })
    }
}

/// "### The offer: title — company", then its key requirements, quoted, and the lines of the candidate's profile
/// (when `system` has it) that answer them.
fn offer_summary(offer: &str, system: &str, language: Language) -> String {
    use crate::grounding::{
        description, field, matching_cv_lines, matching_lines, requirements, section, CV_HEADING,
        PROFILE_HEADING,
    };
    let title = field(offer, "Title").unwrap_or_default();
    let heading = match field(offer, "Company") {
        Some(company) => format!("{title} — {company}"),
        None => title.to_owned(),
    };
    let found = requirements(description(offer));
    let (label, asks, none) = match language {
        Language::French => (
            "L'offre :",
            "Ce que l'offre demande, à reprendre avec vos propres exemples :",
            "L'offre n'énonce pas d'exigences précises : appuyez-vous sur ses missions.",
        ),
        Language::English => (
            "The offer:",
            "What the offer asks for, to answer with your own examples:",
            "The offer states no precise requirements: build on its duties.",
        ),
    };
    let mut out = format!("\n\n### {label} {heading}\n\n");
    if found.is_empty() {
        out.push_str(none);
    } else {
        out.push_str(asks);
        for requirement in &found {
            out.push_str("\n- ");
            out.push_str(requirement);
        }
    }
    let mut matching = section(system, PROFILE_HEADING)
        .map(|profile| matching_lines(profile, &found))
        .unwrap_or_default();
    let mut from_cv = false;
    for line in section(system, CV_HEADING)
        .map(|cv| matching_cv_lines(cv, &found))
        .unwrap_or_default()
    {
        if matching.len() < 5 && !matching.contains(&line) {
            matching.push(line);
            from_cv = true;
        }
    }
    if !matching.is_empty() {
        out.push_str(match (language, from_cv) {
            (Language::French, false) => "\n\nDans votre profil, ce qui y répond :",
            (Language::French, true) => "\n\nDans votre profil et votre CV, ce qui y répond :",
            (Language::English, false) => "\n\nWhat in your profile answers it:",
            (Language::English, true) => "\n\nWhat in your profile and CV answers it:",
        });
        for line in matching {
            out.push_str("\n- ");
            out.push_str(&line);
        }
    }
    out
}

/// About four characters a token, as for the models JobBot uses.
fn estimate_tokens(chars: usize) -> i64 {
    i64::try_from(chars.div_ceil(4)).unwrap_or(i64::MAX)
}

/// Pieces of `words_per_chunk` words, whitespace kept, so the reply streams like a model's.
fn split_words(text: &str, words_per_chunk: usize) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    let mut in_word = false;
    for ch in text.chars() {
        let is_space = ch.is_whitespace();
        if !is_space && !in_word {
            if words == words_per_chunk {
                chunks.push(std::mem::take(&mut current));
                words = 0;
            }
            words += 1;
        }
        in_word = !is_space;
        current.push(ch);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn parse_guide(text: &str, language: Language) -> Vec<Passage> {
    text.split("\n## ")
        .map(|section| section.trim_start_matches("## "))
        .filter_map(|section| {
            let mut lines = section.lines();
            let title = lines.next()?.trim().to_owned();
            let keywords = lines
                .next()?
                .split_once(':')
                .map(|(_, k)| k.to_owned())
                .unwrap_or_default();
            let body = lines.collect::<Vec<_>>().join("\n").trim().to_owned();
            let mut topic = Field::default();
            topic.add(&title, language);
            topic.add(&keywords, language);
            let mut text = Field::default();
            text.add(&body, language);
            Some(Passage {
                title,
                body,
                topic,
                text,
            })
        })
        .collect()
}

use jobbot_domain::search::STOPWORDS_FR;

/// Words that carry no topic (compared after folding accents).
const STOPWORDS_EN: &[&str] = &[
    "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can", "could",
    "do", "does", "for", "from", "get", "got", "has", "have", "how", "i", "if", "in", "into", "is", "it",
    "its", "me", "my", "need", "of", "on", "or", "our", "please", "should", "so", "that", "the", "their",
    "them", "there", "this", "to", "tips", "up", "us", "want", "was", "we", "what", "when", "where", "which",
    "who", "why", "will", "with", "would", "you", "your", "s", "t", "m", "just", "too", "very",
];

fn fold_word(word: &str) -> String {
    jobbot_domain::text::fold(word)
}

/// The index terms of `text`: lower-cased words (elisions split: "l'entretien" → "entretien"), stop words
/// dropped, Snowball-stemmed in the guide's language, accents folded after stemming (so a question typed
/// without accents meets the guide's).
fn terms(text: &str, language: Language) -> impl Iterator<Item = String> + '_ {
    let (stemmer, stopwords) = match language {
        Language::French => (Stemmer::create(Algorithm::French), STOPWORDS_FR),
        Language::English => (Stemmer::create(Algorithm::English), STOPWORDS_EN),
    };
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .filter(move |word| !stopwords.contains(&fold_word(word).as_str()))
        .map(move |word| fold_word(&stemmer.stem(&word)))
        .filter(|term| term.chars().count() >= 2 || term.chars().all(|c| c.is_ascii_digit()))
}

/// Evidence that `text` is in `language`: its stop words, and (with a guide) the words the guide knows.
fn language_evidence(text: &str, language: Language, guide: Option<&Guide>) -> usize {
    let stopwords = match language {
        Language::French => STOPWORDS_FR,
        Language::English => STOPWORDS_EN,
    };
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .filter(|w| stopwords.contains(&fold_word(&w.to_lowercase()).as_str()))
        .count();
    let accents = match language {
        Language::French => text.chars().filter(|c| "éèêàçùâîôûœ".contains(*c)).count(),
        Language::English => 0,
    };
    let known = guide.map_or(0, |guide| {
        terms(text, language).filter(|t| guide.knows(t)).count()
    });
    words + accents + known
}

/// French unless the question reads as English (French first, as the product).
pub fn detect_language(text: &str) -> Language {
    if language_evidence(text, Language::English, None) > language_evidence(text, Language::French, None) {
        Language::English
    } else {
        Language::French
    }
}

impl OfflineCoach {
    /// The question's language, from its stop words, accents and the words each guide knows.
    fn language_of(&self, question: &str) -> Language {
        let english = language_evidence(question, Language::English, Some(&self.english));
        let french = language_evidence(question, Language::French, Some(&self.french));
        if english > french {
            Language::English
        } else {
            Language::French
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grounded_answer_quotes_the_offer() {
        let coach = OfflineCoach::new();
        let system =
            "You are JobBot.\n\n## The job offer\nTitle: Cariste (H/F)\nCompany: Logisud\nDescription:\n\
Entrepôt de 20 000 m². CACES R489 catégorie 3 exigé. Expérience d'un an souhaitée.";
        let answer = coach.grounded_answer("Rédige ma lettre de motivation", system);
        assert!(
            answer.contains("### L'offre : Cariste (H/F) — Logisud"),
            "{answer}"
        );
        assert!(answer.contains("- CACES R489 catégorie 3 exigé."), "{answer}");
        assert!(answer.contains("- Expérience d'un an souhaitée."), "{answer}");
        assert!(answer.contains("### "), "the guides still answer");
        let plain = coach.grounded_answer("Rédige ma lettre de motivation", "You are JobBot.");
        assert!(!plain.contains("L'offre :"));
        let with_profile =
            format!("{system}\n\n## The candidate's profile\nSkills: CACES R489 cat. 3; Anglais");
        let answer = coach.grounded_answer("Rédige ma lettre de motivation", &with_profile);
        assert!(
            answer.contains("Dans votre profil, ce qui y répond :\n- CACES R489 cat. 3"),
            "{answer}"
        );
        assert!(!answer.contains("- Anglais"), "{answer}");
        let english = coach.grounded_answer("Write my cover letter for this job", system);
        assert!(
            english.contains("### The offer: Cariste (H/F) — Logisud"),
            "{english}"
        );
    }

    #[test]
    fn both_guides_cover_the_same_topics() {
        let coach = OfflineCoach::new();
        assert!(coach.french.passages.len() >= 10);
        assert_eq!(coach.french.passages.len(), coach.english.passages.len());
        assert!(coach
            .french
            .passages
            .iter()
            .all(|p| !p.body.is_empty() && !p.topic.terms.is_empty()));
    }

    #[test]
    fn answers_match_the_question_in_its_language() {
        let coach = OfflineCoach::new();
        let cv = coach.answer("Comment rédiger mon CV ?");
        assert!(cv.contains("mode hors ligne"));
        assert!(cv.contains("### Rédiger un CV efficace"), "{cv}");

        let letter = coach.answer("How do I write a cover letter?");
        assert!(letter.contains("offline mode"));
        assert!(letter.contains("### Writing a cover letter"), "{letter}");

        let contract = coach.answer("Quelle est la différence entre un CDI et un CDD ?");
        assert!(contract.contains("### Les contrats de travail"), "{contract}");

        let money = coach.answer("Je veux négocier mon salaire");
        assert!(money.contains("### Négocier son salaire"), "{money}");

        let unemployment = coach.answer("Comment s'inscrire à France Travail ?");
        assert!(
            unemployment.contains("### S'inscrire à France Travail"),
            "{unemployment}"
        );
    }

    #[test]
    fn stems_meet_across_forms_and_accents() {
        let fr: Vec<String> = terms("Négocier la négociation, negocier !", Language::French).collect();
        assert!(fr.iter().all(|t| t == &fr[0]), "{fr:?}");
        let elided: Vec<String> = terms("l'entretien d'embauche", Language::French).collect();
        assert_eq!(
            elided,
            terms("entretien embauche", Language::French).collect::<Vec<_>>()
        );
        let en: Vec<String> = terms("interviews interviewing", Language::English).collect();
        assert_eq!(en, ["interview", "interview"]);
    }

    #[test]
    fn unknown_subjects_list_the_topics() {
        let answer = OfflineCoach::new().answer("Quelle est la capitale de l'Australie ?");
        assert!(answer.contains("je n'ai pas trouvé de guide"));
        assert!(answer.contains("- Rédiger un CV efficace"));
    }

    #[test]
    fn streaming_keeps_every_character() {
        let text = "Un  texte\navec des espaces,   et une fin.";
        assert_eq!(split_words(text, 2).concat(), text);
        assert!(split_words(text, 2).len() > 2);
    }

    #[tokio::test]
    async fn the_provider_streams_the_answer_and_its_usage() {
        use futures_util::StreamExt;
        let coach = OfflineCoach::new();
        let request = ChatRequest {
            messages: vec![crate::ChatMessage {
                role: Role::User,
                content: "Préparer un entretien d'embauche".into(),
            }],
            model: None,
        };
        let chunks: Vec<Chunk> = coach
            .start(request)
            .await
            .expect("start")
            .map(|c| c.expect("chunk"))
            .collect()
            .await;
        let text: String = chunks
            .iter()
            .filter_map(|c| {
                if let Chunk::Text(t) = c {
                    Some(t.as_str())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(text, coach.answer("Préparer un entretien d'embauche"));
        assert!(matches!(chunks.last(), Some(Chunk::Usage(u)) if u.completion_tokens > 50));
    }
}

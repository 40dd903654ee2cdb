//! The offline coach: JobBot's assistant when no AI key is configured.
//!
//! It says plainly that it is offline, then answers with the passages of the built-in guides (French and
//! English, written for JobBot) that best match the question. Deterministic and instant.

use std::collections::HashSet;

use futures_util::future::BoxFuture;

use crate::{ChatRequest, Chunk, ChunkStream, LlmError, Provider, Role, Usage};

const GUIDE_FR: &str = include_str!("guides/fr.md");
const GUIDE_EN: &str = include_str!("guides/en.md");
const MODEL: &str = "jobbot-guides-1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    French,
    English,
}

struct Passage {
    title: String,
    body: String,
    /// Stems from the title and the keyword line: strong evidence.
    key_stems: HashSet<String>,
    body_stems: HashSet<String>,
}

pub struct OfflineCoach {
    french: Vec<Passage>,
    english: Vec<Passage>,
}

impl Default for OfflineCoach {
    fn default() -> Self {
        Self::new()
    }
}

impl OfflineCoach {
    pub fn new() -> Self {
        Self {
            french: parse_guide(GUIDE_FR),
            english: parse_guide(GUIDE_EN),
        }
    }

    /// The whole answer to `question`.
    pub fn answer(&self, question: &str) -> String {
        let language = detect_language(question);
        let passages = match language {
            Language::French => &self.french,
            Language::English => &self.english,
        };
        let query: HashSet<String> = stems(question).collect();
        let mut scored: Vec<(usize, &Passage)> = passages
            .iter()
            .map(|p| {
                let score = query
                    .iter()
                    .map(|s| 3 * usize::from(p.key_stems.contains(s)) + usize::from(p.body_stems.contains(s)))
                    .sum();
                (score, p)
            })
            .filter(|(score, _)| *score > 0)
            .collect();
        // Highest score first; ties keep the guide's order, so the answer is deterministic.
        scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        let top = scored.first().map_or(0, |(score, _)| *score);
        let chosen: Vec<&Passage> = scored
            .iter()
            .take(2)
            .filter(|(score, _)| *score * 5 >= top * 3)
            .map(|(_, p)| *p)
            .collect();

        let mut answer = String::new();
        if chosen.is_empty() {
            let topics: Vec<String> = passages.iter().map(|p| format!("- {}", p.title)).collect();
            let intro = match language {
                Language::French => "Je fonctionne en **mode hors ligne** (aucun modèle d'IA n'est connecté) et je n'ai pas trouvé de guide sur ce sujet. Voici les sujets sur lesquels je peux vous aider :",
                Language::English => "I am running in **offline mode** (no AI model is connected) and found no guide on that subject. Here is what I can help with:",
            };
            answer.push_str(intro);
            answer.push_str("\n\n");
            answer.push_str(&topics.join("\n"));
        } else {
            let intro = match language {
                Language::French => "Je fonctionne en **mode hors ligne** (aucun modèle d'IA n'est connecté) : voici ce que disent les guides de JobBot sur votre question.",
                Language::English => "I am running in **offline mode** (no AI model is connected): here is what JobBot's guides say about your question.",
            };
            answer.push_str(intro);
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
        let answer = self.answer(question.as_deref().unwrap_or_default());
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

fn parse_guide(text: &str) -> Vec<Passage> {
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
            let key_stems = stems(&title).chain(stems(&keywords)).collect();
            let body_stems = stems(&body).collect();
            Some(Passage {
                title,
                body,
                key_stems,
                body_stems,
            })
        })
        .collect()
}

const STOPWORDS: &[&str] = &[
    // French
    "les", "des", "une", "pour", "avec", "dans", "sur", "par", "que", "qui", "quoi", "est", "sont", "mon",
    "mes", "votre", "vos", "nous", "vous", "comment", "faire", "faut", "peux", "peut", "cette", "quel",
    "quelle", "quels", "quelles", "aux", "pas", "plus", "bien", "mais", "elle", "ils", "son", "ses", "leur",
    "tout", "tous", "etre", "avoir", // English
    "the", "and", "for", "with", "what", "how", "can", "should", "does", "you", "your", "are", "this",
    "that", "from", "about", "have", "has", "into", "when", "which", "who", "why", "get", "need", "want",
    "would", "could",
];

fn fold(ch: char) -> char {
    match ch {
        'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' => 'i',
        'ô' | 'ö' => 'o',
        'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        other => other,
    }
}

/// Lower-cased, accent-free words of 3+ letters that are not stop words, cut to 6 letters so that
/// "négocier" and "négociation", or "contrat" and "contrats", meet.
fn stems(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .map(|word| word.to_lowercase().chars().map(fold).collect::<String>())
        .filter(|word| word.chars().count() >= 3 && !STOPWORDS.contains(&word.as_str()))
        .map(|word| word.chars().take(6).collect())
}

/// French unless the question reads as English (French first, as the product).
pub fn detect_language(text: &str) -> Language {
    const FRENCH: &[&str] = &[
        "le", "la", "les", "des", "est", "une", "un", "pour", "avec", "je", "mon", "ma", "mes", "comment",
        "quoi", "que", "et", "du", "de", "en", "ce", "quel", "quelle", "faire", "dois", "peux",
    ];
    const ENGLISH: &[&str] = &[
        "the", "is", "how", "what", "my", "for", "with", "and", "to", "can", "do", "i", "a", "an", "should",
        "of", "in", "write", "which",
    ];
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(str::to_lowercase)
        .collect();
    let french = words.iter().filter(|w| FRENCH.contains(&w.as_str())).count()
        + text.chars().filter(|c| "éèêàçùâîôû".contains(*c)).count();
    let english = words.iter().filter(|w| ENGLISH.contains(&w.as_str())).count();
    if english > french {
        Language::English
    } else {
        Language::French
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_guides_cover_the_same_topics() {
        let coach = OfflineCoach::new();
        assert!(coach.french.len() >= 10);
        assert_eq!(coach.french.len(), coach.english.len());
        assert!(coach
            .french
            .iter()
            .all(|p| !p.body.is_empty() && !p.key_stems.is_empty()));
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

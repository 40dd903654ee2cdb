//! How well a candidate fits an offer (`GET /api/v1/offers/{id}/match`): the offer's terms — the skills of the
//! vocabulary it names (`crates/matching/data/skills.txt`, extended by `JOBBOT_SKILLS_FILE`) and the meaningful words of its
//! title — looked for in the candidate's profile and CV. Text is analysed as the offers' search does (French
//! stems, accents folded: "Développeurs" meets "developpeur"), and every way of writing a skill counts as the
//! skill ("langage SQL" is `sql`; "JS" is `javascript`). Deterministic and without AI: the same answer on both
//! databases, a few hundred microseconds for an offer (docs/BENCHMARKS.md).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use jobbot_api_types::{Importance, MatchSource, MatchedTerm, MissingTerm, OfferMatch, Profile};
use jobbot_domain::search::{french_stemmer, stem};
use jobbot_domain::Locale;
use rust_stemmers::Stemmer;

/// The vocabulary that ships with JobBot.
pub const BUILTIN: &str = include_str!("../data/skills.txt");

/// A skill named in an offer's title, or more than once in its text…
const WEIGHT_HIGH: u32 = 3;
/// …named once in its text, or a meaningful word of the title.
const WEIGHT_MEDIUM: u32 = 2;
/// At most this many suggestions.
const MAX_SUGGESTIONS: usize = 5;

/// Words of a title that say nothing of the job ("Développeur Java H/F — CDI, confirmé").
const TITLE_NOISE: &[&str] = &[
    "h",
    "f",
    "hf",
    "fh",
    "x",
    "cdi",
    "cdd",
    "interim",
    "stage",
    "stagiaire",
    "alternance",
    "alternant",
    "apprenti",
    "apprentissage",
    "poste",
    "postes",
    "temps",
    "plein",
    "partiel",
    "confirme",
    "junior",
    "senior",
    "debutant",
    "debutante",
    "accepte",
    "experimente",
    "urgent",
    "nuit",
    "jour",
    "week",
    "end",
    "mois",
    "ans",
    "an",
    "offre",
    "emploi",
    "recrute",
    "recrutement",
    "contrat",
    "mission",
    "missions",
    "niveau",
    "bac",
    "ou",
    "et",
    "the",
    "and",
];

/// The skills vocabulary: names, and every way of writing each as a sequence of stems.
pub struct Vocabulary {
    names: Vec<String>,
    /// By a way's first stem: the whole way and its skill, the longest first.
    ways: HashMap<String, Vec<(Vec<String>, usize)>>,
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vocabulary")
            .field("skills", &self.names.len())
            .finish()
    }
}

/// Driving licence categories, read with the word before them ("permis C"): alone, "c" and "d" are stop words.
const LICENCES: &[&str] = &["a", "b", "be", "c", "ce", "c1", "d", "de"];

thread_local! {
    /// Words already stemmed, on this thread: most of an offer's words are common ones, and stemming is most of
    /// reading a text (the search index reads every offer's when it is built).
    static STEMMED: std::cell::RefCell<HashMap<String, Option<String>>> = std::cell::RefCell::new(HashMap::new());
}

/// At most this many words remembered per thread (then it starts again).
const STEMMED_MAX: usize = 50_000;

/// `stem`, remembered (`stemmer` is always the French one: [`french_stemmer`]).
fn stemmed(stemmer: &Stemmer, word: &str) -> Option<String> {
    STEMMED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(known) = cache.get(word) {
            return known.clone();
        }
        let fresh = stem(stemmer, word);
        if cache.len() >= STEMMED_MAX {
            cache.clear();
        }
        cache.insert(word.to_owned(), fresh.clone());
        fresh
    })
}

/// The words of `text` with their stems (stop words left out): split on anything not a letter or a digit,
/// after "c++", "c#" and ".net" are made words; "permis" and a licence category are one word.
fn stems(stemmer: &Stemmer, text: &str) -> Vec<(String, String)> {
    let lower = text.to_lowercase();
    let lower = lower
        .replace("c++", " cplusplus ")
        .replace("c#", " csharp ")
        .replace(".net", " dotnet ");
    let raw: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        let word = raw[at];
        match raw.get(at + 1) {
            Some(category) if word == "permis" && LICENCES.contains(category) => {
                out.push((format!("permis {category}"), format!("permis{category}")));
                at += 2;
            }
            _ => {
                if let Some(s) = stemmed(stemmer, word) {
                    out.push((word.to_owned(), s));
                }
                at += 1;
            }
        }
    }
    out
}

impl Vocabulary {
    /// The built-in vocabulary, with the lines of `extra` (an operator's file) after it.
    pub fn load(extra: Option<&Path>) -> Result<Self, String> {
        let mut vocabulary = Self {
            names: Vec::new(),
            ways: HashMap::new(),
        };
        vocabulary.add(BUILTIN, "the built-in skills vocabulary")?;
        if let Some(path) = extra {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            vocabulary.add(&text, &path.display().to_string())?;
        }
        for ways in vocabulary.ways.values_mut() {
            ways.sort_by_key(|way| std::cmp::Reverse(way.0.len()));
        }
        Ok(vocabulary)
    }

    /// Adds the lines of a vocabulary file (`name | way | way`, `#` comments); a way already given to another
    /// skill is an error, naming the line.
    fn add(&mut self, text: &str, origin: &str) -> Result<(), String> {
        let stemmer = french_stemmer();
        let mut seen: HashMap<Vec<String>, usize> = self
            .ways
            .values()
            .flat_map(|ways| ways.iter().map(|(way, skill)| (way.clone(), *skill)))
            .collect();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split('|').map(str::trim).filter(|p| !p.is_empty());
            let Some(name) = parts.next() else { continue };
            let name = name.to_lowercase();
            let skill = match self.names.iter().position(|n| *n == name) {
                Some(existing) => existing,
                None => {
                    self.names.push(name.clone());
                    self.names.len() - 1
                }
            };
            for written in std::iter::once(name.as_str()).chain(parts) {
                let way: Vec<String> = stems(&stemmer, written).into_iter().map(|(_, s)| s).collect();
                if way.is_empty() {
                    return Err(format!(
                        "{origin}, line {}: {written:?} has no meaningful word",
                        number + 1
                    ));
                }
                match seen.get(&way) {
                    Some(other) if *other == skill => continue,
                    Some(other) => {
                        return Err(format!(
                            "{origin}, line {}: {written:?} is already a way of writing {:?}",
                            number + 1,
                            self.names[*other]
                        ))
                    }
                    None => {}
                }
                seen.insert(way.clone(), skill);
                self.ways.entry(way[0].clone()).or_default().push((way, skill));
            }
        }
        Ok(())
    }

    /// How many skills it knows.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The skills named in a text's stems, each once, in order of first mention, with how often; and which
    /// positions they cover.
    fn find(&self, words: &[(String, String)]) -> (Vec<(usize, u32)>, Vec<bool>) {
        let mut found: Vec<(usize, u32)> = Vec::new();
        let mut covered = vec![false; words.len()];
        let mut at = 0;
        while at < words.len() {
            let longest = self.ways.get(&words[at].1).and_then(|ways| {
                ways.iter().find(|(way, _)| {
                    way.len() <= words.len() - at && way.iter().zip(&words[at..]).all(|(a, (_, b))| a == b)
                })
            });
            match longest {
                Some((way, skill)) => {
                    match found.iter_mut().find(|(s, _)| s == skill) {
                        Some((_, count)) => *count += 1,
                        None => found.push((*skill, 1)),
                    }
                    covered[at..at + way.len()].iter_mut().for_each(|c| *c = true);
                    at += way.len();
                }
                None => at += 1,
            }
        }
        (found, covered)
    }
}

/// What an offer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wanted {
    Skill(usize),
    /// A word of the title, by its stem.
    Word(String),
    /// A skill the offer lists that the vocabulary does not know ("Contrôler la température des chambres
    /// froides"): two thirds of its stems at least, in one part of the candidate's material.
    Words(Vec<String>),
}

/// What the match reads of an offer.
#[derive(Debug, Clone, Copy)]
pub struct OfferText<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The skills it lists, one a line (France Travail's competences and qualities, a recruiter's list).
    pub skills: &'a str,
}

/// A listed skill the vocabulary does not know is read as its words, up to this many.
const MAX_LISTED_WORDS: usize = 6;

#[derive(Debug, Clone)]
struct Term {
    wanted: Wanted,
    shown: String,
    importance: Importance,
    weight: u32,
}

/// The offer's terms: the skills it lists and those of its title (high), of its text (high when named more than
/// once), the title's other meaningful words, then the listed skills the vocabulary does not know.
fn offer_terms(vocabulary: &Vocabulary, stemmer: &Stemmer, offer: &OfferText) -> Vec<Term> {
    let title_words = stems(stemmer, offer.title);
    let (mut title_skills, covered) = vocabulary.find(&title_words);
    let mut unknown: Vec<(String, Vec<String>)> = Vec::new();
    for line in offer.skills.lines().filter(|l| !l.trim().is_empty()) {
        let words = stems(stemmer, line);
        let (listed, _) = vocabulary.find(&words);
        if listed.is_empty() {
            if !words.is_empty() && words.len() <= MAX_LISTED_WORDS {
                unknown.push((
                    line.trim().to_owned(),
                    words.into_iter().map(|(_, s)| s).collect(),
                ));
            }
            continue;
        }
        for (id, count) in listed {
            if !title_skills.iter().any(|(t, _)| *t == id) {
                title_skills.push((id, count));
            }
        }
    }
    let (text_skills, _) = vocabulary.find(&stems(stemmer, offer.description));
    let mut terms: Vec<Term> = Vec::new();
    let skill = |skill: usize, importance: Importance| Term {
        wanted: Wanted::Skill(skill),
        shown: vocabulary.names[skill].clone(),
        importance,
        weight: if importance == Importance::High {
            WEIGHT_HIGH
        } else {
            WEIGHT_MEDIUM
        },
    };
    for (id, _) in &title_skills {
        terms.push(skill(*id, Importance::High));
    }
    for (id, count) in text_skills {
        if !title_skills.iter().any(|(t, _)| *t == id) {
            terms.push(skill(
                id,
                if count > 1 {
                    Importance::High
                } else {
                    Importance::Medium
                },
            ));
        }
    }
    for ((word, stem), covered) in title_words.iter().zip(covered) {
        let folded = jobbot_domain::text::fold(word);
        if covered || folded.chars().count() < 3 || folded.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        if TITLE_NOISE.contains(&folded.as_str())
            || terms.iter().any(|t| t.wanted == Wanted::Word(stem.clone()))
        {
            continue;
        }
        terms.push(Term {
            wanted: Wanted::Word(stem.clone()),
            shown: word.clone(),
            importance: Importance::High,
            weight: WEIGHT_MEDIUM,
        });
    }
    for (shown, words) in unknown {
        let wanted = Wanted::Words(words);
        if !terms.iter().any(|t| t.wanted == wanted) {
            terms.push(Term {
                wanted,
                shown,
                importance: Importance::High,
                weight: WEIGHT_MEDIUM,
            });
        }
    }
    terms
}

/// What one part of the candidate's material shows: its skills and its stems.
#[derive(Default)]
struct Shown {
    skills: HashSet<usize>,
    stems: HashSet<String>,
}

impl Shown {
    fn read(&mut self, vocabulary: &Vocabulary, stemmer: &Stemmer, text: &str) {
        let words = stems(stemmer, text);
        self.skills
            .extend(vocabulary.find(&words).0.into_iter().map(|(s, _)| s));
        self.stems.extend(words.into_iter().map(|(_, s)| s));
    }

    fn has(&self, wanted: &Wanted) -> bool {
        match wanted {
            Wanted::Skill(skill) => self.skills.contains(skill),
            Wanted::Word(stem) => self.stems.contains(stem),
            // Two thirds of its words at least: a listed skill is often a verb where a CV has the noun.
            Wanted::Words(stems) => {
                3 * stems.iter().filter(|s| self.stems.contains(*s)).count() >= 2 * stems.len()
            }
        }
    }
}

/// The candidate's material by part, the profile's parts first.
fn candidate(
    vocabulary: &Vocabulary,
    stemmer: &Stemmer,
    profile: &Profile,
    cv: Option<&str>,
) -> Vec<(MatchSource, Shown)> {
    let mut parts = Vec::new();
    let mut part = |source: MatchSource, texts: Vec<&str>| {
        let mut shown = Shown::default();
        for text in texts {
            shown.read(vocabulary, stemmer, text);
        }
        parts.push((source, shown));
    };
    part(
        MatchSource::Skills,
        profile.skills.iter().map(String::as_str).collect(),
    );
    part(
        MatchSource::Experiences,
        profile
            .experiences
            .iter()
            .flat_map(|e| {
                [
                    Some(e.title.as_str()),
                    e.company.as_deref(),
                    e.description.as_deref(),
                ]
            })
            .flatten()
            .collect(),
    );
    part(
        MatchSource::Education,
        profile
            .education
            .iter()
            .flat_map(|e| [Some(e.title.as_str()), e.school.as_deref()])
            .flatten()
            .collect(),
    );
    part(
        MatchSource::Languages,
        profile
            .languages
            .iter()
            .flat_map(|l| [Some(l.language.as_str()), l.level.as_deref()])
            .flatten()
            .collect(),
    );
    part(
        MatchSource::Headline,
        profile
            .headline
            .iter()
            .map(String::as_str)
            .chain(profile.target_jobs.iter().map(String::as_str))
            .collect(),
    );
    part(MatchSource::Cv, cv.into_iter().collect());
    parts
}

fn quoted(locale: Locale, term: &str) -> String {
    match locale {
        Locale::Fr => format!("« {term} »"),
        Locale::En => format!("“{term}”"),
    }
}

/// The fit of a candidate (`profile`, the CV's text) to an offer, in `locale`.
pub fn fit(
    vocabulary: &Vocabulary,
    offer: &OfferText,
    profile: &Profile,
    cv: Option<&str>,
    locale: Locale,
) -> OfferMatch {
    let stemmer = french_stemmer();
    let terms = offer_terms(vocabulary, &stemmer, offer);
    let parts = candidate(vocabulary, &stemmer, profile, cv);
    let mut matched = Vec::new();
    let mut missing: Vec<&Term> = Vec::new();
    let (mut total, mut got) = (0u32, 0u32);
    for term in &terms {
        total += term.weight;
        match parts.iter().find(|(_, shown)| shown.has(&term.wanted)) {
            Some((source, _)) => {
                got += term.weight;
                matched.push(MatchedTerm {
                    term: term.shown.clone(),
                    found_in: *source,
                });
            }
            None => missing.push(term),
        }
    }
    missing.sort_by_key(|term| term.importance);
    let score = ratio(got, total);
    let empty = parts.iter().all(|(_, shown)| shown.stems.is_empty());
    let suggestions = suggestions(locale, score, empty, &matched, &missing, terms.is_empty());
    OfferMatch {
        score,
        matched,
        missing: missing
            .into_iter()
            .map(|term| MissingTerm {
                term: term.shown.clone(),
                importance: term.importance,
            })
            .collect(),
        suggestions,
    }
}

/// The score: the share of the offer's weight the candidate shows, rounded, 0 when the offer asks nothing.
fn ratio(got: u32, total: u32) -> u8 {
    (got * 100 + total / 2)
        .checked_div(total)
        .map_or(0, |s| s.min(100) as u8)
}

/// A stem's number for the ranking (FNV-1a): two stems sharing one is a chance in 2^64.
fn number(stem: &str) -> u64 {
    stem.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hashes a number that is already a hash: itself.
#[derive(Default, Clone, Copy)]
struct Itself(u64);

impl std::hash::Hasher for Itself {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Numbers = HashSet<u64, std::hash::BuildHasherDefault<Itself>>;

/// What the ranking by fit (`GET /api/v1/offers?sort=match`) keeps of an offer: its terms by number, without
/// the words shown. [`Candidate::score`] gives the score [`fit`] gives (a test holds them equal).
#[derive(Debug, Clone, Default)]
pub struct Wants {
    /// Skills and their weight.
    skills: Box<[(u32, u8)]>,
    /// The title's meaningful words (each of medium weight).
    words: Box<[u64]>,
    /// Listed skills the vocabulary does not know, by their stems (each of medium weight).
    groups: Box<[Box<[u64]>]>,
    total: u32,
}

impl Wants {
    /// The offer's terms, read as [`fit`] reads them.
    pub fn read(vocabulary: &Vocabulary, offer: &OfferText) -> Self {
        let terms = offer_terms(vocabulary, &french_stemmer(), offer);
        let (mut skills, mut words, mut groups) = (Vec::new(), Vec::new(), Vec::new());
        for term in &terms {
            match &term.wanted {
                Wanted::Skill(skill) => skills.push((*skill as u32, term.weight as u8)),
                Wanted::Word(stem) => words.push(number(stem)),
                Wanted::Words(stems) => groups.push(stems.iter().map(|s| number(s)).collect()),
            }
            debug_assert!(matches!(term.wanted, Wanted::Skill(_)) || term.weight == WEIGHT_MEDIUM);
        }
        Self {
            skills: skills.into(),
            words: words.into(),
            groups: groups.into(),
            total: terms.iter().map(|t| t.weight).sum(),
        }
    }
}

/// A candidate's material analysed once, to score many offers ([`Wants`]) quickly.
pub struct Candidate {
    /// By skill number: whether some part shows it.
    skills: Vec<bool>,
    /// Every part's stems.
    stems: Numbers,
    /// Each part's stems (a listed skill's words must be in one part).
    parts: Vec<Numbers>,
}

impl std::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate")
            .field("skills", &self.skills.iter().filter(|s| **s).count())
            .field("stems", &self.stems.len())
            .finish()
    }
}

impl Candidate {
    /// The candidate's profile and CV's text, read as [`fit`] reads them.
    pub fn read(vocabulary: &Vocabulary, profile: &Profile, cv: Option<&str>) -> Self {
        let parts = candidate(vocabulary, &french_stemmer(), profile, cv);
        let mut skills = vec![false; vocabulary.len()];
        for (_, shown) in &parts {
            for skill in &shown.skills {
                skills[*skill] = true;
            }
        }
        let parts: Vec<Numbers> = parts
            .iter()
            .map(|(_, shown)| shown.stems.iter().map(|s| number(s)).collect())
            .collect();
        Self {
            skills,
            stems: parts.iter().flatten().copied().collect(),
            parts,
        }
    }

    /// The candidate's score for an offer, 0 to 100: [`fit`]'s.
    pub fn score(&self, wants: &Wants) -> u8 {
        let mut got = 0u32;
        for (skill, weight) in wants.skills.iter() {
            if self.skills.get(*skill as usize).copied().unwrap_or(false) {
                got += u32::from(*weight);
            }
        }
        for word in wants.words.iter() {
            if self.stems.contains(word) {
                got += WEIGHT_MEDIUM;
            }
        }
        for group in wants.groups.iter() {
            if self
                .parts
                .iter()
                .any(|part| 3 * group.iter().filter(|s| part.contains(*s)).count() >= 2 * group.len())
            {
                got += WEIGHT_MEDIUM;
            }
        }
        ratio(got, wants.total)
    }
}

fn suggestions(
    locale: Locale,
    score: u8,
    empty: bool,
    matched: &[MatchedTerm],
    missing: &[&Term],
    nothing_asked: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let fr = locale == Locale::Fr;
    if nothing_asked {
        out.push(if fr {
            "L'offre ne nomme aucune compétence que JobBot reconnaît : lisez-la en entier pour juger."
                .to_owned()
        } else {
            "The offer names no skill JobBot knows: read it in full to judge.".to_owned()
        });
        return out;
    }
    if empty {
        out.push(if fr {
            "Votre profil et votre CV sont vides : ajoutez vos compétences et vos expériences pour mesurer votre adéquation."
                .to_owned()
        } else {
            "Your profile and CV are empty: add your skills and experience to measure how well you fit.".to_owned()
        });
    }
    let in_cv_only: Vec<String> = matched
        .iter()
        .filter(|m| m.found_in == MatchSource::Cv)
        .map(|m| quoted(locale, &m.term))
        .collect();
    if !in_cv_only.is_empty() {
        let several = in_cv_only.len() > 1;
        let list = in_cv_only.join(", ");
        out.push(if fr {
            format!(
                "Votre CV montre {list} : ajoutez-{} aux compétences de votre profil.",
                if several { "les" } else { "le" }
            )
        } else {
            format!(
                "Your CV shows {list}: add {} to your profile's skills.",
                if several { "them" } else { "it" }
            )
        });
    }
    for term in missing.iter().take(3) {
        let word = matches!(term.wanted, Wanted::Word(_));
        let term = quoted(locale, &term.shown);
        out.push(if word && fr {
            format!("L'offre demande {term} : si c'est votre métier, dites-le dans le titre de votre profil ou vos expériences.")
        } else if word {
            format!("The offer asks for {term}: if that is your trade, say so in your profile's headline or experience.")
        } else if fr {
            format!("Si vous maîtrisez {term}, dites-le dans votre profil ; sinon, c'est un point à travailler ou à aborder en entretien.")
        } else {
            format!("If you know {term}, say so in your profile; if not, it is something to learn or to address in the interview.")
        });
    }
    if score >= 80 {
        out.push(if fr {
            "Votre profil correspond bien à cette offre : mettez ces points en avant dans votre lettre."
                .to_owned()
        } else {
            "Your profile fits this offer well: put these points forward in your letter.".to_owned()
        });
    }
    out.truncate(MAX_SUGGESTIONS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobbot_api_types::Experience;

    fn vocabulary() -> Vocabulary {
        Vocabulary::load(None).expect("the built-in vocabulary loads")
    }

    fn developer_offer() -> OfferText<'static> {
        OfferText {
            title: "Développeur Java H/F",
            description: "Vous développerez des microservices en Java avec Spring Boot. Maîtrise du langage SQL \
                          (PostgreSQL) et de Git exigée. Une expérience de Docker est un plus. Travail en équipe \
                          agile.",
            skills: "",
        }
    }

    fn names(vocabulary: &Vocabulary, text: &str) -> Vec<String> {
        let stemmer = french_stemmer();
        vocabulary
            .find(&stems(&stemmer, text))
            .0
            .into_iter()
            .map(|(s, _)| vocabulary.names[s].clone())
            .collect()
    }

    #[test]
    fn the_built_in_vocabulary_has_a_few_hundred_skills_and_no_way_twice() {
        let vocabulary = vocabulary();
        assert!(vocabulary.len() >= 250, "{} skills", vocabulary.len());
    }

    #[test]
    fn a_skill_written_several_ways_is_one_skill() {
        let vocabulary = vocabulary();
        assert_eq!(names(&vocabulary, "SQL, langage SQL et requêtes SQL"), ["sql"]);
        assert_eq!(names(&vocabulary, "JS / JavaScript"), ["javascript"]);
        assert_eq!(names(&vocabulary, "C++ et C#, .NET"), ["c++", "c#", ".net"]);
        assert_eq!(names(&vocabulary, "Java, pas JavaScript"), ["java", "javascript"]);
        // The longest way wins: "gestion de projet" is not "gestion" of something else.
        assert_eq!(
            names(&vocabulary, "Gestion de projets et CACES 3"),
            ["gestion de projet", "caces 3"]
        );
        // A verb is not a skill that shares its stem ("assurer" and insurance, a night nurse's "surveillance").
        assert_eq!(
            names(
                &vocabulary,
                "Vous assurez les soins d'hygiène et la surveillance nocturne."
            ),
            ["soins d'hygiène"]
        );
        // A licence category is read with "permis": "c" and "d" alone are stop words.
        assert_eq!(
            names(&vocabulary, "Permis C, permis CE et permis D"),
            ["permis c", "permis ce", "permis d"]
        );
    }

    #[test]
    fn an_operators_file_adds_skills_and_refuses_a_way_given_twice() {
        let dir = std::env::temp_dir().join(format!("jobbot-skills-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let extra = dir.join("skills.txt");
        std::fs::write(&extra, "# ours\nzig | langage zig\n").expect("write");
        let vocabulary = Vocabulary::load(Some(&extra)).expect("loads");
        assert_eq!(names(&vocabulary, "Langage Zig"), ["zig"]);
        std::fs::write(&extra, "mon sql | requêtes SQL\n").expect("write");
        let error = Vocabulary::load(Some(&extra)).expect_err("refused");
        assert!(error.contains("line 1") && error.contains("\"sql\""), "{error}");
        std::fs::write(&extra, "de | la\n").expect("write");
        assert!(Vocabulary::load(Some(&extra))
            .expect_err("refused")
            .contains("no meaningful word"));
        assert!(Vocabulary::load(Some(&dir.join("absent.txt"))).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_cv_without_sql_misses_sql() {
        let offer = developer_offer();
        let profile = Profile {
            skills: vec!["Java".into(), "Spring".into(), "Git".into()],
            ..Profile::default()
        };
        let fit = fit(&vocabulary(), &offer, &profile, None, Locale::Fr);
        assert!(fit.missing.iter().any(|m| m.term == "sql"), "{fit:?}");
        assert!(!fit.matched.iter().any(|m| m.term == "sql"));
        assert!(fit
            .matched
            .iter()
            .any(|m| m.term == "java" && m.found_in == MatchSource::Skills));
    }

    #[test]
    fn naming_every_skill_scores_at_least_80_and_another_trade_at_most_25() {
        let vocabulary = vocabulary();
        let offer = developer_offer();
        let developer = Profile {
            headline: Some("Développeuse Java".into()),
            skills: [
                "java",
                "Spring Boot",
                "SQL",
                "PostgreSQL",
                "git",
                "docker",
                "microservices",
                "Scrum",
                "agilité",
            ]
            .map(String::from)
            .to_vec(),
            ..Profile::default()
        };
        let fit_developer = fit(&vocabulary, &offer, &developer, None, Locale::Fr);
        assert!(fit_developer.score >= 80, "{fit_developer:?}");
        let baker = Profile {
            headline: Some("Boulanger".into()),
            skills: vec!["Pétrissage".into(), "Viennoiserie".into(), "Normes HACCP".into()],
            experiences: vec![Experience {
                title: "Boulanger".into(),
                company: Some("Au bon pain".into()),
                description: Some("Fabrication du pain et des viennoiseries, nuit.".into()),
                ..Experience::default()
            }],
            ..Profile::default()
        };
        let fit_baker = fit(&vocabulary, &offer, &baker, None, Locale::Fr);
        assert!(fit_baker.score <= 25, "{fit_baker:?}");
        // "Développeurs" in a CV meets the title's "Développeur"; accents and plurals folded.
        let cv = fit(
            &vocabulary,
            &offer,
            &Profile::default(),
            Some("Equipe de developpeurs JAVA"),
            Locale::En,
        );
        assert!(
            cv.matched
                .iter()
                .any(|m| m.term == "développeur" && m.found_in == MatchSource::Cv),
            "{cv:?}"
        );
        assert!(
            cv.suggestions.iter().any(|s| s.contains("Your CV shows")),
            "{cv:?}"
        );
    }

    #[test]
    fn adding_a_missing_skill_raises_the_score() {
        let vocabulary = vocabulary();
        let offer = developer_offer();
        let mut profile = Profile {
            skills: vec!["Java".into()],
            ..Profile::default()
        };
        let before = fit(&vocabulary, &offer, &profile, None, Locale::Fr);
        profile.skills.push("langage SQL".into());
        let after = fit(&vocabulary, &offer, &profile, None, Locale::Fr);
        assert!(
            after.score > before.score,
            "{} then {}",
            before.score,
            after.score
        );
        assert_eq!(before.missing.len(), after.missing.len() + 1);
    }

    #[test]
    fn the_skills_an_offer_lists_come_first_known_or_not() {
        let offer = OfferText {
            title: "Préparateur de commandes (H/F)",
            description: "Entrepôt frigorifique.",
            skills: "Utiliser un chariot élévateur\nEmballer des produits frais\nAutonomie\n\
                     Contrôler la température des chambres froides\nTenir un registre de traçabilité HACCP",
        };
        let profile = Profile {
            skills: vec!["CACES".into()],
            experiences: vec![Experience {
                title: "Magasinier".into(),
                description: Some(
                    "Emballage des produits frais, contrôle de la température des chambres froides.".into(),
                ),
                ..Experience::default()
            }],
            ..Profile::default()
        };
        let fit = fit(&vocabulary(), &offer, &profile, None, Locale::Fr);
        let matched: Vec<&str> = fit.matched.iter().map(|m| m.term.as_str()).collect();
        let missing: Vec<&str> = fit.missing.iter().map(|m| m.term.as_str()).collect();
        // Known skills by their name ("chariot élévateur" is a way of writing `cariste`); an unknown one by
        // all its words, in one part.
        assert!(
            matched.contains(&"préparation de commandes") || missing.contains(&"préparation de commandes")
        );
        assert!(
            matched.contains(&"cariste") && matched.contains(&"emballage"),
            "{fit:?}"
        );
        assert!(
            matched.contains(&"Contrôler la température des chambres froides"),
            "{fit:?}"
        );
        assert!(
            missing.contains(&"autonomie") && missing.contains(&"hygiène alimentaire"),
            "{fit:?}"
        );
        // What the offer lists is high; a skill its text names once is medium.
        let importance = |term: &str| fit.missing.iter().find(|m| m.term == term).map(|m| m.importance);
        assert_eq!(importance("autonomie"), Some(Importance::High));
        assert_eq!(importance("gestion d'entrepôt"), Some(Importance::Medium));
    }

    #[test]
    fn an_offer_naming_nothing_known_scores_0_and_says_why() {
        let offer = OfferText {
            title: "H/F",
            description: "CDI, temps plein.",
            skills: "",
        };
        let fit = fit(&vocabulary(), &offer, &Profile::default(), None, Locale::Fr);
        assert_eq!(fit.score, 0);
        assert!(fit.matched.is_empty() && fit.missing.is_empty());
        assert_eq!(fit.suggestions.len(), 1);
    }

    #[test]
    fn the_ranking_scores_every_offer_as_the_match_does() {
        let vocabulary = vocabulary();
        let offers = [
            developer_offer(),
            OfferText {
                title: "Préparateur de commandes (H/F)",
                description: "Entrepôt frigorifique, port de charges.",
                skills:
                    "Utiliser un chariot élévateur\nContrôler la température des chambres froides\nAutonomie",
            },
            OfferText {
                title: "Boulanger / Boulangère",
                description: "Pétrissage, façonnage, viennoiseries. Normes HACCP. Travail de nuit.",
                skills: "Fabriquer des viennoiseries",
            },
            OfferText {
                title: "H/F",
                description: "CDI.",
                skills: "",
            },
        ];
        let profiles = [
            Profile::default(),
            Profile {
                headline: Some("Développeuse Java".into()),
                skills: vec!["SQL".into(), "Git".into(), "Spring Boot".into()],
                ..Profile::default()
            },
            Profile {
                skills: vec!["CACES".into(), "Pétrissage".into()],
                experiences: vec![Experience {
                    title: "Magasinier".into(),
                    description: Some("Contrôle de la température des chambres froides.".into()),
                    ..Experience::default()
                }],
                ..Profile::default()
            },
        ];
        let cvs = [
            None,
            Some("Boulanger depuis dix ans : viennoiseries, pain au levain, HACCP."),
        ];
        let mut scores = Vec::new();
        for profile in &profiles {
            for cv in cvs {
                let candidate = Candidate::read(&vocabulary, profile, cv);
                for offer in &offers {
                    let expected = fit(&vocabulary, offer, profile, cv, Locale::En).score;
                    assert_eq!(
                        candidate.score(&Wants::read(&vocabulary, offer)),
                        expected,
                        "{offer:?}"
                    );
                    scores.push(expected);
                }
            }
        }
        // Not all the same: the comparison saw low and high scores.
        assert!(
            scores.contains(&0) && scores.iter().any(|s| *s >= 50),
            "{scores:?}"
        );
    }
}

//! French full-text analysis, the same on both databases: JobBot turns text into two lists of terms and the
//! databases only index and match them (SQLite's FTS5, PostgreSQL's `tsvector` with the `simple` configuration).
//!
//! - **words**: every word, lower-cased, accents folded ("Électricien" → "electricien"): phrases and prefixes
//!   match these, so `"chef d'équipe"` and `électri*` behave as typed.
//! - **stems**: the words that carry meaning (French stop words dropped), Snowball-stemmed then folded:
//!   "électriciens", "Electricien" and "électricienne" meet on one term.
//!
//! A query is a list of clauses that must all match: plain words (on stems), `word*` (a prefix of a word),
//! `"several words"` (consecutive words, as typed) and `compound-words` (consecutive stems: any form). Anything else a user types is punctuation and is ignored.

use rust_stemmers::{Algorithm, Stemmer};

use crate::text::fold;

/// French words that carry no meaning on their own (compared after folding accents).
pub const STOPWORDS_FR: &[&str] = &[
    "a", "ai", "au", "aux", "avec", "ce", "ces", "cela", "ca", "cet", "cette", "comme", "comment", "dans",
    "de", "des", "dois", "doit", "donc", "du", "elle", "en", "est", "et", "etre", "faire", "faut", "il",
    "ils", "je", "j", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "mes", "moi", "mon", "ne", "on",
    "ou", "par", "pas", "peut", "peux", "plus", "pour", "qu", "que", "quel", "quelle", "quelles", "quels",
    "qui", "quoi", "sa", "se", "ses", "si", "son", "sont", "sur", "ta", "te", "tes", "ton", "tout", "tous",
    "tu", "un", "une", "vos", "votre", "vous", "y", "c", "d", "l", "m", "n", "s", "t", "est-ce", "ya",
    "sais", "bien", "tres", "trop", "vraiment", "encore", "avoir", "ont", "suis", "es", "sommes", "etes",
    "fait", "fais", "va", "vais",
];

/// At most this many clauses are kept from a query (the rest is ignored).
pub const MAX_CLAUSES: usize = 8;

/// A prefix shorter than this (after folding) matches too much to be useful and is dropped.
pub const MIN_PREFIX_CHARS: usize = 2;

/// The lower-cased words of `text`, split on anything that is not a letter or a digit ("l'offre" → "l",
/// "offre").
fn raw_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn is_stopword(folded: &str) -> bool {
    STOPWORDS_FR.contains(&folded)
}

/// Job titles come in both genders ("serveur / serveuse", "directeur / directrice", "boulanger / boulangère"),
/// which Snowball keeps apart: a lower-case word's feminine ending is turned masculine first, for documents and
/// queries alike.
fn masculine(word: &str) -> String {
    const ENDINGS: [(&str, &str); 10] = [
        ("euses", "eurs"),
        ("euse", "eur"),
        ("trices", "teurs"),
        ("trice", "teur"),
        ("ières", "iers"),
        ("ière", "ier"),
        ("ères", "ers"),
        ("ère", "er"),
        ("iennes", "iens"),
        ("ienne", "ien"),
    ];
    for (feminine, masculine) in ENDINGS {
        if let Some(root) = word.strip_suffix(feminine) {
            if root.chars().count() >= 2 {
                return format!("{root}{masculine}");
            }
        }
    }
    word.to_owned()
}

/// The French Snowball stem of a lower-case word (made masculine), folded; `None` for a stop word.
pub fn stem(stemmer: &Stemmer, word: &str) -> Option<String> {
    if is_stopword(&fold(word)) {
        return None;
    }
    Some(fold(&stemmer.stem(&masculine(word))))
}

/// A French stemmer (cheap to create).
pub fn french_stemmer() -> Stemmer {
    Stemmer::create(Algorithm::French)
}

/// Text as the databases index it: `words` and `stems`, each a space-separated list of terms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analyzed {
    pub words: String,
    pub stems: String,
}

/// Analyses `text` (see the module's documentation).
pub fn analyze(text: &str) -> Analyzed {
    let stemmer = french_stemmer();
    let mut out = Analyzed::default();
    for word in raw_words(text) {
        if let Some(stem) = stem(&stemmer, &word) {
            push_term(&mut out.stems, &stem);
        }
        push_term(&mut out.words, &fold(&word));
    }
    out
}

fn push_term(list: &mut String, term: &str) {
    if !list.is_empty() {
        list.push(' ');
    }
    list.push_str(term);
}

/// One condition of a query; a document matches when every clause matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A meaningful word: matches any form with the same stem.
    Term(String),
    /// `électri*`: a word starting with the (folded) prefix.
    Prefix(String),
    /// `"chef d'équipe"`: these folded words, consecutive, in one field.
    Phrase(Vec<String>),
    /// `aide-soignante`, `full-stack`: these stems (any form), consecutive, in one field.
    Compound(Vec<String>),
}

/// Parses what a user typed into at most [`MAX_CLAUSES`] clauses. Stop words and lone punctuation give no
/// clause; an unclosed quote runs to the end.
pub fn parse_query(query: &str) -> Vec<Clause> {
    let stemmer = french_stemmer();
    let mut clauses = Vec::new();
    let mut rest = query;
    while !rest.is_empty() && clauses.len() < MAX_CLAUSES {
        rest = rest.trim_start_matches(crate::text::is_space);
        if let Some(quoted) = rest.strip_prefix('"') {
            let (inside, after) = quoted.split_once('"').unwrap_or((quoted, ""));
            let words: Vec<String> = raw_words(inside).map(|w| fold(&w)).collect();
            if !words.is_empty() {
                clauses.push(Clause::Phrase(words));
            }
            rest = after;
            continue;
        }
        let end = rest
            .find(|c: char| crate::text::is_space(c) || c == '"')
            .unwrap_or(rest.len());
        let (token, after) = rest.split_at(end);
        rest = after;
        let words: Vec<String> = raw_words(token).collect();
        match words.as_slice() {
            [] => {}
            [word] if token.ends_with('*') => {
                let prefix = fold(word);
                if prefix.chars().count() >= MIN_PREFIX_CHARS {
                    clauses.push(Clause::Prefix(prefix));
                }
            }
            [word] => {
                if let Some(stem) = stem(&stemmer, word) {
                    clauses.push(Clause::Term(stem));
                }
            }
            several => {
                let stems: Vec<String> = several.iter().filter_map(|w| stem(&stemmer, w)).collect();
                match stems.len() {
                    0 => {}
                    1 => clauses.extend(stems.into_iter().map(Clause::Term)),
                    _ => clauses.push(Clause::Compound(stems)),
                }
            }
        }
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_plurals_and_derived_forms_meet() {
        let stems = |text: &str| analyze(text).stems;
        assert_eq!(stems("Électricien"), stems("electriciens"));
        assert_eq!(stems("électricienne"), stems("Électriciennes"));
        assert_eq!(stems("développer"), stems("développement"));
        assert_eq!(stems("commerciaux"), stems("commercial"));
        assert_eq!(stems("serveuses"), stems("Serveur"));
        assert_eq!(stems("directrice"), stems("directeurs"));
        assert_eq!(stems("boulangère"), stems("boulanger"));
        assert_eq!(stems("infirmières"), stems("infirmier"));
        assert_eq!(
            stems("mère"),
            "mer",
            "two letters are no root: not made masculine"
        );
        assert_eq!(analyze("Chef d'équipe").words, "chef d equipe");
        assert_eq!(stems("le chef de l'équipe"), "chef equip");
    }

    #[test]
    fn queries_parse_into_terms_prefixes_and_phrases() {
        assert_eq!(
            parse_query(r#"  Électriciens "chef d'équipe" dévelop* full-stack le x* "#),
            vec![
                Clause::Term("electricien".into()),
                Clause::Phrase(vec!["chef".into(), "d".into(), "equipe".into()]),
                Clause::Prefix("develop".into()),
                Clause::Compound(vec!["full".into(), "stack".into()]),
            ]
        );
        assert_eq!(parse_query("aides-soignantes"), parse_query("aide-soignant"));
        assert_eq!(
            parse_query("prêt-à-porter"),
            vec![Clause::Compound(vec!["pret".into(), "port".into()])]
        );
        assert_eq!(
            parse_query(r#""unclosed phrase"#),
            vec![Clause::Phrase(vec!["unclosed".into(), "phrase".into()])]
        );
        assert!(parse_query(" , ; \"\" ' ").is_empty());
        assert_eq!(parse_query(&"mot ".repeat(20)).len(), MAX_CLAUSES);
    }
}

//! What counts as blank text, the same way everywhere: the server's checks and the OpenAPI patterns
//! (`[^\s]`, evaluated by clients' regex engines) must agree, so "whitespace" is Unicode White_Space plus the
//! four information separators (U+001C–U+001F) that those engines also treat as spaces.

/// A space for our rules (Unicode White_Space, and U+001C–U+001F).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Empty, or nothing but spaces.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_space)
}

/// `text` without leading and trailing spaces.
pub fn trim(text: &str) -> &str {
    text.trim_matches(is_space)
}

/// Lower-case `word` with its accents and ligatures folded to plain letters: "é" → "e", "œ" → "oe", "ç" → "c"
/// (lower-case it first: capitals are left as they are).
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ç' => out.push('c'),
            'ÿ' => out.push('y'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            other => out.push(other),
        }
    }
    out
}

/// A file name's stem from a title: lower-case ASCII letters and digits, other runs as one dash, accents
/// folded, at most 80 characters ("Lettre — Électricien (H/F)" → "lettre-electricien-h-f"); "document" when
/// nothing is left.
pub fn file_stem(title: &str) -> String {
    let mut stem = String::new();
    for c in fold(&title.to_lowercase()).chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c);
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem: String = stem.trim_end_matches('-').chars().take(80).collect();
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "document".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_plain() {
        assert_eq!(
            file_stem("Lettre de motivation — Électricien (H/F)"),
            "lettre-de-motivation-electricien-h-f"
        );
        assert_eq!(file_stem("«»"), "document");
        assert_eq!(file_stem(&"é".repeat(100)).len(), 80);
    }

    #[test]
    fn folds_french_accents_and_ligatures() {
        assert_eq!(fold("électricien"), "electricien");
        assert_eq!(fold("cœur façade où"), "coeur facade ou");
        assert_eq!(fold("naïve"), "naive");
    }

    #[test]
    fn separators_and_unicode_spaces_are_blank() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n\u{a0}\u{2028}\u{3000}\u{1c}\u{1f}"));
        assert!(!is_blank(" a "));
        assert!(!is_blank("\u{feff}"), "a BOM is not a space");
        assert_eq!(trim("\u{1d} Bonjour \u{a0}"), "Bonjour");
    }
}

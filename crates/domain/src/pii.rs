//! Likely personal data in free text, for the preview shown before a conversation is shared: email
//! addresses, phone numbers (French formats: 06 12 34 56 78, +33 6…, 0033…), French social security numbers
//! (NIR, key checked when present), dates of birth (a date near "né le", "date de naissance", "born"…) and
//! postal addresses ("12 rue de la Paix, 75002 Paris").
//!
//! It errs on the side of flagging: the user decides what to redact.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    Email,
    Phone,
    SocialSecurityNumber,
    BirthDate,
    PostalAddress,
}

impl PiiKind {
    /// What replaces a redacted value.
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Email => "[e-mail]",
            PiiKind::Phone => "[téléphone]",
            PiiKind::SocialSecurityNumber => "[n° de sécurité sociale]",
            PiiKind::BirthDate => "[date de naissance]",
            PiiKind::PostalAddress => "[adresse]",
        }
    }
}

/// One finding: `start..end` are byte offsets into the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiMatch {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
}

/// Every finding, in order, without overlaps (the earlier, then the longer, wins).
pub fn detect(text: &str) -> Vec<PiiMatch> {
    let mut found = Vec::new();
    found.extend(emails(text));
    found.extend(digit_runs(text));
    found.extend(birth_dates(text));
    found.extend(addresses(text));
    found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut kept: Vec<PiiMatch> = Vec::new();
    for m in found {
        match kept.last_mut() {
            Some(last) if m.start < last.end => {
                // An address swallows the phone-like postcode run inside it; otherwise keep the first.
                if m.end > last.end && last.kind == m.kind {
                    last.end = m.end;
                }
            }
            _ => kept.push(m),
        }
    }
    kept
}

/// The text with the chosen findings replaced by their placeholders.
pub fn redact(text: &str, matches: &[PiiMatch]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut sorted = matches.to_vec();
    sorted.sort_by_key(|m| m.start);
    for m in sorted {
        if m.start < at
            || m.end > text.len()
            || !text.is_char_boundary(m.start)
            || !text.is_char_boundary(m.end)
        {
            continue;
        }
        out.push_str(&text[at..m.start]);
        out.push_str(m.kind.placeholder());
        at = m.end;
    }
    out.push_str(&text[at..]);
    out
}

fn emails(text: &str) -> Vec<PiiMatch> {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let domain = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let mut start = at;
        while start > 0 && local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && domain(bytes[end]) {
            end += 1;
        }
        while end > at + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let host = &text[at + 1..end];
        let tld_ok = host.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        });
        if start < at && tld_ok {
            out.push(PiiMatch {
                kind: PiiKind::Email,
                start,
                end,
            });
        }
    }
    out
}

/// Runs of digits with single separators (space, dot, dash, "(0)"), classified as phones or NIR.
fn digit_runs(text: &str) -> Vec<PiiMatch> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_plus = bytes[i] == b'+' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(bytes[i].is_ascii_digit() || starts_plus) || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric())) {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = String::new();
        let mut end = i;
        let mut j = if starts_plus { i + 1 } else { i };
        loop {
            if j < bytes.len() && bytes[j].is_ascii_digit() {
                digits.push(bytes[j] as char);
                j += 1;
                end = j;
            } else if bytes.get(j..j + 3) == Some(b"(0)".as_slice()) {
                j += 3;
            } else if j < bytes.len()
                && b" .-".contains(&bytes[j])
                && bytes.get(j + 1).is_some_and(|b| b.is_ascii_digit() || *b == b'(')
            {
                j += 1;
            } else {
                break;
            }
        }
        if end < bytes.len() && bytes[end].is_ascii_alphabetic() {
            i = end;
            continue;
        }
        let international = starts_plus || digits.starts_with("00");
        let national = digits.strip_prefix("0033").or_else(|| {
            if starts_plus {
                digits.strip_prefix("33")
            } else {
                None
            }
        });
        let kind = match national {
            Some(rest) if international && rest.len() == 9 && !rest.starts_with('0') => Some(PiiKind::Phone),
            _ if !international
                && digits.len() == 10
                && digits.starts_with('0')
                && digits.as_bytes()[1] != b'0' =>
            {
                Some(PiiKind::Phone)
            }
            _ if !international && is_nir(&digits) => Some(PiiKind::SocialSecurityNumber),
            _ => None,
        };
        if let Some(kind) = kind {
            out.push(PiiMatch { kind, start, end });
        }
        i = end.max(i + 1);
    }
    out
}

/// 13 digits (15 with the key): sex 1/2 (7/8 for temporary numbers), year, a month 01–12 (or the codes
/// 20–42 and 50–99 used when it is unknown), then place and order; the key is 97 − (number mod 97).
fn is_nir(digits: &str) -> bool {
    if !(digits.len() == 13 || digits.len() == 15)
        || !matches!(digits.as_bytes()[0], b'1' | b'2' | b'7' | b'8')
    {
        return false;
    }
    let month: u32 = digits[3..5].parse().unwrap_or(0);
    if !((1..=12).contains(&month) || (20..=42).contains(&month) || (50..=99).contains(&month)) {
        return false;
    }
    if digits.len() == 15 {
        let (Ok(number), Ok(key)) = (digits[..13].parse::<u64>(), digits[13..].parse::<u64>()) else {
            return false;
        };
        return 97 - number % 97 == key;
    }
    true
}

const BIRTH_WORDS: &[&str] = &[
    "né le",
    "née le",
    "né(e) le",
    "naissance",
    "date of birth",
    "born on",
    "born",
    "dob",
    "date de naissance",
];
const MONTHS: &[&str] = &[
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "decembre",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Dates (12/03/1985, 1985-03-12, 12 mars 1985) within 40 characters after a birth keyword.
fn birth_dates(text: &str) -> Vec<PiiMatch> {
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII: only use it when offsets still match.
    if lower.len() != text.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for word in BIRTH_WORDS {
        for (at, _) in lower.match_indices(word) {
            let from = at + word.len();
            let window_end = (from + 40).min(text.len());
            let window_end = (window_end..=text.len())
                .find(|e| text.is_char_boundary(*e))
                .unwrap_or(text.len());
            if let Some((start, end)) = find_date(&lower[from..window_end]) {
                out.push(PiiMatch {
                    kind: PiiKind::BirthDate,
                    start: from + start,
                    end: from + end,
                });
            }
        }
    }
    out
}

fn find_date(window: &str) -> Option<(usize, usize)> {
    let bytes = window.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let mut run_end = (i..bytes.len())
                .find(|&j| !(bytes[j].is_ascii_digit() || b"/.-".contains(&bytes[j])))
                .unwrap_or(bytes.len());
            // A date ends on a digit: in "1985-03-12." the full stop ends the sentence.
            while run_end > i && !bytes[run_end - 1].is_ascii_digit() {
                run_end -= 1;
            }
            let candidate = &window[i..run_end];
            let parts: Vec<&str> = candidate.split(['/', '.', '-']).collect();
            let numeric = parts.len() == 3
                && parts.iter().all(|p| !p.is_empty() && p.len() <= 4)
                && (parts[0].len() == 4 || parts[2].len() == 4 || parts[2].len() == 2);
            if numeric {
                return Some((i, run_end));
            }
            // "12 mars 1985" / "12 march 1985"
            let rest = &window[run_end..];
            let trimmed = rest.trim_start();
            let offset = run_end + (rest.len() - trimmed.len());
            if let Some(month) = MONTHS.iter().find(|m| trimmed.starts_with(*m)) {
                let after = &window[offset + month.len()..];
                let year_start = offset + month.len() + (after.len() - after.trim_start().len());
                let year_len = window[year_start..]
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count();
                if year_len == 4 {
                    return Some((i, year_start + year_len));
                }
            }
            i = run_end.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

const STREET_WORDS: &[&str] = &[
    "rue",
    "avenue",
    "av.",
    "boulevard",
    "bd",
    "place",
    "chemin",
    "allée",
    "allee",
    "impasse",
    "quai",
    "route",
    "cours",
    "square",
    "passage",
    "résidence",
    "residence",
    "lotissement",
    "street",
    "st.",
    "road",
    "lane",
    "drive",
];

/// "12 rue de la Paix", "3 bis avenue Foch", with the following ", 75002 Paris" when present.
fn addresses(text: &str) -> Vec<PiiMatch> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let number_end = (i..bytes.len())
            .find(|&j| !bytes[j].is_ascii_digit())
            .unwrap_or(bytes.len());
        if number_end - i > 4 {
            i = number_end;
            continue;
        }
        let mut cursor = number_end;
        let rest = text[cursor..].to_lowercase();
        let rest_trim = rest.trim_start_matches([' ', ',']);
        cursor += rest.len() - rest_trim.len();
        let mut rest_now = rest_trim;
        for suffix in ["bis ", "ter "] {
            if let Some(after) = rest_now.strip_prefix(suffix) {
                cursor += suffix.len();
                rest_now = after;
            }
        }
        let street = STREET_WORDS.iter().find(|w| {
            rest_now.starts_with(*w) && rest_now[w.len()..].chars().next().is_none_or(|c| c == ' ')
        });
        if street.is_none() || rest_now.len() + cursor != text.len() {
            i = number_end;
            continue;
        }
        // The street name runs to the end of the line or the sentence; a postcode and city may follow.
        let line_end = text[cursor..]
            .find(['\n', ';', '(', ')'])
            .map_or(text.len(), |e| cursor + e);
        let mut end = text[cursor..line_end].find(". ").map_or(line_end, |e| cursor + e);
        if let Some(postcode) = find_postcode(&text[cursor..end]) {
            end = cursor + postcode;
        } else {
            end = cursor + text[cursor..end].find(',').unwrap_or(end - cursor);
        }
        let end = text[..end].trim_end_matches([' ', ',', '.']).len();
        out.push(PiiMatch {
            kind: PiiKind::PostalAddress,
            start: i,
            end,
        });
        i = end.max(number_end);
    }
    out
}

/// The end of "75002 Paris" (a 5-digit postcode and the capitalised words after it) inside `segment`.
fn find_postcode(segment: &str) -> Option<usize> {
    let bytes = segment.as_bytes();
    (0..bytes.len().saturating_sub(4)).find_map(|i| {
        let five = bytes.get(i..i + 5)?;
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 5).is_none_or(|b| !b.is_ascii_digit());
        if !five.iter().all(u8::is_ascii_digit) || !bounded {
            return None;
        }
        let city = segment[i + 5..].trim_start();
        let city_start = segment.len() - city.len();
        let city_len: usize = city
            .split_inclusive(' ')
            .take_while(|w| {
                w.chars().next().is_some_and(|c| c.is_uppercase())
                    || w.starts_with("sur")
                    || w.starts_with('-')
            })
            .map(str::len)
            .sum();
        (city_len > 0).then_some(city_start + city_len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(PiiKind, &str)> {
        detect(text)
            .into_iter()
            .map(|m| (m.kind, &text[m.start..m.end]))
            .collect()
    }

    #[test]
    fn emails() {
        assert_eq!(
            found("Écrivez-moi à marie.curie+cv@exemple.fr."),
            vec![(PiiKind::Email, "marie.curie+cv@exemple.fr")]
        );
        assert!(found("le @ seul, ou a@b").is_empty());
    }

    #[test]
    fn french_phone_numbers_in_every_usual_format() {
        for phone in [
            "06 12 34 56 78",
            "06.12.34.56.78",
            "06-12-34-56-78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33612345678",
            "+33 (0)6 12 34 56 78",
            "0033 6 12 34 56 78",
            "01 42 68 53 00",
        ] {
            let text = format!("Appelez le {phone} demain");
            assert_eq!(found(&text), vec![(PiiKind::Phone, phone)], "{phone}");
        }
    }

    #[test]
    fn numbers_that_are_not_phones() {
        assert!(found("Un salaire de 35 000 euros, 2024, 10 %, 75002")
            .iter()
            .all(|(k, _)| *k != PiiKind::Phone));
        assert!(found("SIRET 12345678900012").is_empty());
        assert!(found("réf. AB0612345678").is_empty());
    }

    #[test]
    fn social_security_numbers() {
        // 1 85 05 78 006 084 with its key: 97 - (1850578006084 mod 97).
        let key = 97 - 1_850_578_006_084u64 % 97;
        let nir = format!("1 85 05 78 006 084 {key:02}");
        assert_eq!(
            found(&format!("Mon NIR : {nir}")),
            vec![(PiiKind::SocialSecurityNumber, nir.as_str())]
        );
        assert_eq!(
            found("NIR 2850578006084"),
            vec![(PiiKind::SocialSecurityNumber, "2850578006084")]
        );
        let wrong_key = format!("1 85 05 78 006 084 {:02}", (key + 1) % 97);
        assert!(
            found(&wrong_key)
                .iter()
                .all(|(k, _)| *k != PiiKind::SocialSecurityNumber),
            "a wrong key is not a NIR"
        );
        assert!(found("1 85 13 78 006 084").is_empty(), "month 13 does not exist");
    }

    #[test]
    fn birth_dates_need_their_context() {
        assert_eq!(
            found("Je suis née le 12/03/1985 à Lyon"),
            vec![(PiiKind::BirthDate, "12/03/1985")]
        );
        assert_eq!(
            found("Date de naissance : 12 mars 1985"),
            vec![(PiiKind::BirthDate, "12 mars 1985")]
        );
        assert_eq!(
            found("Born on 1985-03-12."),
            vec![(PiiKind::BirthDate, "1985-03-12")]
        );
        assert!(
            found("Mon entretien est le 12/03/2026").is_empty(),
            "an interview date is not personal"
        );
    }

    #[test]
    fn postal_addresses() {
        assert_eq!(
            found("J'habite au 12 rue de la Paix, 75002 Paris et je cherche un CDI."),
            vec![(PiiKind::PostalAddress, "12 rue de la Paix, 75002 Paris")]
        );
        assert_eq!(
            found("3 bis avenue Foch"),
            vec![(PiiKind::PostalAddress, "3 bis avenue Foch")]
        );
        assert_eq!(
            found("Adresse : 8 allée des Tilleuls\nTél."),
            vec![(PiiKind::PostalAddress, "8 allée des Tilleuls")]
        );
        assert!(found("J'ai 3 entretiens et 2 rues à traverser").is_empty());
    }

    #[test]
    fn redaction_replaces_only_what_is_chosen() {
        let text = "Mail : lea@exemple.fr, tél. 06 12 34 56 78.";
        let matches = detect(text);
        assert_eq!(matches.len(), 2);
        assert_eq!(redact(text, &matches), "Mail : [e-mail], tél. [téléphone].");
        assert_eq!(
            redact(text, &matches[1..]),
            "Mail : lea@exemple.fr, tél. [téléphone]."
        );
        assert_eq!(redact(text, &[]), text);
    }
}

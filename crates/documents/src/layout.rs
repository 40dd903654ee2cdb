//! Typesetting for the PDF: the embedded faces, words measured as krilla will shape them (rustybuzz), lines
//! broken to a width with hyphenation (hypher, French or English), and pages filled from the top.

use std::sync::OnceLock;

use jobbot_domain::Locale;

/// A face: what krilla embeds, and what rustybuzz measures.
pub struct Face {
    pub font: krilla::text::Font,
    shaper: rustybuzz::Face<'static>,
    units: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Self {
        let font = krilla::text::Font::new(data.into(), 0).expect("a bundled face krilla reads");
        let shaper = rustybuzz::Face::from_slice(data, 0).expect("a bundled face rustybuzz reads");
        let units = shaper.units_per_em() as f32;
        Self { font, shaper, units }
    }

    /// How wide `text` is at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let advance: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        advance as f32 * size / self.units
    }
}

/// The faces the templates use (DejaVu, crates/documents/fonts: its licence is there).
pub struct Faces {
    pub sans: Face,
    pub sans_bold: Face,
    pub serif: Face,
    pub serif_bold: Face,
}

/// Loaded once per process.
pub fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| Faces {
        sans: Face::load(include_bytes!("../fonts/DejaVuSans.ttf")),
        sans_bold: Face::load(include_bytes!("../fonts/DejaVuSans-Bold.ttf")),
        serif: Face::load(include_bytes!("../fonts/DejaVuSerif.ttf")),
        serif_bold: Face::load(include_bytes!("../fonts/DejaVuSerif-Bold.ttf")),
    })
}

/// Words at most this long are hyphenated (longer ones are not words: addresses, codes).
const HYPHENATE_MAX: usize = 40;

/// Breaks `text` into lines at most `width` wide: between words, else at a hyphenation point of the word that
/// does not fit (with a hyphen), else anywhere in a word wider than a line. A line break in the text is kept.
pub fn lines(face: &Face, size: f32, width: f32, text: &str, locale: Locale) -> Vec<String> {
    let lang = match locale {
        Locale::Fr => hypher::Lang::French,
        Locale::En => hypher::Lang::English,
    };
    let space = face.width(" ", size);
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0f32;
        let mut words: std::collections::VecDeque<String> =
            paragraph.split_whitespace().map(str::to_owned).collect();
        while let Some(word) = words.pop_front() {
            let word_width = face.width(&word, size);
            let gap = if line.is_empty() { 0.0 } else { space };
            if line_width + gap + word_width <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
                line_width += gap + word_width;
                continue;
            }
            // The word does not fit: its longest start (at a hyphenation point) that does.
            let room = width - line_width - gap;
            if let Some((head, tail)) = split_to_fit(face, size, room, &word, lang) {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&head);
                out.push(std::mem::take(&mut line));
                line_width = 0.0;
                words.push_front(tail);
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
                line_width = 0.0;
                words.push_front(word);
                continue;
            }
            // Alone and still too wide: as many characters as fit.
            let mut cut = word.len();
            for (at, _) in word.char_indices().rev() {
                if at > 0 && face.width(&word[..at], size) <= width {
                    cut = at;
                    break;
                }
            }
            if cut == word.len() {
                cut = word.char_indices().nth(1).map_or(word.len(), |(at, _)| at);
            }
            out.push(word[..cut].to_owned());
            if cut < word.len() {
                words.push_front(word[cut..].to_owned());
            }
        }
        out.push(line);
    }
    out
}

/// `word` cut at its last hyphenation point whose start and a hyphen fit in `room`.
fn split_to_fit(
    face: &Face,
    size: f32,
    room: f32,
    word: &str,
    lang: hypher::Lang,
) -> Option<(String, String)> {
    // Hyphenate the letters only; punctuation around them stays with its side.
    let start = word.find(|c: char| c.is_alphabetic())?;
    let end = word
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphabetic())
        .map(|(at, c)| at + c.len_utf8())?;
    let core = &word[start..end];
    if core.chars().count() > HYPHENATE_MAX || !core.chars().all(char::is_alphabetic) {
        return None;
    }
    let lower = core.to_lowercase();
    if lower.len() != core.len() {
        return None;
    }
    let mut best = None;
    let mut at = start;
    let syllables: Vec<&str> = hypher::hyphenate(&lower, lang).collect();
    for syllable in &syllables[..syllables.len().saturating_sub(1)] {
        at += syllable.len();
        let head = format!("{}-", &word[..at]);
        if face.width(&head, size) <= room {
            best = Some((head, word[at..].to_owned()));
        } else {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_their_width_and_hyphenate_french() {
        let face = &faces().serif;
        let text = "Conception et développement de services, accompagnement des équipes, \
                    internationalisation des applications et anticonstitutionnellement.";
        let width = 150.0;
        let lines = lines(face, 10.0, width, text, Locale::Fr);
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            assert!(face.width(line, 10.0) <= width + 0.01, "{line:?} too wide");
        }
        // Every word is still there once the hyphens are taken out.
        let joined = lines
            .iter()
            .map(|l| l.strip_suffix('-').map_or(format!("{l} "), str::to_owned))
            .collect::<String>();
        assert_eq!(
            joined.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert!(
            lines.iter().any(|l| l.ends_with('-')),
            "something hyphenated: {lines:?}"
        );
    }

    #[test]
    fn a_line_break_is_kept_and_a_word_wider_than_a_line_is_cut() {
        let face = &faces().sans;
        let lines = lines(
            face,
            10.0,
            60.0,
            "a\nhttps://example.com/un/tres/long/chemin",
            Locale::Fr,
        );
        assert_eq!(lines[0], "a");
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines[1..].concat(), "https://example.com/un/tres/long/chemin");
    }
}

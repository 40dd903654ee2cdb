//! The documents a candidate sends (issue 30): the CV built from the structured profile, in one of three
//! templates, as a PDF (typeset here with krilla: fonts embedded and subset, selectable text, French and English
//! hyphenation, title and author in the metadata) or a DOCX (Office Open XML written by hand: a few XML parts
//! in a zip). No I/O: the caller gives the profile, the candidate's name and email, and the locale.
//!
//! [`Cv::build`] turns the profile into what every format prints, in reading order (name, contact, headline,
//! experiences, education, skills, languages, links), with dates written for the locale ("mars 2024 –
//! aujourd'hui"); [`pdf::render`] and [`docx::render`] lay it out.

pub mod docx;
pub mod pdf;

mod cv;
mod layout;

pub use cv::{Cv, Entry, Person, Section};

use jobbot_domain::Locale;

/// A template: how the CV looks. The ids are the API's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// One column, black on white, plain headings: what applicant tracking systems read best.
    Sober,
    /// A colour, a sans-serif face, the name large.
    Modern,
    /// Like Europass: the dates and labels in a column on the left, the content on the right.
    Europass,
}

impl Template {
    pub const ALL: [Template; 3] = [Template::Sober, Template::Modern, Template::Europass];

    pub fn id(self) -> &'static str {
        match self {
            Template::Sober => "sobre",
            Template::Modern => "moderne",
            Template::Europass => "europass",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    pub fn name(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Template::Sober, Locale::Fr) => "Sobre",
            (Template::Sober, Locale::En) => "Plain",
            (Template::Modern, Locale::Fr) => "Moderne",
            (Template::Modern, Locale::En) => "Modern",
            (Template::Europass, _) => "Europass",
        }
    }

    pub fn description(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Template::Sober, Locale::Fr) => {
                "Une colonne, des titres simples, en noir : ce que les logiciels de recrutement lisent le mieux."
            }
            (Template::Sober, Locale::En) => {
                "One column, plain headings, in black: what applicant tracking systems read best."
            }
            (Template::Modern, Locale::Fr) => {
                "Une couleur d'accent, une police sans empattement, le nom en grand."
            }
            (Template::Modern, Locale::En) => "An accent colour, a sans-serif face, the name large.",
            (Template::Europass, Locale::Fr) => {
                "À la manière d'Europass : dates et rubriques à gauche, contenu à droite."
            }
            (Template::Europass, Locale::En) => {
                "In the manner of Europass: dates and labels on the left, the content on the right."
            }
        }
    }
}

/// The file name a CV is downloaded as: "CV Léa Martin.pdf".
pub fn filename(name: &str, extension: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !"/\\:*?\"<>|".contains(*c))
        .collect();
    let name = name.trim();
    if name.is_empty() {
        format!("CV.{extension}")
    } else {
        format!("CV {name}.{extension}")
    }
}

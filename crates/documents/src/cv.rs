//! What a CV says, in reading order, whatever its format and template.

use jobbot_api_types::Profile;
use jobbot_domain::Locale;

/// Who the CV is of (from the account).
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// One item of a section: an experience, a diploma, a language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// "Développeuse Java", "Master informatique", "Anglais".
    pub title: String,
    /// The employer, the school, the level.
    pub detail: Option<String>,
    /// "mars 2024 – aujourd'hui", "2019".
    pub when: Option<String>,
    /// What was done there.
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// "Expérience professionnelle".
    pub title: String,
    pub entries: Vec<Entry>,
}

/// The CV: a header, then sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cv {
    pub name: String,
    pub headline: Option<String>,
    /// Email, places, mobility, availability: one a line.
    pub contact: Vec<String>,
    pub sections: Vec<Section>,
    pub locale: Locale,
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "2024-03" as "mars 2024" (or "Mar 2024"); anything else as it is.
pub fn month(raw: &str, locale: Locale) -> String {
    let parsed = raw
        .split_once('-')
        .and_then(|(year, month)| Some((year.parse::<u32>().ok()?, month.parse::<usize>().ok()?)))
        .filter(|(_, month)| (1..=12).contains(month));
    match parsed {
        Some((year, month)) => match locale {
            Locale::Fr => format!("{} {year}", MONTHS_FR[month - 1]),
            Locale::En => format!("{} {year}", MONTHS_EN[month - 1]),
        },
        None => raw.to_owned(),
    }
}

/// "mars 2024 – aujourd'hui", "janv. 2020 – mars 2024", "depuis…" when only the start is known.
pub fn period(start: Option<&str>, end: Option<&str>, locale: Locale) -> Option<String> {
    let now = match locale {
        Locale::Fr => "aujourd'hui",
        Locale::En => "present",
    };
    match (start, end) {
        (Some(start), Some(end)) => Some(format!("{} – {}", month(start, locale), month(end, locale))),
        (Some(start), None) => Some(format!("{} – {now}", month(start, locale))),
        (None, Some(end)) => Some(month(end, locale)),
        (None, None) => None,
    }
}

fn labels(locale: Locale) -> [&'static str; 5] {
    match locale {
        Locale::Fr => [
            "Expérience professionnelle",
            "Formation",
            "Compétences",
            "Langues",
            "Liens",
        ],
        Locale::En => ["Experience", "Education", "Skills", "Languages", "Links"],
    }
}

fn clean(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl Cv {
    /// The CV of `person` from their profile, in `locale`; an empty section is left out.
    pub fn build(person: Person, profile: &Profile, locale: Locale) -> Self {
        let [experience, education, skills, languages, links] = labels(locale);
        let mut contact = vec![person.email.to_owned()];
        let places = profile
            .locations
            .iter()
            .filter_map(|l| clean(l))
            .collect::<Vec<_>>();
        if !places.is_empty() {
            contact.push(places.join(", "));
        }
        contact.extend(profile.mobility.as_deref().and_then(clean));
        let mut sections = Vec::new();
        let mut push = |title: &str, entries: Vec<Entry>| {
            if !entries.is_empty() {
                sections.push(Section {
                    title: title.to_owned(),
                    entries,
                });
            }
        };
        push(
            experience,
            profile
                .experiences
                .iter()
                .map(|e| Entry {
                    title: e.title.trim().to_owned(),
                    detail: e.company.as_deref().and_then(clean),
                    when: period(e.start.as_deref(), e.end.as_deref(), locale),
                    text: e.description.as_deref().and_then(clean),
                })
                .collect(),
        );
        push(
            education,
            profile
                .education
                .iter()
                .map(|e| Entry {
                    title: e.title.trim().to_owned(),
                    detail: e.school.as_deref().and_then(clean),
                    when: e.year.map(|y| y.to_string()),
                    text: None,
                })
                .collect(),
        );
        let skill_list: Vec<String> = profile.skills.iter().filter_map(|s| clean(s)).collect();
        push(
            skills,
            if skill_list.is_empty() {
                Vec::new()
            } else {
                vec![Entry {
                    text: Some(skill_list.join(" · ")),
                    ..Entry::default()
                }]
            },
        );
        push(
            languages,
            profile
                .languages
                .iter()
                .map(|l| Entry {
                    title: l.language.trim().to_owned(),
                    detail: l.level.as_deref().and_then(clean),
                    ..Entry::default()
                })
                .collect(),
        );
        push(
            links,
            profile
                .links
                .iter()
                .filter_map(|l| clean(l))
                .map(|l| Entry {
                    title: l,
                    ..Entry::default()
                })
                .collect(),
        );
        Self {
            name: clean(person.name).unwrap_or_else(|| person.email.to_owned()),
            headline: profile.headline.as_deref().and_then(clean),
            contact,
            sections,
            locale,
        }
    }

    /// The document's title (the PDF's and the DOCX's metadata).
    pub fn title(&self) -> String {
        format!("CV — {}", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobbot_api_types::{Education, Experience, LanguageSkill};

    #[test]
    fn dates_read_as_the_locale_writes_them() {
        assert_eq!(
            period(Some("2024-03"), None, Locale::Fr).as_deref(),
            Some("mars 2024 – aujourd'hui")
        );
        assert_eq!(
            period(Some("2020-01"), Some("2024-02"), Locale::En).as_deref(),
            Some("Jan 2020 – Feb 2024")
        );
        assert_eq!(month("2023-08", Locale::Fr), "août 2023");
        assert_eq!(month("2023-13", Locale::Fr), "2023-13");
        assert_eq!(period(None, None, Locale::Fr), None);
    }

    #[test]
    fn the_cv_reads_the_profile_in_order_and_leaves_empty_parts_out() {
        let profile = Profile {
            headline: Some("  Développeuse Java ".into()),
            locations: vec!["Lyon".into(), " ".into()],
            skills: vec!["Java".into(), "SQL".into(), "".into()],
            experiences: vec![Experience {
                title: "Développeuse".into(),
                company: Some("Numeria".into()),
                start: Some("2021-09".into()),
                ..Experience::default()
            }],
            education: vec![Education {
                title: "Master informatique".into(),
                school: Some("Université Lyon 1".into()),
                year: Some(2021),
            }],
            languages: vec![LanguageSkill {
                language: "Anglais".into(),
                level: Some("B2".into()),
            }],
            ..Profile::default()
        };
        let person = Person {
            name: "Léa Martin",
            email: "lea@example.fr",
        };
        let cv = Cv::build(person, &profile, Locale::Fr);
        assert_eq!(cv.headline.as_deref(), Some("Développeuse Java"));
        assert_eq!(cv.contact, ["lea@example.fr", "Lyon"]);
        let titles: Vec<&str> = cv.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Expérience professionnelle",
                "Formation",
                "Compétences",
                "Langues"
            ]
        );
        assert_eq!(
            cv.sections[0].entries[0].when.as_deref(),
            Some("septembre 2021 – aujourd'hui")
        );
        assert_eq!(cv.sections[2].entries[0].text.as_deref(), Some("Java · SQL"));
        let english = Cv::build(person, &Profile::default(), Locale::En);
        assert!(english.sections.is_empty());
        assert_eq!(english.title(), "CV — Léa Martin");
    }
}

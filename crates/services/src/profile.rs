//! The candidate's structured profile: its rules (every field optional; texts trimmed, empty ones dropped,
//! each with its limit, refused field by field with the item's index: `experiences[2].title`) and how it is
//! read. `routes::profile` serves it; the coach's grounding and the export read it.

use jobbot_api_types::{Education, Experience, FieldError, LanguageSkill, Profile, ProfileDocument};
use jobbot_db::profiles;

use crate::error::ServiceError;

/// `(field, most items, characters an item)` of the lists of words.
pub const WORD_LISTS: &[(&str, usize, usize)] = &[
    ("target_jobs", 10, 100),
    ("locations", 10, 100),
    ("skills", 50, 100),
];
pub const SHORT_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 2_000;
pub const LANGUAGE_MAX_CHARS: usize = 60;
pub const URL_MAX_CHARS: usize = 2_000;
pub const MAX_EXPERIENCES: usize = 30;
pub const MAX_EDUCATION: usize = 20;
pub const MAX_LANGUAGES: usize = 20;
pub const MAX_LINKS: usize = 10;
pub const SALARY_MAX: i64 = 10_000_000;

struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn fail(&mut self, field: &str, code: &str, message: &str) {
        self.errors.push(FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        });
    }

    /// An optional text within `max` characters (counted before trimming): blank → `None`.
    fn text(&mut self, field: &str, value: Option<String>, max: usize) -> Option<String> {
        let raw = value?;
        if raw.chars().count() > max {
            self.fail(field, "too_long", &format!("Give at most {max} characters."));
            return None;
        }
        let value = jobbot_domain::text::trim(&raw);
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// A required text of 1 to `max` characters.
    fn required(&mut self, field: &str, value: String, max: usize) -> String {
        if jobbot_domain::text::is_blank(&value) || value.chars().count() > max {
            self.fail(field, "invalid_length", &format!("Give 1 to {max} characters."));
            return String::new();
        }
        jobbot_domain::text::trim(&value).to_owned()
    }

    fn at_most(&mut self, field: &str, len: usize, max: usize) -> bool {
        if len > max {
            self.fail(field, "too_many", &format!("Give at most {max} items."));
            return false;
        }
        true
    }

    /// `YYYY-MM` exactly.
    fn month(&mut self, field: &str, value: Option<String>) -> Option<String> {
        let value = self.text(field, value, 7)?;
        let b = value.as_bytes();
        let valid = b.len() == 7
            && b[4] == b'-'
            && b[..4].iter().chain(&b[5..]).all(u8::is_ascii_digit)
            && matches!(value[5..].parse::<u8>(), Ok(1..=12));
        if !valid {
            self.fail(field, "invalid_month", "Give a month as YYYY-MM.");
            return None;
        }
        Some(value)
    }
}

/// `list` without its repeats, in order.
fn unique<T: PartialEq>(list: Vec<T>) -> Vec<T> {
    let mut kept = Vec::with_capacity(list.len());
    for item in list {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    kept
}

/// The profile as stored: trimmed, empty texts dropped, duplicates kept out of the lists — or every problem.
pub fn validate(input: Profile) -> Result<Profile, Vec<FieldError>> {
    let mut check = Check { errors: Vec::new() };
    let mut lists = [input.target_jobs, input.locations, input.skills];
    for ((field, max_items, max_chars), list) in WORD_LISTS.iter().zip(lists.iter_mut()) {
        if !check.at_most(field, list.len(), *max_items) {
            continue;
        }
        let mut kept: Vec<String> = Vec::new();
        for (i, item) in std::mem::take(list).into_iter().enumerate() {
            if let Some(item) = check.text(&format!("{field}[{i}]"), Some(item), *max_chars) {
                if !kept.iter().any(|k| k.to_lowercase() == item.to_lowercase()) {
                    kept.push(item);
                }
            }
        }
        *list = kept;
    }
    let [target_jobs, locations, skills] = lists;
    let contract_types = unique(input.contract_types);
    let remote = unique(input.remote);
    if input
        .salary_expectation
        .is_some_and(|s| !(0..=SALARY_MAX).contains(&s))
    {
        check.fail(
            "salary_expectation",
            "out_of_range",
            "Give a yearly salary from 0 to 10,000,000 euros.",
        );
    }
    let mut experiences = Vec::new();
    if check.at_most("experiences", input.experiences.len(), MAX_EXPERIENCES) {
        for (i, e) in input.experiences.into_iter().enumerate() {
            let at = |name: &str| format!("experiences[{i}].{name}");
            experiences.push(Experience {
                title: check.required(&at("title"), e.title, SHORT_MAX_CHARS),
                company: check.text(&at("company"), e.company, SHORT_MAX_CHARS),
                start: check.month(&at("start"), e.start),
                end: check.month(&at("end"), e.end),
                description: check.text(&at("description"), e.description, DESCRIPTION_MAX_CHARS),
            });
        }
    }
    let mut education = Vec::new();
    if check.at_most("education", input.education.len(), MAX_EDUCATION) {
        for (i, e) in input.education.into_iter().enumerate() {
            let at = |name: &str| format!("education[{i}].{name}");
            if e.year.is_some_and(|y| !(1950..=2100).contains(&y)) {
                check.fail(&at("year"), "out_of_range", "Give a year from 1950 to 2100.");
            }
            education.push(Education {
                title: check.required(&at("title"), e.title, SHORT_MAX_CHARS),
                school: check.text(&at("school"), e.school, SHORT_MAX_CHARS),
                year: e.year,
            });
        }
    }
    let mut languages = Vec::new();
    if check.at_most("languages", input.languages.len(), MAX_LANGUAGES) {
        for (i, l) in input.languages.into_iter().enumerate() {
            let at = |name: &str| format!("languages[{i}].{name}");
            languages.push(LanguageSkill {
                language: check.required(&at("language"), l.language, LANGUAGE_MAX_CHARS),
                level: check.text(&at("level"), l.level, LANGUAGE_MAX_CHARS),
            });
        }
    }
    let mut links = Vec::new();
    if check.at_most("links", input.links.len(), MAX_LINKS) {
        for (i, link) in input.links.into_iter().enumerate() {
            let field = format!("links[{i}]");
            let Some(link) = check.text(&field, Some(link), URL_MAX_CHARS) else {
                continue;
            };
            if crate::net::is_web_address(&link) {
                links.push(link);
            } else {
                check.fail(&field, "invalid_url", "Give an address starting with https://.");
            }
        }
    }
    let profile = Profile {
        headline: check.text("headline", input.headline, SHORT_MAX_CHARS),
        target_jobs,
        locations,
        mobility: check.text("mobility", input.mobility, SHORT_MAX_CHARS),
        contract_types,
        remote,
        salary_expectation: input.salary_expectation,
        availability: check.text("availability", input.availability, SHORT_MAX_CHARS),
        skills,
        experiences,
        education,
        languages,
        links,
    };
    if check.errors.is_empty() {
        Ok(profile)
    } else {
        Err(check.errors)
    }
}

/// The stored profile of `user_id`, or an empty one.
pub fn load(conn: &mut jobbot_db::DbConnection, user_id: &str) -> Result<ProfileDocument, ServiceError> {
    Ok(match profiles::get(conn, user_id)? {
        Some((data, at)) => ProfileDocument {
            profile: serde_json::from_str(&data).map_err(ServiceError::internal)?,
            updated_at: Some(at.and_utc()),
        },
        None => ProfileDocument {
            profile: Profile::default(),
            updated_at: None,
        },
    })
}

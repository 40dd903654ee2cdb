//! Job offers: what the API accepts (validation), what it answers (DTOs), and the search's query string.
//! France Travail's format is in [`france_travail`].

pub mod france_travail;
pub mod sync;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use jobbot_api_types::FieldError;
use jobbot_api_types::{FacetCount, Offer, OfferFacets, OfferInput, OfferLocation, OfferPlace, OfferUpdate};
use jobbot_db::offers::{Cursor, OfferRow, Search, Sort};
use jobbot_domain::{ContractType, OfferSource, OfferState, Remote, WorkingTime};
use serde::Deserialize;

use crate::error::ServiceError;

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
const SHORT_MAX_CHARS: usize = 200;
/// An offer's list of skills asked for (`skills`).
pub const SKILLS_MAX: usize = 30;
pub const SKILL_MAX_CHARS: usize = 100;
const URL_MAX_CHARS: usize = 2_000;
pub(crate) const QUERY_MAX_CHARS: usize = 200;
pub(crate) const SALARY_MAX: i64 = 10_000_000;

/// `GET /api/v1/offers`: every parameter is optional; lists are comma-separated and match any of their values.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OfferQuery {
    /// Words (any form: "électriciens" finds "Électricien"), `prefix*`, `"a phrase"`; up to 200 characters.
    pub q: Option<String>,
    /// Contract types: `cdi`, `cdd`, `interim`, `alternance`, `stage`, `freelance`.
    pub contract: Option<String>,
    /// `on_site`, `hybrid`, `remote`.
    pub remote: Option<String>,
    /// Départements: `69`, `2A`, `974`.
    pub departement: Option<String>,
    /// Offers stating a yearly gross salary at least this high (euros).
    pub salary_min: Option<i64>,
    /// Offers published on or after this day (`YYYY-MM-DD`) or time (RFC 3339).
    pub published_since: Option<String>,
    /// `relevance` (title matches first, then the newest; the default), `date` (the newest first) or `match`
    /// (the best fit to the caller's profile and CV first, as `GET /api/v1/offers/{id}/match` scores it; each
    /// offer then has its `match_score`; not with `mine=true`).
    pub sort: Option<String>,
    /// 1 to 50, default 20.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `true`: the caller's own offers (posted or added), open or closed, instead of the open public ones.
    pub mine: Option<bool>,
}

pub fn invalid(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

pub fn list<T>(
    raw: Option<&str>,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    let mut out = Vec::new();
    for value in raw
        .unwrap_or_default()
        .split(',')
        .map(jobbot_domain::text::trim)
        .filter(|v| !v.is_empty())
    {
        match parse(value) {
            Some(v) => out.push(v),
            None => {
                errors.push(invalid(
                    field,
                    "unknown_value",
                    &format!("Unknown value `{value}`."),
                ));
                break;
            }
        }
    }
    out
}

/// A French département code: "01" to "95" (Corsica is "2A" and "2B", not "20"), overseas "971" to "978" and
/// "984" to "988".
pub fn is_departement(value: &str) -> bool {
    if value == "2A" || value == "2B" {
        return true;
    }
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    match (value.len(), value.parse::<u16>()) {
        (2, Ok(n)) => (1..=95).contains(&n) && n != 20,
        (3, Ok(n)) => (971..=978).contains(&n) || (984..=988).contains(&n),
        _ => false,
    }
}

fn parse_since(raw: &str) -> Option<NaiveDateTime> {
    if raw.len() == 10 {
        // `YYYY-MM-DD` exactly, as JSON Schema's `date` (chrono alone would take "2026-1-5").
        return NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .filter(|_| raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-')
            .and_then(|day| day.and_hms_opt(0, 0, 0));
    }
    DateTime::parse_from_rfc3339(raw).ok().map(|t| t.naive_utc())
}

/// `hits.microseconds.id`: where a page stopped (the last offer's sort key). Any string of this shape is a
/// position (the OpenAPI pattern says it), so a client cannot send one that fails to decode.
fn encode_cursor(cursor: &Cursor) -> String {
    format!(
        "{}.{}.{}",
        cursor.hits,
        cursor.published_at.and_utc().timestamp_micros().max(0),
        cursor.id
    )
}

/// The pattern of a cursor in the OpenAPI document.
pub const CURSOR_PATTERN: &str = "^[0-9]{1,3}\\.[0-9]{1,16}\\.[0-9a-f-]{1,64}$";

fn decode_cursor(raw: &str) -> Option<Cursor> {
    let mut parts = raw.splitn(3, '.');
    let hits = parts
        .next()
        .filter(|p| (1..=3).contains(&p.len()))?
        .parse()
        .ok()?;
    let micros: i64 = parts
        .next()
        .filter(|p| (1..=16).contains(&p.len()))?
        .parse()
        .ok()?;
    let id = parts
        .next()
        .filter(|p| {
            (1..=64).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase() || b == b'-')
        })?
        .to_owned();
    let published_at = DateTime::from_timestamp_micros(micros)?.naive_utc();
    Some(Cursor {
        hits,
        published_at,
        id,
    })
}

impl OfferQuery {
    /// The search it asks for, for `user_id`; 422 with every invalid parameter.
    pub fn to_search(&self, user_id: &str) -> Result<Search, ServiceError> {
        let mut errors = Vec::new();
        let q = self.q.as_deref().unwrap_or_default();
        if q.chars().count() > QUERY_MAX_CHARS {
            errors.push(invalid("q", "too_long", "Search with at most 200 characters."));
        }
        let contract = list(
            self.contract.as_deref(),
            "contract",
            ContractType::parse,
            &mut errors,
        );
        let remote = list(self.remote.as_deref(), "remote", Remote::parse, &mut errors);
        let departement = list(
            self.departement.as_deref(),
            "departement",
            |d| is_departement(d).then(|| d.to_owned()),
            &mut errors,
        );
        if self.salary_min.is_some_and(|s| !(0..=SALARY_MAX).contains(&s)) {
            errors.push(invalid(
                "salary_min",
                "out_of_range",
                "Choose a salary from 0 to 10,000,000.",
            ));
        }
        let published_since = match self.published_since.as_deref() {
            None => None,
            Some(raw) => {
                let since = parse_since(raw);
                if since.is_none() {
                    errors.push(invalid(
                        "published_since",
                        "invalid_date",
                        "Give a day (YYYY-MM-DD) or an RFC 3339 time.",
                    ));
                }
                since
            }
        };
        let sort = match self.sort.as_deref() {
            None | Some("relevance") => Sort::Relevance,
            Some("date") => Sort::Date,
            Some("match") if self.mine == Some(true) => {
                errors.push(invalid(
                    "sort",
                    "not_with_mine",
                    "`match` ranks the public offers: not with `mine=true`.",
                ));
                Sort::Relevance
            }
            Some("match") => Sort::Match,
            Some(_) => {
                errors.push(invalid(
                    "sort",
                    "unknown_value",
                    "Sort by `relevance`, `date` or `match`.",
                ));
                Sort::Relevance
            }
        };
        let limit = self.limit.unwrap_or(20);
        if !(1..=50).contains(&limit) {
            errors.push(invalid("limit", "out_of_range", "Choose a value from 1 to 50."));
        }
        let after = match self.cursor.as_deref() {
            None => None,
            Some(raw) => {
                let cursor = decode_cursor(raw);
                if cursor.is_none() {
                    errors.push(invalid(
                        "cursor",
                        "invalid_cursor",
                        "Pass back a `next_cursor` as it was given.",
                    ));
                }
                cursor
            }
        };
        if !errors.is_empty() {
            return Err(ServiceError::validation(errors));
        }
        Ok(Search {
            clauses: jobbot_domain::search::parse_query(q),
            contract: contract.iter().map(|c| c.as_str().to_owned()).collect(),
            remote: remote.iter().map(|r| r.as_str().to_owned()).collect(),
            departement,
            salary_min: self.salary_min,
            published_since,
            created_after: None,
            sort,
            owner: self.mine.unwrap_or(false).then(|| user_id.to_owned()),
            limit,
            facets: after.is_none(),
            after,
            fit: None,
        })
    }
}

pub fn next_cursor(cursor: Option<&Cursor>) -> Option<String> {
    cursor.map(encode_cursor)
}

pub fn facets_dto(facets: jobbot_db::offers::Facets) -> OfferFacets {
    let counts = |list: Vec<jobbot_db::offers::FacetCount>| {
        list.into_iter()
            .filter_map(|f| f.value.map(|value| FacetCount { value, count: f.n }))
            .collect()
    };
    OfferFacets {
        contract: counts(facets.contract),
        remote: counts(facets.remote),
        departement: counts(facets.departement),
    }
}

/// The offer as `viewer` sees it.
pub fn offer_dto(row: OfferRow, viewer: &str, saved: bool) -> Offer {
    Offer {
        mine: row.owner_id.as_deref() == Some(viewer),
        saved,
        source: OfferSource::parse(&row.source).unwrap_or_default(),
        contract_type: row.contract_type.as_deref().and_then(ContractType::parse),
        working_time: row.working_time.as_deref().and_then(WorkingTime::parse),
        remote: row.remote.as_deref().and_then(Remote::parse),
        state: OfferState::parse(&row.state).unwrap_or_default(),
        location: OfferLocation {
            label: row.location_label,
            commune: row.commune,
            postcode: row.postcode,
            departement: row.departement,
        },
        published_at: row.published_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        id: row.id,
        source_url: row.source_url,
        title: row.title,
        company: row.company,
        description: row.description,
        salary_text: row.salary_text,
        salary_min: row.salary_min,
        salary_max: row.salary_max,
        experience: row.experience,
        skills: row.skills.lines().map(str::to_owned).collect(),
        private: row.private,
        match_score: None,
    }
}

/// Checks an offer's fields into `row`: each present field is validated and set (an empty optional text
/// clears it); every problem is reported at once.
struct Fields<'a> {
    row: &'a mut OfferRow,
    errors: Vec<FieldError>,
}

impl Fields<'_> {
    fn required(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let raw = value?;
        let value = jobbot_domain::text::trim(raw);
        if value.is_empty() || raw.chars().count() > max {
            self.errors.push(invalid(
                field,
                "invalid_length",
                &format!("Give 1 to {max} characters."),
            ));
            return None;
        }
        Some(value.to_owned())
    }

    /// `Some(None)` clears the field, `None` leaves it.
    fn optional(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<Option<String>> {
        let raw = value?;
        let value = jobbot_domain::text::trim(raw);
        if raw.chars().count() > max {
            self.errors.push(invalid(
                field,
                "too_long",
                &format!("Give at most {max} characters."),
            ));
            return None;
        }
        Some((!value.is_empty()).then(|| value.to_owned()))
    }

    fn apply(&mut self, input: OfferUpdate) {
        if let Some(title) = self.required("title", input.title.as_deref(), TITLE_MAX_CHARS) {
            self.row.title = title;
        }
        if let Some(text) = self.required("description", input.description.as_deref(), DESCRIPTION_MAX_CHARS)
        {
            self.row.description = text;
        }
        if let Some(company) = self.optional("company", input.company.as_deref(), SHORT_MAX_CHARS) {
            self.row.company = company;
        }
        if let Some(url) = self.optional("source_url", input.source_url.as_deref(), URL_MAX_CHARS) {
            if url.as_deref().is_some_and(|u| !crate::net::is_web_address(u)) {
                self.errors
                    .push(invalid("source_url", "invalid_url", "Give an http(s) address."));
            } else {
                self.row.source_url = url;
            }
        }
        if let Some(text) = self.optional("salary_text", input.salary_text.as_deref(), SHORT_MAX_CHARS) {
            self.row.salary_text = text;
        }
        if let Some(text) = self.optional("experience", input.experience.as_deref(), SHORT_MAX_CHARS) {
            self.row.experience = text;
        }
        if let Some(contract) = input.contract_type {
            self.row.contract_type = Some(contract.as_str().to_owned());
        }
        if let Some(time) = input.working_time {
            self.row.working_time = Some(time.as_str().to_owned());
        }
        if let Some(remote) = input.remote {
            self.row.remote = Some(remote.as_str().to_owned());
        }
        if let Some(state) = input.state {
            self.row.state = state.as_str().to_owned();
        }
        if let Some(skills) = input.skills {
            self.skills(&skills);
        }
        if let Some(location) = input.location {
            self.location(location);
        }
        for (field, value) in [("salary_min", input.salary_min), ("salary_max", input.salary_max)] {
            if value.is_some_and(|v| !(0..=SALARY_MAX).contains(&v)) {
                self.errors.push(invalid(
                    field,
                    "out_of_range",
                    "Give a yearly salary from 0 to 10,000,000 euros.",
                ));
            }
        }
        if input.salary_min.is_some() {
            self.row.salary_min = input.salary_min;
        }
        if input.salary_max.is_some() {
            self.row.salary_max = input.salary_max;
        }
        // A range given upside down is stored in order (JSON Schema cannot say "min ≤ max").
        if let (Some(min), Some(max)) = (self.row.salary_min, self.row.salary_max) {
            if min > max {
                self.row.salary_min = Some(max);
                self.row.salary_max = Some(min);
            }
        }
    }

    /// The skills asked for, one a line: at most [`SKILLS_MAX`], each up to [`SKILL_MAX_CHARS`] characters
    /// (its spaces and line breaks made single spaces); blank ones and repeats dropped.
    fn skills(&mut self, skills: &[String]) {
        if skills.len() > SKILLS_MAX {
            self.errors.push(invalid(
                "skills",
                "too_many",
                &format!("Give at most {SKILLS_MAX} skills."),
            ));
            return;
        }
        let mut lines: Vec<String> = Vec::new();
        for (i, skill) in skills.iter().enumerate() {
            if skill.chars().count() > SKILL_MAX_CHARS {
                self.errors.push(invalid(
                    &format!("skills[{i}]"),
                    "too_long",
                    &format!("Give at most {SKILL_MAX_CHARS} characters."),
                ));
                continue;
            }
            let skill = skill
                .split(jobbot_domain::text::is_space)
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if !skill.is_empty() && !lines.contains(&skill) {
                lines.push(skill);
            }
        }
        self.row.skills = lines.join("\n");
    }

    fn location(&mut self, location: OfferPlace) {
        if let Some(label) = self.optional("location.label", location.label.as_deref(), SHORT_MAX_CHARS) {
            self.row.location_label = label;
        }
        if let Some(commune) = self.optional("location.commune", location.commune.as_deref(), SHORT_MAX_CHARS)
        {
            self.row.commune = commune;
        }
        if let Some(postcode) = self.optional("location.postcode", location.postcode.as_deref(), 5) {
            if postcode
                .as_deref()
                .is_some_and(|p| p.len() != 5 || !p.chars().all(|c| c.is_ascii_digit()))
            {
                self.errors.push(invalid(
                    "location.postcode",
                    "invalid_postcode",
                    "Give a five-digit postcode.",
                ));
            } else {
                if let Some(dep) = postcode
                    .as_deref()
                    .and_then(france_travail::departement_of_postcode)
                {
                    self.row.departement = Some(dep);
                }
                self.row.postcode = postcode;
            }
        }
        if let Some(dep) = self.optional("location.departement", location.departement.as_deref(), 3) {
            if dep.as_deref().is_some_and(|d| !is_departement(d)) {
                self.errors.push(invalid(
                    "location.departement",
                    "invalid_departement",
                    "Give a département such as 69, 2A or 974.",
                ));
            } else {
                self.row.departement = dep;
            }
        }
    }

    fn finish(self) -> Result<(), ServiceError> {
        if self.errors.is_empty() {
            self.row.index();
            Ok(())
        } else {
            Err(ServiceError::validation(self.errors))
        }
    }
}

/// A new offer by `owner`: public when a recruiter posts it, private otherwise.
pub fn new_offer(input: OfferInput, owner: &str, recruiter: bool) -> Result<OfferRow, ServiceError> {
    let source = if recruiter {
        OfferSource::Recruiter
    } else {
        OfferSource::Candidate
    };
    let mut row = OfferRow {
        owner_id: Some(owner.to_owned()),
        private: !recruiter,
        ..OfferRow::blank(source.as_str(), jobbot_db::now())
    };
    let update = OfferUpdate {
        // Required on creation: an absent title or description is an empty one.
        title: Some(input.title),
        description: Some(input.description),
        company: input.company,
        source_url: input.source_url,
        contract_type: input.contract_type,
        working_time: input.working_time,
        remote: input.remote,
        location: input.location,
        salary_text: input.salary_text,
        salary_min: input.salary_min,
        salary_max: input.salary_max,
        experience: input.experience,
        skills: (!input.skills.is_empty()).then_some(input.skills),
        state: None,
    };
    let mut fields = Fields {
        row: &mut row,
        errors: Vec::new(),
    };
    fields.apply(update);
    fields.finish()?;
    Ok(row)
}

/// `row` with `update` applied (its `updated_at` moved to now).
pub fn apply_update(row: &mut OfferRow, update: OfferUpdate) -> Result<(), ServiceError> {
    let mut fields = Fields {
        row,
        errors: Vec::new(),
    };
    fields.apply(update);
    fields.finish()?;
    row.updated_at = jobbot_db::now();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor {
            hits: 2,
            published_at: jobbot_db::now(),
            id: "0193a4f2-7b1c-7def-8abc-0123456789ab".into(),
        };
        let encoded = encode_cursor(&cursor);
        assert_eq!(decode_cursor(&encoded), Some(cursor));
        assert!(
            CURSOR_PATTERN.starts_with('^') && encoded.split('.').count() == 3,
            "{encoded}"
        );
        for garbage in [
            "not a cursor",
            "MXwy",
            "1.2",
            "1234.4.abc",
            "1.2.ABC",
            "1.2.a|b",
            "1.99999999999999999.a",
        ] {
            assert_eq!(decode_cursor(garbage), None, "{garbage}");
        }
    }

    #[test]
    fn departements() {
        for ok in ["01", "69", "2A", "2B", "974", "988"] {
            assert!(is_departement(ok), "{ok}");
        }
        for bad in [
            "00", "20", "96", "99", "2C", "1", "123", "979", "69 ", "975x", "+69",
        ] {
            assert!(!is_departement(bad), "{bad}");
        }
    }
}

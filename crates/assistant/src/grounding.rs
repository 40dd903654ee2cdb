//! A conversation grounded in the candidate's workspace: the offer and the application it is about, and the
//! candidate's profile and CV text, written out under fixed headings after JobBot's instructions in the one system message the provider receives. The
//! same text is what `GET …/context` shows the candidate before they ask, minus the parts they left out; the
//! offline coach reads those headings back (`jobbot_llm::offline`).

use chrono::NaiveDateTime;
use jobbot_api_types::{CoachContext, CoachContextPart, ContextPart, Profile};
use jobbot_db::applications::{self, ApplicationRow, EventRow};
use jobbot_db::offers::{self, OfferRow};
use jobbot_db::DbConnection;
use jobbot_llm::grounding::{
    APPLICATION_HEADING, CV_HEADING, OFFER_HEADING, PROFILE_HEADING, WORKSPACE_INTRO,
};

use super::SYSTEM_PROMPT;
use jobbot_services::error::ServiceError;

/// An offer's description is cut here (the rest of the context and the history need room too).
const DESCRIPTION_MAX_CHARS: usize = 6_000;
/// The CV's text is cut here.
const CV_MAX_CHARS: usize = 8_000;

/// What a conversation is about, as found now.
#[derive(Debug, Default)]
pub struct Grounding {
    pub offer: Option<OfferRow>,
    pub application: Option<(ApplicationRow, Vec<EventRow>)>,
    /// The candidate's profile, for a conversation about an offer or an application.
    pub profile: Option<Profile>,
    /// The text of the candidate's CV, likewise.
    pub cv: Option<String>,
}

/// The CV's text of `user_id` when `grounded` and they uploaded one: tidied (no blank line can end its part),
/// cut at [`CV_MAX_CHARS`].
fn cv_for(conn: &mut DbConnection, user_id: &str, grounded: bool) -> Result<Option<String>, ServiceError> {
    if !grounded {
        return Ok(None);
    }
    Ok(jobbot_db::cvs::get(conn, user_id)?
        .map(|row| {
            jobbot_services::cv::tidy(&row.text)
                .chars()
                .take(CV_MAX_CHARS)
                .collect::<String>()
        })
        .filter(|text| !text.is_empty()))
}

/// The profile of `user_id` when `grounded` and they saved one.
fn profile_for(
    conn: &mut DbConnection,
    user_id: &str,
    grounded: bool,
) -> Result<Option<Profile>, ServiceError> {
    if !grounded {
        return Ok(None);
    }
    let document = jobbot_services::profile::load(conn, user_id)?;
    Ok(document.updated_at.map(|_| document.profile))
}

/// Looks up what a new conversation is about, for `user_id`: their application (else 404) and an offer they
/// can see (else 404) — the application's own offer when none is named.
pub fn resolve(
    conn: &mut DbConnection,
    user_id: &str,
    offer_id: Option<&str>,
    application_id: Option<&str>,
) -> Result<Grounding, ServiceError> {
    let application = match application_id {
        Some(id) => Some(applications::find(conn, user_id, id)?.ok_or_else(ServiceError::not_found)?),
        None => None,
    };
    let offer_id = offer_id.or_else(|| application.as_ref().and_then(|a| a.offer_id.as_deref()));
    let offer = match offer_id {
        Some(id) => Some(
            offers::find(conn, id)?
                .filter(|o| o.visible_to(user_id))
                .ok_or_else(ServiceError::not_found)?,
        ),
        None => None,
    };
    let grounded = offer.is_some() || application.is_some();
    assemble(conn, user_id, offer, application, grounded)
}

/// What an existing conversation is about now: what was deleted or hidden since is simply left out.
pub fn current(
    conn: &mut DbConnection,
    user_id: &str,
    offer_id: Option<&str>,
    application_id: Option<&str>,
) -> Result<Grounding, ServiceError> {
    let offer = match offer_id {
        Some(id) => offers::find(conn, id)?.filter(|o| o.visible_to(user_id)),
        None => None,
    };
    let application = match application_id {
        Some(id) => applications::find(conn, user_id, id)?,
        None => None,
    };
    let grounded = offer_id.is_some() || application_id.is_some();
    assemble(conn, user_id, offer, application, grounded)
}

/// The grounding of `offer` and `application` (with its history), and the profile and CV (see
/// [`profile_for`]).
fn assemble(
    conn: &mut DbConnection,
    user_id: &str,
    offer: Option<OfferRow>,
    application: Option<ApplicationRow>,
    grounded: bool,
) -> Result<Grounding, ServiceError> {
    let application = match application {
        Some(row) => {
            let history = applications::history(conn, &row.id)?;
            Some((row, history))
        }
        None => None,
    };
    let profile = profile_for(conn, user_id, grounded)?;
    let cv = cv_for(conn, user_id, grounded)?;
    Ok(Grounding {
        offer,
        application,
        profile,
        cv,
    })
}

/// `offer,application` ↔ parts; unknown words are dropped (the API validates what it accepts).
pub fn parse_excluded(raw: &str) -> Vec<ContextPart> {
    let mut parts: Vec<ContextPart> = raw
        .split(',')
        .filter_map(|p| ContextPart::parse(p.trim()))
        .collect();
    parts.sort_by_key(|p| p.as_str());
    parts.dedup();
    parts
}

pub fn format_excluded(parts: &[ContextPart]) -> String {
    let mut names: Vec<&str> = parts.iter().map(|p| p.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

fn day(at: NaiveDateTime) -> String {
    at.date().to_string()
}

fn line(out: &mut String, label: &str, value: Option<&str>) {
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        out.push_str(label);
        out.push_str(": ");
        out.push_str(value);
        out.push('\n');
    }
}

/// The offer as the model reads it.
pub fn offer_text(offer: &OfferRow) -> String {
    let mut out = String::new();
    line(&mut out, "Title", Some(&offer.title));
    line(&mut out, "Company", offer.company.as_deref());
    let facts: Vec<&str> = [
        offer.contract_type.as_deref(),
        offer.working_time.as_deref(),
        offer.remote.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !facts.is_empty() {
        line(&mut out, "Contract", Some(&facts.join(", ")));
    }
    let place = offer
        .location_label
        .clone()
        .or_else(|| offer.commune.clone())
        .or_else(|| offer.postcode.clone());
    line(&mut out, "Location", place.as_deref());
    line(&mut out, "Salary", offer.salary_text.as_deref());
    line(&mut out, "Experience", offer.experience.as_deref());
    line(&mut out, "Published", Some(&day(offer.published_at)));
    if offer.state == "closed" {
        out.push_str("State: closed (no longer taking applications)\n");
    }
    // What it lists (France Travail's skills and qualities, a recruiter's list), before the text.
    let skills: Vec<&str> = offer.skills.lines().collect();
    if !skills.is_empty() {
        line(&mut out, "Skills asked", Some(&skills.join("; ")));
    }
    let description: String = offer
        .description
        .trim()
        .chars()
        .take(DESCRIPTION_MAX_CHARS)
        .collect();
    out.push_str("Description:\n");
    out.push_str(&description);
    if offer.description.trim().chars().count() > DESCRIPTION_MAX_CHARS {
        out.push_str(" […]");
    }
    out
}

/// The application as the model reads it.
pub fn application_text(application: &ApplicationRow, history: &[EventRow]) -> String {
    let mut out = String::new();
    let job = match &application.company {
        Some(company) => format!("{} — {}", application.title, company),
        None => application.title.clone(),
    };
    line(&mut out, "Job", Some(&job));
    line(
        &mut out,
        "Status",
        Some(&format!(
            "{} since {}",
            application.status,
            day(application.status_changed_at)
        )),
    );
    if history.len() > 1 {
        let steps: Vec<String> = history
            .iter()
            .map(|e| format!("{} {}", e.to_status, day(e.at)))
            .collect();
        line(&mut out, "History", Some(&steps.join(" → ")));
    }
    line(&mut out, "Contact", application.contact.as_deref());
    let next = application
        .next_action
        .as_deref()
        .map(|action| match application.next_action_due {
            Some(due) => format!("{action} (due {})", day(due)),
            None => action.to_owned(),
        });
    line(&mut out, "Next action", next.as_deref());
    line(&mut out, "Notes", application.notes.as_deref());
    out.trim_end().to_owned()
}

/// The profile as the model reads it (empty when nothing was filled in).
pub fn profile_text(profile: &Profile) -> String {
    let mut out = String::new();
    let list = |items: &[String]| (!items.is_empty()).then(|| items.join("; "));
    line(&mut out, "Headline", profile.headline.as_deref());
    line(&mut out, "Target jobs", list(&profile.target_jobs).as_deref());
    line(&mut out, "Locations", list(&profile.locations).as_deref());
    line(&mut out, "Mobility", profile.mobility.as_deref());
    let contracts: Vec<String> = profile
        .contract_types
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    line(&mut out, "Contracts wanted", list(&contracts).as_deref());
    let remote: Vec<String> = profile.remote.iter().map(|r| r.as_str().to_owned()).collect();
    line(&mut out, "Remote work", list(&remote).as_deref());
    let salary = profile
        .salary_expectation
        .map(|s| format!("{s} EUR gross a year"));
    line(&mut out, "Salary expectation", salary.as_deref());
    line(&mut out, "Availability", profile.availability.as_deref());
    line(&mut out, "Skills", list(&profile.skills).as_deref());
    if !profile.experiences.is_empty() {
        out.push_str("Experience:\n");
        for e in &profile.experiences {
            let mut item = format!("- {}", e.title);
            if let Some(company) = &e.company {
                item.push_str(&format!(" — {company}"));
            }
            match (&e.start, &e.end) {
                (Some(start), Some(end)) => item.push_str(&format!(" ({start} to {end})")),
                (Some(start), None) => item.push_str(&format!(" (since {start})")),
                (None, Some(end)) => item.push_str(&format!(" (until {end})")),
                (None, None) => {}
            }
            if let Some(description) = &e.description {
                item.push_str(&format!(": {}", description.replace('\n', " ")));
            }
            out.push_str(&item);
            out.push('\n');
        }
    }
    if !profile.education.is_empty() {
        out.push_str("Education:\n");
        for e in &profile.education {
            let mut item = format!("- {}", e.title);
            if let Some(school) = &e.school {
                item.push_str(&format!(" — {school}"));
            }
            if let Some(year) = e.year {
                item.push_str(&format!(" ({year})"));
            }
            out.push_str(&item);
            out.push('\n');
        }
    }
    let languages: Vec<String> = profile
        .languages
        .iter()
        .map(|l| match &l.level {
            Some(level) => format!("{} ({level})", l.language),
            None => l.language.clone(),
        })
        .collect();
    line(&mut out, "Languages", list(&languages).as_deref());
    line(&mut out, "Links", list(&profile.links).as_deref());
    out.trim_end().to_owned()
}

/// Every part found, with its text and whether it goes to the provider.
pub fn parts(grounding: &Grounding, excluded: &[ContextPart]) -> Vec<CoachContextPart> {
    let mut parts = Vec::new();
    if let Some(offer) = &grounding.offer {
        parts.push(CoachContextPart {
            part: ContextPart::Offer,
            title: OFFER_HEADING.to_owned(),
            text: offer_text(offer),
            included: !excluded.contains(&ContextPart::Offer),
        });
    }
    if let Some((application, history)) = &grounding.application {
        parts.push(CoachContextPart {
            part: ContextPart::Application,
            title: APPLICATION_HEADING.to_owned(),
            text: application_text(application, history),
            included: !excluded.contains(&ContextPart::Application),
        });
    }
    if let Some(text) = grounding
        .profile
        .as_ref()
        .map(profile_text)
        .filter(|t| !t.is_empty())
    {
        parts.push(CoachContextPart {
            part: ContextPart::Profile,
            title: PROFILE_HEADING.to_owned(),
            text,
            included: !excluded.contains(&ContextPart::Profile),
        });
    }
    if let Some(text) = &grounding.cv {
        parts.push(CoachContextPart {
            part: ContextPart::Cv,
            title: CV_HEADING.to_owned(),
            text: text.clone(),
            included: !excluded.contains(&ContextPart::Cv),
        });
    }
    parts
}

/// The system message: JobBot's instructions, then each included part under its heading.
pub fn system_prompt(parts: &[CoachContextPart]) -> String {
    let mut prompt = SYSTEM_PROMPT.to_owned();
    let included: Vec<&CoachContextPart> = parts.iter().filter(|p| p.included).collect();
    if included.is_empty() {
        return prompt;
    }
    prompt.push_str("\n\n");
    prompt.push_str(WORKSPACE_INTRO);
    for part in included {
        prompt.push_str(&format!("\n\n## {}\n{}", part.title, part.text));
    }
    prompt
}

/// The whole context: parts and the system message made of them.
pub fn context(grounding: &Grounding, excluded: &[ContextPart]) -> CoachContext {
    let parts = parts(grounding, excluded);
    CoachContext {
        system_prompt: system_prompt(&parts),
        parts,
    }
}

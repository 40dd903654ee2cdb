//! The candidate's workspace in the system message: the headings the API writes its parts under, and how the
//! offline coach reads them back (the offer's title and key requirements) to ground its guide-based answer.

/// Introduces the workspace after JobBot's instructions.
pub const WORKSPACE_INTRO: &str = "The candidate's workspace follows. Ground your answers in it: quote the \
offer's requirements and the candidate's own facts, and never invent experience, diplomas or facts beyond it.";
/// The offer's heading (`## The job offer`).
pub const OFFER_HEADING: &str = "The job offer";
/// The application's heading (`## The application`).
pub const APPLICATION_HEADING: &str = "The application";
/// The profile's heading (`## The candidate's profile`).
pub const PROFILE_HEADING: &str = "The candidate's profile";
/// The CV's text heading (`## The candidate's CV`).
pub const CV_HEADING: &str = "The candidate's CV";

/// At most this many requirements are quoted.
const MAX_REQUIREMENTS: usize = 5;
/// A quoted requirement is cut at this many characters.
const REQUIREMENT_MAX_CHARS: usize = 220;

/// Words that mark a sentence of an offer as a requirement (folded: no accents, lower case).
const REQUIREMENT_MARKERS: &[&str] = &[
    "exig",
    "requis",
    "souhait",
    "maitris",
    "experience",
    "diplome",
    "formation",
    "permis",
    "caces",
    "habilitation",
    "competence",
    "connaissance",
    "profil",
    "bac ",
    "bac+",
    "niveau",
    "savoir",
    "qualites",
    "rigueur",
    "autonom",
    "anglais",
    "certificat",
    "titre professionnel",
    "required",
    "skills",
    "must",
];

/// The text under `## {heading}` in `system`, up to the next `## ` heading.
pub fn section<'a>(system: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("\n## {heading}\n");
    let start = system.find(&marker)? + marker.len();
    let rest = &system[start..];
    let end = rest.find("\n\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim_end())
}

/// The value of a `Label: value` line of a section.
pub fn field<'a>(section: &'a str, label: &str) -> Option<&'a str> {
    section
        .lines()
        .find_map(|line| line.strip_prefix(label)?.strip_prefix(": "))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The offer section's description (everything after its `Description:` line).
pub fn description(section: &str) -> &str {
    section
        .split_once("\nDescription:\n")
        .map_or("", |(_, text)| text.trim())
}

/// The sentences (or list items) of an offer's description that state what the job requires, in order.
pub fn requirements(description: &str) -> Vec<String> {
    let mut found = Vec::new();
    for piece in description
        .split(['\n', '•'])
        .flat_map(|line| line.split_inclusive(". "))
        .map(|s| s.trim().trim_start_matches(['-', '*', '–']).trim())
        .filter(|s| s.chars().count() >= 8)
    {
        let folded = jobbot_domain::text::fold(&piece.to_lowercase());
        if REQUIREMENT_MARKERS.iter().any(|m| folded.contains(m)) {
            let mut quoted: String = piece.chars().take(REQUIREMENT_MAX_CHARS).collect();
            if piece.chars().count() > REQUIREMENT_MAX_CHARS {
                quoted.push('…');
            }
            if !found.contains(&quoted) {
                found.push(quoted);
            }
            if found.len() == MAX_REQUIREMENTS {
                break;
            }
        }
    }
    found
}

/// The lines of the candidate's profile (skills, experience, education, languages, headline) that share a
/// word's stem with the offer's `requirements`, in the profile's order, at most five.
pub fn matching_lines(profile: &str, requirements: &[String]) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    for line in profile.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            candidates.push(item.to_owned());
        } else if let Some((label, value)) = line.split_once(": ") {
            match label {
                "Skills" | "Languages" => candidates.extend(value.split("; ").map(str::to_owned)),
                "Headline" => candidates.push(value.to_owned()),
                _ => {}
            }
        }
    }
    sharing_stems(candidates, requirements)
}

/// The lines of the CV's text that share a word's stem with the offer's `requirements`, at most five.
pub fn matching_cv_lines(cv: &str, requirements: &[String]) -> Vec<String> {
    sharing_stems(cv.lines().map(str::to_owned).collect(), requirements)
}

fn sharing_stems(candidates: Vec<String>, requirements: &[String]) -> Vec<String> {
    use std::collections::HashSet;
    let stems = |text: &str| -> HashSet<String> {
        jobbot_domain::search::analyze(text)
            .stems
            .split_whitespace()
            .filter(|s| s.chars().count() >= 2)
            .map(str::to_owned)
            .collect()
    };
    let wanted = stems(&requirements.join(" "));
    candidates
        .into_iter()
        .filter(|c| !stems(c).is_disjoint(&wanted))
        .take(MAX_REQUIREMENTS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEM: &str = "You are JobBot.\n\nThe candidate's workspace follows.\n\n## The job offer\nTitle: Électricien \
(H/F)\nCompany: Volta\nDescription:\nNous recherchons un électricien pour nos chantiers. Habilitation électrique B1V \
exigée. Permis B souhaité.\n- Expérience de 2 ans minimum\n- Bonne humeur\n\n## The application\nJob: Électricien \
(H/F) — Volta\nStatus: sent since 2026-11-20";

    #[test]
    fn reads_the_sections_back() {
        let offer = section(SYSTEM, OFFER_HEADING).expect("offer");
        assert_eq!(field(offer, "Title"), Some("Électricien (H/F)"));
        assert_eq!(field(offer, "Company"), Some("Volta"));
        assert!(description(offer).starts_with("Nous recherchons"));
        assert!(!offer.contains("The application"));
        let application = section(SYSTEM, APPLICATION_HEADING).expect("application");
        assert_eq!(field(application, "Status"), Some("sent since 2026-11-20"));
        assert_eq!(section("You are JobBot.", OFFER_HEADING), None);
    }

    #[test]
    fn matches_the_profile_to_the_requirements() {
        let profile = "Headline: Électricienne du bâtiment\nSkills: Habilitations électriques B1V et BR; Lecture de plans; \
Pâtisserie\nExperience:\n- Électricienne — Volta (2021-03 to 2024-06): câblage, habilitation B1V\n- Serveuse — Le Bistrot\n\
Languages: Anglais (B2)";
        let requirements = requirements(description(section(SYSTEM, OFFER_HEADING).expect("offer")));
        assert_eq!(
            matching_lines(profile, &requirements),
            [
                "Habilitations électriques B1V et BR",
                "Électricienne — Volta (2021-03 to 2024-06): câblage, habilitation B1V"
            ]
        );
    }

    #[test]
    fn finds_the_requirements() {
        let offer = section(SYSTEM, OFFER_HEADING).expect("offer");
        assert_eq!(
            requirements(description(offer)),
            [
                "Habilitation électrique B1V exigée.",
                "Permis B souhaité.",
                "Expérience de 2 ans minimum"
            ]
        );
    }
}

//! France Travail's "Offres d'emploi v2" JSON, as its search answers it (`resultats`), turned into JobBot's
//! offers. The same shape is what `jobbot offers import FILE` reads.

use chrono::{DateTime, NaiveDateTime};
use jobbot_db::offers::OfferRow;
use jobbot_domain::{ContractType, OfferSource, Remote, WorkingTime};
use serde::Deserialize;

/// A search answer (`{"resultats": [...]}`, with `filtresPossibles` that JobBot ignores).
#[derive(Debug, Deserialize)]
pub struct SearchAnswer {
    #[serde(default)]
    pub resultats: Vec<FtOffer>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FtOffer {
    pub id: String,
    pub intitule: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub date_creation: Option<String>,
    #[serde(default)]
    pub date_actualisation: Option<String>,
    #[serde(default)]
    pub lieu_travail: Option<LieuTravail>,
    #[serde(default)]
    pub entreprise: Option<Entreprise>,
    #[serde(default)]
    pub type_contrat: Option<String>,
    #[serde(default)]
    pub nature_contrat: Option<String>,
    #[serde(default)]
    pub alternance: Option<bool>,
    #[serde(default)]
    pub duree_travail_libelle_converti: Option<String>,
    #[serde(default)]
    pub experience_libelle: Option<String>,
    #[serde(default)]
    pub salaire: Option<Salaire>,
    #[serde(default)]
    pub origine_offre: Option<OrigineOffre>,
    /// The skills it asks for ("Réaliser une soudure TIG"), `exigence` `E` (required) or `S` (wished).
    #[serde(default)]
    pub competences: Vec<Libelle>,
    /// The professional qualities ("Autonomie", "Travail en équipe"), with what they mean here.
    #[serde(default)]
    pub qualites_professionnelles: Vec<Libelle>,
}

/// An item of France Travail's lists: its label (other fields, a code or a description, are not kept).
#[derive(Debug, Default, Deserialize)]
pub struct Libelle {
    #[serde(default)]
    pub libelle: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LieuTravail {
    #[serde(default)]
    pub libelle: Option<String>,
    #[serde(default)]
    pub code_postal: Option<String>,
    /// The INSEE code of the commune (not its name).
    #[serde(default)]
    pub commune: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Entreprise {
    #[serde(default)]
    pub nom: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Salaire {
    #[serde(default)]
    pub libelle: Option<String>,
    #[serde(default)]
    pub commentaire: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrigineOffre {
    #[serde(default)]
    pub url_origine: Option<String>,
}

/// Reads a file of offers: a search answer (`{"resultats": [...]}`) or a bare array of offers.
pub fn parse_file(bytes: &[u8]) -> Result<Vec<FtOffer>, serde_json::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum File {
        Answer(SearchAnswer),
        List(Vec<FtOffer>),
    }
    Ok(match serde_json::from_slice(bytes)? {
        File::Answer(answer) => answer.resultats,
        File::List(list) => list,
    })
}

fn some_text(value: Option<&str>) -> Option<String> {
    value
        .map(jobbot_domain::text::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn time(value: Option<&str>) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(value?.trim())
        .ok()
        .map(|t| t.naive_utc())
}

/// The département of a French postcode: "69003" → "69", Corsica "20000"–"20199" → "2A" and "20200"+ → "2B",
/// overseas "97400" → "974".
pub fn departement_of_postcode(postcode: &str) -> Option<String> {
    let digits: String = postcode.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 5 {
        return None;
    }
    Some(match &digits[..2] {
        "20" => {
            if digits[2..3] < *"2" {
                "2A".to_owned()
            } else {
                "2B".to_owned()
            }
        }
        "97" | "98" => digits[..3].to_owned(),
        two => two.to_owned(),
    })
}

/// "69 - LYON 03" → ("69", "Lyon 03"); labels without a département ("France", "Île-de-France") give none.
fn split_label(label: &str) -> (Option<String>, Option<String>) {
    match label.split_once(" - ") {
        Some((dep, commune)) if (2..=3).contains(&dep.trim().len()) => {
            (Some(dep.trim().to_owned()), Some(title_case(commune.trim())))
        }
        _ => (None, None),
    }
}

/// "SAINT-ETIENNE" → "Saint-Etienne".
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphanumeric();
    }
    out
}

/// Hours of a full-time year in France (35 h × 52 weeks / 12 × 12), to turn hourly rates into yearly ones.
const HOURS_PER_YEAR: f64 = 1820.0;

/// The yearly range of France Travail's salary label: "Annuel de 35000.00 Euros à 40000.00 Euros sur 12 mois",
/// "Mensuel de 1900.00 Euros sur 12 mois", "Horaire de 11.88 Euros sur 12 mois".
pub fn salary_range(label: &str) -> (Option<i64>, Option<i64>) {
    let lower = label.to_lowercase();
    let factor = if lower.starts_with("annuel") {
        1.0
    } else if lower.starts_with("mensuel") {
        let months = lower
            .split_once("sur ")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .and_then(|m| m.replace(',', ".").parse::<f64>().ok())
            .filter(|m| (12.0..=15.0).contains(m))
            .unwrap_or(12.0);
        months
    } else if lower.starts_with("horaire") {
        HOURS_PER_YEAR
    } else {
        return (None, None);
    };
    let amounts: Vec<f64> = lower
        .split(" euros")
        .filter_map(|part| part.split_whitespace().last())
        .filter_map(|n| n.replace(',', ".").parse::<f64>().ok())
        .filter(|n| *n > 0.0)
        .collect();
    let yearly = |n: f64| (n * factor).round() as i64;
    match amounts.as_slice() {
        [one] => (Some(yearly(*one)), Some(yearly(*one))),
        [low, high, ..] => (Some(yearly(*low)), Some(yearly(*high))),
        [] => (None, None),
    }
}

/// Remote work is not a field of France Travail's offers; their text says it (or nothing: `None`).
pub fn remote_from_text(text: &str) -> Option<Remote> {
    let folded = jobbot_domain::text::fold(&text.to_lowercase());
    const FULL: [&str; 4] = [
        "full remote",
        "100% teletravail",
        "teletravail complet",
        "100 % teletravail",
    ];
    const NONE: [&str; 4] = [
        "teletravail impossible",
        "pas de teletravail",
        "sans teletravail",
        "teletravail non",
    ];
    if NONE.iter().any(|f| folded.contains(f)) {
        Some(Remote::OnSite)
    } else if FULL.iter().any(|f| folded.contains(f)) {
        Some(Remote::Remote)
    } else if folded.contains("teletravail") || folded.contains("hybride") {
        Some(Remote::Hybrid)
    } else {
        None
    }
}

/// The labels of France Travail's skills and qualities, one a line, each once (a line break in a label is a
/// space).
fn skill_lines<'a>(items: impl Iterator<Item = &'a Libelle>) -> String {
    let mut lines: Vec<String> = Vec::new();
    for label in items.filter_map(|i| some_text(i.libelle.as_deref())) {
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        if !lines.contains(&label) {
            lines.push(label);
        }
    }
    lines.join("\n")
}

impl FtOffer {
    /// The offer as JobBot stores it (indexed for search); `now` stands in for missing dates.
    pub fn into_row(self, now: NaiveDateTime) -> OfferRow {
        let description = some_text(self.description.as_deref()).unwrap_or_default();
        let lieu = self.lieu_travail.unwrap_or_default();
        let label = some_text(lieu.libelle.as_deref());
        let (label_dep, commune) = label.as_deref().map(split_label).unwrap_or((None, None));
        let postcode = some_text(lieu.code_postal.as_deref());
        let departement = postcode
            .as_deref()
            .and_then(departement_of_postcode)
            .or(label_dep);
        let salary_text = self
            .salaire
            .as_ref()
            .and_then(|s| some_text(s.libelle.as_deref()).or_else(|| some_text(s.commentaire.as_deref())));
        let (salary_min, salary_max) = self
            .salaire
            .as_ref()
            .and_then(|s| s.libelle.as_deref())
            .map(salary_range)
            .unwrap_or((None, None));
        let alternance = self.alternance.unwrap_or(false)
            || self.nature_contrat.as_deref().is_some_and(|n| {
                let n = n.to_lowercase();
                n.contains("apprentissage") || n.contains("professionnalisation")
            });
        let contract = self
            .type_contrat
            .as_deref()
            .and_then(|code| ContractType::from_france_travail(code, alternance));
        let working_time =
            self.duree_travail_libelle_converti
                .as_deref()
                .and_then(|w| match w.to_lowercase().as_str() {
                    "temps plein" => Some(WorkingTime::FullTime),
                    "temps partiel" => Some(WorkingTime::PartTime),
                    _ => None,
                });
        let published_at = time(self.date_creation.as_deref()).unwrap_or(now);
        let updated_at = time(self.date_actualisation.as_deref()).unwrap_or(published_at);
        OfferRow {
            source_url: self
                .origine_offre
                .and_then(|o| some_text(o.url_origine.as_deref()))
                .or_else(|| {
                    Some(format!(
                        "https://candidat.francetravail.fr/offres/recherche/detail/{}",
                        self.id
                    ))
                }),
            source_id: Some(self.id),
            remote: remote_from_text(&description).map(|r| r.as_str().to_owned()),
            title: some_text(Some(&self.intitule)).unwrap_or_default(),
            company: self.entreprise.and_then(|e| some_text(e.nom.as_deref())),
            description,
            contract_type: contract.map(|c| c.as_str().to_owned()),
            working_time: working_time.map(|w| w.as_str().to_owned()),
            location_label: label,
            commune,
            postcode,
            departement,
            salary_text,
            salary_min,
            salary_max,
            experience: some_text(self.experience_libelle.as_deref()),
            published_at,
            updated_at,
            skills: skill_lines(self.competences.iter().chain(&self.qualites_professionnelles)),
            ..OfferRow::blank(OfferSource::FranceTravail.as_str(), now)
        }
        .indexed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salary_labels_become_yearly_ranges() {
        assert_eq!(
            salary_range("Annuel de 35000.00 Euros à 40000.00 Euros sur 12 mois"),
            (Some(35000), Some(40000))
        );
        assert_eq!(
            salary_range("Mensuel de 1900.00 Euros sur 13 mois"),
            (Some(24700), Some(24700))
        );
        assert_eq!(
            salary_range("Horaire de 11.88 Euros sur 12 mois"),
            (Some(21622), Some(21622))
        );
        assert_eq!(salary_range("Selon profil"), (None, None));
    }

    #[test]
    fn postcodes_give_departements() {
        assert_eq!(departement_of_postcode("69003").as_deref(), Some("69"));
        assert_eq!(departement_of_postcode("20090").as_deref(), Some("2A"));
        assert_eq!(departement_of_postcode("20200").as_deref(), Some("2B"));
        assert_eq!(departement_of_postcode("97400").as_deref(), Some("974"));
        assert_eq!(departement_of_postcode("690"), None);
    }

    #[test]
    fn an_offer_maps_to_a_row() {
        let json = r#"{"resultats": [{"id": "190XKQL", "intitule": "Electricien / Electricienne (H/F)",
            "description": "Chantiers tertiaires. Télétravail impossible.", "dateCreation": "2026-11-20T08:15:00.000Z",
            "dateActualisation": "2026-11-21T10:00:00.000Z",
            "lieuTravail": {"libelle": "69 - LYON 03", "codePostal": "69003", "commune": "69383"},
            "entreprise": {"nom": "VOLTA SERVICES"}, "typeContrat": "MIS", "natureContrat": "Contrat travail",
            "dureeTravailLibelleConverti": "Temps plein", "experienceLibelle": "2 An(s)",
            "salaire": {"libelle": "Mensuel de 2100.00 Euros à 2400.00 Euros sur 12 mois"},
            "origineOffre": {"origine": "1", "urlOrigine": "https://candidat.francetravail.fr/offres/recherche/detail/190XKQL"},
            "competences": [{"code": "122870", "libelle": "Habilitation  électrique", "exigence": "E"},
                            {"code": "125920", "libelle": "Lecture\nde plans", "exigence": "S"}, {"libelle": " "}],
            "qualitesProfessionnelles": [{"libelle": "Autonomie", "description": "…"},
                                         {"libelle": "Habilitation électrique"}]}]}"#;
        let offers = parse_file(json.as_bytes()).expect("parses");
        let row = offers.into_iter().next().expect("one").into_row(jobbot_db::now());
        assert_eq!(row.source_id.as_deref(), Some("190XKQL"));
        assert_eq!(row.contract_type.as_deref(), Some("interim"));
        assert_eq!(row.working_time.as_deref(), Some("full_time"));
        assert_eq!(row.departement.as_deref(), Some("69"));
        assert_eq!(row.commune.as_deref(), Some("Lyon 03"));
        assert_eq!((row.salary_min, row.salary_max), (Some(25200), Some(28800)));
        assert_eq!(
            row.remote.as_deref(),
            Some("on_site"),
            "the text rules télétravail out"
        );
        assert!(row.title_stems.contains("electricien"));
        // Skills and qualities, one a line, spaces made single, blank ones and repeats dropped.
        assert_eq!(row.skills, "Habilitation électrique\nLecture de plans\nAutonomie");
    }
}

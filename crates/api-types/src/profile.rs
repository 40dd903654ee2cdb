//! The candidate's structured profile: what they look for and what they bring. Every field is optional; it is
//! what the coach is given (with the candidate's consent, part by part) to answer about an offer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use jobbot_domain::{ContractType, Remote};

/// A job held.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Experience {
    /// 1 to 200 characters.
    pub title: String,
    pub company: Option<String>,
    /// `YYYY-MM`.
    pub start: Option<String>,
    /// `YYYY-MM`; none while it lasts.
    pub end: Option<String>,
    /// Up to 2,000 characters.
    pub description: Option<String>,
}

/// A diploma or training.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Education {
    /// 1 to 200 characters.
    pub title: String,
    pub school: Option<String>,
    /// The year it was obtained (1950 to 2100).
    #[serde(default, deserialize_with = "crate::whole::option_u32")]
    pub year: Option<u32>,
}

/// A language and how well it is spoken.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LanguageSkill {
    /// 1 to 60 characters: "Anglais".
    pub language: String,
    /// Up to 60 characters: "B2", "courant".
    pub level: Option<String>,
}

/// The profile, as `PUT /api/v1/me/profile` takes it (the whole of it: what is left out is emptied).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Profile {
    /// Up to 200 characters: "Électricienne du bâtiment, 5 ans d'expérience".
    pub headline: Option<String>,
    /// Up to 10 jobs looked for.
    #[serde(default)]
    pub target_jobs: Vec<String>,
    /// Up to 10 places (communes, départements, regions).
    #[serde(default)]
    pub locations: Vec<String>,
    /// Up to 200 characters: "30 km autour de Lyon, permis B".
    pub mobility: Option<String>,
    #[serde(default)]
    pub contract_types: Vec<ContractType>,
    #[serde(default)]
    pub remote: Vec<Remote>,
    /// Yearly gross salary looked for, in euros.
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub salary_expectation: Option<i64>,
    /// Up to 200 characters: "immédiate", "préavis d'un mois".
    pub availability: Option<String>,
    /// Up to 50 skills.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Up to 30, the latest first as the candidate orders them.
    #[serde(default, deserialize_with = "crate::whole::objects")]
    pub experiences: Vec<Experience>,
    /// Up to 20.
    #[serde(default, deserialize_with = "crate::whole::objects")]
    pub education: Vec<Education>,
    /// Up to 20.
    #[serde(default, deserialize_with = "crate::whole::objects")]
    pub languages: Vec<LanguageSkill>,
    /// Up to 10 `https://` addresses (a portfolio, LinkedIn…).
    #[serde(default)]
    pub links: Vec<String>,
}

/// The profile with when it last changed (`null` before it was ever saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfileDocument {
    #[serde(flatten)]
    pub profile: Profile,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The candidate's CV: the PDF they uploaded (only they can download it) and its text, as extracted or as they
/// corrected it (`text_edited`), which the coach is given in a conversation about an offer or an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Cv {
    pub filename: String,
    pub size_bytes: i64,
    /// SHA-256 of the PDF, hex.
    pub sha256: String,
    pub pages: i32,
    pub text: String,
    pub text_edited: bool,
    pub uploaded_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The CV's text as the candidate corrected it (up to 50,000 characters).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CvTextUpdate {
    pub text: String,
}

/// A look the CV built from the profile can take (`GET /api/v1/me/cv/templates`), named in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CvTemplate {
    /// `sobre`, `moderne`, `europass`: what `GET /api/v1/me/cv/render?template=` takes.
    pub id: String,
    pub name: String,
    pub description: String,
}

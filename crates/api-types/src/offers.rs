//! Job offers: search, details, recruiters' and candidates' own offers, and saved offers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

pub use jobbot_domain::{ContractType, OfferSource, OfferState, Remote, WorkingTime};

/// Where the job is. France Travail gives a label such as "69 - LYON 03".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferLocation {
    pub label: Option<String>,
    pub commune: Option<String>,
    pub postcode: Option<String>,
    /// "69", "2A", "974".
    pub departement: Option<String>,
}

/// Where the job is, as a client gives it (an empty text clears a field): a postcode of five digits sets the
/// département too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferPlace {
    pub label: Option<String>,
    pub commune: Option<String>,
    pub postcode: Option<String>,
    /// "69", "2A", "974".
    pub departement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Offer {
    pub id: String,
    pub source: OfferSource,
    /// The offer where it was published (France Travail, a company's site…).
    pub source_url: Option<String>,
    pub title: String,
    pub company: Option<String>,
    pub description: String,
    pub contract_type: Option<ContractType>,
    pub working_time: Option<WorkingTime>,
    pub remote: Option<Remote>,
    pub location: OfferLocation,
    /// As the offer words it ("Annuel de 35000 à 40000 Euros sur 12 mois").
    pub salary_text: Option<String>,
    /// Yearly gross euros, when known.
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub experience: Option<String>,
    /// The skills and qualities it asks for (France Travail's, or the recruiter's list); the match score reads
    /// them first.
    pub skills: Vec<String>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub state: OfferState,
    /// Only its owner sees it (an offer a candidate found elsewhere).
    pub private: bool,
    /// The caller posted or added it (and may edit it).
    pub mine: bool,
    /// The caller saved it.
    pub saved: bool,
    /// Its fit to the caller's profile and CV, 0 to 100 (as `GET /api/v1/offers/{id}/match` scores it): in a
    /// search sorted by `match` only, otherwise null.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 100))]
    pub match_score: Option<u8>,
}

/// A value of a facet and how many offers have it, given the query and the other filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferFacets {
    pub contract: Vec<FacetCount>,
    pub remote: Vec<FacetCount>,
    /// The 20 départements with the most offers.
    pub departement: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferPage {
    pub items: Vec<Offer>,
    /// Pass it as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// How many offers match (first page only).
    pub total: Option<i64>,
    /// Counts per contract, remote and département (first page only).
    pub facets: Option<OfferFacets>,
}

/// A new offer. A recruiter's is public; anyone else's is private to them (an offer found elsewhere: give its
/// `source_url` and paste its text as `description`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferInput {
    /// 1 to 200 characters.
    pub title: String,
    /// 1 to 20,000 characters.
    pub description: String,
    pub company: Option<String>,
    pub source_url: Option<String>,
    pub contract_type: Option<ContractType>,
    pub working_time: Option<WorkingTime>,
    pub remote: Option<Remote>,
    #[serde(default, deserialize_with = "crate::whole::option_object")]
    pub location: Option<OfferPlace>,
    pub salary_text: Option<String>,
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub salary_min: Option<i64>,
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub salary_max: Option<i64>,
    pub experience: Option<String>,
    /// Up to 30 skills or qualities asked for, up to 100 characters each (blank ones and repeats dropped).
    #[serde(default)]
    pub skills: Vec<String>,
}

/// Changes to one's own offer: only the fields given change (an empty text clears an optional one; a salary
/// range given upside down is stored in order); `state`
/// `closed` closes it to candidates, `open` opens it again.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferUpdate {
    pub title: Option<String>,
    pub description: Option<String>,
    pub company: Option<String>,
    pub source_url: Option<String>,
    pub contract_type: Option<ContractType>,
    pub working_time: Option<WorkingTime>,
    pub remote: Option<Remote>,
    #[serde(default, deserialize_with = "crate::whole::option_object")]
    pub location: Option<OfferPlace>,
    pub salary_text: Option<String>,
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub salary_min: Option<i64>,
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub salary_max: Option<i64>,
    pub experience: Option<String>,
    /// The whole list of skills asked for, replacing the previous one (`[]` empties it).
    pub skills: Option<Vec<String>>,
    pub state: Option<OfferState>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SavedOffer {
    pub offer: Offer,
    pub saved_at: DateTime<Utc>,
}

/// A search's parameters, as `GET /api/v1/offers` takes them (lists as arrays). Empty: every open offer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchParams {
    /// Words, `prefix*`, `"a phrase"`; up to 200 characters.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub contract: Vec<ContractType>,
    #[serde(default)]
    pub remote: Vec<Remote>,
    /// Départements: "69", "2A", "974" (up to 20).
    #[serde(default)]
    pub departement: Vec<String>,
    /// Yearly gross euros, 0 to 10,000,000.
    #[serde(default, deserialize_with = "crate::whole::option_i64")]
    pub salary_min: Option<i64>,
}

/// A saved search. `new_offers`: offers added to JobBot since its owner last opened it (`seen_at`); with
/// `alerts`, new matching offers raise a notification, at most one a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SavedSearch {
    pub id: String,
    pub name: String,
    pub query: SearchParams,
    pub alerts: bool,
    pub new_offers: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
    /// The last alert it raised.
    pub alerted_at: Option<DateTime<Utc>>,
}

/// A search to keep. `name`: 1 to 100 characters (default: the words searched, or "Ma recherche");
/// `alerts`: on by default.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SavedSearchInput {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::whole::option_object")]
    pub query: Option<SearchParams>,
    pub alerts: Option<bool>,
}

/// Changes to a saved search: only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SavedSearchUpdate {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::whole::option_object")]
    pub query: Option<SearchParams>,
    pub alerts: Option<bool>,
}

/// An offer a notification points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationOffer {
    pub id: String,
    pub title: String,
    pub company: Option<String>,
}

/// Something JobBot tells the user. `kind` `saved_search`: `count` new offers match the saved search
/// `saved_search_id` (named `title` when it was raised); `offers`: the newest of them (up to 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Notification {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(example = "saved_search"))]
    pub kind: String,
    pub saved_search_id: Option<String>,
    pub title: String,
    pub count: i64,
    pub offers: Vec<NotificationOffer>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The latest notifications (up to 50, the newest first) and how many are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: i64,
}

/// Marks notifications read: those of `ids` (up to 100; others' or unknown ids are ignored), or all of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkNotificationsRead {
    pub ids: Option<Vec<String>>,
}

/// How many notifications are unread (the `notifications` live event's data, and the answer to marking read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnreadNotifications {
    pub unread: i64,
}

/// How well the caller's profile and CV fit an offer (`GET /api/v1/offers/{id}/match`): computed from the offer's
/// title and text against the profile's skills, experiences, education, headline and languages and the CV's
/// text, with JobBot's skills vocabulary (one skill written several ways counts once). Deterministic: no AI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OfferMatch {
    /// 0 to 100: the weight of the offer's terms the candidate shows, over all of them (a term of the title
    /// weighs more than one of the text). 0 when the offer names nothing JobBot recognises.
    #[cfg_attr(feature = "openapi", schema(maximum = 100))]
    pub score: u8,
    /// The offer's terms the candidate shows, in the offer's order, with where the first was found.
    pub matched: Vec<MatchedTerm>,
    /// The offer's terms the candidate does not show, the most important first.
    pub missing: Vec<MissingTerm>,
    /// What the candidate could do, in their language (at most 5).
    pub suggestions: Vec<String>,
}

/// A term of the offer found in the candidate's material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MatchedTerm {
    /// A skill's name in the vocabulary ("sql"), or a word of the offer's title ("boulanger").
    pub term: String,
    #[serde(rename = "where")]
    pub found_in: MatchSource,
}

/// A term of the offer the candidate does not show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MissingTerm {
    pub term: String,
    pub importance: Importance,
}

/// Where a term was found, the profile's parts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchSource {
    Skills,
    Experiences,
    Education,
    Languages,
    /// The headline and the jobs looked for.
    Headline,
    Cv,
}

/// `high`: in the offer's title, or a skill it names more than once; `medium`: named once in its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    High,
    Medium,
}

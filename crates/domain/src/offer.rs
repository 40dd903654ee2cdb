//! Job offers' closed vocabularies, as France Travail and French candidates name them.

text_enum! {
    /// The kind of contract (France Travail's `typeContrat`: CDI, CDD, MIS → intérim, …).
    ContractType {
        Cdi => "cdi",
        Cdd => "cdd",
        Interim => "interim",
        Alternance => "alternance",
        Stage => "stage",
        Freelance => "freelance",
    } default Cdi
}

text_enum! {
    /// Full or part time.
    WorkingTime { FullTime => "full_time", PartTime => "part_time" } default FullTime
}

text_enum! {
    /// Where the work happens: sur site, hybride, télétravail.
    Remote { OnSite => "on_site", Hybrid => "hybrid", Remote => "remote" } default OnSite
}

text_enum! {
    /// Whether candidates can still apply.
    OfferState { Open => "open", Closed => "closed" } default Open
}

text_enum! {
    /// Where an offer comes from: France Travail (sync or import), a recruiter on JobBot, or a candidate who
    /// found it elsewhere (private to them).
    OfferSource { FranceTravail => "france_travail", Recruiter => "recruiter", Candidate => "candidate" } default Candidate
}

text_enum! {
    /// Where an application stands: à envoyer, envoyée, relancée, entretien, offre reçue, acceptée, refusée,
    /// sans réponse, abandonnée.
    ApplicationStatus {
        ToSend => "to_send",
        Sent => "sent",
        FollowedUp => "followed_up",
        Interview => "interview",
        OfferReceived => "offer_received",
        Accepted => "accepted",
        Rejected => "rejected",
        NoResponse => "no_response",
        Abandoned => "abandoned",
    } default ToSend
}

impl ContractType {
    /// From France Travail's `typeContrat` code (CDI, CDD, MIS, SAI, CCE, FRA, LIB, REP, TTI, DDI, DIN) and the
    /// alternance flag; `None` when it names nothing JobBot knows.
    pub fn from_france_travail(code: &str, alternance: bool) -> Option<Self> {
        if alternance {
            return Some(ContractType::Alternance);
        }
        match code.to_ascii_uppercase().as_str() {
            "CDI" | "DIN" => Some(ContractType::Cdi),
            "CDD" | "SAI" | "DDI" => Some(ContractType::Cdd),
            "MIS" | "TTI" => Some(ContractType::Interim),
            "LIB" | "REP" | "FRA" | "CCE" => Some(ContractType::Freelance),
            _ => None,
        }
    }
}

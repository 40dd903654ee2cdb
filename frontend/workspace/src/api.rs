//! The workspace's calls (`/api/v1/offers`, `/api/v1/me/saved-offers`, `/api/v1/applications`, the coach's
//! context and conversations) through the one API client.

use jobbot_api_types::{
    ApplicationDetail, ApplicationDocument, ApplicationList, ApplicationStatus, ApplicationUpdate,
    CoachContext, ContextPart, Conversation, CreateConversationRequest, Cv, CvTemplate, CvTextUpdate,
    DocumentUpdate, MarkNotificationsRead, NewApplication, NewDocument, NotificationList, Offer, OfferInput,
    OfferMatch, OfferPage, OfferState, OfferUpdate, Profile, ProfileDocument, SavedOffer, SavedSearch,
    SavedSearchInput, SavedSearchUpdate, UnreadNotifications,
};

use jobbot_frontend::api::{call, json, ApiError, Verb};

pub async fn search(query: &str) -> Result<OfferPage, ApiError> {
    call(Verb::Get, &format!("/offers{query}"), None).await
}

pub async fn offer(id: &str) -> Result<Offer, ApiError> {
    call(Verb::Get, &format!("/offers/{id}"), None).await
}

pub async fn offer_match(id: &str) -> Result<OfferMatch, ApiError> {
    call(Verb::Get, &format!("/offers/{id}/match"), None).await
}

pub async fn create(input: &OfferInput) -> Result<Offer, ApiError> {
    call(Verb::Post, "/offers", json(input)).await
}

pub async fn set_state(id: &str, state: OfferState) -> Result<Offer, ApiError> {
    let change = OfferUpdate {
        state: Some(state),
        ..Default::default()
    };
    call(Verb::Patch, &format!("/offers/{id}"), json(&change)).await
}

pub async fn delete(id: &str) -> Result<(), ApiError> {
    call(Verb::Delete, &format!("/offers/{id}"), None).await
}

pub async fn saved() -> Result<Vec<SavedOffer>, ApiError> {
    call(Verb::Get, "/me/saved-offers", None).await
}

pub async fn save(id: &str) -> Result<(), ApiError> {
    call(Verb::Put, &format!("/me/saved-offers/{id}"), None).await
}

pub async fn unsave(id: &str) -> Result<(), ApiError> {
    call(Verb::Delete, &format!("/me/saved-offers/{id}"), None).await
}

pub async fn applications() -> Result<ApplicationList, ApiError> {
    call(Verb::Get, "/applications", None).await
}

pub async fn applications_for_offer(offer_id: String) -> Result<ApplicationList, ApiError> {
    let query = jobbot_frontend::widgets::query(&[("offer_id", offer_id)]);
    call(Verb::Get, &format!("/applications{query}"), None).await
}

pub async fn application(id: &str) -> Result<ApplicationDetail, ApiError> {
    call(Verb::Get, &format!("/applications/{id}"), None).await
}

pub async fn create_application(input: &NewApplication) -> Result<ApplicationDetail, ApiError> {
    call(Verb::Post, "/applications", json(input)).await
}

pub async fn update_application(id: &str, change: &ApplicationUpdate) -> Result<ApplicationDetail, ApiError> {
    call(Verb::Patch, &format!("/applications/{id}"), json(change)).await
}

pub async fn move_application(id: &str, status: ApplicationStatus) -> Result<ApplicationDetail, ApiError> {
    let change = ApplicationUpdate {
        status: Some(status),
        ..Default::default()
    };
    update_application(id, &change).await
}

pub async fn delete_application(id: &str) -> Result<(), ApiError> {
    call(Verb::Delete, &format!("/applications/{id}"), None).await
}

/// What a conversation about the application would send the AI provider, `exclude` left out.
pub async fn coach_context(application_id: &str, exclude: &[ContextPart]) -> Result<CoachContext, ApiError> {
    let exclude: Vec<&str> = exclude.iter().map(|p| p.as_str()).collect();
    let query = jobbot_frontend::widgets::query(&[
        ("application_id", application_id.to_owned()),
        ("exclude", exclude.join(",")),
    ]);
    call(Verb::Get, &format!("/assistant/context{query}"), None).await
}

pub async fn create_conversation(request: &CreateConversationRequest) -> Result<Conversation, ApiError> {
    call(Verb::Post, "/conversations", json(request)).await
}

pub async fn create_document(
    application_id: &str,
    input: &NewDocument,
) -> Result<ApplicationDocument, ApiError> {
    call(
        Verb::Post,
        &format!("/applications/{application_id}/documents"),
        json(input),
    )
    .await
}

pub async fn update_document(
    application_id: &str,
    id: &str,
    change: &DocumentUpdate,
) -> Result<ApplicationDocument, ApiError> {
    call(
        Verb::Patch,
        &format!("/applications/{application_id}/documents/{id}"),
        json(change),
    )
    .await
}

pub async fn delete_document(application_id: &str, id: &str) -> Result<(), ApiError> {
    call(
        Verb::Delete,
        &format!("/applications/{application_id}/documents/{id}"),
        None,
    )
    .await
}

pub async fn profile() -> Result<ProfileDocument, ApiError> {
    call(Verb::Get, "/me/profile", None).await
}

pub async fn save_profile(profile: &Profile) -> Result<ProfileDocument, ApiError> {
    call(Verb::Put, "/me/profile", json(profile)).await
}

pub async fn saved_searches() -> Result<Vec<SavedSearch>, ApiError> {
    call(Verb::Get, "/me/saved-searches", None).await
}

pub async fn saved_search(id: &str) -> Result<SavedSearch, ApiError> {
    call(Verb::Get, &format!("/me/saved-searches/{id}"), None).await
}

pub async fn save_search(input: &SavedSearchInput) -> Result<SavedSearch, ApiError> {
    call(Verb::Post, "/me/saved-searches", json(input)).await
}

pub async fn update_saved_search(id: &str, change: &SavedSearchUpdate) -> Result<SavedSearch, ApiError> {
    call(Verb::Patch, &format!("/me/saved-searches/{id}"), json(change)).await
}

pub async fn delete_saved_search(id: &str) -> Result<(), ApiError> {
    call(Verb::Delete, &format!("/me/saved-searches/{id}"), None).await
}

/// The saved search's results were shown: its new offers start again from zero.
pub async fn search_seen(id: &str) -> Result<SavedSearch, ApiError> {
    call(Verb::Post, &format!("/me/saved-searches/{id}/seen"), None).await
}

pub async fn notifications() -> Result<NotificationList, ApiError> {
    call(Verb::Get, "/me/notifications", None).await
}

pub async fn mark_all_read() -> Result<UnreadNotifications, ApiError> {
    call(
        Verb::Post,
        "/me/notifications/read",
        json(&MarkNotificationsRead::default()),
    )
    .await
}

pub async fn cv_templates() -> Result<Vec<CvTemplate>, ApiError> {
    call(Verb::Get, "/me/cv/templates", None).await
}

pub async fn cv() -> Result<Option<Cv>, ApiError> {
    match call(Verb::Get, "/me/cv", None).await {
        Ok(cv) => Ok(Some(cv)),
        Err(e) if e.0.status == 404 => Ok(None),
        Err(e) => Err(e),
    }
}

/// Uploads the PDF itself as the CV, with its name.
pub async fn upload_cv(file: &web_sys::File) -> Result<Cv, ApiError> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    jobbot_frontend::api::upload(
        Verb::Put,
        &format!("/me/cv?filename={name}"),
        file,
        "application/pdf",
    )
    .await
}

pub async fn save_cv_text(text: String) -> Result<Cv, ApiError> {
    call(Verb::Patch, "/me/cv", json(&CvTextUpdate { text })).await
}

pub async fn delete_cv() -> Result<(), ApiError> {
    call(Verb::Delete, "/me/cv", None).await
}

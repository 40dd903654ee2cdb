//! The workspace's calls (`/api/v1/offers`, `/api/v1/me/saved-offers`) through the one API client.

use jobbot_api_types::{Offer, OfferInput, OfferPage, OfferState, OfferUpdate, SavedOffer};

use crate::api::{call, json, ApiError, Verb};

pub async fn search(query: &str) -> Result<OfferPage, ApiError> {
    call(Verb::Get, &format!("/offers{query}"), None).await
}

pub async fn offer(id: &str) -> Result<Offer, ApiError> {
    call(Verb::Get, &format!("/offers/{id}"), None).await
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

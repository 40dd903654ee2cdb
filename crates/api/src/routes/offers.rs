//! Job offers: search, details, one's own offers (recruiters post public ones, candidates add private ones they
//! found elsewhere), and saved offers. A private offer of someone else is a 404 everywhere.

use actix_web::{web, HttpResponse};
use jobbot_api_types::{Offer, OfferInput, OfferMatch, OfferPage, OfferUpdate, Problem, SavedOffer};
use jobbot_db::offers::{self, OfferRow};
use jobbot_db::{offer_index, saved_offers};
use jobbot_domain::Role;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::matching;
use crate::offers::{apply_update, facets_dto, new_offer, next_cursor, offer_dto, OfferQuery};
use crate::state::AppState;

/// The offer `id` if `user_id` may see it.
fn visible(conn: &mut jobbot_db::DbConnection, id: &str, user_id: &str) -> Result<OfferRow, ApiError> {
    offers::find(conn, id)?
        .filter(|row| row.visible_to(user_id))
        .ok_or_else(ApiError::not_found)
}

/// Searches the open offers (or, with `mine=true`, the caller's own), with facet counts on the first page.
#[utoipa::path(get, path = "/api/v1/offers", tag = "offers", params(OfferQuery),
    responses(
        (status = 200, description = "A page of offers", body = OfferPage),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a parameter out of range or unknown", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn search(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<OfferQuery>,
) -> Result<web::Json<OfferPage>, ApiError> {
    let user_id = auth.user.id;
    let mut search = query.to_search(&user_id)?;
    let by_fit = search.sort == offers::Sort::Match;
    let index = std::sync::Arc::clone(&state.offer_index);
    let skills = std::sync::Arc::clone(&state.skills);
    let (page, saved) = state
        .db(move |conn| {
            if by_fit {
                // The caller's material is read once for the whole search.
                let profile = crate::profile::load(conn, &user_id)?.profile;
                let cv = jobbot_db::cvs::get(conn, &user_id)?.map(|cv| cv.text);
                search.fit = Some(std::sync::Arc::new(matching::Candidate::read(
                    &skills,
                    &profile,
                    cv.as_deref(),
                )));
            }
            // The open public offers come from the in-memory index; one's own (any state) from SQL.
            let page = match search.owner {
                None => offer_index::search_page(conn, &index, &search)?,
                Some(_) => offers::search(conn, &search)?,
            };
            let ids: Vec<String> = page.hits.iter().map(|h| h.offer.id.clone()).collect();
            let saved = saved_offers::saved_among(conn, &user_id, &ids)?;
            Ok((page, (user_id, saved)))
        })
        .await?;
    let (user_id, saved) = saved;
    let next_cursor = next_cursor(page.next.as_ref());
    Ok(web::Json(OfferPage {
        items: page
            .hits
            .into_iter()
            .map(|hit| {
                let is_saved = saved.contains(&hit.offer.id);
                let mut offer = offer_dto(hit.offer, &user_id, is_saved);
                // The score the page was ranked by (0 to 100).
                offer.match_score = by_fit.then(|| hit.hits.clamp(0, 100) as u8);
                offer
            })
            .collect(),
        next_cursor,
        total: page.total,
        facets: page.facets.map(facets_dto),
    }))
}

/// Posts an offer: a recruiter's is public (source `recruiter`); anyone else's is private to them (source
/// `candidate`: an offer found elsewhere, with its address and pasted text), and saved for them.
#[utoipa::path(post, path = "/api/v1/offers", tag = "offers", request_body = OfferInput,
    responses(
        (status = 201, description = "Created", body = Offer),
        (status = 403, description = "`insufficient_scope` (a read-only token) or `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<OfferInput>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user.id;
    let row = new_offer(body.into_inner(), &user_id, auth.user.role == Role::Recruiter)?;
    let saved = row.private;
    let inserted = row.clone();
    let owner = user_id.clone();
    state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                offers::insert(conn, &inserted)?;
                if inserted.private {
                    saved_offers::save(conn, &owner, &inserted.id, inserted.created_at)?;
                }
                Ok(())
            })
        })
        .await?;
    tracing::info!(offer_id = %row.id, source = %row.source, "offer created");
    Ok(HttpResponse::Created().json(offer_dto(row, &user_id, saved)))
}

/// One offer (a closed one too: a candidate may have saved it).
#[utoipa::path(get, path = "/api/v1/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "Offer id")),
    responses(
        (status = 200, description = "The offer", body = Offer),
        (status = 404, description = "`not_found` (or another user's private offer)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<Offer>, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let viewer = user_id.clone();
    let (row, saved) = state
        .db(move |conn| {
            let row = visible(conn, &id, &viewer)?;
            let saved = !saved_offers::saved_among(conn, &viewer, std::slice::from_ref(&row.id))?.is_empty();
            Ok((row, saved))
        })
        .await?;
    Ok(web::Json(offer_dto(row, &user_id, saved)))
}

/// How well the caller's profile and CV fit an offer: a score from 0 to 100, the offer's terms the caller shows
/// (and where) and those they do not, and suggestions in the caller's language. Computed here from the offer's
/// title and text and JobBot's skills vocabulary: no AI, the same on both databases.
#[utoipa::path(get, path = "/api/v1/offers/{id}/match", tag = "offers", operation_id = "match_offer",
    params(("id" = String, Path, description = "Offer id")),
    responses(
        (status = 200, description = "The fit", body = OfferMatch),
        (status = 404, description = "`not_found` (or another user's private offer)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn fit(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<OfferMatch>, ApiError> {
    let id = path.into_inner();
    let (user_id, locale) = (auth.user.id, auth.user.locale);
    let skills = std::sync::Arc::clone(&state.skills);
    let fit = state
        .db(move |conn| {
            let row = visible(conn, &id, &user_id)?;
            let profile = crate::profile::load(conn, &user_id)?.profile;
            let cv = jobbot_db::cvs::get(conn, &user_id)?.map(|cv| cv.text);
            let offer = matching::OfferText {
                title: &row.title,
                description: &row.description,
                skills: &row.skills,
            };
            Ok(matching::fit(&skills, &offer, &profile, cv.as_deref(), locale))
        })
        .await?;
    Ok(web::Json(fit))
}

/// Changes one's own offer; `state: closed` closes it to candidates. Someone else's public offer is 403.
#[utoipa::path(patch, path = "/api/v1/offers/{id}", tag = "offers", request_body = OfferUpdate,
    params(("id" = String, Path, description = "Offer id")),
    responses(
        (status = 200, description = "The changed offer", body = Offer),
        (status = 403, description = "`forbidden`: not the caller's offer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<OfferUpdate>,
) -> Result<web::Json<Offer>, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let viewer = user_id.clone();
    let change = body.into_inner();
    let (row, saved) = state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let mut row = visible(conn, &id, &viewer)?;
                if row.owner_id.as_deref() != Some(viewer.as_str()) {
                    return Err(not_yours());
                }
                apply_update(&mut row, change)?;
                offers::update(conn, &row)?;
                let saved =
                    !saved_offers::saved_among(conn, &viewer, std::slice::from_ref(&row.id))?.is_empty();
                Ok((row, saved))
            })
        })
        .await?;
    Ok(web::Json(offer_dto(row, &user_id, saved)))
}

fn not_yours() -> ApiError {
    ApiError::forbidden(
        jobbot_api_types::ErrorCode::Forbidden,
        "Only the offer's author can change it.",
    )
}

/// Deletes one's own private offer. A public offer is closed instead (`PATCH` with `state: closed`): 409.
#[utoipa::path(delete, path = "/api/v1/offers/{id}", tag = "offers",
    params(("id" = String, Path, description = "Offer id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`forbidden`: not the caller's offer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: a public offer is closed, not deleted", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    state
        .db(move |conn| {
            let row = visible(conn, &id, &user_id)?;
            if row.owner_id.as_deref() != Some(user_id.as_str()) {
                return Err(not_yours());
            }
            if !row.private {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::CONFLICT,
                    jobbot_api_types::ErrorCode::Conflict,
                    "Candidates may have saved this offer: close it instead.",
                ));
            }
            offers::delete(conn, &row.id)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's saved offers, the latest saved first (closed ones included, marked `closed`).
#[utoipa::path(get, path = "/api/v1/me/saved-offers", tag = "offers",
    responses(
        (status = 200, description = "Saved offers", body = Vec<SavedOffer>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn saved(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<SavedOffer>>, ApiError> {
    let user_id = auth.user.id;
    let viewer = user_id.clone();
    let rows = state
        .db(move |conn| Ok(saved_offers::saved(conn, &viewer)?))
        .await?;
    Ok(web::Json(
        rows.into_iter()
            // A private offer is only ever saved by its owner; the filter keeps that true whatever happens.
            .filter(|(row, _)| row.visible_to(&user_id))
            .map(|(row, at)| SavedOffer {
                offer: offer_dto(row, &user_id, true),
                saved_at: at.and_utc(),
            })
            .collect(),
    ))
}

/// Saves an offer (again: no change).
#[utoipa::path(put, path = "/api/v1/me/saved-offers/{offer_id}", tag = "offers",
    params(("offer_id" = String, Path, description = "Offer id")),
    responses(
        (status = 204, description = "Saved"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn save(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    state
        .db(move |conn| {
            let row = visible(conn, &id, &user_id)?;
            saved_offers::save(conn, &user_id, &row.id, jobbot_db::now())?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Forgets a saved offer.
#[utoipa::path(delete, path = "/api/v1/me/saved-offers/{offer_id}", tag = "offers",
    params(("offer_id" = String, Path, description = "Offer id")),
    responses(
        (status = 204, description = "No longer saved"),
        (status = 404, description = "`not_found`: not saved", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unsave(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let removed = state
        .db(move |conn| Ok(saved_offers::unsave(conn, &user_id, &id)?))
        .await?;
    if removed {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found())
    }
}

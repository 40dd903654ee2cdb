//! The route table: every endpoint is mounted here, and nowhere else.
//!
//! Each path is a `web::resource`, so a known path with the wrong method answers 405, not 404.

use actix_web::web::{self, delete, get, patch, post, put, resource};

use crate::error::ApiError;

pub mod admin;
pub mod applications;
pub mod assistant;
pub mod auth;
pub mod chats;
pub mod cv;
pub mod cv_builder;
pub mod export;
pub mod health;
pub mod me;
pub mod offers;
pub mod privacy;
pub mod profile;
pub mod saved_searches;
pub mod shares;
pub mod tokens;
pub mod two_factor;
pub mod ws;

/// A query parameter within its documented range, or 422.
pub(crate) fn in_range(name: &str, value: i64, min: i64, max: i64) -> Result<i64, ApiError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::field(
            name,
            "out_of_range",
            &format!("Choose a value from {min} to {max}."),
        ))
    }
}

/// Authentication bodies are small: a few KiB at most, so an oversized "email" is refused (413) before it is read.
fn auth_limits(resource: actix_web::Resource) -> actix_web::Resource {
    resource
        .app_data(
            web::JsonConfig::default()
                .limit(auth::BODY_LIMIT)
                .error_handler(crate::error::json_error),
        )
        .app_data(web::PayloadConfig::new(auth::BODY_LIMIT))
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/healthz").route(get().to(health::healthz)))
        .service(resource("/metrics").route(get().to(health::metrics)))
        .service(resource("/readyz").route(get().to(health::readyz)))
        .service(
            web::scope("/api/v1")
                .service(auth_limits(resource("/auth/register")).route(post().to(auth::register)))
                .service(auth_limits(resource("/auth/login")).route(post().to(auth::login)))
                .service(auth_limits(resource("/auth/refresh")).route(post().to(auth::refresh)))
                .service(auth_limits(resource("/auth/logout")).route(post().to(auth::logout)))
                .service(
                    resource("/me")
                        .route(get().to(me::get_me))
                        .route(patch().to(me::update_me))
                        .route(delete().to(me::delete_me)),
                )
                .service(resource("/me/password").route(post().to(me::change_password)))
                .service(
                    resource("/me/tokens")
                        .route(get().to(tokens::list))
                        .route(post().to(tokens::create)),
                )
                .service(resource("/me/tokens/{id}").route(delete().to(tokens::revoke)))
                .service(
                    resource("/offers")
                        .route(get().to(offers::search))
                        .route(post().to(offers::create)),
                )
                .service(
                    resource("/offers/{id}")
                        .route(get().to(offers::get))
                        .route(patch().to(offers::update))
                        .route(delete().to(offers::delete)),
                )
                .service(resource("/offers/{id}/match").route(get().to(offers::fit)))
                .service(
                    resource("/applications")
                        .route(get().to(applications::list))
                        .route(post().to(applications::create)),
                )
                .service(
                    resource("/applications/{id}")
                        .route(get().to(applications::get))
                        .route(patch().to(applications::update))
                        .route(delete().to(applications::delete)),
                )
                .service(
                    resource("/applications/{id}/documents").route(post().to(applications::create_document)),
                )
                .service(
                    resource("/applications/{id}/documents/{document_id}")
                        .route(get().to(applications::get_document))
                        .route(patch().to(applications::update_document))
                        .route(delete().to(applications::delete_document)),
                )
                .service(
                    resource("/applications/{id}/documents/{document_id}/download")
                        .route(get().to(applications::download_document)),
                )
                .service(
                    resource("/me/cv")
                        .app_data(web::PayloadConfig::new(crate::cv::MAX_BYTES))
                        .route(get().to(cv::get))
                        .route(put().to(cv::upload))
                        .route(patch().to(cv::update_text))
                        .route(delete().to(cv::delete)),
                )
                .service(resource("/me/cv/file").route(get().to(cv::download)))
                .service(resource("/me/cv/templates").route(get().to(cv_builder::templates)))
                .service(resource("/me/cv/render").route(get().to(cv_builder::render)))
                .service(resource("/me/cv/preview").route(get().to(cv_builder::preview)))
                .service(
                    resource("/me/profile")
                        .route(get().to(profile::get))
                        .route(put().to(profile::put)),
                )
                .service(
                    resource("/me/saved-searches")
                        .route(get().to(saved_searches::list))
                        .route(post().to(saved_searches::create)),
                )
                .service(
                    resource("/me/saved-searches/{id}")
                        .route(get().to(saved_searches::get))
                        .route(patch().to(saved_searches::update))
                        .route(delete().to(saved_searches::delete)),
                )
                .service(resource("/me/saved-searches/{id}/seen").route(post().to(saved_searches::seen)))
                .service(resource("/me/notifications").route(get().to(saved_searches::notifications)))
                .service(resource("/me/notifications/read").route(post().to(saved_searches::mark_read)))
                .service(resource("/me/saved-offers").route(get().to(offers::saved)))
                .service(
                    resource("/me/saved-offers/{offer_id}")
                        .route(put().to(offers::save))
                        .route(delete().to(offers::unsave)),
                )
                .service(resource("/admin/users").route(get().to(admin::list_users)))
                .service(
                    resource("/admin/users/{id}")
                        .route(get().to(admin::get_user))
                        .route(patch().to(admin::update_user))
                        .route(delete().to(admin::delete_user)),
                )
                .service(resource("/admin/users/{id}/logout").route(post().to(admin::logout_user)))
                .service(resource("/admin/audit").route(get().to(admin::list_audit)))
                .service(resource("/admin/system").route(get().to(admin::system)))
                .service(resource("/admin/stats").route(get().to(admin::stats)))
                .service(resource("/admin/shares").route(get().to(admin::list_shares)))
                .service(resource("/admin/shares/{id}").route(delete().to(admin::remove_share)))
                .service(resource("/assistant").route(get().to(assistant::info)))
                .service(resource("/assistant/context").route(get().to(assistant::preview_context)))
                .service(resource("/conversations/{id}/context").route(get().to(assistant::context)))
                .service(
                    resource("/conversations")
                        .route(get().to(assistant::list))
                        .route(post().to(assistant::create)),
                )
                .service(
                    resource("/conversations/{id}")
                        .route(get().to(assistant::get))
                        .route(patch().to(assistant::rename))
                        .route(delete().to(assistant::delete)),
                )
                .service(
                    resource("/conversations/{id}/messages")
                        .route(get().to(assistant::list_messages))
                        .route(post().to(assistant::send)),
                )
                .service(
                    resource("/conversations/{id}/messages/{message_id}/feedback")
                        .route(put().to(assistant::put_feedback))
                        .route(delete().to(assistant::delete_feedback)),
                )
                .service(resource("/conversations/{id}/stop").route(post().to(assistant::stop)))
                .service(resource("/conversations/{id}/stream").route(get().to(assistant::stream)))
                .service(resource("/conversations/{id}/regenerate").route(post().to(assistant::regenerate)))
                .service(
                    resource("/chats")
                        .route(get().to(chats::list))
                        .route(post().to(chats::open)),
                )
                .service(
                    resource("/chats/{id}/messages")
                        .route(get().to(chats::messages_page))
                        .route(post().to(chats::post_message)),
                )
                .service(resource("/chats/{id}/read").route(post().to(chats::mark_read)))
                .service(resource("/chats/{id}/leave").route(post().to(chats::leave)))
                .service(
                    resource("/chats/{id}/block")
                        .route(post().to(chats::block))
                        .route(delete().to(chats::unblock)),
                )
                .service(resource("/chats/{id}/shares").route(post().to(shares::create_share)))
                .service(
                    resource("/shares/{id}")
                        .route(get().to(shares::get_share))
                        .route(patch().to(shares::update_share))
                        .route(delete().to(shares::revoke_share)),
                )
                .service(resource("/shares/{id}/fork").route(post().to(shares::fork_share)))
                .service(resource("/me/shares").route(get().to(shares::my_shares)))
                .service(
                    resource("/me/2fa")
                        .route(get().to(two_factor::status))
                        .route(delete().to(two_factor::disable)),
                )
                .service(resource("/me/2fa/setup").route(post().to(two_factor::setup)))
                .service(resource("/me/2fa/enable").route(post().to(two_factor::enable)))
                .service(resource("/ws").route(get().to(ws::connect)))
                .service(resource("/privacy").route(get().to(privacy::facts)))
                .service(resource("/me/export").route(get().to(export::export_me)))
                .service(
                    resource("/me/consent")
                        .route(get().to(privacy::get_consent))
                        .route(web::put().to(privacy::put_consent)),
                ),
        );
}

//! The route table: every endpoint is mounted here, and nowhere else.

use actix_web::web;

pub mod admin;
pub mod auth;
pub mod health;
pub mod me;
pub mod tokens;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/api/openapi.json", web::get().to(crate::openapi::serve))
        .service(
            web::scope("/api/v1")
                .route("/auth/register", web::post().to(auth::register))
                .route("/auth/login", web::post().to(auth::login))
                .route("/auth/refresh", web::post().to(auth::refresh))
                .route("/auth/logout", web::post().to(auth::logout))
                .service(
                    web::resource("/me")
                        .route(web::get().to(me::get_me))
                        .route(web::patch().to(me::update_me)),
                )
                .route("/me/password", web::post().to(me::change_password))
                .service(
                    web::resource("/me/tokens")
                        .route(web::get().to(tokens::list))
                        .route(web::post().to(tokens::create)),
                )
                .route("/me/tokens/{id}", web::delete().to(tokens::revoke))
                .route("/admin/users", web::get().to(admin::list_users)),
        );
}

//! Where a request came from, for the audit log: its client address and request id, as an extractor. The log's
//! writer and its actions are `jobbot_services::audit`.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
pub use jobbot_services::audit::*;

/// The origin of `req`: the client's address (through a trusted proxy when so configured) and request id.
pub fn origin(req: &HttpRequest) -> Origin {
    let trust_proxy = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .is_some_and(|state| state.config.trust_proxy);
    Origin {
        client_ip: Some(crate::network::client_ip(req, trust_proxy)),
        request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
    }
}

/// A handler's `Here(origin)` parameter: the request's [`Origin`].
pub struct Here(pub Origin);

impl FromRequest for Here {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(origin(req))))
    }
}

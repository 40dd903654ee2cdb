//! `Body<T>`: a JSON request body that must be a JSON object, as the OpenAPI document says. serde's derived
//! structs also accept arrays (`[null, null]` would fill the fields in order); the contract does not.
//! Size limits, content type and syntax errors are `web::Json`'s (see `error::json_error`).

use jobbot_api_types::ErrorCode;
use std::future::Future;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

fn invalid(detail: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidBody, detail)
}

/// The body as `T`, refusing anything but a JSON object (422 `invalid_body`).
pub fn from_object<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(invalid("The body must be a JSON object.".into()));
    }
    serde_json::from_value(value).map_err(|e| invalid(format!("The body does not match: {e}")))
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move { Ok(Body(from_object(json.await?.into_inner())?)) })
    }
}

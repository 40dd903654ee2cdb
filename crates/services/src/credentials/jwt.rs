//! Access tokens: HS256 JWTs naming a user and a session (`sid`). The session row must still be live.

use jsonwebtoken::{
    decode, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    Expired,
    Invalid,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn issue(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => JwtError::Expired,
                _ => JwtError::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_offset: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: "u".into(),
            role: "candidate".into(),
            sid: "s".into(),
            iat: now,
            exp: now + exp_offset,
        }
    }

    #[test]
    fn round_trip_expiry_and_tampering() {
        let keys = JwtKeys::new(&[7u8; 32]);
        let token = keys.issue(&claims(60)).expect("issue");
        assert_eq!(keys.verify(&token).map(|c| c.sid), Ok("s".to_owned()));
        let expired = keys.issue(&claims(-3600)).expect("issue");
        assert_eq!(keys.verify(&expired), Err(JwtError::Expired));
        let other = JwtKeys::new(&[8u8; 32]);
        assert_eq!(other.verify(&token), Err(JwtError::Invalid));
        assert_eq!(keys.verify("not.a.jwt"), Err(JwtError::Invalid));
    }
}

//! SDK authentication, as Braze's endpoint enforces it (docs/design.md section 6): for an API key
//! given a public key (`--sdk-auth-public-key KEY=FILE`), a request with datapoints of a named
//! user needs `X-Braze-Auth-Signature`, an RS256 JWT whose `sub` is that user and whose `exp` is
//! in the future. Anonymous datapoints need none. A refusal is 401 with the body Braze's SDKs
//! read, `{"auth_error": {"error_code": N, "reason": "..."}}`, with Braze's documented codes.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use std::collections::HashMap;

/// Why a request's signature was refused: Braze's error codes and reasons.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Refusal {
    ExpirationRequired = 10,
    DecodingError = 20,
    SubjectMismatch = 21,
    Expired = 22,
    InvalidPayload = 23,
    IncorrectAlgorithm = 24,
    MissingToken = 26,
    NoMatchingPublicKeys = 27,
    PayloadUserIdMismatch = 28,
}

impl Refusal {
    pub fn code(self) -> u16 {
        self as u16
    }

    pub fn reason(self) -> &'static str {
        match self {
            Refusal::ExpirationRequired => "EXPIRATION_REQUIRED",
            Refusal::DecodingError => "DECODING_ERROR",
            Refusal::SubjectMismatch => "SUBJECT_MISMATCH",
            Refusal::Expired => "EXPIRED",
            Refusal::InvalidPayload => "INVALID_PAYLOAD",
            Refusal::IncorrectAlgorithm => "INCORRECT_ALGORITHM",
            Refusal::MissingToken => "MISSING_TOKEN",
            Refusal::NoMatchingPublicKeys => "NO_MATCHING_PUBLIC_KEYS",
            Refusal::PayloadUserIdMismatch => "PAYLOAD_USER_ID_MISMATCH",
        }
    }
}

/// The public keys of the API keys whose signatures are enforced.
#[derive(Default)]
pub struct Keys(HashMap<String, DecodingKey>);

impl Keys {
    /// Adds `KEY=FILE`: the API key and the PEM file of its RSA public key.
    pub fn add(&mut self, spec: &str) -> Result<(), String> {
        let (api_key, file) = spec
            .split_once('=')
            .filter(|(k, f)| !k.is_empty() && !f.is_empty())
            .ok_or_else(|| format!("--sdk-auth-public-key {spec:?} is not KEY=FILE (an API key and the PEM file of its RSA public key)"))?;
        let pem = std::fs::read(file).map_err(|e| format!("--sdk-auth-public-key: {file}: {e}"))?;
        let key =
            DecodingKey::from_rsa_pem(&pem).map_err(|e| format!("--sdk-auth-public-key: {file} is not an RSA public key in PEM: {e}"))?;
        self.0.insert(api_key.to_owned(), key);
        Ok(())
    }

    /// Whether a request for `api_key` whose datapoints name `users` (the named ones, each once),
    /// with `signature`, may be stored.
    pub fn check(&self, api_key: &str, users: &[&str], signature: Option<&str>) -> Result<(), Refusal> {
        let Some(key) = self.0.get(api_key) else { return Ok(()) };
        let user = match users {
            [] => return Ok(()),
            [user] => *user,
            // One signature is one user's.
            _ => return Err(Refusal::PayloadUserIdMismatch),
        };
        let token = signature.map(str::trim).filter(|s| !s.is_empty()).ok_or(Refusal::MissingToken)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.sub = Some(user.to_owned());
        match jsonwebtoken::decode::<serde_json::Value>(token, key, &validation) {
            Ok(_) => Ok(()),
            Err(e) => Err(match e.kind() {
                ErrorKind::MissingRequiredClaim(claim) if claim == "exp" => Refusal::ExpirationRequired,
                ErrorKind::MissingRequiredClaim(_) | ErrorKind::InvalidClaimFormat(_) => Refusal::InvalidPayload,
                ErrorKind::ExpiredSignature => Refusal::Expired,
                ErrorKind::InvalidSubject => Refusal::SubjectMismatch,
                ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm | ErrorKind::InvalidAlgorithmName => Refusal::IncorrectAlgorithm,
                ErrorKind::InvalidSignature => Refusal::NoMatchingPublicKeys,
                _ => Refusal::DecodingError,
            }),
        }
    }
}

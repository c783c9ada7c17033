//! Client errors. Each names the endpoint (method, path and query; never the token).

use std::time::Duration;

use bigcommerce_models::DecodeError;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{endpoint}: BigCommerce rejected the access token (401 Unauthorized)")]
    Unauthorized { endpoint: String },

    #[error("{endpoint}: the access token lacks the scope for this resource (403 Forbidden)")]
    Forbidden { endpoint: String },

    #[error("{endpoint}: HTTP {status}: {body}")]
    Status {
        endpoint: String,
        status: u16,
        body: String,
    },

    #[error("{endpoint}: rate limited (429{})", if *.with_headers { "" } else { " without rate-limit headers" })]
    RateLimited {
        endpoint: String,
        with_headers: bool,
        reset: Option<Duration>,
    },

    #[error("{endpoint}: {source}")]
    Transport {
        endpoint: String,
        #[source]
        source: reqwest::Error,
    },

    #[error("{endpoint}: unexpected response body at `{}`: {}", .source.path, .source.message)]
    Decode {
        endpoint: String,
        #[source]
        source: DecodeError,
    },

    #[error("{endpoint}: gave up after {attempts} attempts in {elapsed:?}; last error: {last}")]
    GaveUp {
        endpoint: String,
        attempts: u32,
        elapsed: Duration,
        #[source]
        last: Box<ClientError>,
    },

    /// The API announced a quota this client may spend nothing of (a quota of 0, or
    /// one too small for the configured share): waiting would never end.
    #[error(
        "{endpoint}: the API announces a quota of {quota} requests per window, of which this \
         client's share ({share}) leaves none to spend; not waiting for a window that never comes \
         (check the app's API access, or raise quota_share)"
    )]
    NoQuota {
        endpoint: String,
        quota: u32,
        share: f64,
    },

    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl ClientError {
    /// The endpoint the error is about, if any.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            ClientError::Unauthorized { endpoint }
            | ClientError::Forbidden { endpoint }
            | ClientError::Status { endpoint, .. }
            | ClientError::RateLimited { endpoint, .. }
            | ClientError::Transport { endpoint, .. }
            | ClientError::Decode { endpoint, .. }
            | ClientError::GaveUp { endpoint, .. }
            | ClientError::NoQuota { endpoint, .. } => Some(endpoint),
            ClientError::Config(_) => None,
        }
    }

    /// True for a 404: on a listing (`/customers`), the store hash names no store the
    /// token can see, and nothing will work until an operator fixes the hash.
    pub fn is_not_found(&self) -> bool {
        match self {
            ClientError::Status { status: 404, .. } => true,
            ClientError::GaveUp { last, .. } => last.is_not_found(),
            _ => false,
        }
    }

    /// True for a wrong or revoked token: nothing will work until an operator acts.
    pub fn is_auth(&self) -> bool {
        match self {
            ClientError::Unauthorized { .. } => true,
            ClientError::GaveUp { last, .. } => last.is_auth(),
            _ => false,
        }
    }
}

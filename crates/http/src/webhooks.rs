//! `POST /webhooks/bigcommerce`: BigCommerce's customer and address events.
//!
//! The order of checks is the order of cost: the secret header (nothing of an
//! unauthenticated request is read), the body size, the JSON, the scope, the store,
//! the ids. Each rejection is counted under its [`WebhookOutcome`] and sends
//! nothing. An accepted event is only a hint that a customer changed: the worker
//! re-reads the customer from the API, so duplicates and reordering, which
//! BigCommerce's at-least-once delivery produces, are harmless.

mod body;
mod payload;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use tokio::sync::mpsc;

use crate::metrics::Metrics;

pub use payload::EventKind;

/// The header the operator registers the hook with; BigCommerce sends it back on
/// every delivery.
pub const SECRET_HEADER: &str = "x-bcsync-webhook-secret";

/// How one delivery ended; the `outcome` label of `bcsync_webhooks_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookOutcome {
    Accepted,
    Unauthorized,
    BadRequest,
    TooLarge,
    UnknownScope,
    UnknownStore,
    Overloaded,
}

impl WebhookOutcome {
    pub const ALL: [WebhookOutcome; 7] = [
        Self::Accepted,
        Self::Unauthorized,
        Self::BadRequest,
        Self::TooLarge,
        Self::UnknownScope,
        Self::UnknownStore,
        Self::Overloaded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Unauthorized => "unauthorized",
            Self::BadRequest => "bad_request",
            Self::TooLarge => "too_large",
            Self::UnknownScope => "unknown_scope",
            Self::UnknownStore => "unknown_store",
            Self::Overloaded => "overloaded",
        }
    }
}

/// An accepted event. For address events `customer_id` is the address's customer
/// (`data.address.customer_id`) and `address_id` is `data.id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    pub store_hash: String,
    pub kind: EventKind,
    pub customer_id: i64,
    pub address_id: Option<i64>,
    /// The event's `created_at`, Unix seconds.
    pub created_at: i64,
}

/// What the webhook route needs; `HttpState::webhooks`.
#[derive(Debug)]
pub struct WebhookIntake {
    /// Expected value of [`SECRET_HEADER`] for stores without their own. Empty
    /// rejects every delivery for those stores.
    pub secret: SecretString,
    /// Stores with their own secret: a delivery for such a store must carry that one
    /// (another store's secret, or the shared one, is refused).
    pub store_secrets: HashMap<String, SecretString>,
    pub max_body_bytes: usize,
    /// Configured store hashes; the `producer` (`stores/{hash}`) must be one of them.
    pub stores: HashSet<String>,
    /// Accepted events; a full channel answers 503 so BigCommerce retries later.
    pub events: mpsc::Sender<WebhookEvent>,
}

/// Why a delivery was refused; the message is the response body.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Rejection {
    #[error("missing or wrong {SECRET_HEADER} header")]
    Unauthorized,
    #[error("body exceeds {limit} bytes")]
    TooLarge { limit: usize },
    #[error("timed out reading the body")]
    BodyTimeout,
    #[error("could not read the body: {0}")]
    BodyRead(String),
    #[error("body is not JSON: {0}")]
    NotJson(String),
    #[error("{0}")]
    Invalid(String),
    #[error(
        "unknown scope {0:?}: only store/customer/{{created,updated,deleted}} and store/customer/address/{{created,updated,deleted}} are handled"
    )]
    UnknownScope(String),
    #[error("unknown store {0:?}")]
    UnknownStore(String),
    #[error("event queue is full; retry later")]
    Overloaded,
    #[error("shutting down; retry later")]
    ShuttingDown,
}

impl Rejection {
    fn outcome(&self) -> WebhookOutcome {
        match self {
            Self::Unauthorized => WebhookOutcome::Unauthorized,
            Self::TooLarge { .. } => WebhookOutcome::TooLarge,
            Self::BodyTimeout | Self::BodyRead(_) | Self::NotJson(_) | Self::Invalid(_) => {
                WebhookOutcome::BadRequest
            }
            Self::UnknownScope(_) => WebhookOutcome::UnknownScope,
            Self::UnknownStore(_) => WebhookOutcome::UnknownStore,
            // Both mean "not taken now, deliver again later".
            Self::Overloaded | Self::ShuttingDown => WebhookOutcome::Overloaded,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::BodyRead(_) | Self::NotJson(_) | Self::Invalid(_) => StatusCode::BAD_REQUEST,
            Self::UnknownScope(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnknownStore(_) => StatusCode::NOT_FOUND,
            Self::Overloaded | Self::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// The route's state: the intake and where to count.
#[derive(Debug)]
pub(crate) struct WebhookRoute {
    pub(crate) intake: WebhookIntake,
    pub(crate) metrics: Arc<Metrics>,
}

pub(crate) async fn receive(
    State(route): State<Arc<WebhookRoute>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = accept(&route.intake, &headers, body).await;
    let outcome = match &result {
        Ok(()) => WebhookOutcome::Accepted,
        Err(rejection) => rejection.outcome(),
    };
    route.metrics.webhook(outcome);
    match result {
        Ok(()) => (StatusCode::ACCEPTED, "accepted").into_response(),
        Err(rejection) => {
            // The reason may quote the sender's payload, so only at debug level.
            tracing::warn!(outcome = outcome.as_str(), "webhook rejected");
            tracing::debug!(reason = %rejection, "webhook rejection reason");
            (rejection.status(), rejection.to_string()).into_response()
        }
    }
}

async fn accept(intake: &WebhookIntake, headers: &HeaderMap, body: Body) -> Result<(), Rejection> {
    // Nothing of the body is read unless the header is one of our secrets...
    let known = std::iter::once(&intake.secret).chain(intake.store_secrets.values());
    if !known.fold(false, |ok, s| secret_matches(s.expose_secret(), headers) | ok) {
        return Err(Rejection::Unauthorized);
    }
    let bytes = body::read_bounded(headers, body, intake.max_body_bytes).await?;
    let event = payload::parse(&bytes, &intake.stores)?;
    // ...and the event is taken only with its own store's secret.
    let expected = intake
        .store_secrets
        .get(&event.store_hash)
        .unwrap_or(&intake.secret);
    if !secret_matches(expected.expose_secret(), headers) {
        return Err(Rejection::Unauthorized);
    }
    intake.events.try_send(event).map_err(|err| match err {
        mpsc::error::TrySendError::Full(_) => Rejection::Overloaded,
        mpsc::error::TrySendError::Closed(_) => Rejection::ShuttingDown,
    })
}

/// Constant time in the header's content, so the secret cannot be found byte by byte
/// from response times. (Only its length can leak, which tells nothing useful.)
fn secret_matches(expected: &str, headers: &HeaderMap) -> bool {
    // An empty secret would let an empty header through: fail closed instead.
    if expected.is_empty() {
        return false;
    }
    headers
        .get(SECRET_HEADER)
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(secret: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(secret) = secret {
            headers.insert(SECRET_HEADER, secret.parse().unwrap());
        }
        headers
    }

    #[test]
    fn secret_must_match_exactly() {
        assert!(secret_matches("s3cret", &headers(Some("s3cret"))));
        assert!(!secret_matches("s3cret", &headers(Some("s3cre"))));
        assert!(!secret_matches("s3cret", &headers(Some("s3cret!"))));
        assert!(!secret_matches("s3cret", &headers(Some("S3cret"))));
        assert!(!secret_matches("s3cret", &headers(None)));
    }

    #[test]
    fn empty_secret_rejects_everything() {
        assert!(!secret_matches("", &headers(Some(""))));
        assert!(!secret_matches("", &headers(None)));
    }

    #[test]
    fn outcome_names_are_distinct_snake_case() {
        let names: HashSet<_> = WebhookOutcome::ALL.iter().map(|o| o.as_str()).collect();
        assert_eq!(names.len(), WebhookOutcome::ALL.len());
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
    }
}

//! Injected failures for GET requests, drawn from a seeded RNG so a run is repeatable.

use axum::body::{Body, to_bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// 500, 502 or 503 with a JSON error body.
    ServerError(u16),
    /// 429 without rate-limit headers: platform load, not the store's quota.
    PlatformTooMany,
    /// A 200 whose JSON body stops halfway, with a matching Content-Length.
    Truncated,
}

#[derive(Debug)]
pub(crate) struct FaultInjector {
    rate: f64,
    rng: StdRng,
}

impl FaultInjector {
    pub(crate) fn new(rate: f64, seed: u64) -> Self {
        // A different stream from the data generator's, still fixed by the seed.
        FaultInjector {
            rate: clamp(rate),
            rng: StdRng::seed_from_u64(seed ^ 0xFA17_FA17_FA17_FA17),
        }
    }

    pub(crate) fn set_rate(&mut self, rate: f64) {
        self.rate = clamp(rate);
    }

    /// Whether this request fails, and how; each kind is equally likely.
    pub(crate) fn roll(&mut self) -> Option<Fault> {
        if self.rate <= 0.0 || !self.rng.random_bool(self.rate) {
            return None;
        }
        Some(match self.rng.random_range(0..5) {
            0 => Fault::ServerError(500),
            1 => Fault::ServerError(502),
            2 => Fault::ServerError(503),
            3 => Fault::PlatformTooMany,
            _ => Fault::Truncated,
        })
    }
}

fn clamp(p: f64) -> f64 {
    if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) }
}

/// Cuts a successful response's body in half; anything else passes through.
pub(crate) async fn truncate(response: Response) -> Response {
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let cut = bytes.slice(..(bytes.len() / 2).max(1).min(bytes.len()));
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(cut.len()));
    Response::from_parts(parts, Body::from(cut))
}

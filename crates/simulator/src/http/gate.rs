//! What every request passes before (and after) its handler: numbering and the test
//! hook, latency, auth, store hash, the quota, fault injection, rate-limit headers and
//! the counters.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::faults::{self, Fault};
use super::rate_limit::RateHeaders;
use crate::counters::PathKind;
use crate::shared::Shared;

pub(crate) async fn gate(State(app): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let kind = PathKind::of(req.uri().path());
    let n = app.counters.begin();
    let latency = app.control.lock().latency_ms;
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    app.run_hook(n);
    let mut response = admit(&app, req, next, method == Method::GET).await;
    // The API's clock, which clients bound what they have seen by (the server would
    // add one too; set here so every answer carries the simulator's own time).
    if let Ok(date) = http_date(crate::state::now()).parse() {
        response.headers_mut().insert(axum::http::header::DATE, date);
    }
    // After the handler (and the hook) let go of the state, so what they changed is
    // visible before the webhooks about it go out.
    app.flush_webhooks();
    app.counters
        .record(method.as_str(), kind, response.status().as_u16());
    response
}

/// `Wed, 02 Dec 2026 06:21:14 GMT`.
fn http_date(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn with_headers(mut response: Response, h: RateHeaders) -> Response {
    h.apply(response.headers_mut());
    response
}

fn store_matches(path: &str, hash: &str) -> bool {
    path.strip_prefix("/stores/")
        .and_then(|rest| rest.split('/').next())
        == Some(hash)
}

async fn admit(app: &Shared, req: Request, next: Next, is_get: bool) -> Response {
    let now = Instant::now();
    let token = req.headers().get("x-auth-token").map(|v| v.as_bytes());
    // 401 and 404 carry the headers but do not spend quota.
    if token != Some(app.token.as_bytes()) {
        return with_headers(
            ApiError::Unauthorized.into_response(),
            app.control.lock().limiter.peek(now),
        );
    }
    if !store_matches(req.uri().path(), &app.store_hash) {
        return with_headers(
            ApiError::NotFound.into_response(),
            app.control.lock().limiter.peek(now),
        );
    }
    let (allowed, headers, fault) = {
        let mut control = app.control.lock();
        let (allowed, headers) = control.limiter.take(now);
        let fault = if allowed && is_get {
            control.faults.roll()
        } else {
            None
        };
        (allowed, headers, fault)
    };
    if !allowed {
        return with_headers(ApiError::TooManyRequests.into_response(), headers);
    }
    match fault {
        None => with_headers(next.run(req).await, headers),
        Some(Fault::PlatformTooMany) => ApiError::TooManyRequests.into_response(),
        Some(Fault::ServerError(code)) => with_headers(ApiError::Injected(code).into_response(), headers),
        Some(Fault::Truncated) => with_headers(faults::truncate(next.run(req).await).await, headers),
    }
}

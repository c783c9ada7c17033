//! `GET /healthz`, `GET /readyz` and `GET /metrics`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::ReadinessCheck;
use crate::metrics::{self, Metrics};

/// A check that hangs (a database that accepts connections but never answers) is a
/// failed check; without a bound probes would pile up behind it.
const READINESS_TIMEOUT: Duration = Duration::from_secs(5);

/// The process is alive and serving; nothing else is checked, so that a database
/// outage does not make the orchestrator restart a healthy process.
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

pub(crate) async fn readyz(State(check): State<ReadinessCheck>) -> Response {
    match tokio::time::timeout(READINESS_TIMEOUT, check()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(reason)) => (StatusCode::SERVICE_UNAVAILABLE, reason).into_response(),
        Err(_elapsed) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("readiness check timed out after {READINESS_TIMEOUT:?}"),
        )
            .into_response(),
    }
}

pub(crate) async fn metrics(State(metrics): State<Arc<Metrics>>) -> Response {
    ([(CONTENT_TYPE, metrics::CONTENT_TYPE)], metrics.render()).into_response()
}

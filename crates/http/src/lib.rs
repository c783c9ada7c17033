//! The daemon's small HTTP surface.
//!
//! | route | what | file |
//! |---|---|---|
//! | `GET /` | the status page: per store lease, lag, passes, quarantine, a lag chart | `status.rs` |
//! | `GET /healthz` | 200 "ok" while the process serves | `health.rs` |
//! | `GET /readyz` | 200 "ready", or 503 with the [`ReadinessCheck`]'s reason | `health.rs` |
//! | `GET /metrics` | [`Metrics::render`], Prometheus text format 0.0.4 | `health.rs` |
//! | `POST /webhooks/bigcommerce` | customer and address events → [`WebhookEvent`]s | `webhooks.rs` |
//!
//! - `metrics.rs`: [`Metrics`], every family the daemon exports, and the recording
//!   methods the rest of the daemon calls.
//! - `observer.rs`: the [`bigcommerce::RequestObserver`] behind [`Metrics::observer`],
//!   and the templating of API paths into bounded `endpoint` labels.
//! - `webhooks.rs`: authentication, outcomes and the channel hand-off;
//!   `webhooks/body.rs` reads the body within its limit, `webhooks/payload.rs` turns
//!   the JSON into an event.
//! - `startup.rs`: [`Metrics::store_configured`] (every per-store count at 0 from
//!   startup) and the quota, schedule and quarantine gauges.
//! - `server.rs`: [`serve`], with graceful shutdown on a watch channel.
//!
//! The crate decides nothing about syncing: it counts what it is told, and hands
//! accepted events to whoever holds the channel's receiver.

mod health;
mod metrics;
mod observer;
mod server;
mod startup;
mod status;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use futures::future::BoxFuture;

pub use metrics::{CONTENT_TYPE as METRICS_CONTENT_TYPE, Metrics};
pub use server::serve;
pub use startup::{PASS_KINDS, StoreSetup};
pub use status::{CHART_HOURS, RECENT_RUNS, StatusSource};
pub use webhooks::{EventKind, SECRET_HEADER, WebhookEvent, WebhookIntake, WebhookOutcome};

/// Whether the daemon can do its work now (e.g. the database answers); `Err` carries
/// the reason shown by `/readyz`, which must not contain customer data.
pub type ReadinessCheck = Arc<dyn Fn() -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

pub struct HttpState {
    pub metrics: Arc<Metrics>,
    pub readiness: ReadinessCheck,
    /// `None`: webhooks are not configured and their route answers 404.
    pub webhooks: Option<WebhookIntake>,
    /// `None`: no status page (`/` answers 404).
    pub status: Option<StatusSource>,
}

/// All routes. Each gets only the state it uses.
pub fn router(state: HttpState) -> Router {
    let HttpState {
        metrics,
        readiness,
        webhooks,
        status,
    } = state;
    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz).with_state(readiness))
        .route("/metrics", get(health::metrics).with_state(Arc::clone(&metrics)));
    if let Some(source) = status {
        let route = Arc::new(status::StatusRoute {
            source,
            metrics: Arc::clone(&metrics),
        });
        router = router.route("/", get(status::page).with_state(route));
    }
    if let Some(intake) = webhooks {
        let route = Arc::new(webhooks::WebhookRoute { intake, metrics });
        router = router.route("/webhooks/bigcommerce", post(webhooks::receive).with_state(route));
    }
    router
}

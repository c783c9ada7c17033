//! Binds `--listen` and serves the status page `/`, `/healthz`, `/readyz`, `/metrics`
//! and the webhook endpoint until shutdown.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::Context;
use bcsync_config::Config;
use bcsync_http::{HttpState, Metrics, ReadinessCheck, StatusSource, WebhookEvent, WebhookIntake};
use bcsync_mirror::Mirror;
use tokio::sync::{OnceCell, mpsc, watch};
use tokio::task::JoinHandle;

/// `/readyz`: the database answers and its schema is this binary's.
pub fn readiness(mirror: Arc<OnceCell<Mirror>>) -> ReadinessCheck {
    Arc::new(move || {
        let mirror = mirror.clone();
        Box::pin(async move {
            let Some(mirror) = mirror.get() else {
                return Err("database not connected yet".to_owned());
            };
            match mirror.schema_is_current().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("migrations not applied".to_owned()),
                Err(_) => Err("database unreachable".to_owned()),
            }
        })
    })
}

/// `/`: each configured store's overview, read from the database on every request.
pub fn status(mirror: Arc<OnceCell<Mirror>>, hashes: Vec<String>) -> StatusSource {
    let hashes = Arc::new(hashes);
    Arc::new(move || {
        let (mirror, hashes) = (mirror.clone(), hashes.clone());
        Box::pin(async move {
            let Some(mirror) = mirror.get() else {
                return Err("database not connected yet".to_owned());
            };
            let mut out = Vec::with_capacity(hashes.len());
            for hash in hashes.iter() {
                let overview = mirror
                    .store_overview(hash, bcsync_http::RECENT_RUNS, bcsync_http::CHART_HOURS)
                    .await
                    .map_err(|e| {
                        tracing::warn!(store = %hash, error = %e, "status page: reading the database failed");
                        "reading the database failed (see the daemon's log)".to_owned()
                    })?;
                out.push((hash.clone(), overview));
            }
            Ok(out)
        })
    })
}

/// Whether any webhook secret is set (`[webhooks] secret` or a store's own): without
/// one the endpoint is not served.
pub fn webhooks_enabled(config: &Config) -> bool {
    config.webhooks.secret.is_some() || config.stores.iter().any(|s| s.webhook_secret.is_some())
}

pub async fn serve(
    config: &Config,
    metrics: Arc<Metrics>,
    readiness: ReadinessCheck,
    status: StatusSource,
    events: Option<mpsc::Sender<WebhookEvent>>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<(std::net::SocketAddr, JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(config.http.listen)
        .await
        .with_context(|| format!("listening on {}", config.http.listen))?;
    let addr = listener.local_addr()?;
    let webhooks = match events {
        Some(events) if webhooks_enabled(config) => Some(WebhookIntake {
            secret: config.webhooks.secret.clone().unwrap_or_else(|| "".into()),
            store_secrets: config
                .stores
                .iter()
                .filter_map(|s| Some((s.hash.clone(), s.webhook_secret.clone()?)))
                .collect(),
            max_body_bytes: config.webhooks.max_body_bytes,
            stores: config
                .stores
                .iter()
                .map(|s| s.hash.clone())
                .collect::<HashSet<_>>(),
            events,
        }),
        _ => None,
    };
    let router = bcsync_http::router(HttpState {
        metrics,
        readiness,
        webhooks,
        status: Some(status),
    });
    let task = tokio::spawn(bcsync_http::serve(listener, router, stop));
    Ok((addr, task))
}

//! Binds `--listen` and serves the status page `/`, `/healthz`, `/readyz`, `/metrics`
//! and the webhook endpoint until shutdown.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::Context;
use bcsync_config::Config;
use bcsync_http::{HttpState, Metrics, ReadinessCheck, StatusSource, WebhookEvent, WebhookIntake};
use bcsync_store::Store;
use tokio::sync::{OnceCell, mpsc, watch};
use tokio::task::JoinHandle;

/// `/readyz`: the database answers and its schema is this binary's.
pub fn readiness(store: Arc<OnceCell<Store>>) -> ReadinessCheck {
    Arc::new(move || {
        let store = store.clone();
        Box::pin(async move {
            let Some(store) = store.get() else {
                return Err("database not connected yet".to_owned());
            };
            match store.schema_is_current().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("migrations not applied".to_owned()),
                Err(_) => Err("database unreachable".to_owned()),
            }
        })
    })
}

/// `/`: each configured store's overview, read from the database on every request.
pub fn status(store: Arc<OnceCell<Store>>, hashes: Vec<String>) -> StatusSource {
    let hashes = Arc::new(hashes);
    Arc::new(move || {
        let (store, hashes) = (store.clone(), hashes.clone());
        Box::pin(async move {
            let Some(store) = store.get() else {
                return Err("database not connected yet".to_owned());
            };
            let mut out = Vec::with_capacity(hashes.len());
            for hash in hashes.iter() {
                let overview = store
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
    let webhooks = match (&config.webhooks.secret, events) {
        (Some(secret), Some(events)) => Some(WebhookIntake {
            secret: secret.clone(),
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

//! `bcsync run`: the daemon (see `crate::daemon` for its parts).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bcsync_config::Config;
use bcsync_http::Metrics;
use tokio::sync::{OnceCell, mpsc};

use crate::daemon::{notify, retention, shutdown, worker::Worker};
use crate::init;

/// How long stopping may take before the daemon exits anyway: the page in flight
/// commits or rolls back well within it; systemd's TimeoutStopSec and Kubernetes'
/// grace period are longer.
const STOP_BOUND: Duration = Duration::from_secs(20);
/// Webhook events waiting to be published.
const EVENT_QUEUE: usize = 1024;

pub async fn run(config: Config) -> anyhow::Result<()> {
    let stop = shutdown::on_signals();
    let metrics = Metrics::new();
    let store_cell = Arc::new(OnceCell::new());
    let (event_tx, event_rx) = mpsc::channel(EVENT_QUEUE);
    let events = config.webhooks.secret.is_some().then_some(event_tx);
    let (addr, http) = init::http::serve(
        &config,
        metrics.clone(),
        init::http::readiness(store_cell.clone()),
        events,
        stop.clone(),
    )
    .await?;
    tracing::info!(%addr, stores = config.stores.len(), "listening");

    let Some(store) = init::database::connect(&config.database.url, stop.clone()).await else {
        return Ok(());
    };
    let _ = store_cell.set(store.clone());
    notify::notify("READY=1");
    let watchdog = notify::watchdog_interval().map(|every| {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                notify::notify("WATCHDOG=1");
            }
        })
    });

    let holder = holder_id();
    tracing::info!(%holder, "working stores that this replica can lease");
    let mut tasks = Vec::new();
    let mut routes = HashMap::new();
    for cfg in &config.stores {
        let (client, mut opts) = init::stores::build(cfg, Some(&metrics))?;
        opts.replica = Some(holder.clone());
        let (tx, rx) = mpsc::channel(EVENT_QUEUE);
        routes.insert(cfg.hash.clone(), tx);
        let worker = Worker {
            client,
            store: store.clone(),
            opts,
            incremental: cfg.incremental.clone(),
            reconcile: cfg.reconcile.clone(),
            holder: holder.clone(),
            lease_ttl: config.lease.ttl,
            metrics: metrics.clone(),
            events: rx,
            shutdown: stop.clone(),
        };
        tasks.push(tokio::spawn(worker.run()));
    }
    if let Some(keep) = config.change_log.retention {
        tasks.push(tokio::spawn(retention::run(store.clone(), keep, stop.clone())));
    }
    if config.webhooks.secret.is_some() {
        tasks.push(tokio::spawn(init::webhooks::publish(
            store.clone(),
            event_rx,
            stop.clone(),
        )));
        tasks.push(tokio::spawn(init::webhooks::listen(
            store.clone(),
            routes,
            stop.clone(),
        )));
    }

    let mut wait = stop.clone();
    shutdown::requested(&mut wait).await;
    notify::notify("STOPPING=1");
    let all = async {
        for t in tasks {
            let _ = t.await;
        }
        let _ = http.await;
    };
    if tokio::time::timeout(STOP_BOUND, all).await.is_err() {
        tracing::warn!("tasks did not stop within {STOP_BOUND:?}; exiting anyway");
    }
    if let Some(w) = watchdog {
        w.abort();
    }
    tracing::info!("stopped");
    Ok(())
}

/// Who this replica is in `store_leases`: the host (the pod name in Kubernetes), the
/// process and a random part, so a restarted process is a new holder.
fn holder_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "bcsync".to_owned());
    format!("{host}-{}-{:08x}", std::process::id(), rand::random::<u32>())
}

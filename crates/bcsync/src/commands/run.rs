//! `bcsync run`: the daemon (see `crate::daemon` for its parts).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bcsync_config::Config;
use bcsync_http::Metrics;
use tokio::sync::{OnceCell, mpsc};

use crate::daemon::leases::{Keeper, Slot};
use crate::daemon::{gauges, notify, retention, shutdown, worker::Worker};
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
    gauges::configured(&metrics, &config);
    let mirror_cell = Arc::new(OnceCell::new());
    let (event_tx, event_rx) = mpsc::channel(EVENT_QUEUE);
    let events = init::http::webhooks_enabled(&config).then_some(event_tx);
    let (addr, http) = init::http::serve(
        &config,
        metrics.clone(),
        init::http::readiness(mirror_cell.clone()),
        init::http::status(
            mirror_cell.clone(),
            config.stores.iter().map(|s| s.hash.clone()).collect(),
        ),
        events,
        stop.clone(),
    )
    .await?;
    tracing::info!(%addr, stores = config.stores.len(), "listening");

    let Some(mirror) = init::database::connect(&config.database, stop.clone()).await else {
        return Ok(());
    };
    let _ = mirror_cell.set(mirror.clone());
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
    let mut tasks = vec![tokio::spawn(gauges::refresh(
        mirror.clone(),
        metrics.clone(),
        config.stores.iter().map(|s| s.hash.clone()).collect(),
        stop.clone(),
    ))];
    let mut routes = HashMap::new();
    let mut slots = Vec::new();
    for cfg in &config.stores {
        let (client, mut opts) = init::stores::build(cfg, Some(&metrics))?;
        opts.replica = Some(holder.clone());
        let (tx, rx) = mpsc::channel(EVENT_QUEUE);
        routes.insert(cfg.hash.clone(), tx);
        let lease = Slot::new(client.store_hash());
        slots.push(lease.clone());
        let worker = Worker {
            client,
            mirror: mirror.clone(),
            opts,
            incremental: cfg.incremental.clone(),
            reconcile: cfg.reconcile.clone(),
            holder: holder.clone(),
            lease,
            metrics: metrics.clone(),
            events: rx,
            shutdown: stop.clone(),
        };
        tasks.push(tokio::spawn(worker.run()));
    }
    // Renews, claims and hands back on its own schedule, whatever the passes do, and
    // through a pool of its own: passes holding every connection must not delay a
    // renewal past the ttl.
    let keeper_db = bcsync_config::DatabaseConfig {
        // One renewal statement at a time.
        max_connections: 2,
        ..config.database.clone()
    };
    let Some(keeper_mirror) = init::database::connect(&keeper_db, stop.clone()).await else {
        return Ok(());
    };
    tasks.push(tokio::spawn(
        Keeper {
            mirror: keeper_mirror,
            holder: holder.clone(),
            ttl: config.lease.ttl,
            slots: slots.clone(),
            metrics: metrics.clone(),
            shutdown: stop.clone(),
        }
        .run(),
    ));
    if let Some(keep) = config.change_log.retention {
        tasks.push(tokio::spawn(retention::run(mirror.clone(), keep, stop.clone())));
    }
    if init::http::webhooks_enabled(&config) {
        tasks.push(tokio::spawn(init::webhooks::publish(
            mirror.clone(),
            event_rx,
            stop.clone(),
        )));
        tasks.push(tokio::spawn(init::webhooks::listen(
            mirror.clone(),
            routes,
            slots,
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

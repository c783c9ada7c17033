//! Metrics that do not come from a pass: each configured store's series at 0 from
//! startup with its schedule and quota share, and the quarantine gauge, read from the
//! database on a timer (every replica exports it, so it does not depend on who holds
//! the lease).

use std::sync::Arc;
use std::time::Duration;

use bcsync_config::{Config, Schedule};
use bcsync_http::{Metrics, StoreSetup};
use bcsync_mirror::Mirror;
use chrono::Utc;
use tokio::sync::watch;

use crate::daemon::shutdown;

/// How often the quarantine gauge is read: well within a scrape-and-alert cycle.
const REFRESH: Duration = Duration::from_secs(30);

/// Every store's series at 0, and its configuration's gauges.
pub fn configured(metrics: &Metrics, config: &Config) {
    for s in &config.stores {
        metrics.store_configured(&StoreSetup {
            hash: &s.hash,
            quota_share: s.quota_share,
            incremental_interval: interval(&s.incremental),
            reconcile_interval: interval(&s.reconcile),
        });
    }
}

/// The gap between the schedule's next two fires (cron schedules used here are
/// regular, so one gap stands for all); `None` for one that never fires.
fn interval(schedule: &Schedule) -> Option<Duration> {
    let first = schedule.next_after(Utc::now())?;
    let second = schedule.next_after(first)?;
    (second - first).to_std().ok()
}

/// Reads the quarantine counts until shutdown.
pub async fn refresh(
    mirror: Mirror,
    metrics: Arc<Metrics>,
    hashes: Vec<String>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(REFRESH);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = shutdown::requested(&mut stop) => return,
        }
        for hash in &hashes {
            match mirror.quarantine_count(hash).await {
                Ok(n) => metrics.quarantined(hash, n),
                Err(e) => tracing::debug!(store = %hash, error = %e, "cannot read the quarantine count"),
            }
        }
    }
}

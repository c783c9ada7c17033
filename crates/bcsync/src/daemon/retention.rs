//! `[change_log] retention_days`: the daemon prunes `bigcommerce.change_log` rows older
//! than that, at start and then every [`EVERY`], in batches of [`BATCH`] rows (one short
//! transaction each, with a pause between them), so pruning never holds locks long or
//! bloats one transaction. The store records the greatest pruned seq; a loader whose
//! cursor is below it is told to reload (docs/schema.md, "Loading into a warehouse").
//!
//! Every replica runs this: batches of two replicas at once delete disjoint or already
//! deleted rows, and the horizon only moves forward.

use std::time::Duration;

use bcsync_mirror::Mirror;
use tokio::sync::watch;

use super::shutdown;

/// How often to look for rows to prune: retention is counted in days.
pub const EVERY: Duration = Duration::from_secs(3600);
/// Rows per transaction.
pub const BATCH: u32 = 5_000;
/// Between batches, so that syncing passes get the database first.
const PAUSE: Duration = Duration::from_millis(200);

pub async fn run(mirror: Mirror, keep: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        prune(&mirror, keep, &stop).await;
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown::requested(&mut stop) => return,
        }
    }
}

/// Prunes until nothing old enough is left, shutdown is asked for, or an error (logged;
/// the next round tries again).
async fn prune(mirror: &Mirror, keep: Duration, stop: &watch::Receiver<bool>) {
    let mut total = 0u64;
    loop {
        if *stop.borrow() {
            break;
        }
        match mirror.prune_change_log(keep, BATCH).await {
            Ok(n) => {
                total += n;
                if n < u64::from(BATCH) {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "pruning change_log failed; trying again in an hour");
                break;
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
    if total > 0 {
        let horizon = mirror.change_log_horizon().await.unwrap_or_default();
        tracing::info!(
            rows = total,
            horizon,
            retention_days = keep.as_secs() / 86_400,
            "pruned change_log"
        );
    }
}

//! What a finished pass tells the metrics: outcome and duration, rows changed per
//! table, and per resource the last success and the lag behind the API.

use std::time::Duration;

use bcsync_http::Metrics;
use bcsync_mirror::{Mirror, Tally};
use chrono::Utc;

use bcsync_pipeline::{PassReport, Resource, StepStatus};

pub fn pass_done(
    metrics: &Metrics,
    store: &str,
    kind: &str,
    result: &anyhow::Result<PassReport>,
    elapsed: Duration,
) {
    metrics.pass_finished(store, kind, result.is_ok(), elapsed);
    let Ok(report) = result else {
        return;
    };
    let now = Utc::now();
    // Labelled by resource name (`addresses`, as the address sweep's step is), never
    // by table name, so one table has one label.
    let (customers, addresses) = (Resource::Customers.as_str(), Resource::Addresses.as_str());
    rows_written(metrics, store, customers, &report.stats.customers);
    rows_written(metrics, store, addresses, &report.stats.addresses);
    // Everything changed before the pass began is in the mirror: the data is at most
    // this old when the pass ends (and `last_success` shows how long ago that was).
    metrics.resource_synced(store, customers, now, Some(elapsed));
    for step in &report.steps {
        rows_written(metrics, store, step.name, &step.stats);
        if step.status == StepStatus::Succeeded {
            metrics.resource_synced(store, step.name, now, None);
        }
    }
}

/// `bcsync_rows_written_total` of one resource, by operation.
fn rows_written(metrics: &Metrics, store: &str, resource: &str, t: &Tally) {
    for (op, n) in [
        ("insert", t.inserted),
        ("update", t.updated),
        ("delete", t.deleted),
    ] {
        metrics.rows_written(store, resource, op, n);
    }
}

/// After a reconcile pass: each sweep's coverage and the time its cycle has left. A
/// failed read only costs the gauges an update.
pub async fn sweeps_done(metrics: &Metrics, mirror: &Mirror, store_hash: &str) {
    match mirror.sweep_cycles(store_hash).await {
        Ok(cycles) => {
            for c in cycles {
                let left = c.secs_left().map(|s| Duration::from_secs(s.unsigned_abs()));
                metrics.sweep_cycle(store_hash, &c.sweep, c.coverage(), left);
            }
        }
        Err(e) => tracing::warn!(store = %store_hash, error = %e, "reading the sweep cycles for the metrics"),
    }
}

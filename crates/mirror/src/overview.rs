//! Read-only summaries for the daemon's status page and gauges: who holds each
//! store's lease, where each resource stands, the last passes, and how many records
//! sit in quarantine. Counts, names and times only: never a record's content, nor a
//! run's error text (it may quote a field).

use chrono::{DateTime, Utc};

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// One resource's checkpoint (`sync_state`).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceState {
    pub resource: String,
    /// Everything the API changed before this is in the mirror (`None`: not yet synced
    /// from the start, or a resource that keeps no watermark).
    pub watermark: Option<DateTime<Utc>>,
    /// When the checkpoint last moved (database clock).
    pub updated_at: DateTime<Utc>,
}

/// One row of `sync_runs`, without its error text.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub kind: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `succeeded` or `failed`.
    pub outcome: String,
    pub requests: i64,
    pub rows_written: i64,
}

/// What the status page shows of one store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreOverview {
    /// The lease's holder and expiry, if any replica ever held it.
    pub lease: Option<(String, DateTime<Utc>)>,
    pub resources: Vec<ResourceState>,
    /// Newest first.
    pub recent_runs: Vec<RunRow>,
    /// Succeeded runs that ended within the window asked for, oldest first, plus the
    /// last one before it (so the chart's first point has a predecessor).
    pub succeeded: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub quarantined: i64,
    /// The database's clock, so ages on the page are measured against one clock.
    pub now: DateTime<Utc>,
}

impl Mirror {
    /// The status page's data for `store_hash`: the last `runs` passes and the
    /// succeeded runs of the last `hours` hours.
    pub async fn store_overview(
        &self,
        store_hash: &str,
        runs: i64,
        hours: f64,
    ) -> Result<StoreOverview, MirrorError> {
        let lease = self.lease(store_hash).await?;
        let resources = sqlx::query_as::<_, (String, Option<DateTime<Utc>>, DateTime<Utc>)>(
            "SELECT resource, watermark, updated_at FROM bigcommerce.sync_state \
             WHERE store_hash = $1 ORDER BY resource",
        )
        .bind(store_hash)
        .fetch_all(self.pool())
        .await
        .map_err(failed("reading bigcommerce.sync_state"))?
        .into_iter()
        .map(|(resource, watermark, updated_at)| ResourceState {
            resource,
            watermark,
            updated_at,
        })
        .collect();
        let recent_runs =
            sqlx::query_as::<_, (String, DateTime<Utc>, Option<DateTime<Utc>>, String, i64, i64)>(
                "SELECT kind, started_at, finished_at, outcome, requests, rows_written \
             FROM bigcommerce.sync_runs WHERE store_hash = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(store_hash)
            .bind(runs)
            .fetch_all(self.pool())
            .await
            .map_err(failed("reading bigcommerce.sync_runs"))?
            .into_iter()
            .map(
                |(kind, started_at, finished_at, outcome, requests, rows_written)| RunRow {
                    kind,
                    started_at,
                    finished_at,
                    outcome,
                    requests,
                    rows_written,
                },
            )
            .collect();
        // The window's runs and the one before it; capped, so a store with a pass a
        // second cannot make the page slow.
        let succeeded = sqlx::query_as::<_, (DateTime<Utc>, DateTime<Utc>)>(
            "SELECT started_at, finished_at FROM ( \
               SELECT id, started_at, finished_at FROM bigcommerce.sync_runs \
               WHERE store_hash = $1 AND outcome = 'succeeded' AND finished_at IS NOT NULL \
                 AND id >= COALESCE((SELECT max(id) FROM bigcommerce.sync_runs \
                   WHERE store_hash = $1 AND outcome = 'succeeded' \
                     AND finished_at < now() - make_interval(secs => $2)), 0) \
               ORDER BY id DESC LIMIT 2000) AS w ORDER BY id",
        )
        .bind(store_hash)
        .bind(hours * 3600.0)
        .fetch_all(self.pool())
        .await
        .map_err(failed("reading bigcommerce.sync_runs"))?;
        let (quarantined, now) = sqlx::query_as::<_, (i64, DateTime<Utc>)>(
            "SELECT count(*), now() FROM bigcommerce.quarantine WHERE store_hash = $1",
        )
        .bind(store_hash)
        .fetch_one(self.pool())
        .await
        .map_err(failed("counting bigcommerce.quarantine"))?;
        Ok(StoreOverview {
            lease,
            resources,
            recent_runs,
            succeeded,
            quarantined,
            now,
        })
    }

    /// Records in quarantine for `store_hash`.
    pub async fn quarantine_count(&self, store_hash: &str) -> Result<i64, MirrorError> {
        sqlx::query_scalar("SELECT count(*) FROM bigcommerce.quarantine WHERE store_hash = $1")
            .bind(store_hash)
            .fetch_one(self.pool())
            .await
            .map_err(failed("counting bigcommerce.quarantine"))
    }
}

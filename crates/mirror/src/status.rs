//! What `bcsync status` reports about one store: the passes of `sync_runs`, each
//! resource's freshness (from the per-resource `status` the passes record in
//! `sync_runs.details`), `sync_state` and the row counts of every mirror table.
//!
//! A resource's freshness is the start of the latest pass that read it successfully:
//! everything BigCommerce changed before that moment is in the mirror (modulo the API's
//! own delay). Only the latest [`RECENT_RUNS`] finished passes are looked at, so the
//! cost stays flat as `sync_runs` grows; a resource with no success among them has no
//! freshness at all.

use chrono::{DateTime, Utc};

use crate::error::failed;
use crate::{Mirror, MirrorError, Resource};

/// Finished passes looked at for freshness.
pub const RECENT_RUNS: i64 = 200;

/// The mirror tables, in the order `bcsync status` lists them: one per [`Resource`].
pub const MIRROR_TABLES: [&str; Resource::ALL.len()] = {
    let mut tables = [""; Resource::ALL.len()];
    let mut i = 0;
    while i < tables.len() {
        tables[i] = Resource::ALL[i].table();
        i += 1;
    }
    tables
};

/// One pass (a `sync_runs` row).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PassRow {
    pub kind: String,
    pub outcome: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub requests: i64,
}

/// One resource's freshness, as the passes recorded it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResourceFreshness {
    /// The key in `sync_runs.details`: `customers` (with addresses), `attributes`, ...
    pub resource: String,
    /// Its status in the latest finished pass that mentions it: succeeded, failed, skipped.
    pub last_status: String,
    /// Why it failed or was skipped, then.
    pub last_reason: Option<String>,
    /// Start of the latest pass that read it successfully.
    pub last_success_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SyncStateRow {
    pub resource: String,
    pub watermark: Option<DateTime<Utc>>,
    pub position: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct TableCounts {
    pub table: &'static str,
    pub live: i64,
    pub deleted: i64,
    pub last_change_at: Option<DateTime<Utc>>,
}

/// Everything `bcsync status` shows for a store, read from the database's tables.
#[derive(Debug, Clone)]
pub struct StoreStatus {
    /// The database's clock when read: lags are measured against it.
    pub now: DateTime<Utc>,
    /// The latest pass of each kind (running ones included).
    pub latest_by_kind: Vec<PassRow>,
    /// The latest finished pass of any kind.
    pub last_finished: Option<PassRow>,
    /// Start of the latest pass that succeeded as a whole.
    pub last_success_at: Option<DateTime<Utc>>,
    /// When each resource was last read, so `status` can say which one lags.
    pub resources: Vec<ResourceFreshness>,
    /// Watermarks and sweep positions, for the operator wondering where a pass resumes.
    pub sync_state: Vec<SyncStateRow>,
    /// Live and soft-deleted rows per table: what the warehouse will see.
    pub tables: Vec<TableCounts>,
    /// Each sweep's current cycle (empty before the first reconcile pass).
    pub sweeps: Vec<crate::SweepCycle>,
}

const LATEST_BY_KIND: &str = "SELECT DISTINCT ON (kind) kind, outcome, started_at, finished_at, error, requests \
     FROM bigcommerce.sync_runs WHERE store_hash = $1 ORDER BY kind, started_at DESC";

const LAST_FINISHED: &str = "SELECT kind, outcome, started_at, finished_at, error, requests \
     FROM bigcommerce.sync_runs WHERE store_hash = $1 AND outcome <> 'running' \
     ORDER BY started_at DESC LIMIT 1";

const LAST_SUCCESS: &str = "SELECT max(started_at) FROM (SELECT started_at, outcome FROM bigcommerce.sync_runs \
     WHERE store_hash = $1 AND outcome <> 'running' ORDER BY started_at DESC LIMIT $2) r \
     WHERE outcome = 'succeeded'";

const RESOURCES: &str = r#"
WITH recent AS (
    SELECT started_at, details FROM bigcommerce.sync_runs
    WHERE store_hash = $1 AND outcome <> 'running'
    ORDER BY started_at DESC
    LIMIT $2
), per AS (
    SELECT r.started_at, d.key AS resource, d.value->>'status' AS status, d.value->>'reason' AS reason
    FROM recent r, jsonb_each(r.details) d
    WHERE jsonb_typeof(d.value) = 'object' AND d.value ? 'status'
)
SELECT resource,
    (array_agg(status ORDER BY started_at DESC))[1] AS last_status,
    (array_agg(reason ORDER BY started_at DESC))[1] AS last_reason,
    max(started_at) FILTER (WHERE status = 'succeeded') AS last_success_at
FROM per
GROUP BY resource
ORDER BY resource
"#;

const SYNC_STATE: &str = "SELECT resource, watermark, position, updated_at FROM bigcommerce.sync_state \
     WHERE store_hash = $1 ORDER BY resource";

impl Mirror {
    /// See the module documentation.
    pub async fn status(&self, store_hash: &str) -> Result<StoreStatus, MirrorError> {
        let pool = self.pool();
        let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()")
            .fetch_one(pool)
            .await
            .map_err(failed("reading the database clock"))?;
        let latest_by_kind = sqlx::query_as(LATEST_BY_KIND)
            .bind(store_hash)
            .fetch_all(pool)
            .await
            .map_err(failed("reading the latest passes from bigcommerce.sync_runs"))?;
        let last_finished = sqlx::query_as(LAST_FINISHED)
            .bind(store_hash)
            .fetch_optional(pool)
            .await
            .map_err(failed(
                "reading the last finished pass from bigcommerce.sync_runs",
            ))?;
        let last_success_at = sqlx::query_scalar(LAST_SUCCESS)
            .bind(store_hash)
            .bind(RECENT_RUNS)
            .fetch_one(pool)
            .await
            .map_err(failed(
                "reading the last successful pass from bigcommerce.sync_runs",
            ))?;
        let resources = sqlx::query_as(RESOURCES)
            .bind(store_hash)
            .bind(RECENT_RUNS)
            .fetch_all(pool)
            .await
            .map_err(failed("reading resource freshness from bigcommerce.sync_runs"))?;
        let sync_state = sqlx::query_as(SYNC_STATE)
            .bind(store_hash)
            .fetch_all(pool)
            .await
            .map_err(failed("reading bigcommerce.sync_state"))?;
        let mut tables = Vec::with_capacity(MIRROR_TABLES.len());
        for table in MIRROR_TABLES {
            // Table names come from the constant list above, never from input.
            let sql = format!(
                "SELECT count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL), \
                 max(synced_at) FROM bigcommerce.{table} WHERE store_hash = $1"
            );
            let (live, deleted, last_change_at) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(store_hash)
                .fetch_one(pool)
                .await
                .map_err(failed("counting the rows of a mirror table"))?;
            tables.push(TableCounts {
                table,
                live,
                deleted,
                last_change_at,
            });
        }
        Ok(StoreStatus {
            now,
            latest_by_kind,
            last_finished,
            last_success_at,
            resources,
            sync_state,
            tables,
            sweeps: self.sweep_cycles(store_hash).await?,
        })
    }
}

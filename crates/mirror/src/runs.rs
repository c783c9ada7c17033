//! `bigcommerce.sync_runs`: one row per pass, opened as `running` and closed with its
//! outcome and counts, so an operator can see what each pass did (and which one died:
//! a row left `running` by a process that no longer exists).

use chrono::{DateTime, Utc};

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// How a run ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    #[default]
    Succeeded,
    Failed,
}

impl RunOutcome {
    /// The value stored in `sync_runs.outcome` (besides `running`, which only
    /// [`Mirror::start_run`] writes).
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Succeeded => "succeeded",
            RunOutcome::Failed => "failed",
        }
    }
}

/// What [`Mirror::finish_run`] records.
#[derive(Debug, Default, Clone)]
pub struct RunSummary {
    pub outcome: RunOutcome,
    pub error: Option<String>,
    pub rows_read: u64,
    pub rows_written: u64,
    pub rows_deleted: u64,
    pub requests: u64,
    /// Per-resource counts, free form. `Null` is stored as `{}`.
    pub details: serde_json::Value,
}

impl Mirror {
    /// Opens a run (`outcome = 'running'`, counts at zero) and returns its id.
    /// `kind` is free text: `sync`, `resync`, ...
    pub async fn start_run(&self, store_hash: &str, kind: &str) -> Result<i64, MirrorError> {
        sqlx::query_scalar(
            "INSERT INTO bigcommerce.sync_runs (store_hash, kind, started_at, outcome) \
             VALUES ($1, $2, now(), 'running') RETURNING id",
        )
        .bind(store_hash)
        .bind(kind)
        .fetch_one(self.pool())
        .await
        .map_err(failed("starting a run in bigcommerce.sync_runs"))
    }

    /// Closes a run with its outcome and counts.
    pub async fn finish_run(&self, run_id: i64, summary: &RunSummary) -> Result<(), MirrorError> {
        let done = sqlx::query(
            "UPDATE bigcommerce.sync_runs SET finished_at = now(), outcome = $2, error = $3, \
             rows_read = $4, rows_written = $5, rows_deleted = $6, requests = $7, details = $8 \
             WHERE id = $1",
        )
        .bind(run_id)
        .bind(summary.outcome.as_str())
        .bind(summary.error.as_deref())
        .bind(count(summary.rows_read))
        .bind(count(summary.rows_written))
        .bind(count(summary.rows_deleted))
        .bind(count(summary.requests))
        .bind(details(summary))
        .execute(self.pool())
        .await
        .map_err(failed("finishing a run in bigcommerce.sync_runs"))?;
        if done.rows_affected() == 0 {
            return Err(MirrorError::RunNotFound { run_id });
        }
        Ok(())
    }

    /// Records a whole run at once, when it is over (`finished_at` is now), and returns
    /// its id. For callers that only write the journal at the end; a run that dies
    /// before then leaves no row (use [`Mirror::start_run`] to leave a `running` one).
    pub async fn record_run(
        &self,
        store_hash: &str,
        kind: &str,
        started_at: DateTime<Utc>,
        summary: &RunSummary,
    ) -> Result<i64, MirrorError> {
        sqlx::query_scalar(
            "INSERT INTO bigcommerce.sync_runs (store_hash, kind, started_at, finished_at, outcome, error, \
             rows_read, rows_written, rows_deleted, requests, details) \
             VALUES ($1, $2, $3, now(), $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(store_hash)
        .bind(kind)
        .bind(started_at)
        .bind(summary.outcome.as_str())
        .bind(summary.error.as_deref())
        .bind(count(summary.rows_read))
        .bind(count(summary.rows_written))
        .bind(count(summary.rows_deleted))
        .bind(count(summary.requests))
        .bind(details(summary))
        .fetch_one(self.pool())
        .await
        .map_err(failed("recording a run in bigcommerce.sync_runs"))
    }
}

fn details(summary: &RunSummary) -> serde_json::Value {
    match &summary.details {
        serde_json::Value::Null => serde_json::json!({}),
        other => other.clone(),
    }
}

/// `bigint` is signed; a count past i64::MAX is not a thing, but saturate rather than wrap.
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

//! Retention of `bigcommerce.change_log` and the feed's horizon.
//!
//! Pruning removes the oldest rows (a prefix in `seq` order, stopping at the first row
//! younger than the cutoff), one small batch per transaction so that it never holds many
//! row locks or a long transaction, and records the greatest seq it removed in
//! `bigcommerce.change_log_horizon`; `bigcommerce.changes_after` refuses a cursor below
//! it (SQLSTATE BC410), telling the loader to reload from the tables. Only rows at or
//! below `bigcommerce.changes_head()` are pruned: those are final, so no change can ever
//! commit below the horizon. The cutoff is the database's clock, as `changed_at` is.

use std::time::Duration;

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// One batch, one statement: the batch (oldest rows first), the rows of it old enough,
/// their deletion and the horizon move all commit together.
const PRUNE: &str = r#"
WITH batch AS (
    SELECT seq, changed_at FROM bigcommerce.change_log
    WHERE seq <= bigcommerce.changes_head()
    ORDER BY seq
    LIMIT $2
), young AS (
    SELECT min(seq) AS seq FROM batch WHERE changed_at >= now() - make_interval(secs => $1::float8)
), doomed AS (
    DELETE FROM bigcommerce.change_log c
    USING batch b
    WHERE c.seq = b.seq AND b.seq < coalesce((SELECT seq FROM young), 9223372036854775807)
    RETURNING c.seq
), moved AS (
    UPDATE bigcommerce.change_log_horizon
    SET pruned_through = greatest(pruned_through, (SELECT max(seq) FROM doomed)), pruned_at = now()
    WHERE EXISTS (SELECT 1 FROM doomed)
)
SELECT count(*) FROM doomed
"#;

impl Mirror {
    /// Deletes at most `batch` of the oldest `change_log` rows changed more than
    /// `older_than` ago (database clock) and moves the horizon past them. Returns how
    /// many were deleted: fewer than `batch` means nothing old enough is left.
    pub async fn prune_change_log(&self, older_than: Duration, batch: u32) -> Result<u64, MirrorError> {
        let deleted: i64 = sqlx::query_scalar(PRUNE)
            .bind(older_than.as_secs_f64())
            .bind(i64::from(batch))
            .fetch_one(self.pool())
            .await
            .map_err(failed("pruning bigcommerce.change_log"))?;
        Ok(u64::try_from(deleted).unwrap_or(0))
    }

    /// The greatest seq retention has pruned (0: none): a loader cursor below it is refused.
    pub async fn change_log_horizon(&self) -> Result<i64, MirrorError> {
        sqlx::query_scalar("SELECT pruned_through FROM bigcommerce.change_log_horizon")
            .fetch_one(self.pool())
            .await
            .map_err(failed("reading bigcommerce.change_log_horizon"))
    }
}

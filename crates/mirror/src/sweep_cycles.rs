//! `bigcommerce.sweep_cycles`: how far each sweep's current cycle got, what the plan
//! reads per pass, and when the last cycle ended. The reconciler records a sweep step
//! here; `bcsync status`, the status page and the metrics read the coverage back.

use chrono::{DateTime, Utc};

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// What one sweep step did, and the plan it followed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepProgress<'a> {
    /// `customers`, `addresses`, `metafields` or `per_customer`.
    pub sweep: &'a str,
    /// Items re-checked by this step.
    pub items: u64,
    /// The step reached the end of the listing: the cycle is complete and the next
    /// step starts a new one.
    pub wrapped: bool,
    /// Items the plan reads per pass, and what it was sized from.
    pub per_pass: u64,
    pub interval_secs: u64,
    pub within_secs: u64,
    pub capped: bool,
}

/// One sweep's cycle as stored, with the mirror's count of what it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepCycle {
    pub sweep: String,
    pub covered: i64,
    /// Live rows the sweep covers (customers for `customers` and `per_customer`).
    pub total: i64,
    pub cycle_started_at: DateTime<Utc>,
    pub per_pass: i64,
    pub interval_secs: i64,
    pub within_secs: i64,
    pub capped: bool,
    pub last_completed_at: Option<DateTime<Utc>>,
    pub last_cycle_secs: Option<f64>,
}

impl SweepCycle {
    /// Share of the live rows re-checked in the current cycle, 0 to 1.
    pub fn coverage(&self) -> f64 {
        if self.total <= 0 {
            return 1.0;
        }
        (self.covered as f64 / self.total as f64).clamp(0.0, 1.0)
    }

    /// Passes until the current cycle completes at the plan's pace (`None`: the plan
    /// reads nothing).
    pub fn passes_left(&self) -> Option<i64> {
        let left = (self.total - self.covered).max(0);
        if left == 0 {
            return Some(0);
        }
        (self.per_pass > 0).then(|| (left + self.per_pass - 1) / self.per_pass)
    }

    /// Seconds until the current cycle completes (one reconcile interval per pass).
    pub fn secs_left(&self) -> Option<i64> {
        self.passes_left().map(|p| p * self.interval_secs)
    }

    /// Whether a whole cycle at this pace (one pass per interval) takes longer than
    /// the bound allows.
    pub fn misses_bound(&self) -> bool {
        if self.total <= 0 {
            return false;
        }
        if self.per_pass <= 0 {
            return true;
        }
        let passes = (self.total + self.per_pass - 1) / self.per_pass;
        passes.saturating_mul(self.interval_secs) > self.within_secs
    }
}

/// A completed cycle resets `covered` (everything after the wrap belongs to the next
/// one); a step that did not wrap adds to it.
const RECORD: &str = r#"
INSERT INTO bigcommerce.sweep_cycles AS s (store_hash, sweep, covered, per_pass, interval_secs,
    within_secs, capped, last_completed_at, last_cycle_secs, cycle_started_at, updated_at)
VALUES ($1, $2, CASE WHEN $4 THEN 0 ELSE $3 END, $5, $6, $7, $8,
    CASE WHEN $4 THEN now() END, NULL, now(), now())
ON CONFLICT (store_hash, sweep) DO UPDATE SET
    covered = CASE WHEN $4 THEN 0 ELSE s.covered + $3 END,
    per_pass = $5, interval_secs = $6, within_secs = $7, capped = $8,
    last_completed_at = CASE WHEN $4 THEN now() ELSE s.last_completed_at END,
    last_cycle_secs = CASE WHEN $4 THEN extract(epoch FROM now() - s.cycle_started_at)::float8
        ELSE s.last_cycle_secs END,
    cycle_started_at = CASE WHEN $4 THEN now() ELSE s.cycle_started_at END,
    updated_at = now()
"#;

/// Live rows per sweep: customers for the customer and per-customer sweeps.
const CYCLES: &str = r#"
WITH totals AS (
    SELECT 'customers' AS sweep, count(*) AS total FROM bigcommerce.customers
        WHERE store_hash = $1 AND deleted_at IS NULL
    UNION ALL SELECT 'per_customer', count(*) FROM bigcommerce.customers
        WHERE store_hash = $1 AND deleted_at IS NULL
    UNION ALL SELECT 'addresses', count(*) FROM bigcommerce.customer_addresses
        WHERE store_hash = $1 AND deleted_at IS NULL
    UNION ALL SELECT 'metafields', count(*) FROM bigcommerce.customer_metafields
        WHERE store_hash = $1 AND deleted_at IS NULL
)
SELECT s.sweep, s.covered, t.total, s.cycle_started_at, s.per_pass, s.interval_secs, s.within_secs,
    s.capped, s.last_completed_at, s.last_cycle_secs
FROM bigcommerce.sweep_cycles s JOIN totals t USING (sweep)
WHERE s.store_hash = $1
ORDER BY array_position(ARRAY['customers', 'addresses', 'metafields', 'per_customer'], s.sweep)
"#;

type CycleRow = (
    String,
    i64,
    i64,
    DateTime<Utc>,
    i64,
    i64,
    i64,
    bool,
    Option<DateTime<Utc>>,
    Option<f64>,
);

impl Mirror {
    /// Records a sweep step (fenced like every write of a pass).
    pub async fn record_sweep(&self, store_hash: &str, p: &SweepProgress<'_>) -> Result<(), MirrorError> {
        const WHAT: &str = "recording a sweep step in bigcommerce.sweep_cycles";
        let mut tx = self.begin_write(WHAT).await?;
        let num = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        sqlx::query(RECORD)
            .bind(store_hash)
            .bind(p.sweep)
            .bind(num(p.items))
            .bind(p.wrapped)
            .bind(num(p.per_pass))
            .bind(num(p.interval_secs))
            .bind(num(p.within_secs))
            .bind(p.capped)
            .execute(&mut *tx)
            .await
            .map_err(failed(WHAT))?;
        tx.commit().await.map_err(failed(WHAT))
    }

    /// Every sweep's cycle for the store, in a fixed order; empty before the first
    /// reconcile pass.
    pub async fn sweep_cycles(&self, store_hash: &str) -> Result<Vec<SweepCycle>, MirrorError> {
        let rows: Vec<CycleRow> = sqlx::query_as(CYCLES)
            .bind(store_hash)
            .fetch_all(self.pool())
            .await
            .map_err(failed("reading bigcommerce.sweep_cycles"))?;
        Ok(rows
            .into_iter()
            .map(|r| SweepCycle {
                sweep: r.0,
                covered: r.1,
                total: r.2,
                cycle_started_at: r.3,
                per_pass: r.4,
                interval_secs: r.5,
                within_secs: r.6,
                capped: r.7,
                last_completed_at: r.8,
                last_cycle_secs: r.9,
            })
            .collect())
    }

    /// Whether the sweep ever completed a cycle (the per-customer resources fill
    /// faster until then: the mirror lacks them rather than holding stale rows).
    pub async fn sweep_ever_completed(&self, store_hash: &str, sweep: &str) -> Result<bool, MirrorError> {
        let done: Option<bool> = sqlx::query_scalar(
            "SELECT last_completed_at IS NOT NULL FROM bigcommerce.sweep_cycles \
             WHERE store_hash = $1 AND sweep = $2",
        )
        .bind(store_hash)
        .bind(sweep)
        .fetch_optional(self.pool())
        .await
        .map_err(failed("reading bigcommerce.sweep_cycles"))?;
        Ok(done.unwrap_or(false))
    }

    /// Live metafields: what [`Mirror::sweep_sizes`] counts when the customers and
    /// addresses are known (a resync has just read them all).
    pub async fn live_metafields(&self, store_hash: &str) -> Result<u64, MirrorError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM bigcommerce.customer_metafields WHERE store_hash = $1 AND deleted_at IS NULL",
        )
        .bind(store_hash)
        .fetch_one(self.pool())
        .await
        .map_err(failed("counting the live rows of bigcommerce.customer_metafields"))?;
        Ok(n.unsigned_abs())
    }

    /// Live rows of what the sweeps cover: customers, addresses, metafields.
    pub async fn sweep_sizes(&self, store_hash: &str) -> Result<(u64, u64, u64), MirrorError> {
        let (c, a, m): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM bigcommerce.customers WHERE store_hash = $1 AND deleted_at IS NULL), \
                    (SELECT count(*) FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND deleted_at IS NULL), \
                    (SELECT count(*) FROM bigcommerce.customer_metafields WHERE store_hash = $1 AND deleted_at IS NULL)",
        )
        .bind(store_hash)
        .fetch_one(self.pool())
        .await
        .map_err(failed("counting the rows the sweeps cover"))?;
        Ok((c.unsigned_abs(), a.unsigned_abs(), m.unsigned_abs()))
    }
}

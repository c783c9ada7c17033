//! Store leases: which daemon replica syncs which store (`bigcommerce.store_leases`).
//!
//! A replica syncs a store only while it holds the lease and renews it well before it
//! expires; one that dies loses it at expiry. Every time is the database's (`now()`),
//! never the replica's, so replicas with skewed clocks agree on who holds what.
//! Each change of holder draws a new `epoch` (the fencing token that `fence.rs` checks
//! in every page's transaction) from the sequence `bigcommerce.lease_epochs`.
//! Who is alive to share the stores is `replicas.rs`.

use chrono::{DateTime, Utc};

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// One statement, so two replicas racing for a free store cannot both win: the loser's
/// insert conflicts and its update is filtered out by the `WHERE` (the row it sees is
/// the winner's, live and someone else's). A renewal keeps `acquired_at` and `epoch`.
const CLAIM: &str = r#"
INSERT INTO bigcommerce.store_leases AS l (store_hash, holder, acquired_at, expires_at, epoch)
VALUES ($1, $2, now(), now() + make_interval(secs => $3::float8), nextval('bigcommerce.lease_epochs'))
ON CONFLICT (store_hash) DO UPDATE SET
    holder = EXCLUDED.holder,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now()
        THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
    epoch = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now()
        THEN l.epoch ELSE EXCLUDED.epoch END,
    expires_at = EXCLUDED.expires_at
WHERE l.expires_at <= now() OR l.holder = EXCLUDED.holder
RETURNING holder
"#;

/// Up to `$4` of the stores `$1` that nobody holds (no row, or expired), taken for `$2`
/// in one statement. The candidates are shuffled so replicas claiming at the same
/// moment mostly ask for different stores; where they do ask for the same one, the
/// conflict waits for the other's commit and the `WHERE` then sees it live.
const CLAIM_FREE: &str = r#"
WITH free AS (
    SELECT h.store_hash
    FROM unnest($1::text[]) AS h(store_hash)
    LEFT JOIN bigcommerce.store_leases l USING (store_hash)
    WHERE l.store_hash IS NULL OR l.expires_at <= now()
    ORDER BY random()
    LIMIT $4
)
INSERT INTO bigcommerce.store_leases AS l (store_hash, holder, acquired_at, expires_at, epoch)
SELECT store_hash, $2, now(), now() + make_interval(secs => $3::float8), nextval('bigcommerce.lease_epochs')
FROM free
-- Chosen at random, written in key order: replicas claiming at once then wait on each
-- other's rows in one order, never in a cycle (a deadlock otherwise, 40P01).
ORDER BY store_hash
ON CONFLICT (store_hash) DO UPDATE SET
    holder = EXCLUDED.holder,
    acquired_at = EXCLUDED.acquired_at,
    epoch = EXCLUDED.epoch,
    expires_at = EXCLUDED.expires_at
WHERE l.expires_at <= now()
RETURNING store_hash, epoch
"#;

/// Extends the leases `$1` still holds live; an expired one is not renewed (it must be
/// claimed again, under a new epoch), nor one another replica took.
const RENEW: &str = r#"
UPDATE bigcommerce.store_leases
SET expires_at = now() + make_interval(secs => $3::float8)
WHERE holder = $1 AND store_hash = ANY($2) AND expires_at > now()
RETURNING store_hash, epoch
"#;

/// A lease this replica holds, with the epoch it was claimed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLease {
    pub store_hash: String,
    pub epoch: i64,
}

impl Mirror {
    /// Claims the store for `holder` for `ttl` if it is free, expired, or already held by `holder` (then renews). Returns true when `holder` holds it afterwards. Uses the database clock (now()), never the local one, so replicas with skewed clocks agree.
    pub async fn claim_lease(
        &self,
        store_hash: &str,
        holder: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, MirrorError> {
        let won: Option<String> = sqlx::query_scalar(CLAIM)
            .bind(store_hash)
            .bind(holder)
            .bind(ttl.as_secs_f64())
            .fetch_optional(self.pool())
            .await
            .map_err(failed("claiming a lease in bigcommerce.store_leases"))?;
        Ok(won.as_deref() == Some(holder))
    }

    /// Claims at most `limit` of `stores` that nobody holds; returns those now held.
    pub async fn claim_free_leases(
        &self,
        stores: &[String],
        holder: &str,
        ttl: std::time::Duration,
        limit: usize,
    ) -> Result<Vec<HeldLease>, MirrorError> {
        if limit == 0 || stores.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, i64)> = sqlx::query_as(CLAIM_FREE)
            .bind(stores)
            .bind(holder)
            .bind(ttl.as_secs_f64())
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await
            .map_err(failed("claiming free leases in bigcommerce.store_leases"))?;
        Ok(rows.into_iter().map(held).collect())
    }

    /// Renews those of `stores` that `holder` still holds; the ones missing from the
    /// answer are lost (expired, or taken by another replica).
    pub async fn renew_leases(
        &self,
        stores: &[String],
        holder: &str,
        ttl: std::time::Duration,
    ) -> Result<Vec<HeldLease>, MirrorError> {
        if stores.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, i64)> = sqlx::query_as(RENEW)
            .bind(holder)
            .bind(stores)
            .bind(ttl.as_secs_f64())
            .fetch_all(self.pool())
            .await
            .map_err(failed("renewing leases in bigcommerce.store_leases"))?;
        Ok(rows.into_iter().map(held).collect())
    }

    /// Releases it if held by `holder` (on shutdown, or handing a surplus store back),
    /// so another replica can take it at once. A page of this holder still committing
    /// holds the row (`FOR SHARE`), so the release waits for it.
    pub async fn release_lease(&self, store_hash: &str, holder: &str) -> Result<(), MirrorError> {
        sqlx::query("DELETE FROM bigcommerce.store_leases WHERE store_hash = $1 AND holder = $2")
            .bind(store_hash)
            .bind(holder)
            .execute(self.pool())
            .await
            .map_err(failed("releasing a lease in bigcommerce.store_leases"))?;
        Ok(())
    }

    /// Current holder and expiry, for `bcsync status`. The row stays after expiry
    /// until someone else claims it: an expiry in the past means nobody holds it.
    pub async fn lease(&self, store_hash: &str) -> Result<Option<(String, DateTime<Utc>)>, MirrorError> {
        sqlx::query_as("SELECT holder, expires_at FROM bigcommerce.store_leases WHERE store_hash = $1")
            .bind(store_hash)
            .fetch_optional(self.pool())
            .await
            .map_err(failed("reading a lease from bigcommerce.store_leases"))
    }

    /// The live holder of the store and its epoch, if anyone holds it.
    pub async fn lease_epoch(&self, store_hash: &str) -> Result<Option<HeldBy>, MirrorError> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT holder, epoch FROM bigcommerce.store_leases WHERE store_hash = $1 AND expires_at > now()",
        )
        .bind(store_hash)
        .fetch_optional(self.pool())
        .await
        .map_err(failed("reading a lease from bigcommerce.store_leases"))?;
        Ok(row.map(|(holder, epoch)| HeldBy { holder, epoch }))
    }
}

/// Who holds a store, under which epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBy {
    pub holder: String,
    pub epoch: i64,
}

fn held((store_hash, epoch): (String, i64)) -> HeldLease {
    HeldLease { store_hash, epoch }
}

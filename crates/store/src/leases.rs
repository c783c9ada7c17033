//! Store leases: which daemon replica syncs which store (`bigcommerce.store_leases`).
//!
//! A replica syncs a store only while it holds the lease and renews it well before it
//! expires; one that dies loses it at expiry. Every time is the database's (`now()`),
//! never the replica's, so replicas with skewed clocks agree on who holds what.

use chrono::{DateTime, Utc};

use crate::error::failed;
use crate::{Store, StoreError};

/// One statement, so two replicas racing for a free store cannot both win: the loser's
/// insert conflicts and its update is filtered out by the `WHERE` (the row it sees is
/// the winner's, live and someone else's). A renewal keeps `acquired_at`.
const CLAIM: &str = r#"
INSERT INTO bigcommerce.store_leases AS l (store_hash, holder, acquired_at, expires_at)
VALUES ($1, $2, now(), now() + make_interval(secs => $3::float8))
ON CONFLICT (store_hash) DO UPDATE SET
    holder = EXCLUDED.holder,
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at >= now()
        THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
    expires_at = EXCLUDED.expires_at
WHERE l.expires_at < now() OR l.holder = EXCLUDED.holder
RETURNING holder
"#;

impl Store {
    /// Claims the store for `holder` for `ttl` if it is free, expired, or already held by `holder` (then renews). Returns true when `holder` holds it afterwards. Uses the database clock (now()), never the local one, so replicas with skewed clocks agree.
    pub async fn claim_lease(
        &self,
        store_hash: &str,
        holder: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, StoreError> {
        let won: Option<String> = sqlx::query_scalar(CLAIM)
            .bind(store_hash)
            .bind(holder)
            .bind(ttl.as_secs_f64())
            .fetch_optional(self.pool())
            .await
            .map_err(failed("claiming a lease in bigcommerce.store_leases"))?;
        Ok(won.as_deref() == Some(holder))
    }

    /// Releases it if held by `holder` (on shutdown), so another replica can take it at once.
    pub async fn release_lease(&self, store_hash: &str, holder: &str) -> Result<(), StoreError> {
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
    pub async fn lease(&self, store_hash: &str) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        sqlx::query_as("SELECT holder, expires_at FROM bigcommerce.store_leases WHERE store_hash = $1")
            .bind(store_hash)
            .fetch_optional(self.pool())
            .await
            .map_err(failed("reading a lease from bigcommerce.store_leases"))
    }
}

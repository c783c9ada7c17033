//! Reads and the soft delete behind address deletes on proof: the mirror's live
//! addresses that a listing's answer lacked are candidates, and only those a lookup by
//! id proved gone are marked (see `bcsync_poller::proof`).

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// Logged like every soft delete of an address.
const MARK_DELETED: &str = r#"
WITH deleted AS (
    UPDATE bigcommerce.customer_addresses
    SET deleted_at = now(), synced_at = now()
    WHERE store_hash = $1 AND deleted_at IS NULL AND id = ANY($2::bigint[])
    RETURNING id
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, 'customer_addresses', id::text, 'delete' FROM deleted
)
SELECT count(*) FROM deleted
"#;

impl Mirror {
    /// The live addresses of these customers: `(address id, customer id)`.
    pub async fn live_addresses_of(
        &self,
        store_hash: &str,
        customers: &[i64],
    ) -> Result<Vec<(i64, i64)>, MirrorError> {
        if customers.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query_as(
            "SELECT id, customer_id FROM bigcommerce.customer_addresses \
             WHERE store_hash = $1 AND customer_id = ANY($2::bigint[]) AND deleted_at IS NULL",
        )
        .bind(store_hash)
        .bind(customers)
        .fetch_all(self.pool())
        .await
        .map_err(failed(
            "reading live addresses of customers from bigcommerce.customer_addresses",
        ))
    }

    /// Up to `limit` live address ids within `lo..=hi` (inclusive) that are not in
    /// `keep`, ascending.
    pub async fn live_address_ids_in_range_except(
        &self,
        store_hash: &str,
        (lo, hi): (i64, i64),
        keep: &[i64],
        limit: i64,
    ) -> Result<Vec<i64>, MirrorError> {
        if lo > hi {
            return Ok(Vec::new());
        }
        sqlx::query_scalar(
            "SELECT id FROM bigcommerce.customer_addresses \
             WHERE store_hash = $1 AND deleted_at IS NULL AND id >= $2 AND id <= $3 \
               AND id <> ALL($4::bigint[]) ORDER BY id LIMIT $5",
        )
        .bind(store_hash)
        .bind(lo)
        .bind(hi)
        .bind(keep)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(failed(
            "reading address ids in a range from bigcommerce.customer_addresses",
        ))
    }

    /// Soft-deletes these addresses (live ones only), logged in `change_log`; returns
    /// how many were marked.
    pub async fn mark_addresses_deleted(&self, store_hash: &str, ids: &[i64]) -> Result<u64, MirrorError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let n: i64 = sqlx::query_scalar(MARK_DELETED)
            .bind(store_hash)
            .bind(ids)
            .fetch_one(self.pool())
            .await
            .map_err(failed(
                "soft delete of addresses proven gone in bigcommerce.customer_addresses",
            ))?;
        Ok(n.unsigned_abs())
    }
}

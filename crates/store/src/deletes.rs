//! Deletions found by a resync, and live-row counts.

use crate::error::failed;
use crate::{Store, StoreError};

/// A mirror table, for [`Store::count_live`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Customers,
    CustomerAddresses,
}

impl Table {
    /// The qualified table name.
    pub fn name(self) -> &'static str {
        match self {
            Table::Customers => "bigcommerce.customers",
            Table::CustomerAddresses => "bigcommerce.customer_addresses",
        }
    }
}

/// `NOT EXISTS` over the unnested array rather than `id <> ALL($2)`: with a million ids
/// `<> ALL` may compare every row against every id, while this plans as a hash (or
/// merge) anti-join. The addresses of the customers marked go with them, in the same
/// statement and so the same transaction.
const MARK_DELETED_EXCEPT: &str = r#"
WITH marked AS (
    UPDATE bigcommerce.customers AS c
    SET deleted_at = now(), synced_at = now()
    WHERE c.store_hash = $1 AND c.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM unnest($2::bigint[]) AS seen(id) WHERE seen.id = c.id)
    RETURNING c.id
), addresses AS (
    UPDATE bigcommerce.customer_addresses AS a
    SET deleted_at = now(), synced_at = now()
    WHERE a.store_hash = $1 AND a.deleted_at IS NULL AND a.customer_id IN (SELECT id FROM marked)
)
SELECT count(*) FROM marked
"#;

impl Store {
    /// Resync: soft-delete live customers of the store whose id is not in `seen` (and their live addresses). Returns customers marked.
    ///
    /// `seen` must be the complete id set of a listing: an empty slice marks every
    /// customer of the store deleted.
    pub async fn mark_customers_deleted_except(
        &self,
        store_hash: &str,
        seen: &[i64],
    ) -> Result<u64, StoreError> {
        let marked: i64 = sqlx::query_scalar(MARK_DELETED_EXCEPT)
            .bind(store_hash)
            .bind(seen)
            .fetch_one(self.pool())
            .await
            .map_err(failed(
                "marking missing customers deleted in bigcommerce.customers",
            ))?;
        Ok(marked.unsigned_abs())
    }

    /// Rows of `table` for the store that are not soft-deleted.
    pub async fn count_live(&self, store_hash: &str, table: Table) -> Result<i64, StoreError> {
        // One literal per table: table names cannot be bind parameters, and a fixed
        // string keeps sqlx's SQL-injection speed bump (`SqlSafeStr`) satisfied.
        let sql = match table {
            Table::Customers => {
                "SELECT count(*) FROM bigcommerce.customers WHERE store_hash = $1 AND deleted_at IS NULL"
            }
            Table::CustomerAddresses => {
                "SELECT count(*) FROM bigcommerce.customer_addresses \
                 WHERE store_hash = $1 AND deleted_at IS NULL"
            }
        };
        sqlx::query_scalar(sql)
            .bind(store_hash)
            .fetch_one(self.pool())
            .await
            .map_err(failed(match table {
                Table::Customers => "counting live rows of bigcommerce.customers",
                Table::CustomerAddresses => "counting live rows of bigcommerce.customer_addresses",
            }))
    }
}

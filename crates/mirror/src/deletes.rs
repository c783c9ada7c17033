//! Deletions found by a resync, and live-row counts.

use std::sync::LazyLock;

use crate::cascade::delete_customers_where;
use crate::error::failed;
use crate::{Mirror, MirrorError};

/// A mirror table, for [`Mirror::count_live`].
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
/// merge) anti-join. The children of the customers marked go with them, in the same
/// statement and so the same transaction (`cascade.rs`).
static MARK_DELETED_EXCEPT: LazyLock<String> = LazyLock::new(|| {
    delete_customers_where("NOT EXISTS (SELECT 1 FROM unnest($2::bigint[]) AS seen(id) WHERE seen.id = c.id)")
});

impl Mirror {
    /// Resync: soft-delete live customers of the store whose id is not in `seen`, and
    /// their live children (addresses, attribute values, form field values, consent,
    /// stored instruments, metafields), each logged in `change_log`. Returns customers
    /// marked.
    ///
    /// `seen` must be the complete id set of a listing: an empty slice marks every
    /// customer of the store deleted.
    pub async fn mark_customers_deleted_except(
        &self,
        store_hash: &str,
        seen: &[i64],
    ) -> Result<u64, MirrorError> {
        const WHAT: &str = "marking missing customers deleted in bigcommerce.customers";
        let mut tx = self.begin_write(WHAT).await?;
        let marked: i64 = sqlx::query_scalar(MARK_DELETED_EXCEPT.as_str())
            .bind(store_hash)
            .bind(seen)
            .fetch_one(&mut *tx)
            .await
            .map_err(failed(WHAT))?;
        tx.commit().await.map_err(failed(WHAT))?;
        Ok(marked.unsigned_abs())
    }

    /// Rows of `table` for the store that are not soft-deleted.
    pub async fn count_live(&self, store_hash: &str, table: Table) -> Result<i64, MirrorError> {
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

//! Small read-only summaries of one store's mirror, for `bcsync demo`'s closing
//! report: live and deleted counts, the customers with the most addresses, and the
//! passes recorded in `sync_runs`.

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// Live and soft-deleted rows of the mirror's two main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MirrorCounts {
    pub customers_live: i64,
    pub customers_deleted: i64,
    pub addresses_live: i64,
}

/// A live customer and how many live addresses it has.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CustomerAddressCount {
    pub id: i64,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub addresses: i64,
}

/// One pass's totals (a `sync_runs` row, without its error text).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunTotals {
    pub id: i64,
    pub kind: String,
    pub outcome: String,
    pub requests: i64,
    pub rows_written: i64,
    pub rows_deleted: i64,
}

impl Mirror {
    /// Live and deleted customers, live addresses.
    pub async fn mirror_counts(&self, store_hash: &str) -> Result<MirrorCounts, MirrorError> {
        let (customers_live, customers_deleted, addresses_live): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL), \
             (SELECT count(*) FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND deleted_at IS NULL) \
             FROM bigcommerce.customers WHERE store_hash = $1",
        )
        .bind(store_hash)
        .fetch_one(self.pool())
        .await
        .map_err(failed("counting the mirror's customers and addresses"))?;
        Ok(MirrorCounts {
            customers_live,
            customers_deleted,
            addresses_live,
        })
    }

    /// Live addresses in `city`.
    pub async fn addresses_in_city(&self, store_hash: &str, city: &str) -> Result<i64, MirrorError> {
        sqlx::query_scalar(
            "SELECT count(*) FROM bigcommerce.customer_addresses \
             WHERE store_hash = $1 AND deleted_at IS NULL AND city = $2",
        )
        .bind(store_hash)
        .bind(city)
        .fetch_one(self.pool())
        .await
        .map_err(failed("counting the addresses of a city"))
    }

    /// The `limit` live customers with the most live addresses (ties by id).
    pub async fn customers_with_most_addresses(
        &self,
        store_hash: &str,
        limit: i64,
    ) -> Result<Vec<CustomerAddressCount>, MirrorError> {
        sqlx::query_as(
            "SELECT c.id, c.email, c.first_name, c.last_name,
                    (SELECT count(*) FROM bigcommerce.customer_addresses a
                     WHERE a.store_hash = c.store_hash AND a.customer_id = c.id AND a.deleted_at IS NULL) AS addresses
             FROM bigcommerce.customers c WHERE c.store_hash = $1 AND c.deleted_at IS NULL
             ORDER BY 5 DESC, c.id LIMIT $2",
        )
        .bind(store_hash)
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(failed("listing the customers with the most addresses"))
    }

    /// Every pass of the store, oldest first.
    pub async fn run_totals(&self, store_hash: &str) -> Result<Vec<RunTotals>, MirrorError> {
        sqlx::query_as(
            "SELECT id, kind, outcome, requests, rows_written, rows_deleted FROM bigcommerce.sync_runs \
             WHERE store_hash = $1 ORDER BY id",
        )
        .bind(store_hash)
        .fetch_all(self.pool())
        .await
        .map_err(failed("listing the store's passes in bigcommerce.sync_runs"))
    }
}

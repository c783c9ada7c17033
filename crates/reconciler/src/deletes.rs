//! Deletes found by comparing id sets.

use bcsync_store::{Store, StoreError};

/// What a reconciliation marked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeleteStats {
    /// Customers soft-deleted (their addresses are soft-deleted with them).
    pub customers_deleted: u64,
}

/// After a complete listing of a store's customers: every live customer of the mirror
/// that the listing did not contain was deleted upstream. Soft-deletes them (never a
/// hard delete: the warehouse keeps history). Call only after a listing that finished.
pub async fn reconcile_customer_ids(
    store: &Store,
    store_hash: &str,
    listed_ids: &[i64],
) -> Result<DeleteStats, StoreError> {
    let customers_deleted = store
        .mark_customers_deleted_except(store_hash, listed_ids)
        .await?;
    if customers_deleted > 0 {
        tracing::info!(
            store_hash,
            customers_deleted,
            "customers deleted upstream marked deleted_at"
        );
    }
    Ok(DeleteStats { customers_deleted })
}

//! Deletes found by comparing id sets, after a resync's full listing.

use bcsync_store::{Counted, Store};
use bigcommerce::BigCommerceClient;
use chrono::{DateTime, Utc};

use crate::bisect::probe_customers;
use crate::error::ReconcileError;

/// What a reconciliation marked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeleteStats {
    /// Customers soft-deleted (their children are soft-deleted with them).
    pub customers_deleted: u64,
    /// Requests spent probing ids the listing did not show.
    pub requests: u64,
}

/// After a complete listing of a store's customers: every live customer of the mirror
/// that the listing did not contain was deleted upstream, unless it merely shifted
/// onto a page already read (a delete elsewhere during the listing moves the rows
/// behind it back one place), which an `id:in` probe tells apart. Soft-deletes them
/// (never a hard delete: the warehouse keeps history). Call only after a listing that
/// finished.
pub async fn reconcile_customer_ids(
    client: &BigCommerceClient,
    store: &Store,
    listed_ids: &[i64],
) -> Result<DeleteStats, ReconcileError> {
    let store_hash = client.store_hash();
    let before = client.requests();
    // Sorted ids and binary search: a million ids cost 8 MB, where a hash set would
    // cost several times that.
    let mut listed = listed_ids.to_vec();
    listed.sort_unstable();
    listed.dedup();
    let (from, to) = everything();
    let unseen: Vec<i64> = store
        .live_ids_created(store_hash, Counted::Customers, from, to)
        .await?
        .into_iter()
        .filter(|id| listed.binary_search(id).is_err())
        .collect();
    let gone = if unseen.is_empty() {
        unseen
    } else {
        probe_customers(client, unseen).await?
    };
    let customers_deleted = if gone.is_empty() {
        0
    } else {
        store.mark_deleted(store_hash, Counted::Customers, &gone).await?
    };
    if customers_deleted > 0 {
        tracing::info!(
            store_hash,
            customers_deleted,
            "customers deleted upstream marked deleted_at"
        );
    }
    Ok(DeleteStats {
        customers_deleted,
        requests: client.requests() - before,
    })
}

/// A `date_created` range holding every row.
fn everything() -> (DateTime<Utc>, DateTime<Utc>) {
    (
        DateTime::from_timestamp(0, 0).unwrap_or_default(),
        DateTime::from_timestamp(253_402_300_799, 0).unwrap_or_default(), // 9999-12-31
    )
}

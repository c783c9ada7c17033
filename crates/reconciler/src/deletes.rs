//! Deletes found by comparing id sets, after a resync's full listing.

use bcsync_mirror::{Counted, Mirror, Tally};
use bcsync_poller::proof::customers_gone;
use bigcommerce::BigCommerceClient;

use crate::error::ReconcileError;

/// After a complete listing of a store's customers: every live customer of the mirror
/// that the listing did not contain was deleted upstream, unless it merely shifted
/// onto a page already read (a delete elsewhere during the listing moves the rows
/// behind it back one place) or the listing lagged, which a lookup by id whose answer
/// is complete tells apart (`bcsync_poller::proof`). Soft-deletes them
/// (never a hard delete: the warehouse keeps history). Call only after a listing that
/// finished. The tally holds the customers marked and the requests spent probing ids
/// the listing did not show.
pub async fn reconcile_customer_ids(
    client: &BigCommerceClient,
    mirror: &Mirror,
    mut listed: Vec<i64>,
) -> Result<Tally, ReconcileError> {
    let store_hash = client.store_hash();
    let before = client.requests();
    // Sorted ids and binary search, and the mirror's ids read in batches: a million
    // customers cost the 8 MB of the listing's ids, not a hash set several times that.
    listed.sort_unstable();
    listed.dedup();
    let mut unseen = Vec::new();
    let mut after = i64::MIN;
    loop {
        let batch = mirror.customer_ids_after(store_hash, after, ID_BATCH).await?;
        let Some(&last) = batch.last() else {
            break;
        };
        unseen.extend(batch.into_iter().filter(|id| listed.binary_search(id).is_err()));
        after = last;
    }
    drop(listed);
    let gone = if unseen.is_empty() {
        unseen
    } else {
        customers_gone(client, &unseen).await?.gone
    };
    let customers_deleted = if gone.is_empty() {
        0
    } else {
        mirror.mark_deleted(store_hash, Counted::Customers, &gone).await?
    };
    if customers_deleted > 0 {
        tracing::info!(
            store_hash,
            customers_deleted,
            "customers deleted upstream marked deleted_at"
        );
    }
    Ok(Tally {
        deleted: customers_deleted,
        requests: client.requests() - before,
        ..Tally::default()
    })
}

/// Mirror ids read per query.
const ID_BATCH: i64 = 50_000;

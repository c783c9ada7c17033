//! Re-reads a slice of customers by id each pass, whole: what changed without moving
//! their `date_modified` is caught within a bounded number of passes.
//!
//! Form field values have no date filter and no id, and address edits may not touch
//! the customer's `date_modified`. Reading `/customers?id:in=<250 ids>` with every
//! include returns those customers with their addresses and form fields (address sets
//! completed beyond the 10 included), and the store judges each customer's sets as a
//! pass's page does, deletes included. An id the answer lacks is a candidate: it is
//! marked deleted only when a lookup by id proves it (`bcsync_poller::proof`). The slice resumes in id order across passes, so with S ids per pass every
//! customer is re-checked within ceil(N / S) passes.

use std::collections::HashSet;

use bcsync_mirror::{Counted, Mirror, Quarantined, Tally};
use bcsync_poller::proof::customers_gone;
use bcsync_poller::{PollOptions, store_customers_with};
use bigcommerce::query::{CUSTOMER_INCLUDES, MAX_LIMIT};
use bigcommerce::{BigCommerceClient, CustomerQuery};

use crate::cycles::{self, Sweep};
use crate::error::ReconcileError;
use crate::plan::SweepPlan;

/// `sync_state.resource` holding the last customer id the slice reached.
pub const CUSTOMER_SLICE_RESOURCE: &str = "customers:slice";

/// Reads `ids` whole by `id:in` (250 per request) and stores them as a pass's page
/// would; ids the API is proven to no longer have are soft-deleted with their
/// children. Also how
/// the daemon applies webhook events: a burst of events becomes one request.
pub async fn reread_customers(
    client: &BigCommerceClient,
    mirror: &Mirror,
    ids: &[i64],
    opts: &PollOptions,
) -> Result<Tally, ReconcileError> {
    let store_hash = client.store_hash();
    let before = client.requests();
    let mut stats = Tally::default();
    for batch in ids.chunks(MAX_LIMIT as usize) {
        let q = CustomerQuery {
            id_in: batch.to_vec(),
            include: Some(CUSTOMER_INCLUDES),
            page: 1,
            limit: MAX_LIMIT,
            ..Default::default()
        };
        let page = client.list_customers_lenient(&q).await?;
        // Records of the wrong shape go (back) to quarantine; they still exist.
        let quarantined: Vec<Quarantined> = page
            .rejected
            .into_iter()
            .filter_map(|r| {
                Some(Quarantined {
                    entity_id: r.raw.id()?,
                    error: format!("GET /customers: {}", r.error),
                    raw: r.raw.to_value(),
                })
            })
            .collect();
        let found: HashSet<i64> = page
            .data
            .iter()
            .map(|c| c.value.id)
            .chain(quarantined.iter().map(|q| q.entity_id))
            .collect();
        let gone: Vec<i64> = batch.iter().copied().filter(|id| !found.contains(id)).collect();
        stats.read += page.data.len() as u64;
        let written = store_customers_with(client, mirror, page.data, quarantined, opts).await?;
        // Rows of both tables; the requests are counted once, below.
        stats += written.total();
        if !gone.is_empty() {
            // One answer lacking them proves nothing: a lookup of its own decides.
            let gone = customers_gone(client, &gone).await?.gone;
            stats.deleted += mirror.mark_deleted(store_hash, Counted::Customers, &gone).await?;
            mirror.clear_quarantine(store_hash, "customers", &gone).await?;
        }
    }
    stats.requests = client.requests() - before;
    Ok(stats)
}

/// Reads the quarantined customers again: those fixed at the source are stored and
/// leave quarantine, those deleted leave it too. Costs nothing when it is empty.
pub async fn recheck_quarantine(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PollOptions,
) -> Result<Tally, ReconcileError> {
    let ids = mirror.quarantined_ids(client.store_hash(), "customers").await?;
    reread_customers(client, mirror, &ids, opts).await
}

/// Re-reads up to `plan.customer_requests` × 250 customers after the stored position.
pub async fn refresh_customer_slice(
    client: &BigCommerceClient,
    mirror: &Mirror,
    plan: &SweepPlan,
    opts: &PollOptions,
) -> Result<Tally, ReconcileError> {
    let store_hash = client.store_hash();
    let (_, position) = mirror.sync_state(store_hash, CUSTOMER_SLICE_RESOURCE).await?;
    let mut after = position.unwrap_or(0);
    let mut stats = Tally::default();
    let mut swept = 0u64;
    for _ in 0..plan.customer_requests {
        let ids = mirror
            .customer_ids_after(store_hash, after, i64::from(MAX_LIMIT))
            .await?;
        if ids.is_empty() {
            after = 0;
            mirror
                .set_sweep_position(store_hash, CUSTOMER_SLICE_RESOURCE, after)
                .await?;
            break;
        }
        let read = reread_customers(client, mirror, &ids, opts).await?;
        swept += ids.len() as u64;
        // Its requests are counted once, by the step that runs the slice.
        stats += read;
        after = if ids.len() < MAX_LIMIT as usize {
            0
        } else {
            ids.last().copied().unwrap_or(0)
        };
        mirror
            .set_sweep_position(store_hash, CUSTOMER_SLICE_RESOURCE, after)
            .await?;
        if after == 0 {
            break;
        }
    }
    let wrapped = after == 0 && plan.customer_requests > 0;
    cycles::record(mirror, store_hash, plan, Sweep::Customers, swept, wrapped).await?;
    Ok(stats)
}

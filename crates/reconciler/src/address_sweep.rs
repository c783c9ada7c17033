//! A bounded sweep of `/customers/addresses`, resumed across passes.
//!
//! The listing is sorted by id. One response is one consistent snapshot, so every
//! address whose id lies between the first and last id of a page is on that page: a
//! live address of the mirror in that range but absent from the page was deleted. The
//! first page also vouches for everything below its first id, the last page for
//! everything above its last id. Offset shifts between requests can only leave gaps
//! between pages' ranges (rows neither refreshed nor judged until the next cycle),
//! never a false delete.

use bcsync_store::{AddressSweepPage, Store};
use bigcommerce::{AddressQuery, BigCommerceClient};

use crate::error::ReconcileError;

/// `sync_state.resource` that holds the sweep's next page.
pub const ADDRESS_SWEEP_RESOURCE: &str = "customer_addresses:sweep";

#[derive(Debug, Clone, Copy)]
pub struct SweepOptions {
    /// Pages (of `page_size` addresses) read per pass: the sweep's cost per pass. A
    /// store with A addresses is fully re-checked every ceil(A / (page_size × pages))
    /// passes.
    pub pages_per_pass: u32,
    pub page_size: u32,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            pages_per_pass: 10,
            page_size: 250,
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepStats {
    pub requests: u64,
    pub addresses_read: u64,
    pub addresses_inserted: u64,
    pub addresses_updated: u64,
    pub addresses_deleted: u64,
    /// Full cycles finished in this pass (the sweep wrapped back to page 1).
    pub cycles_completed: u64,
}

pub async fn sweep_addresses(
    client: &BigCommerceClient,
    store: &Store,
    opts: &SweepOptions,
) -> Result<SweepStats, ReconcileError> {
    let store_hash = client.store_hash();
    let requests_before = client.requests();
    let mut page = store
        .sweep_position(store_hash, ADDRESS_SWEEP_RESOURCE)
        .await?
        .unwrap_or(1)
        .max(1);
    let mut stats = SweepStats::default();
    for _ in 0..opts.pages_per_pass {
        let q = AddressQuery {
            include_formfields: true,
            page: u32::try_from(page).unwrap_or(1),
            limit: opts.page_size,
            ..Default::default()
        };
        let resp = client.list_addresses(&q).await?;
        let last_page = page >= resp.pagination.total_pages;
        let (lo, hi) = match (resp.data.first(), resp.data.last()) {
            (Some(first), Some(last)) => (
                if page == 1 { i64::MIN } else { first.value.id },
                if last_page { i64::MAX } else { last.value.id },
            ),
            // Past the end (the listing shrank): judge nothing, start over.
            _ if page > 1 => (1, 0),
            // An empty store: every address of the mirror is gone.
            _ => (i64::MIN, i64::MAX),
        };
        let next = if last_page { 1 } else { page + 1 };
        stats.addresses_read += resp.data.len() as u64;
        let written = store
            .write_address_sweep_page(&AddressSweepPage {
                store_hash,
                addresses: &resp.data,
                id_range: (lo, hi),
                resource: ADDRESS_SWEEP_RESOURCE,
                next_position: next,
            })
            .await?;
        stats.addresses_inserted += written.addresses_inserted;
        stats.addresses_updated += written.addresses_updated;
        stats.addresses_deleted += written.addresses_deleted;
        page = next;
        if next == 1 {
            stats.cycles_completed += 1;
            break;
        }
    }
    stats.requests = client.requests() - requests_before;
    Ok(stats)
}

//! A bounded sweep of `/customers/addresses`, resumed across passes.
//!
//! Each page's addresses are stored (edits, and addresses the mirror lacked). Deletes
//! are judged on proof only: the spec promises no order for this listing, and an
//! answer may lag. A page whose ids ascend (as the API serves them) names candidates,
//! the mirror's live addresses between its first and last id that it lacks (the first
//! page also below its first id, the last page above its last id); each candidate is
//! then looked up by id (`bcsync_poller::proof`) and marked deleted only if a complete
//! answer lacks it. A page in any other order names no candidate, and deletes are left
//! to the customer slice's complete address sets. At most [`CANDIDATES_PER_PAGE`]
//! candidates are looked up per page, so a mass delete costs a bounded number of
//! lookups per pass.

use bcsync_mirror::{AddressSweepPage, Mirror, Tally};
use bcsync_poller::proof::addresses_gone;
use bigcommerce::query::MAX_LIMIT;
use bigcommerce::{AddressQuery, BigCommerceClient};

use crate::cycles::{self, Sweep};
use crate::error::ReconcileError;
use crate::plan::SweepPlan;

/// Most candidates for deletion a page looks up (lookups of 100 ids each).
pub const CANDIDATES_PER_PAGE: i64 = 300;

/// `sync_state.resource` that holds the sweep's next page.
pub const ADDRESS_SWEEP_RESOURCE: &str = "customer_addresses:sweep";

/// Reads `plan.address_pages` pages after the stored position, then records the step
/// in the sweep's cycle (and whether it wrapped back to page 1). What it did to the
/// addresses.
pub async fn sweep_addresses(
    client: &BigCommerceClient,
    mirror: &Mirror,
    plan: &SweepPlan,
) -> Result<Tally, ReconcileError> {
    let store_hash = client.store_hash();
    let mut page = mirror
        .sweep_position(store_hash, ADDRESS_SWEEP_RESOURCE)
        .await?
        .unwrap_or(1)
        .max(1);
    let mut stats = Tally::default();
    let mut wrapped = false;
    for _ in 0..plan.address_pages {
        let q = AddressQuery {
            include_formfields: true,
            page: u32::try_from(page).unwrap_or(1),
            limit: MAX_LIMIT,
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
        let ascending = resp.data.windows(2).all(|w| w[0].value.id < w[1].value.id);
        let next = if last_page { 1 } else { page + 1 };
        stats.read += resp.data.len() as u64;
        let written = mirror
            .write_address_sweep_page(&AddressSweepPage {
                store_hash,
                addresses: &resp.data,
                // The page's word deletes nothing (see the module docs).
                id_range: (1, 0),
                resource: ADDRESS_SWEEP_RESOURCE,
                next_position: next,
            })
            .await?;
        stats += written;
        if ascending {
            let keep: Vec<i64> = resp.data.iter().map(|a| a.value.id).collect();
            let candidates = mirror
                .live_address_ids_in_range_except(store_hash, (lo, hi), &keep, CANDIDATES_PER_PAGE)
                .await?;
            if !candidates.is_empty() {
                let judged = addresses_gone(client, &candidates).await?;
                stats.deleted += mirror.mark_addresses_deleted(store_hash, &judged.gone).await?;
            }
        }
        page = next;
        if next == 1 {
            wrapped = true;
            break;
        }
    }
    cycles::record(mirror, store_hash, plan, Sweep::Addresses, stats.read, wrapped).await?;
    Ok(stats)
}

//! The sweep of metafields, a listing without a date filter: a bounded number of pages
//! per pass in id order, resumed across passes. (Form field values have no id to
//! sweep by; `customer_slice` re-reads them with their customers.)

use bcsync_mirror::{Mirror, RecordPage, Resource, Scope, Tally};
use bigcommerce::models::Exclusions;
use bigcommerce::{BigCommerceClient, ListQuery};

use crate::cycles::{self, Sweep};
use crate::error::ReconcileError;
use crate::plan::SweepPlan;

pub const METAFIELDS_SWEEP_RESOURCE: &str = "metafields:sweep";

/// Reads up to `plan.metafield_pages` pages of `/customers/metafields` in id order; like the address
/// sweep, each page vouches for the id range it spans, so deletes are found too.
pub async fn sweep_metafields(
    client: &BigCommerceClient,
    mirror: &Mirror,
    plan: &SweepPlan,
    ex: &Exclusions,
) -> Result<Tally, ReconcileError> {
    let store_hash = client.store_hash();
    let (state_key, resource) = (METAFIELDS_SWEEP_RESOURCE, Resource::Metafields);
    let (_, position) = mirror.sync_state(store_hash, state_key).await?;
    let mut page = position.unwrap_or(1).max(1);
    let mut stats = Tally::default();
    let mut wrapped = false;
    for _ in 0..plan.metafield_pages {
        let q = ListQuery::page(u32::try_from(page).unwrap_or(1));
        let resp = client.list_metafields(&q).await?;
        let ids: Vec<i64> = resp.data.iter().map(|r| r.value.id).collect();
        let total_pages = resp.pagination.total_pages;
        let mut records: Vec<_> = resp.data.into_iter().map(|r| r.raw.to_value()).collect();
        let last_page = page >= total_pages;
        let scope = match (ids.first(), ids.last()) {
            (Some(first), Some(last)) => Scope::IdRange(
                if page == 1 { i64::MIN } else { *first },
                if last_page { i64::MAX } else { *last },
            ),
            _ if page == 1 => Scope::Everything,
            _ => Scope::Nothing,
        };
        stats.read += records.len() as u64;
        for r in &mut records {
            ex.strip(resource, r);
        }
        let next = if last_page { 1 } else { page + 1 };
        let written = mirror
            .write_records(&RecordPage {
                store_hash,
                resource,
                records: &records,
                scope,
                checkpoint: Some((state_key, None, Some(next))),
            })
            .await?;
        stats += written;
        page = next;
        if last_page {
            wrapped = true;
            break;
        }
    }
    cycles::record(mirror, store_hash, plan, Sweep::Metafields, stats.read, wrapped).await?;
    Ok(stats)
}

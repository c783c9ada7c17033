//! Sweeps of listings without a date filter: form field values and metafields,
//! a bounded number of pages per pass, resumed across passes.

use bcsync_poller::ResourceStats;
use bcsync_store::{RecordPage, Resource, Scope, Store};
use bigcommerce::models::Exclusions;
use bigcommerce::{BigCommerceClient, ListQuery};

use crate::error::ReconcileError;

pub const FORM_FIELDS_SWEEP_RESOURCE: &str = "form_field_values:sweep";
pub const METAFIELDS_SWEEP_RESOURCE: &str = "metafields:sweep";

/// Reads up to `pages` pages of `/customers/form-field-values`. Values have no id, so
/// a page cannot vouch for what it lacks: this sweep refreshes, it does not delete
/// (customer-owned values are judged per customer on customer pages).
pub async fn sweep_form_fields(
    client: &BigCommerceClient,
    store: &Store,
    pages: u32,
    ex: &Exclusions,
) -> Result<ResourceStats, ReconcileError> {
    sweep(client, store, pages, ex, Listing::FormFields).await
}

/// Reads up to `pages` pages of `/customers/metafields` in id order; like the address
/// sweep, each page vouches for the id range it spans, so deletes are found too.
pub async fn sweep_metafields(
    client: &BigCommerceClient,
    store: &Store,
    pages: u32,
    ex: &Exclusions,
) -> Result<ResourceStats, ReconcileError> {
    sweep(client, store, pages, ex, Listing::Metafields).await
}

#[derive(Clone, Copy)]
enum Listing {
    FormFields,
    Metafields,
}

async fn sweep(
    client: &BigCommerceClient,
    store: &Store,
    pages: u32,
    ex: &Exclusions,
    listing: Listing,
) -> Result<ResourceStats, ReconcileError> {
    let store_hash = client.store_hash();
    let (state_key, name, resource) = match listing {
        Listing::FormFields => (
            FORM_FIELDS_SWEEP_RESOURCE,
            "form_field_values",
            Resource::FormFieldValues,
        ),
        Listing::Metafields => (METAFIELDS_SWEEP_RESOURCE, "metafields", Resource::Metafields),
    };
    let before = client.requests();
    let (_, position) = store.sync_state(store_hash, state_key).await?;
    let mut page = position.unwrap_or(1).max(1);
    let mut stats = ResourceStats::default();
    for _ in 0..pages {
        let q = ListQuery::page(u32::try_from(page).unwrap_or(1));
        let (mut records, ids, total_pages) = match listing {
            Listing::FormFields => {
                let resp = client.list_form_field_values(&q).await?;
                (
                    resp.data.into_iter().map(|r| r.raw).collect::<Vec<_>>(),
                    Vec::new(),
                    resp.pagination.total_pages,
                )
            }
            Listing::Metafields => {
                let resp = client.list_metafields(&q).await?;
                let ids = resp.data.iter().map(|r| r.value.id).collect();
                (
                    resp.data.into_iter().map(|r| r.raw).collect(),
                    ids,
                    resp.pagination.total_pages,
                )
            }
        };
        let last_page = page >= total_pages;
        let scope = match (listing, ids.first(), ids.last()) {
            (Listing::Metafields, Some(first), Some(last)) => Scope::IdRange(
                if page == 1 { i64::MIN } else { *first },
                if last_page { i64::MAX } else { *last },
            ),
            (Listing::Metafields, _, _) if page == 1 => Scope::Everything,
            _ => Scope::Nothing,
        };
        stats.read += records.len() as u64;
        for r in &mut records {
            ex.strip(name, r);
        }
        let next = if last_page { 1 } else { page + 1 };
        let written = store
            .write_records(&RecordPage {
                store_hash,
                resource,
                records: &records,
                scope,
                checkpoint: Some((state_key, None, Some(next))),
            })
            .await?;
        stats.add(written);
        page = next;
        if last_page {
            break;
        }
    }
    stats.requests = client.requests() - before;
    Ok(stats)
}

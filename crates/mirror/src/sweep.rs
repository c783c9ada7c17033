//! Resumable sweeps of listings that have no date filter (customer addresses).
//!
//! A sweep reads a slice of pages per pass and remembers where to resume in
//! `sync_state.position`. Each page is one consistent snapshot of an id-sorted listing,
//! so every live address of the mirror whose id lies within the page's range but is not
//! on the page was deleted. Rows, deletions and position commit together.

use bigcommerce_models::{Address, Raw};

use crate::error::failed;
use crate::{Mirror, MirrorError, Tally, addresses, sync_state};

/// One page of an address sweep.
#[derive(Debug, Clone, Copy)]
pub struct AddressSweepPage<'a> {
    pub store_hash: &'a str,
    pub addresses: &'a [Raw<Address>],
    /// Inclusive id range the page vouches for: live addresses in it that are not on
    /// the page are soft-deleted. `(i64::MIN, i64::MAX)` for a page that covers
    /// everything; any range with lo > hi judges nothing.
    pub id_range: (i64, i64),
    /// `sync_state.resource` of the sweep.
    pub resource: &'a str,
    /// Where the next pass resumes (stored in `sync_state.position`).
    pub next_position: i64,
}

impl Mirror {
    /// The stored position of a sweep; `None` when it never ran.
    pub async fn sweep_position(&self, store_hash: &str, resource: &str) -> Result<Option<i64>, MirrorError> {
        let row: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT position FROM bigcommerce.sync_state WHERE store_hash = $1 AND resource = $2",
        )
        .bind(store_hash)
        .bind(resource)
        .fetch_optional(self.pool())
        .await
        .map_err(failed("reading a sweep position from bigcommerce.sync_state"))?;
        Ok(row.flatten())
    }

    /// ONE transaction: upsert the page's addresses, soft-delete the live addresses in
    /// its id range that are missing from it, and store the next position. What the
    /// page did to the addresses.
    pub async fn write_address_sweep_page(&self, page: &AddressSweepPage<'_>) -> Result<Tally, MirrorError> {
        let mut tx = self
            .begin_write("beginning the transaction of an address sweep page")
            .await?;
        let (inserted, updated) = addresses::upsert(&mut tx, page.store_hash, page.addresses).await?;
        let keep: Vec<i64> = page.addresses.iter().map(|a| a.value.id).collect();
        let deleted =
            addresses::delete_in_range_except(&mut tx, page.store_hash, page.id_range, &keep).await?;
        sync_state::set_position(&mut tx, page.store_hash, page.resource, page.next_position).await?;
        tx.commit().await.map_err(failed(
            "committing an address sweep page (customer_addresses, sync_state)",
        ))?;
        Ok(Tally {
            inserted,
            updated,
            deleted,
            ..Tally::default()
        })
    }
}

//! Complete address sets for a page of customers.
//!
//! `include=addresses` carries at most 10 addresses per customer, with `address_count`
//! telling how many exist. Customers with more get theirs from
//! `/customers/addresses?customer_id:in=`, a few customers per request. A set that did
//! not settle is stored but never treated as complete, and a complete set deletes the
//! mirror's addresses it lacks only once a lookup by id proves them gone
//! ([`prove_set_deletes`]).

use std::collections::{HashMap, HashSet};

use bcsync_mirror::Mirror;
use bigcommerce::models::{Address, Customer, Raw, RawJson};
use bigcommerce::{AddressQuery, BigCommerceClient};

use crate::error::PollError;
use crate::options::PollOptions;
use crate::proof::addresses_gone;

/// The cap on addresses embedded in a customer.
pub const INCLUDED_ADDRESS_CAP: usize = 10;

/// Every address of the page's customers, and the customers whose set is complete.
#[derive(Debug, Default)]
pub struct AddressSets {
    pub addresses: Vec<Raw<Address>>,
    pub complete_for: Vec<i64>,
}

pub async fn complete_address_sets(
    client: &BigCommerceClient,
    customers: &mut [Raw<Customer>],
    included_raws: Vec<Vec<RawJson>>,
    opts: &PollOptions,
) -> Result<AddressSets, PollError> {
    let mut sets = AddressSets::default();
    let mut need_more = Vec::new();
    for (c, raws) in customers.iter_mut().zip(included_raws) {
        // Moved out, not cloned: the customer's row does not hold its addresses.
        let Some(included) = c.value.addresses.take() else {
            continue;
        };
        let count = c.value.address_count.map(|n| n.max(0) as usize);
        let complete = match count {
            Some(n) => n <= included.len(),
            None => included.len() < INCLUDED_ADDRESS_CAP,
        };
        if !complete {
            need_more.push(c.value.id);
            continue;
        }
        sets.complete_for.push(c.value.id);
        let mut raws = raws.into_iter();
        for value in included {
            // The typed list was decoded from this one: same length, same order.
            let raw = raws
                .next()
                .unwrap_or_else(|| RawJson::from_value(&serde_json::Value::Null));
            sets.addresses.push(Raw { value, raw });
        }
    }
    for batch in need_more.chunks(opts.address_batch.max(1)) {
        let (addresses, settled) = fetch_all_for(client, batch, opts).await?;
        sets.addresses.extend(addresses);
        if settled {
            sets.complete_for.extend_from_slice(batch);
        }
    }
    Ok(sets)
}

/// Keeps in `sets.complete_for` only the customers whose complete set deletes: the
/// mirror's live addresses of each that the set lacks are looked up by id, and a
/// customer with one that still exists (or could not be proven gone) keeps all its
/// addresses this time; a customer that lacks none has nothing to delete. Costs a request only when a set lacks an address.
pub async fn prove_set_deletes(
    client: &BigCommerceClient,
    mirror: &Mirror,
    sets: &mut AddressSets,
) -> Result<(), PollError> {
    if sets.complete_for.is_empty() {
        return Ok(());
    }
    let mirror = mirror
        .live_addresses_of(client.store_hash(), &sets.complete_for)
        .await?;
    let in_sets: HashSet<i64> = sets.addresses.iter().map(|a| a.value.id).collect();
    let candidates: HashMap<i64, i64> = mirror
        .into_iter()
        .filter(|(id, _)| !in_sets.contains(id))
        .collect();
    // A customer none of whose stored addresses is missing from its set has nothing to
    // delete: it leaves the list, and an address written meanwhile (by another page) is
    // not deleted unproven. A first fill, where the mirror holds none, skips the
    // page's delete statement altogether.
    let owners: HashSet<i64> = candidates.values().copied().collect();
    sets.complete_for.retain(|c| owners.contains(c));
    if candidates.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = candidates.keys().copied().collect();
    let judged = addresses_gone(client, &ids).await?;
    let held: HashSet<i64> = judged
        .alive
        .iter()
        .chain(&judged.unproven)
        .filter_map(|id| candidates.get(id).copied())
        .collect();
    if !held.is_empty() {
        tracing::info!(
            customers = held.len(),
            "address sets lacked addresses a lookup still finds (or could not judge); those customers keep theirs this time"
        );
        sets.complete_for.retain(|c| !held.contains(c));
    }
    Ok(())
}

/// Reads every address of `customer_ids`, paging by number, and whether the set
/// settled. Addresses change rarely, but a delete while paging would shift later rows
/// back a page (and a lagging answer may lack a row): the listing is read again until
/// one full scan sees as many distinct addresses as its stable total. A set that never
/// settles is returned as read, marked incomplete.
async fn fetch_all_for(
    client: &BigCommerceClient,
    customer_ids: &[i64],
    opts: &PollOptions,
) -> Result<(Vec<Raw<Address>>, bool), PollError> {
    let mut last = Vec::new();
    let mut settled = false;
    for _ in 0..opts.max_second_rescans.max(1) {
        let mut found: HashMap<i64, Raw<Address>> = HashMap::new();
        let mut totals = HashSet::new();
        let mut page = 1;
        loop {
            let q = AddressQuery {
                customer_id_in: customer_ids.to_vec(),
                include_formfields: true,
                page,
                limit: opts.page_size,
                ..Default::default()
            };
            let resp = client.list_addresses(&q).await?;
            totals.insert(resp.pagination.total);
            let empty = resp.data.is_empty();
            for a in resp.data {
                found.insert(a.value.id, a);
            }
            if empty || i64::from(page) >= resp.pagination.total_pages {
                break;
            }
            page += 1;
        }
        settled = totals.len() == 1 && totals.iter().all(|t| *t as usize == found.len());
        last = found.into_values().collect();
        if settled {
            break;
        }
        tracing::debug!(
            customers = customer_ids.len(),
            "addresses changed while paging; reading again"
        );
    }
    last.sort_by_key(|a| a.value.id);
    Ok((last, settled))
}

/// The sub-resources of a customer record that live in tables of their own. They
/// change without the customer's `date_modified` moving, so copies kept in the
/// customer's `raw` would go stale and make an address edit look like a customer edit.
const CHILD_FIELDS: [&str; 4] = ["addresses", "address_count", "attributes", "attribute_count"];

/// Removes [`CHILD_FIELDS`] from customers before they are stored, and returns each
/// one's included addresses as received (for [`complete_address_sets`]), in order.
pub fn detach_children(customers: &mut [Raw<Customer>]) -> Vec<Vec<RawJson>> {
    (customers.iter_mut())
        .map(|c| {
            let (kept, addresses) = c.raw.detach(&CHILD_FIELDS, "addresses");
            c.raw = kept;
            addresses
        })
        .collect()
}

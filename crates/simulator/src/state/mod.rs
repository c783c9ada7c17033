//! The store's data, its indexes, and every operation on it.
//!
//! `SimState` lives behind one lock. The HTTP handlers and the test accessors both go
//! through the methods here, so a test that edits the state sees exactly what the API
//! would do. Rows sit in slot vectors indexed by `id - 1` (ids only grow); ordered
//! indexes over ids and timestamps make paging cheap at a million rows.

mod access;
pub(crate) mod filter;
pub(crate) mod index;
mod input;
mod query;
mod write_addresses;
mod write_customers;

use std::collections::HashMap;

use serde_json::{Map, Value};

pub use input::{AddressInput, AttributeInput, AuthenticationInput, CustomerInput, WriteError};

use crate::data::generate::generate;
use crate::data::{AddressRec, CustomerRec, Secs};
use index::{SortedIndex, TimeIndex};

/// The simulated store. Tests get `&mut SimState` inside `Simulator::on_request` hooks
/// and through `Simulator::with_state`.
#[derive(Debug, Default)]
pub struct SimState {
    customers: Vec<Option<CustomerRec>>,
    addresses: Vec<Option<AddressRec>>,
    customer_ids: SortedIndex<i64>,
    address_ids: SortedIndex<i64>,
    by_modified: TimeIndex,
    by_created: TimeIndex,
    next_attribute_value_id: i64,
    /// Per-customer JSON fields that replace the real ones when served.
    corruptions: HashMap<i64, Map<String, Value>>,
    address_edits_touch_customer: bool,
}

/// Now, truncated to the second like every timestamp the API keeps.
pub(crate) fn now() -> Secs {
    chrono::Utc::now().timestamp()
}

impl SimState {
    /// Generates `customers` rows from `seed` (see the crate docs for the shape).
    pub fn generate(customers: usize, seed: u64, address_edits_touch_customer: bool) -> Self {
        let g = generate(customers, seed);
        let modified = g.customers.iter().map(|c| (c.date_modified, c.id)).collect();
        let created = g.customers.iter().map(|c| (c.date_created, c.id)).collect();
        SimState {
            customer_ids: SortedIndex::build(g.customers.iter().map(|c| c.id).collect()),
            address_ids: SortedIndex::build(g.addresses.iter().map(|a| a.id).collect()),
            by_modified: TimeIndex::build(modified),
            by_created: TimeIndex::build(created),
            customers: g.customers.into_iter().map(Some).collect(),
            addresses: g.addresses.into_iter().map(Some).collect(),
            next_attribute_value_id: g.next_attribute_value_id,
            corruptions: HashMap::new(),
            address_edits_touch_customer,
        }
    }

    pub(crate) fn customer_rec(&self, id: i64) -> Option<&CustomerRec> {
        let slot = usize::try_from(id.checked_sub(1)?).ok()?;
        self.customers.get(slot)?.as_ref()
    }

    fn customer_mut(&mut self, id: i64) -> Option<&mut CustomerRec> {
        let slot = usize::try_from(id.checked_sub(1)?).ok()?;
        self.customers.get_mut(slot)?.as_mut()
    }

    pub(crate) fn address_rec(&self, id: i64) -> Option<&AddressRec> {
        let slot = usize::try_from(id.checked_sub(1)?).ok()?;
        self.addresses.get(slot)?.as_ref()
    }

    fn address_mut(&mut self, id: i64) -> Option<&mut AddressRec> {
        let slot = usize::try_from(id.checked_sub(1)?).ok()?;
        self.addresses.get_mut(slot)?.as_mut()
    }

    fn next_customer_id(&self) -> i64 {
        self.customers.len() as i64 + 1
    }

    fn next_address_id(&self) -> i64 {
        self.addresses.len() as i64 + 1
    }

    fn take_attribute_value_id(&mut self) -> i64 {
        let id = self.next_attribute_value_id.max(1);
        self.next_attribute_value_id = id + 1;
        id
    }

    /// Adds a customer whose id is [`Self::next_customer_id`].
    fn insert_customer(&mut self, rec: CustomerRec) {
        debug_assert_eq!(rec.id, self.next_customer_id());
        self.customer_ids.insert(rec.id);
        self.by_modified.insert(rec.date_modified, rec.id);
        self.by_created.insert(rec.date_created, rec.id);
        self.customers.push(Some(rec));
    }

    /// Removes a customer and its addresses.
    fn remove_customer(&mut self, id: i64) -> bool {
        let Some(rec) = self.customer_rec(id).cloned() else {
            return false;
        };
        for a in &rec.address_ids {
            self.remove_address(*a);
        }
        self.customer_ids.remove(&id);
        self.by_modified.remove(rec.date_modified, id);
        self.by_created.remove(rec.date_created, id);
        self.corruptions.remove(&id);
        self.customers[(id - 1) as usize] = None;
        true
    }

    /// Moves a customer to a new `date_modified`, keeping the index in step.
    fn set_modified(&mut self, id: i64, t: Secs) {
        let Some(c) = self.customer_mut(id) else { return };
        let old = std::mem::replace(&mut c.date_modified, t);
        self.by_modified.remove(old, id);
        self.by_modified.insert(t, id);
    }

    fn set_created(&mut self, id: i64, t: Secs) {
        let Some(c) = self.customer_mut(id) else { return };
        let old = std::mem::replace(&mut c.date_created, t);
        self.by_created.remove(old, id);
        self.by_created.insert(t, id);
    }

    /// Adds an address whose id is [`Self::next_address_id`] to an existing customer.
    fn insert_address(&mut self, rec: AddressRec) {
        debug_assert_eq!(rec.id, self.next_address_id());
        let (id, owner) = (rec.id, rec.customer_id);
        self.addresses.push(Some(rec));
        self.address_ids.insert(id);
        if let Some(c) = self.customer_mut(owner) {
            c.address_ids.push(id);
        }
    }

    fn remove_address(&mut self, id: i64) -> Option<AddressRec> {
        let slot = usize::try_from(id.checked_sub(1)?).ok()?;
        let rec = self.addresses.get_mut(slot)?.take()?;
        self.address_ids.remove(&id);
        if let Some(c) = self.customer_mut(rec.customer_id) {
            c.address_ids.retain(|a| *a != id);
        }
        Some(rec)
    }

    /// Address writes bump the owner only when configured to (the real API may not).
    fn address_touched(&mut self, customer_id: i64, t: Secs) {
        if self.address_edits_touch_customer {
            self.set_modified(customer_id, t);
        }
    }

    /// Whether another customer already uses `email` (case-insensitive).
    fn email_taken(&self, email: &str, except: Option<i64>) -> bool {
        self.customers
            .iter()
            .flatten()
            .any(|c| Some(c.id) != except && c.email.eq_ignore_ascii_case(email))
    }
}

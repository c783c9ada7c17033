//! Customer metafields: listings (all customers', or one customer's) and the test
//! accessors. Writes are in `metafields_write`. Metafield writes leave the customer's
//! `date_modified` alone.

use bigcommerce_models::resources::Metafield;

use super::filter::Paging;
use super::{SimState, now};
use crate::data::convert_resources::metafield;
use crate::data::records::MetafieldRec;
use crate::data::text;

/// Keys and namespaces match exactly (they are identifiers, not prose).
#[derive(Debug, Clone, Default)]
pub(crate) struct MetafieldFilter {
    pub customer_id: Option<i64>,
    pub keys: Option<Vec<String>>,
    pub namespaces: Option<Vec<String>>,
    pub descending: bool,
}

impl MetafieldFilter {
    fn matches(&self, m: &MetafieldRec) -> bool {
        self.customer_id.is_none_or(|c| c == m.customer_id)
            && self.keys.as_ref().is_none_or(|l| l.iter().any(|k| **k == *m.key))
            && self
                .namespaces
                .as_ref()
                .is_none_or(|l| l.iter().any(|n| **n == *m.namespace))
    }
}

/// Namespace of metafields created by [`SimState::upsert_metafield`].
pub(crate) const TEST_NAMESPACE: &str = "Sales Department";
/// `owner_client_id` of metafields created through the simulator's API or accessors.
pub(crate) const SIM_CLIENT_ID: &str = "bcsync-sim-client";

impl SimState {
    /// Ids of a customer's metafields, ascending.
    pub(super) fn metafields_of(&self, customer_id: i64) -> impl Iterator<Item = i64> + '_ {
        self.metafield_owner
            .range((customer_id, i64::MIN)..=(customer_id, i64::MAX))
            .map(|(_, id)| *id)
    }

    pub(crate) fn metafield_rec(&self, id: i64) -> Option<&MetafieldRec> {
        self.metafields.get(&id)
    }

    pub(super) fn insert_metafield(&mut self, rec: MetafieldRec) {
        self.metafield_owner.insert((rec.customer_id, rec.id));
        self.metafields.insert(rec.id, rec);
    }

    pub(super) fn remove_metafield(&mut self, id: i64) -> Option<MetafieldRec> {
        let rec = self.metafields.remove(&id)?;
        self.metafield_owner.remove(&(rec.customer_id, id));
        Some(rec)
    }

    pub(super) fn take_metafield_id(&mut self) -> i64 {
        let id = self.next_metafield_id.max(1);
        self.next_metafield_id = id + 1;
        id
    }

    /// Whether the customer has another metafield with this namespace and key.
    pub(super) fn metafield_taken(&self, customer_id: i64, namespace: &str, key: &str, except: i64) -> bool {
        self.metafields_of(customer_id)
            .filter(|id| *id != except)
            .filter_map(|id| self.metafields.get(&id))
            .any(|m| &*m.namespace == namespace && &*m.key == key)
    }

    /// One page of metafields by id (descending if asked) and how many match in all.
    pub(crate) fn metafield_page(&self, f: &MetafieldFilter, p: Paging) -> (usize, Vec<MetafieldRec>) {
        let mut ids: Vec<i64> = match f.customer_id {
            Some(c) => self.metafields_of(c).collect(),
            None => self.metafields.keys().copied().collect(),
        };
        if f.descending {
            ids.reverse();
        }
        let matching = ids
            .iter()
            .filter_map(|id| self.metafields.get(id))
            .filter(|m| f.matches(m));
        let total = matching.clone().count();
        (
            total,
            matching.skip(p.offset()).take(p.limit()).cloned().collect(),
        )
    }

    /// Every customer metafield, by id.
    pub fn metafields(&self) -> Vec<Metafield> {
        self.metafields.values().map(metafield).collect()
    }

    /// Sets the value of the customer's metafield with this key (the lowest-id one, in
    /// any namespace), or creates it in namespace "Sales Department" with permission
    /// set "read". Stamps `date_modified` with now. `None` for an unknown customer.
    pub fn upsert_metafield(&mut self, customer_id: i64, key: &str, value: &str) -> Option<Metafield> {
        self.customer_rec(customer_id)?;
        let t = now();
        let existing = self
            .metafields_of(customer_id)
            .find(|id| self.metafields.get(id).is_some_and(|m| &*m.key == key));
        if let Some(m) = existing.and_then(|id| self.metafields.get_mut(&id)) {
            m.value = text(value);
            m.date_modified = t;
            return Some(metafield(m));
        }
        let rec = MetafieldRec {
            id: self.take_metafield_id(),
            customer_id,
            namespace: text(TEST_NAMESPACE),
            key: text(key),
            value: text(value),
            permission_set: text("read"),
            description: text(""),
            owner_client_id: text(SIM_CLIENT_ID),
            date_created: t,
            date_modified: t,
        };
        let out = metafield(&rec);
        self.insert_metafield(rec);
        Some(out)
    }

    /// Deletes a metafield; `false` if there is none with this id.
    pub fn delete_metafield(&mut self, id: i64) -> bool {
        self.remove_metafield(id).is_some()
    }
}

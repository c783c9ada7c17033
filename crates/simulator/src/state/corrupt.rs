//! Bad records on demand: fields of one record's JSON replaced whenever it is served,
//! while the stored truth stays as it was. For quarantine and decode-error tests.

use serde_json::{Map, Value};

use super::SimState;
use crate::counters::PathKind;

impl SimState {
    /// Makes one record carry `value` for `field` whenever it is served (the stored
    /// record is unchanged; [`SimState::clear_corruptions`] undoes it). What `id` names
    /// depends on `kind`:
    /// - `Customers`: a customer (same as [`SimState::corrupt_customer_field`]);
    /// - `Addresses`: an address, in `/customers/addresses` listings;
    /// - `Attributes`: an attribute definition; `AttributeValues`: an attribute value;
    /// - `FormFieldValues`: a customer: every form field record of the customer and of
    ///   its addresses in `/customers/form-field-values`;
    /// - `Consent`, `StoredInstruments`: a customer (every instrument of it);
    /// - `Metafields`: a metafield; `ChannelSettings`: a channel;
    /// - `Settings`: ignored (the store-wide settings).
    ///
    /// Returns `false`, changing nothing, when there is no such record (or for `Other`
    /// and `Hooks`: hooks are not store data).
    pub fn corrupt_record(&mut self, kind: PathKind, id: i64, field: &str, value: Value) -> bool {
        let exists = match kind {
            PathKind::Customers => return self.corrupt_customer_field(id, field, value),
            PathKind::Addresses => self.address_rec(id).is_some(),
            PathKind::Attributes => self.attribute_def_rec(id).is_some(),
            PathKind::AttributeValues => self.attribute_value_index.contains_key(&id),
            PathKind::FormFieldValues | PathKind::Consent | PathKind::StoredInstruments => {
                self.customer_rec(id).is_some()
            }
            PathKind::Metafields => self.metafield_rec(id).is_some(),
            PathKind::Settings => true,
            PathKind::ChannelSettings => self.has_channel(id),
            PathKind::Other | PathKind::Hooks => false,
        };
        if !exists {
            return false;
        }
        let id = if kind == PathKind::Settings { 0 } else { id };
        self.record_corruptions
            .entry((kind, id))
            .or_default()
            .insert(field.to_owned(), value);
        true
    }

    /// The fields to write over one record's JSON, if a test corrupted it.
    pub(crate) fn record_patch(&self, kind: PathKind, id: i64) -> Option<&Map<String, Value>> {
        self.record_corruptions.get(&(kind, id))
    }

    /// [`SimState::record_patch`] for each id, cloned so they can be applied outside the lock.
    pub(crate) fn patches(
        &self,
        kind: PathKind,
        ids: impl IntoIterator<Item = i64>,
    ) -> Vec<Option<Map<String, Value>>> {
        ids.into_iter()
            .map(|id| self.record_patch(kind, id).cloned())
            .collect()
    }
}

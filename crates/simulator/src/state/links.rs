//! Keeps the derived indexes in step with the rows they describe. Every write that can
//! change a customer's attribute values, form fields or channels calls
//! [`SimState::customer_changed`]; address writes call
//! [`SimState::address_fields_changed`]. Both are idempotent, so calling them after any
//! edit is always safe.

use super::SimState;
use super::attribute_values::ValueKey;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl SimState {
    /// Re-indexes one customer: its attribute values, how many form fields it has, and
    /// the channels it names (the store's channel list only grows).
    pub(super) fn customer_changed(&mut self, id: i64) {
        let Some(c) = self.customer_rec(id) else {
            self.field_customers.remove(&id);
            return;
        };
        let fields = count(c.form_fields.len());
        let values: Vec<(i64, ValueKey)> = c.attributes.iter().map(|a| (a.id, ValueKey::of(id, a))).collect();
        let channels: Vec<i64> = std::iter::once(c.origin_channel_id)
            .chain(c.channel_ids.iter().flatten().copied())
            .collect();
        for (v, key) in values {
            self.attribute_value_index.insert(v, key);
            self.next_attribute_value_id = self.next_attribute_value_id.max(v + 1);
        }
        if fields > 0 {
            self.field_customers.insert(id, fields);
        } else {
            self.field_customers.remove(&id);
        }
        self.channels.extend(channels);
    }

    pub(super) fn address_fields_changed(&mut self, id: i64) {
        let fields = self.address_rec(id).map_or(0, |a| count(a.form_fields.len()));
        if fields > 0 {
            self.field_addresses.insert(id, fields);
        } else {
            self.field_addresses.remove(&id);
        }
    }

    /// Forgets attribute value ids a customer no longer has.
    pub(super) fn attribute_values_dropped(&mut self, ids: impl IntoIterator<Item = i64>) {
        for id in ids {
            self.attribute_value_index.remove(&id);
        }
    }
}

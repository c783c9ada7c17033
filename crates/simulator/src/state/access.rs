//! Direct reads and edits for tests: the complete truth to compare a mirror against,
//! and ways to change the store behind a client's back.

use bigcommerce_models::{Address, Customer};
use serde_json::Value;

use super::input::field_recs;
use super::{SimState, now};
use crate::data::convert::{Include, address};
use crate::data::{AddressType, AttrRec, Text, text};
use crate::webhooks::event::Change;

/// Replaces `slot` when the edited value differs from the original.
fn sync(slot: &mut Text, before: &Option<String>, after: &Option<String>) {
    if before != after {
        *slot = text(after.as_deref().unwrap_or_default());
    }
}

/// [`sync`] for each named text field of the record and its before/after models.
macro_rules! sync_fields {
    ($rec:expr, $before:expr, $after:expr; $($field:ident),+ $(,)?) => {
        $(sync(&mut $rec.$field, &$before.$field, &$after.$field);)+
    };
}

impl SimState {
    pub fn customer_count(&self) -> usize {
        self.customer_ids.len()
    }

    pub fn address_count(&self) -> usize {
        self.address_ids.len()
    }

    /// Live customer ids, ascending.
    pub fn customer_ids(&self) -> Vec<i64> {
        self.customer_ids.slice(0, self.customer_ids.len()).collect()
    }

    /// One customer in full: every address (uncapped) with form fields, every attribute
    /// value, form fields, store credit, counts, shopper profile and segments.
    pub fn customer(&self, id: i64) -> Option<Customer> {
        self.view(id, true, false).map(|v| v.to_model(&Include::ALL))
    }

    /// Every customer in full (see [`SimState::customer`]), by id.
    pub fn customers(&self) -> Vec<Customer> {
        self.customer_ids
            .slice(0, self.customer_ids.len())
            .filter_map(|id| self.customer(id))
            .collect()
    }

    /// Every address with its form fields, by id.
    pub fn addresses(&self) -> Vec<Address> {
        self.address_ids
            .slice(0, self.address_ids.len())
            .filter_map(|id| self.address(id))
            .collect()
    }

    /// Edits a customer through its model. `date_modified` becomes now unless `f` set
    /// it; `id`, `addresses`, the counts, `shopper_profile_id` and `segment_ids` are
    /// ignored. Attribute values keep their ids (a new one for a value without an id or
    /// with another customer's). Returns false for an unknown id.
    pub fn update_customer(&mut self, id: i64, f: impl FnOnce(&mut Customer)) -> bool {
        let Some(before) = self.customer(id) else {
            return false;
        };
        let mut after = before.clone();
        f(&mut after);
        let attributes: Option<Vec<AttrRec>> = (after.attributes != before.attributes).then(|| {
            let t = now();
            let list = after.attributes.clone().unwrap_or_default();
            list.into_iter()
                .map(|a| AttrRec {
                    // An id another customer's value holds would make two values one.
                    id: a
                        .id
                        .filter(|v| {
                            self.attribute_value_index
                                .get(v)
                                .is_none_or(|k| k.customer_id == id)
                        })
                        .unwrap_or_else(|| self.take_attribute_value_id()),
                    attribute_id: a.attribute_id,
                    value: text(a.attribute_value.as_deref().unwrap_or_default()),
                    date_created: a.date_created.map_or(t, |d| d.timestamp()),
                    date_modified: a.date_modified.map_or(t, |d| d.timestamp()),
                })
                .collect()
        });
        let Some(rec) = self.customer_mut(id) else {
            return false;
        };
        sync_fields!(rec, before, after;
            email, first_name, last_name, company, phone, notes, tax_exempt_category, registration_ip_address
        );
        rec.customer_group_id = after.customer_group_id.unwrap_or(0);
        rec.origin_channel_id = after.origin_channel_id.unwrap_or(rec.origin_channel_id);
        rec.channel_ids = after.channel_ids.clone().map(Vec::into_boxed_slice);
        rec.accepts_marketing = after
            .accepts_product_review_abandoned_cart_emails
            .unwrap_or(false);
        rec.force_password_reset = after
            .authentication
            .as_ref()
            .and_then(|a| a.force_password_reset)
            .unwrap_or(false);
        if after.form_fields != before.form_fields {
            rec.form_fields = field_recs(after.form_fields.as_deref().unwrap_or_default()).into_boxed_slice();
        }
        if after.store_credit_amounts != before.store_credit_amounts {
            let credit = after.store_credit_amounts.iter().flatten();
            rec.store_credit = credit.map(|s| s.amount.unwrap_or(0.0)).collect();
        }
        let mut dropped = Vec::new();
        if let Some(attributes) = attributes {
            let kept: Vec<i64> = attributes.iter().map(|a| a.id).collect();
            dropped.extend(rec.attributes.iter().map(|a| a.id).filter(|a| !kept.contains(a)));
            rec.attributes = attributes.into_boxed_slice();
        }
        self.attribute_values_dropped(dropped);
        self.customer_changed(id);
        if after.date_created != before.date_created {
            self.set_created(id, after.date_created.timestamp());
        }
        let modified = if after.date_modified != before.date_modified {
            after.date_modified.timestamp()
        } else {
            now()
        };
        self.set_modified(id, modified);
        self.customer_event(Change::Updated, id);
        true
    }

    /// Sets `date_modified` to now for these customers (as an edit would); returns how
    /// many exist.
    pub fn touch_customers(&mut self, ids: &[i64]) -> usize {
        let t = now();
        let mut touched = 0;
        for id in ids {
            if self.customer_rec(*id).is_some() {
                self.set_modified(*id, t);
                self.customer_event(Change::Updated, *id);
                touched += 1;
            }
        }
        touched
    }

    /// Edits an address through its model (`id` and `customer_id` are ignored). Like
    /// the API, this bumps the owner's `date_modified` only when
    /// `address_edits_touch_customer` is on.
    pub fn update_address(&mut self, id: i64, f: impl FnOnce(&mut Address)) -> bool {
        let Some(before) = self.address_rec(id).map(|a| address(a, true)) else {
            return false;
        };
        let mut after = before.clone();
        f(&mut after);
        let Some(rec) = self.address_mut(id) else {
            return false;
        };
        sync_fields!(rec, before, after;
            first_name, last_name, company, address1, address2, city, state_or_province, postal_code,
            country_code, phone
        );
        if let Some(kind) = after.address_type.as_deref().and_then(AddressType::parse) {
            rec.address_type = kind;
        }
        if after.form_fields != before.form_fields {
            rec.form_fields = field_recs(after.form_fields.as_deref().unwrap_or_default()).into_boxed_slice();
        }
        let owner = rec.customer_id;
        self.address_fields_changed(id);
        self.address_touched(owner, now());
        self.address_event(Change::Updated, id, owner);
        true
    }

    /// Makes this customer's JSON carry `value` for `field` whenever it is served (the
    /// stored row is unchanged). For quarantine tests: e.g. `date_modified` → `17`.
    pub fn corrupt_customer_field(&mut self, id: i64, field: &str, value: Value) -> bool {
        if self.customer_rec(id).is_none() {
            return false;
        }
        self.corruptions
            .entry(id)
            .or_default()
            .insert(field.to_owned(), value);
        true
    }

    /// Undoes every [`SimState::corrupt_customer_field`] and [`SimState::corrupt_record`].
    pub fn clear_corruptions(&mut self) {
        self.corruptions.clear();
        self.record_corruptions.clear();
    }

    pub fn address_edits_touch_customer(&self) -> bool {
        self.address_edits_touch_customer
    }

    pub fn set_address_edits_touch_customer(&mut self, on: bool) {
        self.address_edits_touch_customer = on;
    }
}

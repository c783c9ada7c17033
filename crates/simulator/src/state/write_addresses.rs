//! `POST`, `PUT` and `DELETE /customers/addresses`. An address that would duplicate
//! another of the same customer is silently left out, as the spec describes. These
//! writes leave the customer's `date_modified` alone unless configured otherwise.

use bigcommerce_models::Address;

use super::input::upsert_fields;
use super::input::{AddressInput, WriteError, check_address, check_items, field_recs, text_fields_or_kept};
use super::{SimState, now};
use crate::data::convert::address;
use crate::data::{AddressRec, AddressType, Secs, text};
use crate::webhooks::event::Change;

impl SimState {
    /// Creates addresses; exact duplicates are skipped and absent from the result.
    pub fn create_addresses(&mut self, items: Vec<AddressInput>) -> Result<Vec<Address>, WriteError> {
        const TITLE: &str = "Create customer addresses failed.";
        check_items(&items, usize::MAX, TITLE, |p, i, a| {
            let found = |id| self.customer_rec(id).is_some();
            p.known(format!("{i}.customer_id"), a.customer_id, found, "customer");
            check_address(p, &i.to_string(), a, true);
        })?;
        let t = now();
        let created: Vec<i64> = items
            .iter()
            .filter_map(|a| self.add_address_unchecked(a, t))
            .collect();
        Ok(created.iter().filter_map(|id| self.address(*id)).collect())
    }

    /// Adds one validated address unless it duplicates one its customer already has.
    pub(super) fn add_address_unchecked(&mut self, a: &AddressInput, t: Secs) -> Option<i64> {
        let mut rec = AddressRec {
            id: self.next_address_id(),
            customer_id: a.customer_id?,
            form_fields: field_recs(a.form_fields.as_deref().unwrap_or_default()).into_boxed_slice(),
            ..AddressRec::default()
        };
        rec.apply(a);
        if self.duplicates(&rec) {
            return None;
        }
        let (id, owner) = (rec.id, rec.customer_id);
        self.insert_address(rec);
        self.address_touched(owner, t);
        self.address_event(Change::Created, id, owner);
        Some(id)
    }

    /// Updates addresses by `id`; an edit that would duplicate a sibling is skipped.
    pub fn update_addresses(&mut self, items: Vec<AddressInput>) -> Result<Vec<Address>, WriteError> {
        const TITLE: &str = "Update customer addresses failed.";
        check_items(&items, usize::MAX, TITLE, |p, i, a| {
            let found = |id| self.address_rec(id).is_some();
            p.known(format!("{i}.id"), a.id, found, "address");
            check_address(p, &i.to_string(), a, false);
        })?;
        let t = now();
        let mut updated = Vec::new();
        for a in &items {
            let Some(cur) = a.id.and_then(|id| self.address_rec(id)) else {
                continue;
            };
            let mut next = cur.clone();
            next.apply(a);
            if let Some(fields) = &a.form_fields {
                next.form_fields = upsert_fields(&cur.form_fields, fields);
            }
            if self.duplicates(&next) {
                continue;
            }
            let (id, owner) = (next.id, next.customer_id);
            if let Some(slot) = self.address_mut(id) {
                *slot = next;
            }
            self.address_fields_changed(id);
            self.address_touched(owner, t);
            self.address_event(Change::Updated, id, owner);
            updated.push(id);
        }
        Ok(updated.iter().filter_map(|id| self.address(*id)).collect())
    }

    /// Deletes addresses; unknown ids are ignored. Returns how many were removed.
    pub fn delete_addresses(&mut self, ids: &[i64]) -> usize {
        let t = now();
        let mut removed = 0;
        for id in ids {
            if let Some(rec) = self.remove_address(*id) {
                self.address_touched(rec.customer_id, t);
                self.address_event(Change::Deleted, *id, rec.customer_id);
                removed += 1;
            }
        }
        removed
    }

    /// Whether another address of the same customer has the same core fields.
    fn duplicates(&self, rec: &AddressRec) -> bool {
        let Some(owner) = self.customer_rec(rec.customer_id) else {
            return false;
        };
        owner
            .address_ids
            .iter()
            .filter(|id| **id != rec.id)
            .filter_map(|id| self.address_rec(*id))
            .any(|other| other.same_core(rec))
    }

    /// One address as the API shows it, with its form fields.
    pub fn address(&self, id: i64) -> Option<Address> {
        self.address_rec(id).map(|a| address(a, true))
    }
}

impl AddressRec {
    /// Writes the fields `a` carries over this address, keeping the others: how an
    /// update edits an address, and how a create fills a blank one. Form fields are
    /// the caller's (a create takes them as sent, an update upserts them by name).
    fn apply(&mut self, a: &AddressInput) {
        text_fields_or_kept!(self, a;
            first_name, last_name, company, address1, address2, city, state_or_province, postal_code, phone
        );
        if let Some(cc) = &a.country_code {
            self.country_code = text(&cc.to_ascii_uppercase());
        }
        if let Some(kind) = a.address_type.as_deref().and_then(AddressType::parse) {
            self.address_type = kind;
        }
    }
}

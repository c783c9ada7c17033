//! `POST`, `PUT` and `DELETE /customers`. Each call validates every item first and
//! applies nothing when one is refused, and stamps `date_modified` with now.

use std::collections::HashSet;

use bigcommerce_models::Customer;

use super::input::{CustomerInput, WriteError, upsert_fields};
use super::input::{MAX_BATCH, Problems, check_address, check_fields, check_items, field_recs};
use super::input::{text_fields_or_kept, text_or};
use super::{SimState, now};
use crate::data::convert::Include;
use crate::data::{AttrRec, CustomerRec, text};
use crate::webhooks::event::Change;

impl SimState {
    /// Creates up to 10 customers (with their nested addresses and attribute values).
    pub fn create_customers(&mut self, items: Vec<CustomerInput>) -> Result<Vec<Customer>, WriteError> {
        let mut seen = HashSet::new();
        const TITLE: &str = "Create customers failed.";
        check_items(&items, MAX_BATCH, TITLE, |p, i, c| {
            self.check_customer(p, i, c, true, &mut seen);
            let addresses = c.addresses.as_deref().unwrap_or_default();
            if addresses.len() > MAX_BATCH {
                p.add(format!("{i}.addresses"), "at most 10 addresses");
            }
            for (k, a) in addresses.iter().enumerate() {
                check_address(p, &format!("{i}.addresses.{k}"), a, true);
            }
            for (k, a) in c.attributes.iter().flatten().enumerate() {
                if a.attribute_id.is_none() {
                    p.add(format!("{i}.attributes.{k}.attribute_id"), "is required");
                }
            }
        })?;
        let t = now();
        let mut created = Vec::with_capacity(items.len());
        for c in items {
            let id = self.next_customer_id();
            let attributes = c.attributes.iter().flatten().map(|a| AttrRec {
                id: 0,
                attribute_id: a.attribute_id.unwrap_or_default(),
                value: text(a.attribute_value.as_deref().unwrap_or_default()),
                date_created: t,
                date_modified: t,
            });
            let mut attributes: Vec<AttrRec> = attributes.collect();
            for a in &mut attributes {
                a.id = self.take_attribute_value_id();
            }
            let mut rec = CustomerRec {
                id,
                date_created: t,
                date_modified: t,
                origin_channel_id: 1,
                store_credit: Box::new([0.0]),
                form_fields: field_recs(c.form_fields.as_deref().unwrap_or_default()).into_boxed_slice(),
                attributes: attributes.into_boxed_slice(),
                // `registration_ip_address` stays blank: the API leaves it so for
                // customers created through it.
                ..CustomerRec::default()
            };
            rec.apply(&c);
            self.insert_customer(rec);
            self.customer_event(Change::Created, id);
            for mut a in c.addresses.unwrap_or_default() {
                a.customer_id = Some(id);
                // Nested addresses follow the same "duplicates are skipped" rule.
                self.add_address_unchecked(&a, t);
            }
            created.push(id);
        }
        Ok(created.into_iter().filter_map(|id| self.written(id)).collect())
    }

    /// Updates up to 10 customers by `id`; only the fields present change.
    pub fn update_customers(&mut self, items: Vec<CustomerInput>) -> Result<Vec<Customer>, WriteError> {
        let mut seen = HashSet::new();
        const TITLE: &str = "Update customers failed.";
        check_items(&items, MAX_BATCH, TITLE, |p, i, c| {
            let found = |id| self.customer_rec(id).is_some();
            p.known(format!("{i}.id"), c.id, found, "customer");
            self.check_customer(p, i, c, false, &mut seen);
        })?;
        let t = now();
        let mut updated = Vec::with_capacity(items.len());
        for c in items {
            let Some(id) = c.id else { continue };
            let Some(rec) = self.customer_mut(id) else {
                continue;
            };
            rec.apply(&c);
            rec.registration_ip_address = text_or(&c.registration_ip_address, &rec.registration_ip_address);
            if let Some(fields) = &c.form_fields {
                rec.form_fields = upsert_fields(&rec.form_fields, fields);
            }
            self.set_modified(id, t);
            self.customer_changed(id);
            self.customer_event(Change::Updated, id);
            updated.push(id);
        }
        Ok(updated.into_iter().filter_map(|id| self.written(id)).collect())
    }

    /// Deletes customers and their addresses; unknown ids are ignored. Returns how many
    /// customers were removed.
    pub fn delete_customers(&mut self, ids: &[i64]) -> usize {
        let mut removed = 0;
        for id in ids {
            if self.remove_customer(*id) {
                self.customer_event(Change::Deleted, *id);
                removed += 1;
            }
        }
        removed
    }

    /// A written customer as the answer shows it: everything included, addresses capped
    /// at 10 like any `customer_Full`.
    fn written(&self, id: i64) -> Option<Customer> {
        self.view(id, true, true).map(|v| v.to_model(&Include::ALL))
    }

    /// What creates and updates check alike; `creating` makes the names and the e-mail
    /// address mandatory. `seen` holds the batch's e-mail addresses so far.
    fn check_customer(
        &self,
        p: &mut Problems,
        i: usize,
        c: &CustomerInput,
        creating: bool,
        seen: &mut HashSet<String>,
    ) {
        p.non_empty(format!("{i}.first_name"), &c.first_name, creating);
        p.non_empty(format!("{i}.last_name"), &c.last_name, creating);
        // An update may keep its own address.
        let except = if creating { None } else { c.id };
        self.check_email(p, i, &c.email, creating, except, seen);
        check_fields(p, &i.to_string(), &c.form_fields);
        if matches!(&c.channel_ids, Some(Some(ids)) if ids.is_empty()) {
            p.add(format!("{i}.channel_ids"), "must not be empty");
        }
    }

    fn check_email(
        &self,
        p: &mut Problems,
        i: usize,
        email: &Option<String>,
        required: bool,
        except: Option<i64>,
        seen: &mut HashSet<String>,
    ) {
        let key = format!("{i}.email");
        p.non_empty(key.clone(), email, required);
        let Some(email) = email.as_deref().map(str::trim).filter(|e| !e.is_empty()) else {
            return;
        };
        if !email.contains('@') || email.len() < 3 || email.len() > 255 {
            p.add(key, "is not a valid e-mail address");
        } else if !seen.insert(email.to_lowercase()) || self.email_taken(email, except) {
            p.add(key, format!("The email address {email} is already in use."));
        }
    }
}

impl CustomerRec {
    /// Writes the fields `c` carries over this customer, keeping the others: how an
    /// update edits a customer, and how a create fills a blank one. What only one of
    /// them does (form fields, `registration_ip_address`, nested records) is the caller's.
    fn apply(&mut self, c: &CustomerInput) {
        text_fields_or_kept!(self, c;
            email, first_name, last_name, company, phone, notes, tax_exempt_category
        );
        self.customer_group_id = c.customer_group_id.unwrap_or(self.customer_group_id);
        self.origin_channel_id = c.origin_channel_id.unwrap_or(self.origin_channel_id);
        if let Some(ids) = &c.channel_ids {
            self.channel_ids = ids.as_deref().map(Box::from);
        }
        if let Some(credit) = &c.store_credit_amounts {
            self.store_credit = credit.iter().map(|s| s.amount.unwrap_or(0.0)).collect();
        }
        if let Some(v) = c.accepts_product_review_abandoned_cart_emails {
            self.accepts_marketing = v;
        }
        if let Some(v) = c.authentication.as_ref().and_then(|a| a.force_password_reset) {
            self.force_password_reset = v;
        }
    }
}

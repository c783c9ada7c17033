//! `POST`, `PUT` and `DELETE /customers`. Each call validates every item first and
//! applies nothing when one is refused, and stamps `date_modified` with now.

use std::collections::HashSet;

use bigcommerce_models::Customer;

use super::input::{CustomerInput, WriteError, upsert_fields};
use super::input::{MAX_BATCH, Problems, check_address, check_batch, check_fields, field_recs, text_or};
use super::{SimState, now};
use crate::data::convert::Include;
use crate::data::{AttrRec, CustomerRec, text};
use crate::webhooks::event::Change;

impl SimState {
    /// Creates up to 10 customers (with their nested addresses and attribute values).
    pub fn create_customers(&mut self, items: Vec<CustomerInput>) -> Result<Vec<Customer>, WriteError> {
        const TITLE: &str = "Create customers failed.";
        check_batch(&items, MAX_BATCH, TITLE)?;
        let mut p = Problems::default();
        let mut seen = HashSet::new();
        for (i, c) in items.iter().enumerate() {
            p.non_empty(format!("{i}.first_name"), &c.first_name, true);
            p.non_empty(format!("{i}.last_name"), &c.last_name, true);
            self.check_email(&mut p, i, &c.email, true, None, &mut seen);
            check_fields(&mut p, &i.to_string(), &c.form_fields);
            let addresses = c.addresses.as_deref().unwrap_or_default();
            if addresses.len() > MAX_BATCH {
                p.add(format!("{i}.addresses"), "at most 10 addresses");
            }
            for (k, a) in addresses.iter().enumerate() {
                check_address(&mut p, &format!("{i}.addresses.{k}"), a, true);
            }
            for (k, a) in c.attributes.iter().flatten().enumerate() {
                if a.attribute_id.is_none() {
                    p.add(format!("{i}.attributes.{k}.attribute_id"), "is required");
                }
            }
            if matches!(&c.channel_ids, Some(Some(ids)) if ids.is_empty()) {
                p.add(format!("{i}.channel_ids"), "must not be empty");
            }
        }
        p.finish(TITLE)?;
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
            let empty = text("");
            let credit = c
                .store_credit_amounts
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .map(|s| s.amount.unwrap_or(0.0));
            let credit: Box<[f64]> = if c.store_credit_amounts.is_some() {
                credit.collect()
            } else {
                Box::new([0.0])
            };
            self.insert_customer(CustomerRec {
                id,
                email: text_or(&c.email, &empty),
                first_name: text_or(&c.first_name, &empty),
                last_name: text_or(&c.last_name, &empty),
                company: text_or(&c.company, &empty),
                phone: text_or(&c.phone, &empty),
                notes: text_or(&c.notes, &empty),
                tax_exempt_category: text_or(&c.tax_exempt_category, &empty),
                // The API leaves it blank for customers created through it.
                registration_ip_address: empty.clone(),
                customer_group_id: c.customer_group_id.unwrap_or(0),
                date_created: t,
                date_modified: t,
                origin_channel_id: c.origin_channel_id.unwrap_or(1),
                channel_ids: c.channel_ids.flatten().map(Vec::into_boxed_slice),
                store_credit: credit,
                form_fields: field_recs(c.form_fields.as_deref().unwrap_or_default()).into_boxed_slice(),
                attributes: attributes.into_boxed_slice(),
                address_ids: Vec::new(),
                accepts_marketing: c.accepts_product_review_abandoned_cart_emails.unwrap_or(false),
                force_password_reset: c
                    .authentication
                    .and_then(|a| a.force_password_reset)
                    .unwrap_or(false),
            });
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
        const TITLE: &str = "Update customers failed.";
        check_batch(&items, MAX_BATCH, TITLE)?;
        let mut p = Problems::default();
        let mut seen = HashSet::new();
        for (i, c) in items.iter().enumerate() {
            match c.id {
                None => p.add(format!("{i}.id"), "is required"),
                Some(id) if self.customer_rec(id).is_none() => p.add(format!("{i}.id"), "customer not found"),
                Some(_) => {}
            }
            p.non_empty(format!("{i}.first_name"), &c.first_name, false);
            p.non_empty(format!("{i}.last_name"), &c.last_name, false);
            self.check_email(&mut p, i, &c.email, false, c.id, &mut seen);
            check_fields(&mut p, &i.to_string(), &c.form_fields);
            if matches!(&c.channel_ids, Some(Some(ids)) if ids.is_empty()) {
                p.add(format!("{i}.channel_ids"), "must not be empty");
            }
        }
        p.finish(TITLE)?;
        let t = now();
        let mut updated = Vec::with_capacity(items.len());
        for c in items {
            let Some(id) = c.id else { continue };
            let Some(rec) = self.customer_mut(id) else {
                continue;
            };
            rec.email = text_or(&c.email, &rec.email);
            rec.first_name = text_or(&c.first_name, &rec.first_name);
            rec.last_name = text_or(&c.last_name, &rec.last_name);
            rec.company = text_or(&c.company, &rec.company);
            rec.phone = text_or(&c.phone, &rec.phone);
            rec.notes = text_or(&c.notes, &rec.notes);
            rec.tax_exempt_category = text_or(&c.tax_exempt_category, &rec.tax_exempt_category);
            rec.registration_ip_address = text_or(&c.registration_ip_address, &rec.registration_ip_address);
            rec.customer_group_id = c.customer_group_id.unwrap_or(rec.customer_group_id);
            rec.origin_channel_id = c.origin_channel_id.unwrap_or(rec.origin_channel_id);
            if let Some(ids) = c.channel_ids {
                rec.channel_ids = ids.map(Vec::into_boxed_slice);
            }
            if let Some(credit) = &c.store_credit_amounts {
                rec.store_credit = credit.iter().map(|s| s.amount.unwrap_or(0.0)).collect();
            }
            if let Some(fields) = &c.form_fields {
                rec.form_fields = upsert_fields(&rec.form_fields, fields);
            }
            if let Some(v) = c.accepts_product_review_abandoned_cart_emails {
                rec.accepts_marketing = v;
            }
            if let Some(v) = c.authentication.and_then(|a| a.force_password_reset) {
                rec.force_password_reset = v;
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

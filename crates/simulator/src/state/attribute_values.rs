//! Customer attribute values: `GET`, `PUT` (upsert) and `DELETE
//! /customers/attribute-values`. The values are the ones on the customer rows (what
//! `include=attributes` shows); an index of value id to customer finds them by id.
//! Writing them leaves the customer's `date_modified` alone.

use bigcommerce_models::AttributeValue;
use bigcommerce_models::time::parse_filter;
use serde::Deserialize;

use super::filter::{DateRange, Paging};
use super::input::{MAX_BATCH, WriteError, check_items};
use super::{SimState, now};
use crate::data::convert::attribute;
use crate::data::records::AttrKind;
use crate::data::{AttrRec, Secs, Text, text};

/// `attributeValue_Base`: note `value`, where reads say `attribute_value`.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AttrValueInput {
    pub attribute_id: Option<i64>,
    pub value: Option<String>,
    pub customer_id: Option<i64>,
}

/// Id lists are sorted; `attribute_ids` already includes what a `name` filter resolved to.
#[derive(Debug, Clone, Default)]
pub(crate) struct AttrValueFilter {
    pub customer_ids: Option<Vec<i64>>,
    pub attribute_ids: Option<Vec<i64>>,
    pub created: DateRange,
    pub modified: DateRange,
}

/// What the listing needs to know of a value without reading its customer's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValueKey {
    pub customer_id: i64,
    pub attribute_id: i64,
    pub created: Secs,
    pub modified: Secs,
}

impl ValueKey {
    pub(crate) fn of(customer_id: i64, a: &AttrRec) -> Self {
        ValueKey {
            customer_id,
            attribute_id: a.attribute_id,
            created: a.date_created,
            modified: a.date_modified,
        }
    }
}

impl AttrValueFilter {
    fn is_empty(&self) -> bool {
        self.customer_ids.is_none()
            && self.attribute_ids.is_none()
            && !self.created.is_set()
            && !self.modified.is_set()
    }

    fn matches(&self, k: &ValueKey) -> bool {
        self.customer_ids
            .as_ref()
            .is_none_or(|l| l.binary_search(&k.customer_id).is_ok())
            && self
                .attribute_ids
                .as_ref()
                .is_none_or(|l| l.binary_search(&k.attribute_id).is_ok())
            && self.created.contains(k.created)
            && self.modified.contains(k.modified)
    }
}

impl SimState {
    /// The value with this id and its customer.
    fn attribute_value_rec(&self, id: i64) -> Option<(i64, &AttrRec)> {
        let owner = self.attribute_value_index.get(&id)?.customer_id;
        let a = self.customer_rec(owner)?.attributes.iter().find(|a| a.id == id)?;
        Some((owner, a))
    }

    fn attribute_value_rows(&self, ids: impl Iterator<Item = i64>) -> Vec<(i64, AttrRec)> {
        ids.filter_map(|id| self.attribute_value_rec(id))
            .map(|(c, a)| (c, a.clone()))
            .collect()
    }

    /// One page of values (with their customer ids), by id, and how many match in all.
    /// Filters are checked on the index; only the page's values are read from the rows.
    pub(crate) fn attribute_value_page(
        &self,
        f: &AttrValueFilter,
        p: Paging,
    ) -> (usize, Vec<(i64, AttrRec)>) {
        if let Some(customers) = &f.customer_ids {
            let mut ids: Vec<i64> = customers
                .iter()
                .filter_map(|id| self.customer_rec(*id))
                .flat_map(|c| c.attributes.iter().map(|a| a.id))
                .filter(|id| self.attribute_value_index.get(id).is_some_and(|k| f.matches(k)))
                .collect();
            ids.sort_unstable();
            let page = self.attribute_value_rows(ids.iter().skip(p.offset()).take(p.limit()).copied());
            return (ids.len(), page);
        }
        let index = &self.attribute_value_index;
        if f.is_empty() {
            let page = index.keys().skip(p.offset()).take(p.limit()).copied();
            return (index.len(), self.attribute_value_rows(page));
        }
        let (mut total, mut page) = (0, Vec::new());
        for (id, _) in index.iter().filter(|(_, k)| f.matches(k)) {
            if total >= p.offset() && page.len() < p.limit() {
                page.push(*id);
            }
            total += 1;
        }
        (total, self.attribute_value_rows(page.into_iter()))
    }

    /// Sets the customer's value of an attribute (a new value gets a new id); stamps
    /// `date_modified` with `t`. `None` for an unknown customer.
    fn put_attribute_value(
        &mut self,
        customer_id: i64,
        attribute_id: i64,
        value: Text,
        t: Secs,
    ) -> Option<AttrRec> {
        let existing = self
            .customer_rec(customer_id)?
            .attributes
            .iter()
            .position(|a| a.attribute_id == attribute_id);
        let c = self.customer_mut(customer_id)?;
        if let Some(i) = existing {
            let mut attributes = c.attributes.to_vec();
            attributes[i].value = value;
            attributes[i].date_modified = t;
            let rec = attributes[i].clone();
            c.attributes = attributes.into_boxed_slice();
            self.customer_changed(customer_id);
            return Some(rec);
        }
        let id = self.take_attribute_value_id();
        let rec = AttrRec {
            id,
            attribute_id,
            value,
            date_created: t,
            date_modified: t,
        };
        let c = self.customer_mut(customer_id)?;
        let mut attributes = c.attributes.to_vec();
        attributes.push(rec.clone());
        c.attributes = attributes.into_boxed_slice();
        self.customer_changed(customer_id);
        Some(rec)
    }

    /// `PUT /customers/attribute-values`: up to 10 upserts keyed by (customer, attribute);
    /// the value must suit the attribute's type.
    pub(crate) fn upsert_attribute_values(
        &mut self,
        items: Vec<AttrValueInput>,
    ) -> Result<Vec<AttributeValue>, WriteError> {
        const TITLE: &str = "Upsert customer attribute values failed.";
        check_items(&items, MAX_BATCH, TITLE, |p, i, v| {
            let found = |id| self.customer_rec(id).is_some();
            p.known(format!("{i}.customer_id"), v.customer_id, found, "customer");
            let kind = match v.attribute_id {
                None => {
                    p.add(format!("{i}.attribute_id"), "is required");
                    None
                }
                Some(id) => {
                    let kind = self.attribute_def_rec(id).map(|a| a.kind);
                    if kind.is_none() {
                        p.add(format!("{i}.attribute_id"), "attribute not found");
                    }
                    kind
                }
            };
            match (&v.value, kind) {
                (None, _) => p.add(format!("{i}.value"), "is required"),
                (Some(s), _) if s.chars().count() > 255 => {
                    p.add(format!("{i}.value"), "must be at most 255 characters")
                }
                (Some(s), Some(AttrKind::Number)) if s.trim().parse::<f64>().is_err() => {
                    p.add(format!("{i}.value"), "must be a number for a number attribute")
                }
                (Some(s), Some(AttrKind::Date)) if parse_filter(s.trim()).is_none() => {
                    p.add(format!("{i}.value"), "must be a date for a date attribute")
                }
                _ => {}
            }
        })?;
        let t = now();
        let mut out = Vec::with_capacity(items.len());
        for v in items {
            let (Some(c), Some(a)) = (v.customer_id, v.attribute_id) else {
                continue;
            };
            let value = text(v.value.as_deref().unwrap_or_default());
            if let Some(rec) = self.put_attribute_value(c, a, value, t) {
                out.push(attribute(c, &rec));
            }
        }
        Ok(out)
    }

    /// Deletes values by id; unknown ids are ignored. Returns how many existed.
    pub(crate) fn delete_attribute_values(&mut self, ids: &[i64]) -> usize {
        let mut removed = 0;
        for id in ids {
            let Some(key) = self.attribute_value_index.remove(id) else {
                continue;
            };
            if let Some(c) = self.customer_mut(key.customer_id) {
                c.attributes = c.attributes.iter().filter(|a| a.id != *id).cloned().collect();
            }
            removed += 1;
        }
        removed
    }

    /// Every attribute value of every customer, by id (the same records
    /// `include=attributes` shows).
    pub fn attribute_values(&self) -> Vec<AttributeValue> {
        self.attribute_value_index
            .keys()
            .filter_map(|id| self.attribute_value_rec(*id))
            .map(|(c, a)| attribute(c, a))
            .collect()
    }

    /// Sets a customer's value of an attribute as `PUT /customers/attribute-values`
    /// would (date_modified now; the customer is not touched), without checking the value
    /// against the attribute's type. `None` if the customer or the attribute is unknown.
    pub fn upsert_attribute_value(
        &mut self,
        customer_id: i64,
        attribute_id: i64,
        value: &str,
    ) -> Option<AttributeValue> {
        self.attribute_def_rec(attribute_id)?;
        let rec = self.put_attribute_value(customer_id, attribute_id, text(value), now())?;
        Some(attribute(customer_id, &rec))
    }
}

//! Customer attribute definitions: listing, `POST`, `PUT` and `DELETE
//! /customers/attributes`. Deleting a definition deletes its values from every
//! customer, as the spec warns.

use std::collections::{BTreeMap, BTreeSet};

use bigcommerce_models::resources::AttributeDefinition;
use serde::Deserialize;

use super::filter::{DateRange, Paging};
use super::input::{Problems, WriteError, check_batch, check_items};
use super::{SimState, now};
use crate::data::convert_resources::attribute_def;
use crate::data::records::{AttrDefRec, AttrKind};
use crate::data::text;

/// A store may define at most this many customer attributes.
pub(crate) const MAX_ATTRIBUTES: usize = 50;

/// `attribute_Post` and `attribute_Put` in one.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AttrDefInput {
    pub id: Option<i64>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// Text is lower-cased when parsed: names match case-insensitively.
#[derive(Debug, Clone, Default)]
pub(crate) struct AttrDefFilter {
    pub name: Option<String>,
    pub name_like: Option<String>,
    pub kind: Option<AttrKind>,
    pub created: DateRange,
    pub modified: DateRange,
}

impl AttrDefFilter {
    fn matches(&self, a: &AttrDefRec) -> bool {
        let name = a.name.to_lowercase();
        self.name.as_ref().is_none_or(|n| *n == name)
            && self.name_like.as_ref().is_none_or(|n| name.contains(n.as_str()))
            && self.kind.is_none_or(|k| k == a.kind)
            && self.created.contains(a.date_created)
            && self.modified.contains(a.date_modified)
    }
}

fn check_name(p: &mut Problems, key: String, name: &Option<String>, required: bool) {
    p.non_empty(key.clone(), name, required);
    if name.as_ref().is_some_and(|n| n.chars().count() > 255) {
        p.add(key, "must be at most 255 characters");
    }
}

impl SimState {
    /// The matching definitions of one page, by id, and how many match in all.
    pub(crate) fn attribute_def_page(&self, f: &AttrDefFilter, p: Paging) -> (usize, Vec<AttrDefRec>) {
        let matching = self.attribute_defs.values().filter(|a| f.matches(a));
        let total = matching.clone().count();
        (
            total,
            matching.skip(p.offset()).take(p.limit()).cloned().collect(),
        )
    }

    /// Whether `name` (case-insensitive) is taken by a definition other than `except`.
    fn attribute_name_taken(&self, name: &str, except: Option<i64>) -> bool {
        self.attribute_defs
            .values()
            .any(|a| Some(a.id) != except && a.name.eq_ignore_ascii_case(name.trim()))
    }

    pub(crate) fn create_attribute_defs(
        &mut self,
        items: Vec<AttrDefInput>,
    ) -> Result<Vec<AttributeDefinition>, WriteError> {
        const TITLE: &str = "Create customer attributes failed.";
        check_batch(&items, usize::MAX, TITLE)?;
        let mut p = Problems::default();
        let mut seen = BTreeSet::new();
        for (i, a) in items.iter().enumerate() {
            check_name(&mut p, format!("{i}.name"), &a.name, true);
            if let Some(name) = &a.name
                && (!seen.insert(name.trim().to_lowercase()) || self.attribute_name_taken(name, None))
            {
                p.add(
                    format!("{i}.name"),
                    format!("An attribute named {name:?} already exists."),
                );
            }
            match a.kind.as_deref() {
                None => p.add(format!("{i}.type"), "is required"),
                Some(k) if AttrKind::parse(k).is_none() => {
                    p.add(format!("{i}.type"), "must be string, number or date")
                }
                Some(_) => {}
            }
        }
        if self.attribute_defs.len() + items.len() > MAX_ATTRIBUTES {
            p.add(
                "attributes",
                format!("a store has at most {MAX_ATTRIBUTES} attributes"),
            );
        }
        p.finish(TITLE)?;
        let t = now();
        let mut out = Vec::with_capacity(items.len());
        for a in items {
            let id = self.next_attribute_id.max(1);
            self.next_attribute_id = id + 1;
            let rec = AttrDefRec {
                id,
                name: text(a.name.as_deref().unwrap_or_default().trim()),
                kind: a
                    .kind
                    .as_deref()
                    .and_then(AttrKind::parse)
                    .unwrap_or(AttrKind::String),
                date_created: t,
                date_modified: t,
            };
            out.push(attribute_def(&rec));
            self.attribute_defs.insert(id, rec);
        }
        Ok(out)
    }

    /// Renames definitions by `id`. The type cannot change: sending another is a 422.
    pub(crate) fn update_attribute_defs(
        &mut self,
        items: Vec<AttrDefInput>,
    ) -> Result<Vec<AttributeDefinition>, WriteError> {
        const TITLE: &str = "Update customer attributes failed.";
        check_items(&items, usize::MAX, TITLE, |p, i, a| {
            let found = |id| self.attribute_defs.contains_key(&id);
            p.known(format!("{i}.id"), a.id, found, "attribute");
            let Some(cur) = a.id.and_then(|id| self.attribute_defs.get(&id)) else {
                return;
            };
            check_name(p, format!("{i}.name"), &a.name, false);
            if let Some(name) = &a.name
                && self.attribute_name_taken(name, a.id)
            {
                p.add(
                    format!("{i}.name"),
                    format!("An attribute named {name:?} already exists."),
                );
            }
            if a.kind.as_deref().is_some_and(|k| k != cur.kind.as_str()) {
                p.add(format!("{i}.type"), "cannot be changed once set");
            }
        })?;
        let t = now();
        let mut out = Vec::with_capacity(items.len());
        for a in items {
            let Some(rec) = a.id.and_then(|id| self.attribute_defs.get_mut(&id)) else {
                continue;
            };
            if let Some(name) = &a.name {
                rec.name = text(name.trim());
            }
            rec.date_modified = t;
            out.push(attribute_def(rec));
        }
        Ok(out)
    }

    /// Deletes definitions and every value of them; returns how many definitions existed.
    pub(crate) fn delete_attribute_defs(&mut self, ids: &[i64]) -> usize {
        let gone: BTreeSet<i64> = ids
            .iter()
            .filter(|id| self.attribute_defs.remove(id).is_some())
            .copied()
            .collect();
        if gone.is_empty() {
            return 0;
        }
        let owners: BTreeSet<i64> = self
            .attribute_value_index
            .values()
            .filter(|k| gone.contains(&k.attribute_id))
            .map(|k| k.customer_id)
            .collect();
        let mut dropped = Vec::new();
        for owner in owners {
            let Some(c) = self.customer_mut(owner) else {
                continue;
            };
            if c.attributes.iter().any(|a| gone.contains(&a.attribute_id)) {
                let (lost, kept): (Vec<_>, Vec<_>) = c
                    .attributes
                    .iter()
                    .cloned()
                    .partition(|a| gone.contains(&a.attribute_id));
                dropped.extend(lost.into_iter().map(|a| a.id));
                c.attributes = kept.into_boxed_slice();
            }
        }
        self.attribute_values_dropped(dropped);
        gone.len()
    }

    pub(crate) fn attribute_def_rec(&self, id: i64) -> Option<&AttrDefRec> {
        self.attribute_defs.get(&id)
    }

    /// Definition ids by lower-cased name (for the `name` filter of attribute values).
    pub(crate) fn attribute_ids_named(&self, names: &[String]) -> Vec<i64> {
        let by_name: BTreeMap<String, i64> = self
            .attribute_defs
            .values()
            .map(|a| (a.name.to_lowercase(), a.id))
            .collect();
        let mut ids: Vec<i64> = names.iter().filter_map(|n| by_name.get(n).copied()).collect();
        ids.sort_unstable();
        ids
    }

    /// Every attribute definition, by id.
    pub fn attribute_definitions(&self) -> Vec<AttributeDefinition> {
        self.attribute_defs.values().map(attribute_def).collect()
    }
}

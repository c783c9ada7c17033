//! Metafield writes. Unlike the other endpoints these are not all-or-nothing: the API
//! applies the items it can and reports the others (`422` with `errors` and
//! `meta.failed`), so each call answers with a [`Batch`].

use bigcommerce_models::resources::Metafield;
use serde::Deserialize;

use super::input::text_fields_or_kept;
use super::metafields::SIM_CLIENT_ID;
use super::{SimState, now};
use crate::data::convert_resources::metafield;
use crate::data::records::{MetafieldRec, PERMISSION_SETS};
use crate::data::text;

/// `MetafieldBase_Post` / `MetafieldBase_Put`, plus `resource_id` (batch creates) and
/// `id` (updates).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct MetafieldInput {
    pub id: Option<i64>,
    pub resource_id: Option<i64>,
    pub namespace: Option<String>,
    pub key: Option<String>,
    pub value: Option<String>,
    pub permission_set: Option<String>,
    pub description: Option<String>,
}

/// What a batch did: the items written, and why each refused item (by its index in the
/// request) was refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Batch<T> {
    pub done: Vec<T>,
    pub failed: Vec<(usize, String)>,
}

impl<T> Batch<T> {
    /// Applies `one` to each item: what succeeds is done, what fails is named by index.
    fn of<I>(items: impl IntoIterator<Item = I>, mut one: impl FnMut(I) -> Result<T, String>) -> Batch<T> {
        let mut out = Batch::default();
        for (i, item) in items.into_iter().enumerate() {
            match one(item) {
                Ok(done) => out.done.push(done),
                Err(e) => out.failed.push((i, e)),
            }
        }
        out
    }
}

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Batch {
            done: Vec::new(),
            failed: Vec::new(),
        }
    }
}

/// `Err` lists every problem of one item; `creating` makes the spec's fields required.
fn check(m: &MetafieldInput, creating: bool) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut length = |name: &str, v: &Option<String>, min: usize, max: usize| match v {
        None if creating && min > 0 => problems.push(format!("{name} is required")),
        Some(s) if !(min..=max).contains(&s.chars().count()) => {
            problems.push(format!("{name} must be {min} to {max} characters"))
        }
        _ => {}
    };
    length("namespace", &m.namespace, 1, 64);
    length("key", &m.key, 1, 64);
    length("value", &m.value, 1, 65_535);
    length("description", &m.description, 0, 255);
    match m.permission_set.as_deref() {
        None if creating => problems.push("permission_set is required".to_owned()),
        Some(p) if !PERMISSION_SETS.contains(&p) => problems.push(format!(
            "permission_set must be one of {}",
            PERMISSION_SETS.join(", ")
        )),
        _ => {}
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

impl SimState {
    /// Creates metafields on `customer`, or (batch form) on each item's `resource_id`.
    pub(crate) fn create_metafields(
        &mut self,
        items: Vec<MetafieldInput>,
        customer: Option<i64>,
    ) -> Batch<Metafield> {
        let t = now();
        Batch::of(items, |m| {
            let owner = customer.or(m.resource_id);
            match owner {
                None => Err("resource_id is required".to_owned()),
                Some(c) if self.customer_rec(c).is_none() => Err(format!("customer {c} does not exist")),
                Some(c) => check(&m, true).and_then(|()| {
                    let mut rec = MetafieldRec {
                        customer_id: c,
                        permission_set: text("read"),
                        owner_client_id: text(SIM_CLIENT_ID),
                        date_created: t,
                        date_modified: t,
                        ..MetafieldRec::default()
                    };
                    text_fields_or_kept!(rec, m; namespace, key, value, permission_set, description);
                    let (ns, key) = (&rec.namespace, &rec.key);
                    if self.metafield_taken(c, ns, key, 0) {
                        return Err(format!("customer {c} already has a metafield {ns}/{key}"));
                    }
                    rec.id = self.take_metafield_id();
                    let out = metafield(&rec);
                    self.insert_metafield(rec);
                    Ok(out)
                }),
            }
        })
    }

    /// Updates metafields by `id` (only the fields sent); with `customer`, only that
    /// customer's. The resource a metafield belongs to never changes.
    pub(crate) fn update_metafields(
        &mut self,
        items: Vec<MetafieldInput>,
        customer: Option<i64>,
    ) -> Batch<Metafield> {
        let t = now();
        Batch::of(items, |m| {
            let current = m.id.and_then(|id| self.metafield_rec(id)).cloned();
            match current {
                _ if m.id.is_none() => Err("id is required".to_owned()),
                Some(cur) if customer.is_none_or(|c| c == cur.customer_id) => {
                    check(&m, false).and_then(|()| {
                        let mut next = cur.clone();
                        text_fields_or_kept!(next, m; namespace, key, value, permission_set, description);
                        next.date_modified = t;
                        if self.metafield_taken(cur.customer_id, &next.namespace, &next.key, cur.id) {
                            return Err(format!(
                                "customer {} already has a metafield {}/{}",
                                cur.customer_id, next.namespace, next.key
                            ));
                        }
                        let out = metafield(&next);
                        self.metafields.insert(next.id, next);
                        Ok(out)
                    })
                }
                _ => Err("Metafield does not exist".to_owned()),
            }
        })
    }

    /// Deletes metafields by id; unknown ids are reported, the rest deleted.
    pub(crate) fn delete_metafields(&mut self, ids: &[i64]) -> Batch<i64> {
        Batch::of(ids.iter().copied(), |id| {
            self.remove_metafield(id)
                .map(|_| id)
                .ok_or_else(|| "Metafield does not exist".to_owned())
        })
    }
}

//! Form field values: `GET` and `PUT /customers/form-field-values`. The values are the
//! `form_fields` of the customer and address rows; the listing walks the indexes of
//! customers and addresses that have any. Writing them leaves `date_modified` alone.

use bigcommerce_models::resources::FormFieldRecord;
use serde_json::Value;

use super::SimState;
use super::filter::Paging;
use super::input::{WriteError, check_field, check_items};
use crate::data::convert_resources::{FieldOwner, form_field};
use crate::data::records::FieldType;
use crate::data::{FieldRec, FieldValue, text};

/// `field_name` is lower-cased when parsed and matched case-insensitively.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldFilter {
    pub customer_id: Option<i64>,
    pub address_id: Option<i64>,
    pub name: Option<String>,
    pub kind: Option<FieldType>,
}

/// A row of the listing: the owner and one of its values.
pub(crate) type FieldRow = (FieldOwner, FieldRec);

impl SimState {
    fn field_type(&self, f: &FieldRec) -> FieldType {
        self.field_types
            .get(&f.name)
            .copied()
            .unwrap_or_else(|| FieldType::infer(&f.value))
    }

    fn owner_fields(&self, owner: FieldOwner) -> &[FieldRec] {
        let fields = match owner {
            FieldOwner::Customer(id) => self.customer_rec(id).map(|c| &c.form_fields),
            FieldOwner::Address(id) => self.address_rec(id).map(|a| &a.form_fields),
        };
        fields.map_or(&[], |f| f)
    }

    /// An owner's values that pass `f`, by name.
    fn owner_rows<'a>(&'a self, owner: FieldOwner, f: &'a FieldFilter) -> impl Iterator<Item = &'a FieldRec> {
        let mut rows: Vec<&FieldRec> = self
            .owner_fields(owner)
            .iter()
            .filter(|r| f.name.as_ref().is_none_or(|n| r.name.to_lowercase() == *n))
            .filter(|r| f.kind.is_none_or(|k| self.field_type(r) == k))
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows.into_iter()
    }

    /// The owners `f` can match, in listing order (customers, then addresses, each by
    /// id), with how many values each has.
    fn field_owners<'a>(&'a self, f: &FieldFilter) -> Box<dyn Iterator<Item = (FieldOwner, usize)> + 'a> {
        let n = |c: Option<&u32>| c.map_or(0, |c| *c as usize);
        match (f.customer_id, f.address_id) {
            (Some(_), Some(_)) => Box::new(std::iter::empty()),
            (Some(c), None) => Box::new(std::iter::once((
                FieldOwner::Customer(c),
                n(self.field_customers.get(&c)),
            ))),
            (None, Some(a)) => Box::new(std::iter::once((
                FieldOwner::Address(a),
                n(self.field_addresses.get(&a)),
            ))),
            (None, None) => {
                let customers = self
                    .field_customers
                    .iter()
                    .map(|(id, c)| (FieldOwner::Customer(*id), *c as usize));
                let addresses = self
                    .field_addresses
                    .iter()
                    .map(|(id, c)| (FieldOwner::Address(*id), *c as usize));
                Box::new(customers.chain(addresses))
            }
        }
    }

    /// One page of values and how many match in all. Without name or type filters the
    /// owners outside the page are counted from the index, never read.
    pub(crate) fn form_field_page(&self, f: &FieldFilter, p: Paging) -> (usize, Vec<FieldRow>) {
        let counted = f.name.is_none() && f.kind.is_none();
        let (mut total, mut page) = (0, Vec::new());
        for (owner, n) in self.field_owners(f) {
            if counted && (total + n <= p.offset() || page.len() >= p.limit()) {
                total += n;
                continue;
            }
            for r in self.owner_rows(owner, f) {
                if total >= p.offset() && page.len() < p.limit() {
                    page.push((owner, r.clone()));
                }
                total += 1;
            }
        }
        (total, page)
    }

    /// Sets one value by name, keeping the owner's others; `false` for an unknown owner.
    fn put_form_field(&mut self, owner: FieldOwner, f: FieldRec) -> bool {
        let kind = (f.name.clone(), FieldType::infer(&f.value));
        let slot = match owner {
            FieldOwner::Customer(id) => self.customer_mut(id).map(|c| &mut c.form_fields),
            FieldOwner::Address(id) => self.address_mut(id).map(|a| &mut a.form_fields),
        };
        let Some(slot) = slot else { return false };
        let mut fields = slot.to_vec();
        match fields.iter_mut().find(|o| o.name == f.name) {
            Some(o) => o.value = f.value,
            None => fields.push(f),
        }
        *slot = fields.into_boxed_slice();
        // A name the form did not have yet gets the type its first value suggests.
        self.field_types.entry(kind.0).or_insert(kind.1);
        match owner {
            FieldOwner::Customer(id) => self.customer_changed(id),
            FieldOwner::Address(id) => self.address_fields_changed(id),
        }
        true
    }

    /// `PUT /customers/form-field-values`: each item names exactly one owner.
    pub(crate) fn upsert_form_field_values(
        &mut self,
        items: Vec<FormFieldRecord>,
    ) -> Result<Vec<FormFieldRecord>, WriteError> {
        const TITLE: &str = "Upsert form field values failed.";
        check_items(&items, usize::MAX, TITLE, |p, i, f| {
            match (f.customer_id, f.address_id) {
                (Some(c), None) if self.customer_rec(c).is_none() => {
                    p.add(format!("{i}.customer_id"), "customer not found")
                }
                (None, Some(a)) if self.address_rec(a).is_none() => {
                    p.add(format!("{i}.address_id"), "address not found")
                }
                (Some(_), None) | (None, Some(_)) => {}
                _ => p.add(format!("{i}"), "give exactly one of customer_id and address_id"),
            }
            check_field(p, &i.to_string(), &f.name, &f.value);
        })?;
        let mut out = Vec::with_capacity(items.len());
        for f in items {
            let (Some(owner), Some(value)) = (
                owner_of(f.customer_id, f.address_id),
                FieldValue::from_json(&f.value),
            ) else {
                continue;
            };
            let rec = FieldRec {
                name: text(&f.name),
                value,
            };
            out.push(form_field(owner, &rec));
            self.put_form_field(owner, rec);
        }
        Ok(out)
    }

    /// The customer a value's owner belongs to (for `corrupt_record`).
    pub(crate) fn field_owner_customer(&self, owner: FieldOwner) -> Option<i64> {
        match owner {
            FieldOwner::Customer(id) => Some(id),
            FieldOwner::Address(id) => self.address_rec(id).map(|a| a.customer_id),
        }
    }

    /// Every form field value of customers and addresses, in listing order: customers'
    /// by (customer_id, name), then addresses' by (address_id, name).
    pub fn form_field_values(&self) -> Vec<FormFieldRecord> {
        let all = FieldFilter::default();
        self.field_owners(&all)
            .flat_map(|(o, _)| self.owner_rows(o, &all).map(move |r| form_field(o, r)))
            .collect()
    }

    /// Sets one form field value of a customer or (exclusive) an address, keeping its
    /// others, as `PUT /customers/form-field-values` would (no `date_modified` change).
    /// `false` if both or neither id is given, the owner is unknown, or `value` is not a
    /// string, a number or a list of strings.
    pub fn upsert_form_field(
        &mut self,
        customer_id: Option<i64>,
        address_id: Option<i64>,
        name: &str,
        value: Value,
    ) -> bool {
        let (Some(owner), Some(value)) = (owner_of(customer_id, address_id), FieldValue::from_json(&value))
        else {
            return false;
        };
        !name.trim().is_empty()
            && self.put_form_field(
                owner,
                FieldRec {
                    name: text(name),
                    value,
                },
            )
    }
}

fn owner_of(customer_id: Option<i64>, address_id: Option<i64>) -> Option<FieldOwner> {
    match (customer_id, address_id) {
        (Some(c), None) => Some(FieldOwner::Customer(c)),
        (None, Some(a)) => Some(FieldOwner::Address(a)),
        _ => None,
    }
}

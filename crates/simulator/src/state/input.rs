//! Write payloads (`customer_Post`/`customer_Put`, `address_Post`/`address_Put`) and
//! their validation. Every field is optional here; each operation checks what it needs,
//! so a missing field becomes a 422 naming it rather than a decode failure.

use std::collections::BTreeMap;

use bigcommerce_models::{FormFieldValue, StoreCredit};
use serde::{Deserialize, Deserializer};

use crate::data::{AddressType, FieldRec, FieldValue, Text, text};

/// Most rows one `POST`/`PUT /customers` may carry.
pub(crate) const MAX_BATCH: usize = 10;

/// Why a write was refused. Nothing is applied when any item is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// HTTP 413.
    #[error("too many items: {got} (at most {max})")]
    TooMany { max: usize, got: usize },
    /// HTTP 422; `errors` maps `"<index>.<field>"` to what is wrong with it.
    #[error("{title}")]
    Invalid {
        title: String,
        errors: BTreeMap<String, String>,
    },
}

/// `customer_Post` and `customer_Put` in one: `id` is required by updates only.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomerInput {
    /// The customer an update changes; creates get a new one.
    pub id: Option<i64>,
    /// Required of creates; unique in the store, whatever its case.
    pub email: Option<String>,
    /// Required of creates; never blank.
    pub first_name: Option<String>,
    /// Required of creates; never blank.
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub tax_exempt_category: Option<String>,
    /// Updates only: a create leaves it blank, as the API does.
    pub registration_ip_address: Option<String>,
    /// `0` (no group) unless sent.
    pub customer_group_id: Option<i64>,
    /// Creates only (`customerAddresses_CustomerPost`); `customer_id` is ignored.
    pub addresses: Option<Vec<AddressInput>>,
    /// Creates only.
    pub attributes: Option<Vec<AttributeInput>>,
    pub authentication: Option<AuthenticationInput>,
    pub accepts_product_review_abandoned_cart_emails: Option<bool>,
    pub store_credit_amounts: Option<Vec<StoreCredit>>,
    pub origin_channel_id: Option<i64>,
    /// Absent: unchanged; `null`: global access; a list: those channels.
    #[serde(default, deserialize_with = "present")]
    pub channel_ids: Option<Option<Vec<i64>>>,
    pub form_fields: Option<Vec<FormFieldValue>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AttributeInput {
    pub attribute_id: Option<i64>,
    pub attribute_value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuthenticationInput {
    pub force_password_reset: Option<bool>,
    /// Write-only; accepted and dropped.
    pub new_password: Option<String>,
}

/// `address_Post` and `address_Put` in one: creates need `customer_id`, updates `id`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AddressInput {
    /// The address an update changes.
    pub id: Option<i64>,
    /// The owner a create adds to; an update cannot move an address.
    pub customer_id: Option<i64>,
    /// Required of creates, like `last_name`, `address1`, `city` and `country_code`.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Optional, but part of what makes two addresses duplicates.
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub state_or_province: Option<String>,
    pub postal_code: Option<String>,
    /// Two letters, stored upper-cased.
    pub country_code: Option<String>,
    pub phone: Option<String>,
    /// `residential` (the default) or `commercial`.
    pub address_type: Option<String>,
    /// Creates keep them as sent; updates set them by name, keeping the others.
    pub form_fields: Option<Vec<FormFieldValue>>,
}

/// Tells "absent" (outer `None`, via `#[serde(default)]`) from "null".
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Collects field problems; ends as `WriteError::Invalid` if any were found.
#[derive(Debug, Default)]
pub(crate) struct Problems(BTreeMap<String, String>);

impl Problems {
    pub(crate) fn add(&mut self, key: impl Into<String>, msg: impl Into<String>) {
        self.0.entry(key.into()).or_insert_with(|| msg.into());
    }

    /// `value` must be present (when `required`) and never blank.
    pub(crate) fn non_empty(&mut self, key: String, value: &Option<String>, required: bool) {
        match value {
            None if required => self.add(key, "is required"),
            Some(v) if v.trim().is_empty() => self.add(key, "must not be empty"),
            _ => {}
        }
    }

    /// An id the item must give, of a `what` that is `found`.
    pub(crate) fn known(
        &mut self,
        key: String,
        id: Option<i64>,
        found: impl FnOnce(i64) -> bool,
        what: &str,
    ) {
        match id {
            None => self.add(key, "is required"),
            Some(id) if !found(id) => self.add(key, format!("{what} not found")),
            Some(_) => {}
        }
    }

    pub(crate) fn finish(self, title: &str) -> Result<(), WriteError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(WriteError::Invalid {
                title: title.to_owned(),
                errors: self.0,
            })
        }
    }
}

/// Validates a whole batch before anything is applied: its size, then `check` on
/// each item with its index; refused as a whole (`title`) when any item has a problem.
pub(crate) fn check_items<T>(
    items: &[T],
    max: usize,
    title: &str,
    mut check: impl FnMut(&mut Problems, usize, &T),
) -> Result<(), WriteError> {
    check_batch(items, max, title)?;
    let mut p = Problems::default();
    for (i, item) in items.iter().enumerate() {
        check(&mut p, i, item);
    }
    p.finish(title)
}

pub(crate) fn check_batch<T>(items: &[T], max: usize, title: &str) -> Result<(), WriteError> {
    match items.len() {
        0 => Err(WriteError::Invalid {
            title: title.to_owned(),
            errors: BTreeMap::new(),
        }),
        n if n > max => Err(WriteError::TooMany { max, got: n }),
        _ => Ok(()),
    }
}

pub(crate) fn check_fields(p: &mut Problems, prefix: &str, fields: &Option<Vec<FormFieldValue>>) {
    for (k, f) in fields.iter().flatten().enumerate() {
        check_field(p, &format!("{prefix}.form_fields.{k}"), &f.name, &f.value);
    }
}

/// One form field value (`<prefix>.name`, `<prefix>.value`): named, and of a kind a
/// form field holds.
pub(crate) fn check_field(p: &mut Problems, prefix: &str, name: &str, value: &serde_json::Value) {
    if name.trim().is_empty() {
        p.add(format!("{prefix}.name"), "is required");
    }
    if FieldValue::from_json(value).is_none() {
        p.add(
            format!("{prefix}.value"),
            "must be a string, a number or a list of strings",
        );
    }
}

/// Checks an address; `creating` makes the spec's required fields mandatory.
pub(crate) fn check_address(p: &mut Problems, prefix: &str, a: &AddressInput, creating: bool) {
    for (name, value) in [
        ("first_name", &a.first_name),
        ("last_name", &a.last_name),
        ("address1", &a.address1),
        ("city", &a.city),
        ("country_code", &a.country_code),
    ] {
        p.non_empty(format!("{prefix}.{name}"), value, creating);
    }
    if let Some(cc) = &a.country_code
        && !(cc.len() == 2 && cc.chars().all(|c| c.is_ascii_alphabetic()))
    {
        p.add(
            format!("{prefix}.country_code"),
            "must be a two-letter ISO country code",
        );
    }
    if let Some(t) = &a.address_type
        && AddressType::parse(t).is_none()
    {
        p.add(
            format!("{prefix}.address_type"),
            "must be residential or commercial",
        );
    }
    check_fields(p, prefix, &a.form_fields);
}

/// Form fields as stored; call only after [`check_fields`] passed.
pub(crate) fn field_recs(fields: &[FormFieldValue]) -> Vec<FieldRec> {
    fields
        .iter()
        .filter_map(|f| {
            Some(FieldRec {
                name: text(&f.name),
                value: FieldValue::from_json(&f.value)?,
            })
        })
        .collect()
}

/// Sets values by name, keeping the others (how the API treats `form_fields` on writes).
pub(crate) fn upsert_fields(current: &[FieldRec], new: &[FormFieldValue]) -> Box<[FieldRec]> {
    let mut out = current.to_vec();
    for f in field_recs(new) {
        match out.iter_mut().find(|o| o.name == f.name) {
            Some(o) => o.value = f.value,
            None => out.push(f),
        }
    }
    out.into_boxed_slice()
}

pub(crate) fn text_or(value: &Option<String>, current: &Text) -> Text {
    value.as_deref().map_or_else(|| current.clone(), text)
}

/// For each named text field of a record, [`text_or`]: the payload's value when it
/// carries one, else the record's own (how writes treat the fields they leave out).
macro_rules! text_fields_or_kept {
    ($rec:expr, $input:expr; $($field:ident),+ $(,)?) => {
        $($rec.$field = $crate::state::input::text_or(&$input.$field, &$rec.$field);)+
    };
}
pub(crate) use text_fields_or_kept;

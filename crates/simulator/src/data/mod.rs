//! The store's rows in a compact in-memory form, and the seeded generator that fills them.
//!
//! Rows are plain structs of `Arc<str>` and numbers: pooled strings (names, cities) are
//! shared, so a million customers cost a few hundred bytes each, and nothing is turned
//! into JSON until a response asks for it (see [`convert`] and [`convert_resources`]).
//! Stored instruments are not even rows: [`instruments`] derives them when asked.

pub(crate) mod convert;
pub(crate) mod convert_resources;
pub(crate) mod generate;
pub(crate) mod hash;
pub(crate) mod instruments;
mod pools;
pub(crate) mod records;

use std::sync::Arc;

use serde_json::Value;

/// Immutable text; cloning is a reference-count bump, so snapshots are cheap.
pub(crate) type Text = Arc<str>;

pub(crate) fn text(s: &str) -> Text {
    Arc::from(s)
}

/// Every timestamp is kept as whole seconds since the Unix epoch, like the API.
pub(crate) type Secs = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum AddressType {
    /// What an address is unless it says otherwise.
    #[default]
    Residential,
    Commercial,
}

impl AddressType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AddressType::Residential => "residential",
            AddressType::Commercial => "commercial",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "residential" => Some(AddressType::Residential),
            "commercial" => Some(AddressType::Commercial),
            _ => None,
        }
    }
}

/// A form field value: the spec allows a string, a number or a list of strings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldValue {
    Text(Text),
    Number(f64),
    List(Box<[Text]>),
}

impl FieldValue {
    pub(crate) fn to_json(&self) -> Value {
        match self {
            FieldValue::Text(t) => Value::from(&**t),
            FieldValue::Number(n) => Value::from(*n),
            FieldValue::List(items) => Value::Array(items.iter().map(|t| Value::from(&**t)).collect()),
        }
    }

    /// `None` for JSON the spec does not allow (bool, object, null, mixed arrays).
    pub(crate) fn from_json(v: &Value) -> Option<Self> {
        match v {
            Value::String(s) => Some(FieldValue::Text(text(s))),
            Value::Number(n) => n.as_f64().map(FieldValue::Number),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(text))
                .collect::<Option<Box<[Text]>>>()
                .map(FieldValue::List),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldRec {
    pub name: Text,
    pub value: FieldValue,
}

/// One customer attribute value (`attribute_Full`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttrRec {
    pub id: i64,
    pub attribute_id: i64,
    pub value: Text,
    pub date_created: Secs,
    pub date_modified: Secs,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CustomerRec {
    pub id: i64,
    pub email: Text,
    pub first_name: Text,
    pub last_name: Text,
    pub company: Text,
    pub phone: Text,
    pub notes: Text,
    pub tax_exempt_category: Text,
    pub registration_ip_address: Text,
    pub customer_group_id: i64,
    pub date_created: Secs,
    pub date_modified: Secs,
    pub origin_channel_id: i64,
    /// `None` is global access (the API sends `null`).
    pub channel_ids: Option<Box<[i64]>>,
    pub store_credit: Box<[f64]>,
    pub form_fields: Box<[FieldRec]>,
    pub attributes: Box<[AttrRec]>,
    /// Ascending; ids only grow, so appending keeps the order.
    pub address_ids: Vec<i64>,
    pub accepts_marketing: bool,
    pub force_password_reset: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct AddressRec {
    pub id: i64,
    pub customer_id: i64,
    pub first_name: Text,
    pub last_name: Text,
    pub company: Text,
    pub address1: Text,
    pub address2: Text,
    pub city: Text,
    pub state_or_province: Text,
    pub postal_code: Text,
    pub country_code: Text,
    pub phone: Text,
    pub address_type: AddressType,
    pub form_fields: Box<[FieldRec]>,
}

impl AddressRec {
    /// The fields that make an address unique per the spec; equal keys mean "duplicate".
    pub(crate) fn same_core(&self, other: &AddressRec) -> bool {
        self.customer_id == other.customer_id
            && self.first_name == other.first_name
            && self.last_name == other.last_name
            && self.company == other.company
            && self.phone == other.phone
            && self.address_type == other.address_type
            && self.address1 == other.address1
            && self.address2 == other.address2
            && self.city == other.city
            && self.country_code == other.country_code
            && self.state_or_province == other.state_or_province
            && self.postal_code == other.postal_code
    }
}

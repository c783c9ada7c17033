//! Rows of the resources that hang off customers: attribute definitions, form field
//! types, consent and metafields. Stored instruments have no rows until a test edits
//! them (see [`super::instruments`]).

use super::{FieldValue, Secs, Text};

/// A customer attribute's data type; fixed once created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrKind {
    String,
    Number,
    Date,
}

impl AttrKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AttrKind::String => "string",
            AttrKind::Number => "number",
            AttrKind::Date => "date",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "string" => Some(AttrKind::String),
            "number" => Some(AttrKind::Number),
            "date" => Some(AttrKind::Date),
            _ => None,
        }
    }
}

/// One customer attribute definition (`GET /customers/attributes`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttrDefRec {
    pub id: i64,
    pub name: Text,
    pub kind: AttrKind,
    pub date_created: Secs,
    pub date_modified: Secs,
}

/// The sign-up form's field types (`field_type` of `GET /customers/form-field-values`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    Checkboxes,
    Date,
    Multiline,
    Numbers,
    Password,
    RadioButtons,
    Text,
    Picklist,
}

impl FieldType {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            // The spec says `checkboxes`; `checkbox` is accepted too since both circulate.
            "checkboxes" | "checkbox" => FieldType::Checkboxes,
            "date" => FieldType::Date,
            "multiline" => FieldType::Multiline,
            "numbers" => FieldType::Numbers,
            "password" => FieldType::Password,
            "radiobuttons" => FieldType::RadioButtons,
            "text" => FieldType::Text,
            "picklist" => FieldType::Picklist,
            _ => return None,
        })
    }

    /// The type a field created through the API gets: the store's form would define it,
    /// the simulator guesses it from the first value written.
    pub(crate) fn infer(v: &FieldValue) -> Self {
        match v {
            FieldValue::Number(_) => FieldType::Numbers,
            FieldValue::List(_) => FieldType::Checkboxes,
            FieldValue::Text(t) if looks_like_date(t) => FieldType::Date,
            FieldValue::Text(t) if t.contains('\n') => FieldType::Multiline,
            FieldValue::Text(_) => FieldType::Text,
        }
    }
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Consent categories in the order the API lists them; bit `i` of a mask is `CATEGORIES[i]`.
pub(crate) const CATEGORIES: [&str; 4] = ["essential", "functional", "analytics", "targeting"];

/// A customer's cookie consent, two bit sets and a stamp: 16 bytes per customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ConsentRec {
    pub allow: u8,
    pub deny: u8,
    pub updated_at: Secs,
}

impl ConsentRec {
    /// The mask of these category names; `Err` names the first unknown one.
    pub(crate) fn mask<S: AsRef<str>>(names: &[S]) -> Result<u8, String> {
        names.iter().try_fold(0u8, |m, n| {
            let n = n.as_ref();
            CATEGORIES
                .iter()
                .position(|c| *c == n)
                .map(|i| m | (1 << i))
                .ok_or_else(|| n.to_owned())
        })
    }

    pub(crate) fn names(mask: u8) -> Vec<String> {
        CATEGORIES
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, c)| (*c).to_owned())
            .collect()
    }
}

/// `permission_set` values a metafield may carry.
pub(crate) const PERMISSION_SETS: [&str; 5] = [
    "app_only",
    "read",
    "write",
    "read_and_sf_access",
    "write_and_sf_access",
];

/// One customer metafield (`resource_type` is always `customer`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct MetafieldRec {
    pub id: i64,
    pub customer_id: i64,
    pub namespace: Text,
    pub key: Text,
    pub value: Text,
    pub permission_set: Text,
    pub description: Text,
    pub owner_client_id: Text,
    pub date_created: Secs,
    pub date_modified: Secs,
}

//! Rows of the customer sub-resources to the shared API models, and the test-injected
//! corruption that replaces fields of one record's JSON.

use bigcommerce_models::resources::{AttributeDefinition, Consent, FormFieldRecord, Metafield};
use serde::Serialize;
use serde_json::{Map, Value};

use super::FieldRec;
use super::convert::ts;
use super::records::{AttrDefRec, ConsentRec, MetafieldRec};

pub(crate) fn attribute_def(a: &AttrDefRec) -> AttributeDefinition {
    AttributeDefinition {
        id: a.id,
        name: Some(a.name.to_string()),
        attribute_type: Some(a.kind.as_str().to_owned()),
        date_created: Some(ts(a.date_created)),
        date_modified: Some(ts(a.date_modified)),
    }
}

/// Who a form field value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FieldOwner {
    Customer(i64),
    Address(i64),
}

pub(crate) fn form_field(owner: FieldOwner, f: &FieldRec) -> FormFieldRecord {
    let (customer_id, address_id) = match owner {
        FieldOwner::Customer(id) => (Some(id), None),
        FieldOwner::Address(id) => (None, Some(id)),
    };
    FormFieldRecord {
        name: f.name.to_string(),
        value: f.value.to_json(),
        customer_id,
        address_id,
    }
}

pub(crate) fn consent(c: &ConsentRec) -> Consent {
    Consent {
        allow: Some(ConsentRec::names(c.allow)),
        deny: Some(ConsentRec::names(c.deny)),
        updated_at: Some(ts(c.updated_at)),
    }
}

pub(crate) fn metafield(m: &MetafieldRec) -> Metafield {
    Metafield {
        id: m.id,
        key: Some(m.key.to_string()),
        value: Some(m.value.to_string()),
        namespace: Some(m.namespace.to_string()),
        permission_set: Some(m.permission_set.to_string()),
        description: Some(m.description.to_string()),
        resource_type: Some("customer".to_owned()),
        resource_id: Some(m.customer_id),
        date_created: Some(ts(m.date_created)),
        date_modified: Some(ts(m.date_modified)),
        owner_client_id: Some(m.owner_client_id.to_string()),
    }
}

/// A record as served: the typed model, or its JSON with some fields replaced.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Out<T> {
    Plain(T),
    Patched(Value),
}

/// `model`, with `patch`'s fields written over it when there is one.
pub(crate) fn patched<T: Serialize>(model: T, patch: Option<&Map<String, Value>>) -> Out<T> {
    match patch {
        None => Out::Plain(model),
        Some(p) => {
            let mut value = serde_json::to_value(&model).unwrap_or(Value::Null);
            patch_value(&mut value, Some(p));
            Out::Patched(value)
        }
    }
}

/// Writes `patch`'s fields over a JSON object (anything else is left alone).
pub(crate) fn patch_value(value: &mut Value, patch: Option<&Map<String, Value>>) {
    if let (Value::Object(obj), Some(p)) = (value, patch) {
        obj.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

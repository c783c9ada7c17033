//! What a customer page hands the store besides customers and addresses, and the
//! operator's exclusions applied to it.

use bigcommerce::models::{Address, Customer, Exclusions, Raw, Resource, decode_record};
use serde::de::DeserializeOwned;

use crate::error::PollError;

/// Removes excluded fields from each record's JSON and decodes the typed value again
/// from what is left, so neither `raw` nor a typed column keeps them.
pub fn exclude<T: DeserializeOwned>(
    ex: &Exclusions,
    resource: Resource,
    mut records: Vec<Raw<T>>,
) -> Result<Vec<Raw<T>>, PollError> {
    if !ex.strips(resource) {
        return Ok(records);
    }
    for r in &mut records {
        ex.strip_raw(resource, &mut r.raw);
        r.value = decode_record(&r.raw)
            .map_err(|e| PollError::Contract(format!("{resource} without its excluded fields: {e}")))?;
    }
    Ok(records)
}

/// The form field values a customer page carries (`include=formfields`): the customer's
/// own as `{name, value, customer_id}`, and those of the addresses as
/// `{name, value, address_id}`, the shapes of `GET /customers/form-field-values`.
pub fn form_field_records(customers: &[Raw<Customer>], addresses: &[Raw<Address>]) -> Vec<serde_json::Value> {
    let mut records = Vec::new();
    for c in customers {
        for f in c.value.form_fields.iter().flatten() {
            records.push(serde_json::json!({"name": f.name, "value": f.value, "customer_id": c.value.id}));
        }
    }
    for a in addresses {
        for f in a.value.form_fields.iter().flatten() {
            records.push(serde_json::json!({"name": f.name, "value": f.value, "address_id": a.value.id}));
        }
    }
    records
}

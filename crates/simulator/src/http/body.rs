//! Request bodies: a JSON array of items, each decoded on its own so an error names
//! the item (`"2"`) and never panics.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::ApiError;

pub(crate) fn items<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ApiError::MalformedBody(e.to_string()))?;
    let Value::Array(items) = value else {
        return Err(ApiError::Unprocessable {
            title: "The request body must be a JSON array.".to_owned(),
            errors: BTreeMap::new(),
        });
    };
    let mut errors = BTreeMap::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match serde_json::from_value(item) {
            Ok(v) => out.push(v),
            Err(e) => {
                errors.insert(i.to_string(), e.to_string());
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::Unprocessable {
            title: "The request body has invalid items.".to_owned(),
            errors,
        })
    }
}

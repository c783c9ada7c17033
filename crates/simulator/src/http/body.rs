//! Request bodies: a JSON array of items, each decoded on its own so an error names
//! the item (`"2"`) and never panics.

use std::collections::BTreeMap;

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::customers::query_pairs;
use super::errors::ApiError;
use super::params::{self, Pairs};
use super::render;
use crate::shared::Shared;
use crate::state::{SimState, WriteError};

/// A `POST` or `PUT` of a collection: decodes the items, applies `write` to the
/// state under the lock, and answers with the rows written.
pub(crate) fn write<I: DeserializeOwned, T: Serialize>(
    app: &Shared,
    body: &[u8],
    write: impl FnOnce(&mut SimState, Vec<I>) -> Result<Vec<T>, WriteError>,
) -> Result<Response, ApiError> {
    let items = items::<I>(body)?;
    let written = write(&mut app.inner.lock().state, items)?;
    Ok(render::written(&written))
}

/// A `DELETE` by `id:in`: without it nothing is deleted, and the answer is still 204.
pub(crate) fn delete_ids<R>(
    app: &Shared,
    q: Result<Query<Pairs>, QueryRejection>,
    delete: impl FnOnce(&mut SimState, &[i64]) -> R,
) -> Result<StatusCode, ApiError> {
    if let Some(ids) = params::ids(&query_pairs(q)?, "id:in")? {
        delete(&mut app.inner.lock().state, &ids);
    }
    Ok(StatusCode::NO_CONTENT)
}

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

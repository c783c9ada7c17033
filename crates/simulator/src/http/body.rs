//! Request bodies: a JSON array of items, each decoded on its own so an error names
//! the item (`"2"`) and never panics; and the handlers of the collection writes
//! (`POST`, `PUT`, `DELETE` by `id:in`), one per kind of write, over the state's.

use std::collections::BTreeMap;
use std::future::{Ready, ready};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::ApiError;
use super::extract::QueryPairs;
use super::params::{self, Pairs};
use super::render;
use crate::shared::Shared;
use crate::state::{SimState, WriteError};

/// A `POST` or `PUT` of a collection: decodes the items, `apply`s them to the
/// state under the lock, and answers with the rows written.
fn write<I: DeserializeOwned, T: Serialize>(
    app: &Shared,
    body: &[u8],
    apply: fn(&mut SimState, Vec<I>) -> Result<Vec<T>, WriteError>,
) -> Result<Response, ApiError> {
    let items = items::<I>(body)?;
    let written = apply(&mut app.inner.lock().state, items)?;
    Ok(render::written(&written))
}

/// The handler of a `POST` or `PUT` of a collection whose items `apply` writes: the
/// same for customers, addresses, attributes and the upserts of values.
pub(crate) fn writes<I, T>(
    apply: fn(&mut SimState, Vec<I>) -> Result<Vec<T>, WriteError>,
) -> impl Fn(State<Arc<Shared>>, Bytes) -> Ready<Result<Response, ApiError>> + Clone + Send + Sync + 'static
where
    I: DeserializeOwned + 'static,
    T: Serialize + 'static,
{
    move |State(app), body| ready(write(&app, &body, apply))
}

/// The handler of a `DELETE` by `id:in`: without it nothing is deleted, and the
/// answer is still 204 (per the spec). What `delete` removes with a record (a
/// customer's addresses, a definition's values) is its own business.
pub(crate) fn deletes<R: 'static>(
    delete: fn(&mut SimState, &[i64]) -> R,
) -> impl Fn(State<Arc<Shared>>, QueryPairs) -> Ready<Result<StatusCode, ApiError>> + Clone + Send + Sync + 'static
{
    move |State(app), QueryPairs(pairs)| ready(delete_ids(&app, &pairs, delete))
}

fn delete_ids<R>(
    app: &Shared,
    pairs: &Pairs,
    delete: fn(&mut SimState, &[i64]) -> R,
) -> Result<StatusCode, ApiError> {
    if let Some(ids) = params::ids(pairs, "id:in")? {
        delete(&mut app.inner.lock().state, &ids);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Any JSON document; what does not parse is a malformed body (400).
pub(crate) fn json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::MalformedBody(e.to_string()))
}

pub(crate) fn items<T: DeserializeOwned>(body: &[u8]) -> Result<Vec<T>, ApiError> {
    let value = json(body)?;
    let Value::Array(items) = value else {
        return Err(ApiError::unprocessable(
            "The request body must be a JSON array.",
            BTreeMap::new(),
        ));
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
        Err(ApiError::unprocessable(
            "The request body has invalid items.",
            errors,
        ))
    }
}

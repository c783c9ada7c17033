//! Customer metafields: the batch endpoints on `/customers/metafields` and the
//! per-customer ones on `/customers/{id}/metafields[/{metafield_id}]`.
//!
//! Listings use the collection envelope; so does the single-metafield `GET`, whose
//! spec response is the same `MetafieldCollectionResponse` (a one-item collection).
//! Every write answers `{data, errors, meta: {total, success, failed}}`: 200 when all
//! items went through, 422 when some did not (the rest are applied).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;

use super::errors::ApiError;
use super::extract::{PathId, QueryPairs};
use super::params::Pairs;
use super::resource_params::{metafield_query, path_id};
use super::{body, patched, render};
use crate::counters::PathKind;
use crate::data::convert_resources::{self, metafield};
use crate::shared::Shared;
use crate::state::SimState;
use crate::state::filter::Paging;
use crate::state::metafields_write::MetafieldInput;

fn listing(app: &Shared, pairs: &Pairs, customer: Option<i64>) -> Result<Response, ApiError> {
    let (filter, paging) = metafield_query(pairs, customer)?;
    let page = |state: &mut SimState| {
        if customer.is_some_and(|c| state.customer_rec(c).is_none()) {
            return Err(ApiError::NotFound);
        }
        Ok(state.metafield_page(&filter, paging))
    };
    let listing = patched::Listing::new(PathKind::Metafields, paging, pairs);
    listing.answer(app, page, |_, m| m.id, metafield)
}

/// `GET /customers/metafields`: every customer's.
pub(crate) async fn list_all(
    State(app): State<Arc<Shared>>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    listing(&app, &pairs, None)
}

pub(crate) async fn create_batch(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let items = body::items::<MetafieldInput>(&body)?;
    let out = app.inner.lock().state.create_metafields(items, None);
    Ok(render::batch(&out.done, &out.failed))
}

pub(crate) async fn update_batch(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let items = body::items::<MetafieldInput>(&body)?;
    let out = app.inner.lock().state.update_metafields(items, None);
    Ok(render::batch(&out.done, &out.failed))
}

/// The body is a JSON array of metafield ids.
pub(crate) async fn delete_batch(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let ids = body::items::<i64>(&body)?;
    let out = app.inner.lock().state.delete_metafields(&ids);
    Ok(render::batch(&out.done, &out.failed))
}

/// `GET /customers/{id}/metafields`.
pub(crate) async fn list_customer(
    State(app): State<Arc<Shared>>,
    PathId(id): PathId,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    listing(&app, &pairs, Some(id))
}

/// One object (what the spec gives) or an array of them.
fn one_or_many<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, ApiError> {
    let value = body::json(bytes)?;
    if value.is_array() {
        return body::items(bytes);
    }
    serde_json::from_value(value)
        .map(|v| vec![v])
        .map_err(|e| ApiError::bad_param("body", e.to_string()))
}

/// `POST /customers/{id}/metafields`: `resource_id` is the path's customer.
pub(crate) async fn create_for_customer(
    State(app): State<Arc<Shared>>,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, ApiError> {
    if app.inner.lock().state.customer_rec(id).is_none() {
        return Err(ApiError::NotFound);
    }
    let items = one_or_many::<MetafieldInput>(&body)?;
    let out = app.inner.lock().state.create_metafields(items, Some(id));
    Ok(render::batch(&out.done, &out.failed))
}

/// The customer and metafield ids of a single-metafield path, 404 unless that
/// customer owns that metafield.
fn owned(app: &Shared, customer: &str, metafield: &str) -> Result<(i64, i64), ApiError> {
    let (c, m) = (path_id(customer)?, path_id(metafield)?);
    let state = &app.inner.lock().state;
    match state.metafield_rec(m) {
        Some(rec) if rec.customer_id == c => Ok((c, m)),
        _ => Err(ApiError::NotFound),
    }
}

pub(crate) async fn get_one(
    State(app): State<Arc<Shared>>,
    Path((_, customer, mid)): Path<(String, String, String)>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let (_, id) = owned(&app, &customer, &mid)?;
    let (rec, patch) = patched::record(&app, PathKind::Metafields, id, |s| s.metafield_rec(id).cloned())?;
    let data = [convert_resources::patched(metafield(&rec), patch.as_ref())];
    Ok(render::collection(
        &data,
        1,
        Paging { page: 1, limit: 50 },
        &pairs,
    ))
}

/// `PUT /customers/{id}/metafields/{metafield_id}`: one object or an array; every
/// item updates the metafield of the path.
pub(crate) async fn put_one(
    State(app): State<Arc<Shared>>,
    Path((_, customer, mid)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (c, m) = owned(&app, &customer, &mid)?;
    let mut items = one_or_many::<MetafieldInput>(&body)?;
    for item in &mut items {
        item.id = Some(m);
    }
    let out = app.inner.lock().state.update_metafields(items, Some(c));
    Ok(render::batch(&out.done, &out.failed))
}

pub(crate) async fn delete_one(
    State(app): State<Arc<Shared>>,
    Path((_, customer, mid)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (_, m) = owned(&app, &customer, &mid)?;
    app.inner.lock().state.delete_metafields(&[m]);
    Ok(StatusCode::NO_CONTENT)
}

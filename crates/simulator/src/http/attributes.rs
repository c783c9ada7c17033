//! `/customers/attributes` (definitions) and `/customers/attribute-values`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::customers::query_pairs;
use super::errors::ApiError;
use super::params::Pairs;
use super::{body, render, resource_params};
use crate::counters::PathKind;
use crate::data::convert::attribute;
use crate::data::convert_resources::{attribute_def, patched};
use crate::shared::Shared;
use crate::state::SimState;

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(q)?;
    let (filter, paging) = resource_params::attribute_query(&pairs)?;
    let (total, rows, patches) = {
        let state = &app.inner.lock().state;
        let (total, rows) = state.attribute_def_page(&filter, paging);
        let patches = state.patches(PathKind::Attributes, rows.iter().map(|r| r.id));
        (total, rows, patches)
    };
    let data: Vec<_> = rows
        .iter()
        .zip(&patches)
        .map(|(r, p)| patched(attribute_def(r), p.as_ref()))
        .collect();
    Ok(render::collection(&data, total, paging, &pairs))
}

pub(crate) async fn create(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    body::write(&app, &body, SimState::create_attribute_defs)
}

pub(crate) async fn update(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    body::write(&app, &body, SimState::update_attribute_defs)
}

/// Deletes the definitions and their values; without `id:in` nothing (204).
pub(crate) async fn delete(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    body::delete_ids(&app, q, SimState::delete_attribute_defs)
}

pub(crate) async fn list_values(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(q)?;
    let (mut filter, names, paging) = resource_params::attribute_value_query(&pairs)?;
    let (total, rows, patches) = {
        let state = &app.inner.lock().state;
        if let Some(names) = names {
            // `name` narrows to those attributes, on top of any `attribute_id:in`.
            let named = state.attribute_ids_named(&names);
            let ids = match filter.attribute_ids.take() {
                Some(given) => named.into_iter().filter(|id| given.contains(id)).collect(),
                None => named,
            };
            filter.attribute_ids = Some(ids);
        }
        let (total, rows) = state.attribute_value_page(&filter, paging);
        let patches = state.patches(PathKind::AttributeValues, rows.iter().map(|(_, a)| a.id));
        (total, rows, patches)
    };
    let data: Vec<_> = rows
        .iter()
        .zip(&patches)
        .map(|((c, a), p)| patched(attribute(*c, a), p.as_ref()))
        .collect();
    Ok(render::collection(&data, total, paging, &pairs))
}

pub(crate) async fn upsert_values(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    body::write(&app, &body, SimState::upsert_attribute_values)
}

/// Without `id:in` nothing is deleted (204).
pub(crate) async fn delete_values(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    body::delete_ids(&app, q, SimState::delete_attribute_values)
}

//! `/stores/{hash}/v3/hooks`: register, list, show, change and remove webhooks. One
//! hook answers as `{data, meta: {}}`, the listing as a paged collection.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

use super::errors::ApiError;
use super::extract::{PathId, QueryPairs};
use super::params::{self};
use super::{body, render};
use crate::shared::Shared;
use crate::state::now;
use crate::webhooks::registry::{HookInput, Problems};

fn input(body: &[u8]) -> Result<HookInput, ApiError> {
    let value = body::json(body)?;
    if !value.is_object() {
        return Err(invalid(BTreeMap::from([(
            "body".to_owned(),
            "must be a JSON object".to_owned(),
        )])));
    }
    serde_json::from_value(value).map_err(|e| invalid(BTreeMap::from([("body".to_owned(), e.to_string())])))
}

fn invalid(errors: Problems) -> ApiError {
    ApiError::unprocessable("The webhook is not valid.", errors)
}

fn one<T: serde::Serialize>(hook: &T) -> Response {
    render::bare(&serde_json::json!({ "data": hook, "meta": {} }))
}

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let paging = params::paging(&pairs)?;
    let hooks = app.read_hooks(|r| r.list());
    let page: Vec<_> = hooks
        .iter()
        .skip(((paging.page - 1) * paging.limit) as usize)
        .take(paging.limit as usize)
        .collect();
    Ok(render::collection(&page, hooks.len(), paging, &pairs))
}

pub(crate) async fn create(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let input = input(&body)?;
    let hook = app
        .edit_hooks(|r| r.create(input, &app.store_hash, now()))
        .map_err(invalid)?;
    Ok(one(&hook))
}

pub(crate) async fn get(State(app): State<Arc<Shared>>, PathId(id): PathId) -> Result<Response, ApiError> {
    let hook = app.read_hooks(|r| r.get(id)).ok_or(ApiError::NotFound)?;
    Ok(one(&hook))
}

pub(crate) async fn update(
    State(app): State<Arc<Shared>>,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = input(&body)?;
    let hook = app
        .edit_hooks(|r| r.update(id, input, now()))
        .map_err(invalid)?
        .ok_or(ApiError::NotFound)?;
    Ok(one(&hook))
}

/// Answers the removed hook, as BigCommerce does.
pub(crate) async fn delete(State(app): State<Arc<Shared>>, PathId(id): PathId) -> Result<Response, ApiError> {
    let hook = app.edit_hooks(|r| r.delete(id)).ok_or(ApiError::NotFound)?;
    Ok(one(&hook))
}

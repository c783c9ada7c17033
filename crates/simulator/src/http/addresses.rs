//! `/stores/{hash}/v3/customers/addresses`: list, create, update, delete.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::customers::query_pairs;
use super::errors::ApiError;
use super::params::{self, Pairs};
use super::{body, render};
use crate::counters::PathKind;
use crate::data::convert::address;
use crate::data::convert_resources::patched;
use crate::shared::Shared;
use crate::state::SimState;

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(q)?;
    let q = params::address_query(&pairs)?;
    let (total, recs, patches) = {
        let state = &mut app.inner.lock().state;
        let mut page = state.address_page(&q.filter, q.paging);
        state.lag_listing(&mut page.ids);
        let patches = state.patches(PathKind::Addresses, page.ids.iter().copied());
        (page.total, state.address_views(&page.ids), patches)
    };
    let data: Vec<_> = recs
        .iter()
        .zip(&patches)
        .map(|(a, p)| patched(address(a, q.formfields), p.as_ref()))
        .collect();
    Ok(render::collection(&data, total, q.paging, &pairs))
}

pub(crate) async fn create(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    body::write(&app, &body, SimState::create_addresses)
}

pub(crate) async fn update(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    body::write(&app, &body, SimState::update_addresses)
}

/// Without `id:in` nothing is deleted (204), like `DELETE /customers`.
pub(crate) async fn delete(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    body::delete_ids(&app, q, SimState::delete_addresses)
}

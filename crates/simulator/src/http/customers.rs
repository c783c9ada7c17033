//! `/stores/{hash}/v3/customers`: list, create, update, delete.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::errors::ApiError;
use super::params::{self, Pairs};
use super::{body, render};
use crate::data::convert::Row;
use crate::shared::Shared;
use crate::state::SimState;

pub(crate) fn query_pairs(q: Result<Query<Pairs>, QueryRejection>) -> Result<Pairs, ApiError> {
    q.map(|Query(p)| p)
        .map_err(|e| ApiError::bad_param("query", e.body_text()))
}

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(q)?;
    let q = params::customer_query(&pairs)?;
    let (total, views) = {
        let state = &mut app.inner.lock().state;
        state.churn_before_listing(q.filter.modified);
        let mut page = state.customer_page(&q.filter, q.order, q.paging);
        state.lag_listing(&mut page.ids);
        (page.total, state.customer_views(&page.ids, &q.include))
    };
    // Building and serialising the models happens outside the lock.
    let rows: Vec<Row> = views.into_iter().map(|v| v.into_row(&q.include)).collect();
    Ok(render::collection(&rows, total, q.paging, &pairs))
}

pub(crate) async fn create(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    body::write(&app, &body, SimState::create_customers)
}

pub(crate) async fn update(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    body::write(&app, &body, SimState::update_customers)
}

/// Without `id:in` nothing is deleted and the answer is still 204 (per the spec).
pub(crate) async fn delete(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    body::delete_ids(&app, q, SimState::delete_customers)
}

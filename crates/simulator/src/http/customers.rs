//! `GET /stores/{hash}/v3/customers`; its writes are
//! [`super::body::writes`] and [`super::body::deletes`] over the state's.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::errors::ApiError;
use super::extract::QueryPairs;
use super::params::{self};
use super::render;
use crate::data::convert::Row;
use crate::shared::Shared;

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
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

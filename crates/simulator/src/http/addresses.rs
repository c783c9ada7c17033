//! `GET /stores/{hash}/v3/customers/addresses`; its writes are
//! [`super::body::writes`] and [`super::body::deletes`] over the state's.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::errors::ApiError;
use super::extract::QueryPairs;
use super::params::{self};
use super::patched;
use crate::counters::PathKind;
use crate::data::AddressRec;
use crate::data::convert::address;
use crate::shared::Shared;
use crate::state::SimState;

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let q = params::address_query(&pairs)?;
    let page = |state: &mut SimState| {
        let mut page = state.address_page(&q.filter, q.paging);
        state.lag_listing(&mut page.ids);
        Ok((page.total, state.address_views(&page.ids)))
    };
    let model = |a: &AddressRec| address(a, q.formfields);
    let listing = patched::Listing::new(PathKind::Addresses, q.paging, &pairs);
    listing.answer(&app, page, |_, a| a.id, model)
}

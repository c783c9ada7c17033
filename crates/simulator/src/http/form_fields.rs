//! The listing of `/customers/form-field-values`; its upsert is [`super::body::writes`].

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::errors::ApiError;
use super::extract::QueryPairs;
use super::{patched, resource_params};
use crate::counters::PathKind;
use crate::data::convert_resources::form_field;
use crate::shared::Shared;
use crate::state::SimState;
use crate::state::form_fields::FieldRow;

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let (filter, paging) = resource_params::form_field_query(&pairs)?;
    let page = |state: &mut SimState| Ok(state.form_field_page(&filter, paging));
    // Corruption is keyed by customer, addresses' values included.
    let owner = |state: &SimState, (o, _): &FieldRow| state.field_owner_customer(*o).unwrap_or(0);
    let model = |(o, f): &FieldRow| form_field(*o, f);
    let listing = patched::Listing::new(PathKind::FormFieldValues, paging, &pairs);
    listing.answer(&app, page, owner, model)
}

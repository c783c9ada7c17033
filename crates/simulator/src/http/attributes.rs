//! The listings of `/customers/attributes` (definitions) and `/customers/attribute-values`;
//! their writes are [`super::body::writes`] and [`super::body::deletes`] over the state's.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;

use super::errors::ApiError;
use super::extract::QueryPairs;
use super::{patched, resource_params};
use crate::counters::PathKind;
use crate::data::AttrRec;
use crate::data::convert::attribute;
use crate::data::convert_resources::attribute_def;
use crate::shared::Shared;
use crate::state::SimState;

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let (filter, paging) = resource_params::attribute_query(&pairs)?;
    let page = |state: &mut SimState| Ok(state.attribute_def_page(&filter, paging));
    let listing = patched::Listing::new(PathKind::Attributes, paging, &pairs);
    listing.answer(&app, page, |_, r| r.id, attribute_def)
}

pub(crate) async fn list_values(
    State(app): State<Arc<Shared>>,
    QueryPairs(pairs): QueryPairs,
) -> Result<Response, ApiError> {
    let (mut filter, names, paging) = resource_params::attribute_value_query(&pairs)?;
    let page = |state: &mut SimState| {
        if let Some(names) = names {
            // `name` narrows to those attributes, on top of any `attribute_id:in`.
            let named = state.attribute_ids_named(&names);
            let ids = match filter.attribute_ids.take() {
                Some(given) => named.into_iter().filter(|id| given.contains(id)).collect(),
                None => named,
            };
            filter.attribute_ids = Some(ids);
        }
        Ok(state.attribute_value_page(&filter, paging))
    };
    let model = |(c, a): &(i64, AttrRec)| attribute(*c, a);
    let listing = patched::Listing::new(PathKind::AttributeValues, paging, &pairs);
    listing.answer(&app, page, |_, (_, a)| a.id, model)
}

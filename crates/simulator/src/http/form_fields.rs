//! `/customers/form-field-values`: list and upsert.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use bigcommerce_models::resources::FormFieldRecord;

use super::customers::query_pairs;
use super::errors::ApiError;
use super::params::Pairs;
use super::{body, render, resource_params};
use crate::counters::PathKind;
use crate::data::convert_resources::{form_field, patched};
use crate::shared::Shared;

pub(crate) async fn list(
    State(app): State<Arc<Shared>>,
    q: Result<Query<Pairs>, QueryRejection>,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(q)?;
    let (filter, paging) = resource_params::form_field_query(&pairs)?;
    let (total, rows, patches) = {
        let state = &app.inner.lock().state;
        let (total, rows) = state.form_field_page(&filter, paging);
        // Corruption is keyed by customer, addresses' values included.
        let owners = rows
            .iter()
            .map(|(o, _)| state.field_owner_customer(*o).unwrap_or(0));
        let patches = state.patches(PathKind::FormFieldValues, owners);
        (total, rows, patches)
    };
    let data: Vec<_> = rows
        .iter()
        .zip(&patches)
        .map(|((o, f), p)| patched(form_field(*o, f), p.as_ref()))
        .collect();
    Ok(render::collection(&data, total, paging, &pairs))
}

pub(crate) async fn upsert(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let items = body::items::<FormFieldRecord>(&body)?;
    let written = app.inner.lock().state.upsert_form_field_values(items)?;
    Ok(render::written(&written))
}

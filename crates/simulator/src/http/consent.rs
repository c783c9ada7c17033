//! `/customers/{id}/consent` and `/customers/{id}/stored-instruments`: bare JSON
//! bodies, no envelope, as the spec gives them.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::errors::ApiError;
use super::extract::PathId;
use super::resource_params::path_id;
use super::{body, patched, render};
use crate::counters::PathKind;
use crate::data::convert_resources::{consent, patch_value, patched};
use crate::data::records::ConsentRec;
use crate::shared::Shared;

/// The scope `GET /customers/{id}/stored-instruments` needs at least.
const INSTRUMENTS_SCOPE: &str = "store_stored_payment_instruments_read_only";

pub(crate) async fn get(State(app): State<Arc<Shared>>, PathId(id): PathId) -> Result<Response, ApiError> {
    let (rec, patch) = patched::record(&app, PathKind::Consent, id, |s| s.consent_rec(id))?;
    Ok(render::bare(&patched(consent(&rec), patch.as_ref())))
}

fn bad(key: &str, msg: String) -> ApiError {
    let errors = BTreeMap::from([(key.to_owned(), msg)]);
    ApiError::unprocessable("Update customer consent failed.", errors)
}

/// One of `allow` / `deny`: absent is empty; otherwise an array of known categories.
fn categories(body: &Value, key: &str) -> Result<u8, ApiError> {
    let Some(v) = body.get(key).filter(|v| !v.is_null()) else {
        return Ok(0);
    };
    let names: Option<Vec<&str>> = v.as_array().and_then(|a| a.iter().map(Value::as_str).collect());
    let names = names.ok_or_else(|| bad(key, "must be an array of consent categories".to_owned()))?;
    ConsentRec::mask(&names).map_err(|n| {
        bad(
            key,
            format!("unknown category {n:?} (essential, functional, analytics, targeting)"),
        )
    })
}

/// Replaces both lists (a missing one is empty) and stamps `updated_at`.
pub(crate) async fn put(
    State(app): State<Arc<Shared>>,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = body::json(&body)?;
    if !body.is_object() {
        return Err(bad("body", "must be a JSON object".to_owned()));
    }
    let (allow, deny) = (categories(&body, "allow")?, categories(&body, "deny")?);
    if allow & deny != 0 {
        let both = ConsentRec::names(allow & deny).join(", ");
        return Err(bad("deny", format!("{both} cannot be both allowed and denied")));
    }
    let rec = app
        .inner
        .lock()
        .state
        .put_consent(id, allow, deny)
        .ok_or(ApiError::NotFound)?;
    Ok(render::bare(&consent(&rec)))
}

/// 403 without the instruments scope, 404 for an unknown customer, else a bare array.
pub(crate) async fn instruments(
    State(app): State<Arc<Shared>>,
    // Not a [`PathId`]: the scope is checked before the id.
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if !app.control.lock().instruments_scope {
        return Err(ApiError::Forbidden(INSTRUMENTS_SCOPE));
    }
    let id = path_id(&id)?;
    let (mut list, patch) = patched::record(&app, PathKind::StoredInstruments, id, |s| s.instruments_of(id))?;
    for item in &mut list {
        patch_value(item, patch.as_ref());
    }
    Ok(render::bare(&list))
}

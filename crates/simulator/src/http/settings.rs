//! `/customers/settings` and `/customers/settings/channels/{channel_id}`: bare objects
//! as the spec gives them. A channel's answer always carries `allow_global_logins`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use bigcommerce_models::resources::CustomerSettings;
use serde_json::Value;

use super::errors::ApiError;
use super::extract::PathId;
use super::{body, patched, render};
use crate::counters::PathKind;
use crate::data::convert_resources::patch_value;
use crate::shared::Shared;

fn show(
    settings: &CustomerSettings,
    channel: bool,
    patch: Option<&serde_json::Map<String, Value>>,
) -> Response {
    let mut value = serde_json::to_value(settings).unwrap_or(Value::Null);
    if let Value::Object(obj) = &mut value {
        if channel {
            obj.entry("allow_global_logins").or_insert(Value::Null);
        } else {
            obj.remove("allow_global_logins");
        }
    }
    patch_value(&mut value, patch);
    render::bare(&value)
}

pub(crate) async fn get(State(app): State<Arc<Shared>>) -> Result<Response, ApiError> {
    let (settings, patch) = patched::record(&app, PathKind::Settings, 0, |s| Some(s.settings()))?;
    Ok(show(&settings, false, patch.as_ref()))
}

pub(crate) async fn put(State(app): State<Arc<Shared>>, body: Bytes) -> Result<Response, ApiError> {
    let body = body::json(&body)?;
    let settings = app.inner.lock().state.put_settings(&body)?;
    Ok(show(&settings, false, None))
}

pub(crate) async fn get_channel(
    State(app): State<Arc<Shared>>,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    let (settings, patch) = patched::record(&app, PathKind::ChannelSettings, id, |s| s.channel_setting(id))?;
    Ok(show(&settings, true, patch.as_ref()))
}

pub(crate) async fn put_channel(
    State(app): State<Arc<Shared>>,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = body::json(&body)?;
    let settings = app
        .inner
        .lock()
        .state
        .put_channel_settings(id, &body)?
        .ok_or(ApiError::NotFound)?;
    Ok(show(&settings, true, None))
}

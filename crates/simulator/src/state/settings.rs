//! Customer settings, store-wide and per channel. A `PUT` changes only what it sends;
//! on a channel, `null` drops the override so the global value applies again.

use std::collections::BTreeMap;

use bigcommerce_models::resources::CustomerSettings;
use serde_json::{Map, Value};

use super::SimState;
use super::input::WriteError;
use crate::data::generate;

const OBJECTS: [&str; 2] = ["privacy_settings", "customer_group_settings"];

fn invalid(key: &str, msg: impl Into<String>) -> WriteError {
    WriteError::Invalid {
        title: "Update customer settings failed.".to_owned(),
        errors: BTreeMap::from([(key.to_owned(), msg.into())]),
    }
}

/// `current` with `body` written over it. Objects merge field by field; a `null`
/// clears a part only on a `channel` (which then inherits it again).
fn merge(current: &CustomerSettings, body: &Value, channel: bool) -> Result<CustomerSettings, WriteError> {
    let Value::Object(body) = body else {
        return Err(invalid("body", "must be a JSON object"));
    };
    let mut cur = match serde_json::to_value(current) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for key in OBJECTS {
        match body.get(key) {
            None => {}
            Some(Value::Null) if channel => {
                cur.insert(key.to_owned(), Value::Null);
            }
            Some(Value::Null) => {}
            Some(Value::Object(fields)) => {
                let slot = cur.entry(key).or_insert(Value::Null);
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Value::Object(obj) = slot {
                    obj.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            Some(_) => return Err(invalid(key, "must be an object")),
        }
    }
    if channel {
        match body.get("allow_global_logins") {
            None => {}
            Some(v @ (Value::Null | Value::Bool(_))) => {
                cur.insert("allow_global_logins".to_owned(), v.clone());
            }
            Some(_) => return Err(invalid("allow_global_logins", "must be a boolean")),
        }
    }
    let mut out: CustomerSettings =
        serde_json::from_value(Value::Object(cur)).map_err(|e| invalid("body", e.to_string()))?;
    if !channel {
        out.allow_global_logins = None;
    }
    Ok(out)
}

impl SimState {
    /// `PUT /customers/settings`; answers the whole new settings.
    pub(crate) fn put_settings(&mut self, body: &Value) -> Result<CustomerSettings, WriteError> {
        self.settings = merge(&self.settings, body, false)?;
        Ok(self.settings.clone())
    }

    /// A known channel's settings; `None` for a channel the store does not have.
    pub(crate) fn channel_setting(&self, channel_id: i64) -> Option<CustomerSettings> {
        self.channels.contains(&channel_id).then(|| {
            self.channel_settings
                .get(&channel_id)
                .cloned()
                .unwrap_or_else(|| generate::channel_settings(channel_id))
        })
    }

    /// `PUT /customers/settings/channels/{id}`; `Ok(None)` for an unknown channel.
    pub(crate) fn put_channel_settings(
        &mut self,
        channel_id: i64,
        body: &Value,
    ) -> Result<Option<CustomerSettings>, WriteError> {
        let Some(current) = self.channel_setting(channel_id) else {
            return Ok(None);
        };
        let next = merge(&current, body, true)?;
        self.channel_settings.insert(channel_id, next.clone());
        Ok(Some(next))
    }

    /// Whether the store has this channel (for `corrupt_record`).
    pub(crate) fn has_channel(&self, channel_id: i64) -> bool {
        self.channels.contains(&channel_id)
    }

    /// The store-wide settings (`allow_global_logins` is always `None` here).
    pub fn settings(&self) -> CustomerSettings {
        self.settings.clone()
    }

    /// Replaces the store-wide settings (`allow_global_logins` is dropped: only
    /// channels have it).
    pub fn set_settings(&mut self, settings: CustomerSettings) {
        self.settings = CustomerSettings {
            allow_global_logins: None,
            ..settings
        };
    }

    /// Every known channel's settings, by channel id: channel 1, every channel a
    /// customer names in `channel_ids` or `origin_channel_id`, and any set here.
    pub fn channel_settings(&self) -> Vec<(i64, CustomerSettings)> {
        self.channels
            .iter()
            .filter_map(|id| Some((*id, self.channel_setting(*id)?)))
            .collect()
    }

    /// Replaces a channel's settings (`None` parts inherit the global ones); adds the
    /// channel if the store did not know it.
    pub fn set_channel_settings(&mut self, channel_id: i64, settings: CustomerSettings) {
        self.channels.insert(channel_id);
        self.channel_settings.insert(channel_id, settings);
    }
}

//! `bcsync webhooks register`: creates the store's webhook subscriptions.
//!
//! Calls, per store (BigCommerce Webhooks API v3):
//! - `GET /stores/{hash}/v3/hooks` to find subscriptions already pointing at us;
//! - `POST /stores/{hash}/v3/hooks` with `{"scope", "destination", "is_active": true,
//!   "headers": {"X-Bcsync-Webhook-Secret": <secret>}}` for each missing scope;
//! - `PUT /stores/{hash}/v3/hooks/{id}` to refresh the header and re-activate one that
//!   exists (BigCommerce deactivates a hook whose deliveries keep failing).

use anyhow::{Context, bail};
use bcsync_config::Config;
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::json;

/// The events the mirror acts on.
pub const SCOPES: &[&str] = &[
    "store/customer/created",
    "store/customer/updated",
    "store/customer/deleted",
    "store/customer/address/created",
    "store/customer/address/updated",
    "store/customer/address/deleted",
];

pub async fn register(config: &Config, only: Option<&str>) -> anyhow::Result<()> {
    let Some(secret) = &config.webhooks.secret else {
        bail!("webhooks.secret (or secret_file) is not set: BigCommerce must send it back with each event");
    };
    let Some(destination) = &config.webhooks.public_url else {
        bail!("webhooks.public_url is not set: where BigCommerce should deliver events");
    };
    for cfg in config.stores.iter().filter(|s| only.is_none_or(|h| h == s.hash)) {
        let (client, _) = crate::init::stores::build(cfg, None)?;
        let existing = client
            .send_json(Method::GET, "/hooks", &serde_json::Value::Null)
            .await
            .with_context(|| format!("store {}: listing hooks", cfg.hash))?;
        let hooks = existing["data"].as_array().cloned().unwrap_or_default();
        for scope in SCOPES {
            let body = json!({
                "scope": scope,
                "destination": destination,
                "is_active": true,
                "headers": { "X-Bcsync-Webhook-Secret": secret.expose_secret() },
            });
            let found = hooks
                .iter()
                .find(|h| h["scope"] == *scope && h["destination"] == destination.as_str());
            let (method, path, verb) = match found.and_then(|h| h["id"].as_i64()) {
                Some(id) => (Method::PUT, format!("/hooks/{id}"), "updated"),
                None => (Method::POST, "/hooks".to_owned(), "created"),
            };
            client
                .send_json(method, &path, &body)
                .await
                .with_context(|| format!("store {}: registering {scope}", cfg.hash))?;
            crate::outln!("store {}: {scope} -> {destination} {verb}", cfg.hash);
        }
    }
    Ok(())
}

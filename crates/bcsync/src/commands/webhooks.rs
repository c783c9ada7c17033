//! `bcsync webhooks register`: creates the store's webhook subscriptions.
//!
//! Calls, per store (BigCommerce Webhooks API v3):
//! - `GET /stores/{hash}/v3/hooks` to find subscriptions already pointing at us;
//! - `POST /stores/{hash}/v3/hooks` with `{"scope", "destination", "is_active": true,
//!   "headers": {"X-Bcsync-Webhook-Secret": <secret>}}` for each missing scope (the
//!   store's own `webhook_secret` when it has one). A create is never resent blindly:
//!   after a failed answer (5xx, lost connection), which may hide a created hook, the
//!   hooks are listed again and only a scope still missing is created;
//! - `PUT /stores/{hash}/v3/hooks/{id}` to refresh the header and re-activate one that
//!   exists (BigCommerce deactivates a hook whose deliveries keep failing).

use anyhow::{Context, bail};
use bcsync_config::Config;
use bigcommerce::{BigCommerceClient, ClientError};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::json;

/// The events the mirror acts on.
pub const SCOPES: &[&str] = bigcommerce_models::webhook_scopes::MIRRORED;

/// Creating a hook is tried at most this many times; each retry first lists the hooks
/// again, since a failed answer may hide a hook that was created.
const CREATE_ATTEMPTS: u32 = 3;

pub async fn register(config: &Config, only: Option<&str>) -> anyhow::Result<()> {
    let Some(destination) = &config.webhooks.public_url else {
        bail!("webhooks.public_url is not set: where BigCommerce should deliver events");
    };
    for cfg in config.stores.iter().filter(|s| only.is_none_or(|h| h == s.hash)) {
        let Some(secret) = cfg.webhook_secret.as_ref().or(config.webhooks.secret.as_ref()) else {
            bail!(
                "store {}: no webhook secret (webhooks.secret, or webhook_secret in its [[stores]] entry): \
                 BigCommerce must send it back with each event",
                cfg.hash
            );
        };
        let (client, _) = crate::init::stores::build(cfg, None)?;
        for scope in SCOPES {
            let body = json!({
                "scope": scope,
                "destination": destination,
                "is_active": true,
                "headers": { "X-Bcsync-Webhook-Secret": secret.expose_secret() },
            });
            let mut attempt = 1;
            let verb = loop {
                // Listed before each try: an earlier try may have created it after all.
                let hooks = list(&client, &cfg.hash).await?;
                let found = hooks
                    .iter()
                    .find(|h| h["scope"] == *scope && h["destination"] == destination.as_str())
                    .and_then(|h| h["id"].as_i64());
                if let Some(id) = found {
                    // Idempotent: retried like a read.
                    client
                        .send_json(Method::PUT, &format!("/hooks/{id}"), &body)
                        .await
                        .with_context(|| format!("store {}: updating {scope}", cfg.hash))?;
                    break if attempt == 1 { "updated" } else { "created" };
                }
                match client.send_json_once(Method::POST, "/hooks", &body).await {
                    Ok(_) => break "created",
                    Err(e) if attempt < CREATE_ATTEMPTS && !is_refusal(&e) => {
                        eprintln!(
                            "store {}: creating {scope} failed ({e}); checking whether it exists",
                            cfg.hash
                        );
                        attempt += 1;
                    }
                    Err(e) => return Err(e).with_context(|| format!("store {}: creating {scope}", cfg.hash)),
                }
            };
            crate::outln!("store {}: {scope} -> {destination} {verb}", cfg.hash);
        }
    }
    Ok(())
}

async fn list(client: &BigCommerceClient, hash: &str) -> anyhow::Result<Vec<serde_json::Value>> {
    let existing = client
        .send_json(Method::GET, "/hooks", &serde_json::Value::Null)
        .await
        .with_context(|| format!("store {hash}: listing hooks"))?;
    Ok(existing["data"].as_array().cloned().unwrap_or_default())
}

/// A 4xx other than 429: the API refused the request, so it created nothing and
/// asking again would be refused again.
fn is_refusal(e: &ClientError) -> bool {
    match e {
        ClientError::Unauthorized { .. } | ClientError::Forbidden { .. } | ClientError::Config(_) => true,
        ClientError::Status { status, .. } => (400..500).contains(status),
        _ => false,
    }
}

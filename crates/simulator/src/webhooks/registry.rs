//! The registered hooks (`/hooks`) and the configured shortcut target, with the rules a
//! registration must pass.

use std::collections::BTreeMap;

use axum::http::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use super::event::{Event, KNOWN_SCOPES, WILDCARD, matches};

/// The header the shortcut target gets its secret in.
pub const WEBHOOK_SECRET_HEADER: &str = "X-Bcsync-Webhook-Secret";

/// What BigCommerce reports as the app that registered a hook; one token, one app.
const CLIENT_ID: &str = "bcsync-sim-client";

/// One hook as `/hooks` shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Hook {
    pub id: i64,
    pub client_id: String,
    pub store_hash: String,
    pub scope: String,
    pub destination: String,
    pub is_active: bool,
    pub headers: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A `POST` or `PUT` body; absent fields keep their value (or the default on create).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct HookInput {
    pub scope: Option<String>,
    pub destination: Option<String>,
    pub is_active: Option<bool>,
    pub headers: Option<BTreeMap<String, String>>,
}

/// Where one event goes: a destination and the headers to send with it.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub destination: String,
    pub headers: Vec<(String, String)>,
}

/// Field → why it was refused, as a 422's `errors`.
pub(crate) type Problems = BTreeMap<String, String>;

#[derive(Debug, Default)]
pub(crate) struct Registry {
    hooks: BTreeMap<i64, Hook>,
    next_id: i64,
    /// `(url, secret)` from `with_webhook_target`: an unlisted active hook on the
    /// wildcard, so a test needs no `/hooks` call and the app's own hooks stay its own.
    pub target: Option<(String, String)>,
}

impl Registry {
    pub(crate) fn with_target(target: Option<(String, String)>) -> Self {
        Registry {
            target,
            ..Registry::default()
        }
    }

    /// Hooks by id.
    pub(crate) fn list(&self) -> Vec<Hook> {
        self.hooks.values().cloned().collect()
    }

    pub(crate) fn get(&self, id: i64) -> Option<Hook> {
        self.hooks.get(&id).cloned()
    }

    pub(crate) fn create(&mut self, input: HookInput, store_hash: &str, now: i64) -> Result<Hook, Problems> {
        let mut p = Problems::new();
        if input.scope.is_none() {
            p.insert("scope".to_owned(), "is required".to_owned());
        }
        if input.destination.is_none() {
            p.insert("destination".to_owned(), "is required".to_owned());
        }
        check(&input, &mut p);
        if !p.is_empty() {
            return Err(p);
        }
        self.next_id += 1;
        let hook = Hook {
            id: self.next_id,
            client_id: CLIENT_ID.to_owned(),
            store_hash: store_hash.to_owned(),
            scope: input.scope.unwrap_or_default(),
            destination: input.destination.unwrap_or_default(),
            // BigCommerce registers hooks active unless told otherwise.
            is_active: input.is_active.unwrap_or(true),
            headers: input.headers.unwrap_or_default(),
            created_at: now,
            updated_at: now,
        };
        self.hooks.insert(hook.id, hook.clone());
        Ok(hook)
    }

    /// `Ok(None)` for an unknown id.
    pub(crate) fn update(&mut self, id: i64, input: HookInput, now: i64) -> Result<Option<Hook>, Problems> {
        let mut p = Problems::new();
        check(&input, &mut p);
        if !p.is_empty() {
            return Err(p);
        }
        let Some(hook) = self.hooks.get_mut(&id) else {
            return Ok(None);
        };
        if let Some(scope) = input.scope {
            hook.scope = scope;
        }
        if let Some(destination) = input.destination {
            hook.destination = destination;
        }
        if let Some(on) = input.is_active {
            hook.is_active = on;
        }
        if let Some(headers) = input.headers {
            hook.headers = headers;
        }
        hook.updated_at = now;
        Ok(Some(hook.clone()))
    }

    pub(crate) fn delete(&mut self, id: i64) -> Option<Hook> {
        self.hooks.remove(&id)
    }

    /// Whether any event would go anywhere (when not, the state records none).
    pub(crate) fn any_active(&self) -> bool {
        self.target.is_some() || self.hooks.values().any(|h| h.is_active)
    }

    /// Every destination that hears `event`: the shortcut target first, then active
    /// hooks by id.
    pub(crate) fn routes(&self, event: &Event) -> Vec<Route> {
        let target = self.target.iter().map(|(url, secret)| Route {
            destination: url.clone(),
            headers: vec![(WEBHOOK_SECRET_HEADER.to_owned(), secret.clone())],
        });
        let hooks = self
            .hooks
            .values()
            .filter(|h| h.is_active && matches(&h.scope, event))
            .map(|h| Route {
                destination: h.destination.clone(),
                headers: h.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            });
        target.chain(hooks).collect()
    }
}

/// The rules for the fields present.
fn check(input: &HookInput, p: &mut Problems) {
    if let Some(scope) = &input.scope
        && scope != WILDCARD
        && !KNOWN_SCOPES.contains(&scope.as_str())
    {
        p.insert("scope".to_owned(), format!("unknown scope {scope:?}"));
    }
    if let Some(destination) = &input.destination
        && !destination_ok(destination)
    {
        p.insert(
            "destination".to_owned(),
            "must be an https:// URL (http:// only to localhost)".to_owned(),
        );
    }
    for (name, value) in input.headers.iter().flatten() {
        if HeaderName::from_bytes(name.as_bytes()).is_err() || HeaderValue::from_str(value).is_err() {
            p.insert(format!("headers.{name}"), "is not a valid HTTP header".to_owned());
        }
    }
}

/// BigCommerce only delivers over HTTPS; plain HTTP to this machine is let through so
/// tests can receive on a local port.
fn destination_ok(s: &str) -> bool {
    let Ok(url) = url::Url::parse(s) else {
        return false;
    };
    match (url.scheme(), url.host()) {
        ("https", Some(_)) => true,
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        ("http", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_must_be_https_or_local() {
        for ok in [
            "https://example.com/hook",
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://[::1]:9/",
        ] {
            assert!(destination_ok(ok), "{ok}");
        }
        for bad in [
            "http://example.com/hook",
            "ftp://example.com",
            "example.com",
            "",
            "https://",
        ] {
            assert!(!destination_ok(bad), "{bad}");
        }
    }
}

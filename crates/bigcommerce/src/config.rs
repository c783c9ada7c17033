//! Client settings.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::observe::RequestObserver;

/// How to reach one store and how long to keep trying.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://api.bigcommerce.com` in production; the simulator's URL in tests.
    pub api_url: String,
    /// The store hash in `/stores/{store_hash}/v3`.
    pub store_hash: String,
    /// `X-Auth-Token`; `SecretString` so it never reaches a log or `Debug` output.
    pub access_token: SecretString,
    /// Per-request timeout: a stuck connection must not stall a pass forever.
    pub request_timeout: Duration,
    /// Attempts per request, first one included, before giving up.
    pub max_attempts: u32,
    /// Upper bound on the time spent retrying one request (waits included).
    pub max_retry_time: Duration,
    /// Share of the store's quota this client may spend (0 < share <= 1); the rest
    /// belongs to the merchant's other apps.
    pub quota_share: f64,
    /// Told of every response, wait and give-up: how the binary feeds its metrics
    /// without this crate knowing about Prometheus.
    pub observer: Option<Arc<dyn RequestObserver>>,
    /// Allows a plain `http://` API URL on a host other than loopback, where the token
    /// would cross the network in clear text. Off by default.
    pub allow_insecure_http: bool,
}

impl ClientConfig {
    pub fn new(
        api_url: impl Into<String>,
        store_hash: impl Into<String>,
        access_token: SecretString,
    ) -> Self {
        ClientConfig {
            api_url: api_url.into(),
            store_hash: store_hash.into(),
            access_token,
            request_timeout: Duration::from_secs(30),
            max_attempts: 8,
            max_retry_time: Duration::from_secs(120),
            quota_share: 1.0,
            observer: None,
            allow_insecure_http: false,
        }
    }

    /// `{api_url}/stores/{store_hash}/v3`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!(
            "{}/stores/{}/v3",
            self.api_url.trim_end_matches('/'),
            self.store_hash
        )
    }
}

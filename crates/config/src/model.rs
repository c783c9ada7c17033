//! The checked configuration the binary runs on: every default applied, every store's
//! settings resolved, every secret a `SecretString`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::error::Location;
use crate::redact::redact_database_url;
use crate::schedule::Schedule;

#[derive(Debug, Clone)]
pub struct Config {
    /// The mirror's PostgreSQL, shared by every store.
    pub database: DatabaseConfig,
    /// Where health, metrics, the status page and webhooks listen.
    pub http: HttpConfig,
    /// Text for people, JSON for log shippers.
    pub log: LogConfig,
    /// Verifying webhook deliveries (one secret, or one per store).
    pub webhooks: WebhookConfig,
    /// How soon a dead replica's stores go to another.
    pub lease: LeaseConfig,
    /// How long loaders may lag before their changes are pruned.
    pub change_log: ChangeLogConfig,
    /// At least one; hashes are unique (compared case-insensitively).
    pub stores: Vec<StoreConfig>,
    /// The file that was read; `None` when the settings came from the environment only.
    pub source: Option<PathBuf>,
    /// Settings that work but are unwise (a secret file others can read), for the
    /// binary to log once logging is up.
    pub warnings: Vec<String>,
}

#[derive(Clone)]
pub struct DatabaseConfig {
    /// May hold a password.
    pub url: SecretString,
    /// Where the URL was set, so a failed connection can say what to check.
    pub url_source: Location,
    pub max_connections: u32,
}

/// Shows the URL with its password replaced, which is what an operator needs to see
/// which database is meant.
impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact_database_url(self.url.expose_secret()))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    pub listen: SocketAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// JSON when stdout is not a terminal, text when it is.
    Auto,
    Json,
    Text,
}

impl LogFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Auto => "auto",
            LogFormat::Json => "json",
            LogFormat::Text => "text",
        }
    }

    /// Whether to log JSON, given whether stdout is a terminal.
    pub fn is_json(self, stdout_is_terminal: bool) -> bool {
        match self {
            LogFormat::Auto => !stdout_is_terminal,
            LogFormat::Json => true,
            LogFormat::Text => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    pub format: LogFormat,
    /// An `EnvFilter` directive, already checked. `RUST_LOG`, when set and not empty,
    /// is folded in here at load time, so the binary needs to look nowhere else.
    pub level: String,
}

#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// `None`: webhooks are disabled (the endpoint is not served).
    pub secret: Option<SecretString>,
    /// Where BigCommerce should deliver, for `bcsync webhooks register`.
    pub public_url: Option<String>,
    pub max_body_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseConfig {
    /// A dead replica's stores are free for others after this.
    pub ttl: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLogConfig {
    /// The daemon prunes `change_log` rows older than this; `None`: never (`retention_days = 0`).
    pub retention: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Letters and digits, as written.
    pub hash: String,
    /// Where the hash was written, so "check it" can say where to look.
    pub hash_source: Location,
    /// Read from `token_file` when that was given (trailing newline trimmed).
    pub token: SecretString,
    /// Where the token (or its file) was set: a rejected token names this.
    pub token_source: Location,
    pub api_url: String,
    /// Where the API URL was set (or `defaults.api_url` when it is the built-in one).
    pub api_url_source: Location,
    pub incremental: Schedule,
    /// Delete detection and sweeps.
    pub reconcile: Schedule,
    /// In (0, 1].
    pub quota_share: f64,
    pub overlap: Duration,
    /// How far before its watermark each pass re-reads (rows visible late).
    pub lookback: Duration,
    /// As written; the names are checked by `bigcommerce::models::Exclusions`.
    pub exclude: Vec<String>,
    /// Where `exclude` was set, so a name the binary refuses is reported there.
    pub exclude_source: Location,
    /// Fixed sweep sizes per pass; `None` (the default): sized from the store and
    /// `sweep_within`. `listing_sweep_pages` sets both the customer slice's requests
    /// and the metafield pages; `customer_slice` the per-customer resources' customers.
    pub address_sweep_pages: Option<u32>,
    pub listing_sweep_pages: Option<u32>,
    pub customer_slice: Option<u32>,
    /// The staleness bound the sweeps are sized to.
    pub sweep_within: Duration,
    /// In (0, 1]: the share of the quota over a reconcile interval sweeps may spend.
    pub sweep_quota_share: f64,
    pub channels: Vec<i64>,
    /// Pages of a resync fetched at once, within the rate limit.
    pub concurrency: u32,
    /// How long one request keeps retrying (429 storms, 5xx) before the pass fails.
    pub max_retry: Duration,
    /// This store's own webhook secret (`webhook_secret`/`webhook_secret_file`);
    /// `None`: `[webhooks] secret` applies.
    pub webhook_secret: Option<SecretString>,
    /// Allows a plain `http://` `api_url` that is not loopback.
    pub allow_insecure_http: bool,
    /// Rows soft-deleted this long get their personal columns and `raw` scrubbed at the
    /// end of a pass; `None` ("off"): never.
    pub erase_deleted_after: Option<Duration>,
    /// `table.column` entries stored as HMAC-SHA-256 hex; the names are checked by the
    /// binary against the store's hashable columns.
    pub hash_columns: Vec<String>,
    /// Tables keeping every version in `<table>_history`; the names are checked by
    /// the binary.
    pub history: Vec<String>,
    /// The HMAC key (at least 32 bytes); required when `hash_columns` is not empty.
    pub hash_secret: Option<SecretString>,
}

//! The file's shape, as serde reads it: every key optional, unknown keys rejected.
//! Values stay close to what was written (strings for addresses, schedules and
//! formats) so that `resolve` can check them and name the key in its error.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    pub database: RawDatabase,
    #[serde(default)]
    pub http: RawHttp,
    #[serde(default)]
    pub log: RawLog,
    #[serde(default)]
    pub defaults: RawStoreSettings,
    #[serde(default)]
    pub webhooks: RawWebhooks,
    #[serde(default)]
    pub lease: RawLease,
    #[serde(default)]
    pub change_log: RawChangeLog,
    #[serde(default)]
    pub stores: Vec<RawStore>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDatabase {
    pub url: Option<String>,
    pub max_connections: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHttp {
    pub listen: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLog {
    pub format: Option<String>,
    pub level: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWebhooks {
    pub secret: Option<String>,
    pub secret_file: Option<String>,
    pub public_url: Option<String>,
    pub max_body_bytes: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLease {
    pub ttl_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChangeLog {
    pub retention_days: Option<u32>,
}

/// Declares the per-store settings once, for `[defaults]` and for each `[[stores]]`
/// entry (which adds its own keys). serde's `flatten` would say this more briefly but
/// does not work with `deny_unknown_fields`.
macro_rules! store_settings {
    ($(#[$attr:meta])* struct $name:ident { $($extra:ident: $ty:ty,)* }) => {
        $(#[$attr])*
        pub(crate) struct $name {
            $(pub $extra: $ty,)*
            pub api_url: Option<String>,
            pub incremental_schedule: Option<String>,
            pub reconcile_schedule: Option<String>,
            pub quota_share: Option<f64>,
            pub overlap_secs: Option<u64>,
            pub lookback_secs: Option<u64>,
            pub exclude: Option<Vec<String>>,
            pub address_sweep_pages: Option<u32>,
            pub listing_sweep_pages: Option<u32>,
            pub customer_slice: Option<u32>,
            pub sweep_within: Option<String>,
            pub sweep_quota_share: Option<f64>,
            pub channels: Option<Vec<i64>>,
            pub concurrency: Option<u32>,
            pub max_retry_secs: Option<u64>,
            pub erase_deleted_after: Option<String>,
            pub hash_columns: Option<Vec<String>>,
            pub history: Option<Vec<String>>,
            pub hash_secret: Option<String>,
            pub hash_secret_file: Option<String>,
        }

        impl $name {
            /// The per-store settings alone.
            #[allow(dead_code)]
            pub fn settings(&self) -> RawStoreSettings {
                RawStoreSettings {
                    api_url: self.api_url.clone(),
                    incremental_schedule: self.incremental_schedule.clone(),
                    reconcile_schedule: self.reconcile_schedule.clone(),
                    quota_share: self.quota_share,
                    overlap_secs: self.overlap_secs,
                    lookback_secs: self.lookback_secs,
                    exclude: self.exclude.clone(),
                    address_sweep_pages: self.address_sweep_pages,
                    listing_sweep_pages: self.listing_sweep_pages,
                    customer_slice: self.customer_slice,
                    sweep_within: self.sweep_within.clone(),
                    sweep_quota_share: self.sweep_quota_share,
                    channels: self.channels.clone(),
                    concurrency: self.concurrency,
                    max_retry_secs: self.max_retry_secs,
                    erase_deleted_after: self.erase_deleted_after.clone(),
                    hash_columns: self.hash_columns.clone(),
                    history: self.history.clone(),
                    hash_secret: self.hash_secret.clone(),
                    hash_secret_file: self.hash_secret_file.clone(),
                }
            }
        }
    };
}

store_settings! {
    #[derive(Debug, Default, Clone, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawStoreSettings {}
}

store_settings! {
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawStore {
        hash: Option<String>,
        token: Option<String>,
        token_file: Option<String>,
        webhook_secret: Option<String>,
        webhook_secret_file: Option<String>,
        allow_insecure_http: Option<bool>,
    }
}

/// How an environment variable's text becomes a TOML value for a key; `None` for a
/// key the schema does not have. Keep in step with the structs above (the tests load
/// every key through the environment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Integer,
    Float,
    /// Comma-separated.
    TextList,
    /// Comma-separated.
    IntegerList,
    /// `true` or `false`.
    Bool,
}

pub(crate) fn section_key_kind(section: &str, key: &str) -> Option<Kind> {
    match (section, key) {
        ("database", "url") | ("http", "listen") | ("log", "format" | "level") => Some(Kind::Text),
        ("database", "max_connections") => Some(Kind::Integer),
        ("webhooks", "secret" | "secret_file" | "public_url") => Some(Kind::Text),
        ("webhooks", "max_body_bytes") | ("lease", "ttl_secs") => Some(Kind::Integer),
        ("change_log", "retention_days") => Some(Kind::Integer),
        ("defaults", key) => store_setting_kind(key),
        _ => None,
    }
}

/// Keys of one `[[stores]]` entry that the environment may set (not `hash`, which
/// is how the variable picks the store).
pub(crate) fn store_key_kind(key: &str) -> Option<Kind> {
    match key {
        "token" | "token_file" | "webhook_secret" | "webhook_secret_file" => Some(Kind::Text),
        "allow_insecure_http" => Some(Kind::Bool),
        key => store_setting_kind(key),
    }
}

fn store_setting_kind(key: &str) -> Option<Kind> {
    match key {
        "api_url" | "incremental_schedule" | "reconcile_schedule" => Some(Kind::Text),
        "erase_deleted_after" | "hash_secret" | "hash_secret_file" | "sweep_within" => Some(Kind::Text),
        "quota_share" | "sweep_quota_share" => Some(Kind::Float),
        "overlap_secs"
        | "lookback_secs"
        | "address_sweep_pages"
        | "listing_sweep_pages"
        | "customer_slice"
        | "concurrency"
        | "max_retry_secs" => Some(Kind::Integer),
        "exclude" | "hash_columns" | "history" => Some(Kind::TextList),
        "channels" => Some(Kind::IntegerList),
        _ => None,
    }
}

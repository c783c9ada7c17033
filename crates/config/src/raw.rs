//! The file's shape, as serde reads it: every key optional, unknown keys rejected.
//! Values stay close to what was written (strings for addresses, schedules and
//! formats) so that `resolve` can check them and name the key in its error.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    pub(crate) database: RawDatabase,
    #[serde(default)]
    pub(crate) http: RawHttp,
    #[serde(default)]
    pub(crate) log: RawLog,
    #[serde(default)]
    pub(crate) defaults: RawStoreSettings,
    #[serde(default)]
    pub(crate) webhooks: RawWebhooks,
    #[serde(default)]
    pub(crate) lease: RawLease,
    #[serde(default)]
    pub(crate) change_log: RawChangeLog,
    #[serde(default)]
    pub(crate) stores: Vec<RawStore>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDatabase {
    pub(crate) url: Option<String>,
    pub(crate) max_connections: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHttp {
    pub(crate) listen: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLog {
    pub(crate) format: Option<String>,
    pub(crate) level: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWebhooks {
    pub(crate) secret: Option<String>,
    pub(crate) secret_file: Option<String>,
    pub(crate) public_url: Option<String>,
    pub(crate) max_body_bytes: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLease {
    pub(crate) ttl_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChangeLog {
    pub(crate) retention_days: Option<u32>,
}

/// Declares the per-store settings once: the keys of `[defaults]` ([`RawStoreSettings`]),
/// the same keys in each `[[stores]]` entry ([`RawStore`], which adds its own), what
/// kind of value each is in the environment, and [`RawStore::settings`]. serde's
/// `flatten` would say this more briefly but does not work with `deny_unknown_fields`.
macro_rules! store_settings {
    ($($(#[$doc:meta])* $key:ident: $ty:ty => $kind:ident,)*) => {
        /// `[defaults]`: what every store inherits unless its own entry sets it.
        #[derive(Debug, Default, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct RawStoreSettings {
            $($(#[$doc])* pub(crate) $key: Option<$ty>,)*
        }

        /// One `[[stores]]` entry: its own keys, then any key of `[defaults]`.
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct RawStore {
            /// Which store: the `store_hash` of the API's paths. Required.
            pub(crate) hash: Option<String>,
            /// The API token, inline or (better) in a file only the service can read.
            pub(crate) token: Option<String>,
            pub(crate) token_file: Option<String>,
            /// This store's webhook secret, when it differs from `[webhooks] secret`.
            pub(crate) webhook_secret: Option<String>,
            pub(crate) webhook_secret_file: Option<String>,
            /// Allows a plain `http://` `api_url` off loopback (a proxy on a private network).
            pub(crate) allow_insecure_http: Option<bool>,
            $(pub(crate) $key: Option<$ty>,)*
        }

        impl RawStore {
            /// The per-store settings alone, to lay over `[defaults]`.
            #[allow(clippy::clone_on_copy)]
            pub fn settings(&self) -> RawStoreSettings {
                RawStoreSettings { $($key: self.$key.clone(),)* }
            }
        }

        /// How the environment writes each per-store setting.
        fn store_setting_kind(key: &str) -> Option<Kind> {
            $(if key == stringify!($key) {
                return Some(Kind::$kind);
            })*
            None
        }
    };
}

store_settings! {
    /// The API's base URL: BigCommerce, or the simulator in tests and the demo.
    api_url: String => Text,
    /// Cron schedule of incremental passes (changes by `date_modified`).
    incremental_schedule: String => Text,
    /// Cron schedule of reconcile passes: deletes and sweeps.
    reconcile_schedule: String => Text,
    /// Share of the store's API quota this process may use; other apps share it.
    quota_share: f64 => Float,
    /// Seconds each incremental pass re-reads behind its watermark.
    overlap_secs: u64 => Integer,
    /// Seconds before the watermark re-read for rows the API shows late.
    lookback_secs: u64 => Integer,
    /// Resources not to read (names of `Resource`).
    exclude: Vec<String> => TextList,
    /// Fixed sweep sizes per pass; unset, the sweeps are sized to `sweep_within`.
    address_sweep_pages: u32 => Integer,
    listing_sweep_pages: u32 => Integer,
    customer_slice: u32 => Integer,
    /// The most a row may lag behind a change that leaves `date_modified` alone.
    sweep_within: String => Text,
    /// Share of a reconcile interval's quota the sweeps may spend.
    sweep_quota_share: f64 => Float,
    /// Channels whose settings are read.
    channels: Vec<i64> => IntegerList,
    /// Pages of a resync fetched at once, within the rate limit.
    concurrency: u32 => Integer,
    /// How long one request keeps retrying before the pass fails.
    max_retry_secs: u64 => Integer,
    /// When soft-deleted rows lose their personal data (`"off"`: never).
    erase_deleted_after: String => Text,
    /// `table.column` entries stored as HMAC-SHA-256 hex instead of clear text.
    hash_columns: Vec<String> => TextList,
    /// Tables that keep every version of a row.
    history: Vec<String> => TextList,
    /// The HMAC key for `hash_columns`, inline or in a file.
    hash_secret: String => Text,
    hash_secret_file: String => Text,
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

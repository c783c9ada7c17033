//! Built-in values for keys set nowhere. The per-store ones are the single-store
//! binary's defaults (README's table), so an env-only deployment behaves as before.

pub const FILE_NAME: &str = "bcsync.toml";

pub const MAX_CONNECTIONS: u32 = 5;
pub const LISTEN: &str = "0.0.0.0:9187";
pub const LOG_LEVEL: &str = "info";
pub const MAX_BODY_BYTES: usize = 65_536;
pub const LEASE_TTL_SECS: u64 = 30;
/// `[change_log] retention_days`: what a loader may fall behind before it must reload.
pub const CHANGE_LOG_RETENTION_DAYS: u32 = 30;

pub const API_URL: &str = "https://api.bigcommerce.com";
pub const INCREMENTAL_SCHEDULE: &str = "*/5 * * * *";
/// Hourly: sweeps are sized per pass, so a shorter interval spreads the same requests
/// into smaller bursts (docs/decisions.md, "sweeps sized to a bound").
pub const RECONCILE_SCHEDULE: &str = "0 * * * *";
pub const QUOTA_SHARE: f64 = 1.0;
pub const OVERLAP_SECS: u64 = 5;
/// Each pass re-reads the customers modified this long before its watermark, for rows
/// the API's listings show late (one request unless more than 250 rows changed then).
pub const LOOKBACK_SECS: u64 = 60;
/// How stale a swept row may get at most: every customer, address, metafield and
/// per-customer resource is re-checked within this (`sweep_within`).
pub const SWEEP_WITHIN: &str = "30d";
/// The share of the store's quota over a reconcile interval that sweeps may spend.
pub const SWEEP_QUOTA_SHARE: f64 = 0.25;
pub const CONCURRENCY: u32 = 4;
pub const MAX_RETRY_SECS: u64 = 120;
/// Soft-deleted rows keep their personal data this long, then are scrubbed
/// (docs/privacy.md). `off` keeps them forever.
pub const ERASE_DELETED_AFTER: &str = "30d";
/// The shortest `hash_secret` accepted: HMAC-SHA-256's block of entropy.
pub const HASH_SECRET_MIN_BYTES: usize = 32;

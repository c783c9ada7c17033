//! Settings from the environment. A missing or empty one stops the binary at start
//! with one line naming it.

use std::time::Duration;

use anyhow::{Context, bail};

use bigcommerce::models::Exclusions;

use crate::pass::PassOptions;
use bigcommerce::ClientConfig;
use secrecy::SecretString;

pub const DATABASE_URL: &str = "DATABASE_URL";
pub const STORE_HASH: &str = "BIGCOMMERCE_STORE_HASH";
pub const ACCESS_TOKEN: &str = "BIGCOMMERCE_ACCESS_TOKEN";
pub const API_URL: &str = "BIGCOMMERCE_API_URL";
pub const OVERLAP_SECS: &str = "BCSYNC_OVERLAP_SECS";
pub const QUOTA_SHARE: &str = "BCSYNC_QUOTA_SHARE";
pub const ADDRESS_SWEEP_PAGES: &str = "BCSYNC_ADDRESS_SWEEP_PAGES";
pub const LISTING_SWEEP_PAGES: &str = "BCSYNC_LISTING_SWEEP_PAGES";
pub const CUSTOMER_SLICE: &str = "BCSYNC_CUSTOMER_SLICE";
pub const CHANNELS: &str = "BCSYNC_CHANNELS";
pub const EXCLUDE: &str = "BCSYNC_EXCLUDE";
pub const MAX_RETRY_SECS: &str = "BCSYNC_MAX_RETRY_SECS";
pub const CONCURRENCY: &str = "BCSYNC_CONCURRENCY";

const DEFAULT_API_URL: &str = "https://api.bigcommerce.com";

/// Everything one pass needs.
#[derive(Debug)]
pub struct Settings {
    /// May hold a password: a secret, never logged.
    pub database_url: SecretString,
    pub client: ClientConfig,
    pub pass: PassOptions,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Settings> {
        let database_url = SecretString::from(required(DATABASE_URL)?);
        let store_hash = required(STORE_HASH)?;
        if !store_hash.chars().all(|c| c.is_ascii_alphanumeric()) {
            bail!("{STORE_HASH} must be letters and digits only (got `{store_hash}`)");
        }
        let token = SecretString::from(required(ACCESS_TOKEN)?);
        let api_url = optional(API_URL)?.unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        let mut client = ClientConfig::new(api_url, store_hash, token);
        if let Some(share) = optional(QUOTA_SHARE)? {
            let share: f64 = share
                .parse()
                .with_context(|| format!("{QUOTA_SHARE} is not a number: `{share}`"))?;
            if !(share > 0.0 && share <= 1.0) {
                bail!("{QUOTA_SHARE} must be in (0, 1], got {share}");
            }
            client.quota_share = share;
        }
        if let Some(secs) = whole_number(MAX_RETRY_SECS, 1..=86_400)? {
            client.max_retry_time = Duration::from_secs(secs);
        }
        let mut pass = PassOptions::default();
        if let Some(n) = whole_number(CONCURRENCY, 1..=64)? {
            pass.poll.concurrency = n as usize;
        }
        if let Some(secs) = whole_number(OVERLAP_SECS, 0..=86_400)? {
            pass.poll.overlap = Duration::from_secs(secs);
        }
        if let Some(pages) = whole_number(ADDRESS_SWEEP_PAGES, 0..=100_000)? {
            pass.sweep.pages_per_pass = pages as u32;
        }
        if let Some(pages) = whole_number(LISTING_SWEEP_PAGES, 0..=100_000)? {
            pass.listing_pages = pages as u32;
        }
        if let Some(n) = whole_number(CUSTOMER_SLICE, 0..=10_000_000)? {
            pass.customer_slice = n as usize;
        }
        if let Some(list) = optional(CHANNELS)? {
            pass.channels = list
                .split(',')
                .map(|c| {
                    c.trim()
                        .parse::<i64>()
                        .with_context(|| format!("{CHANNELS}: `{c}` is not a channel id"))
                })
                .collect::<anyhow::Result<_>>()?;
        }
        if let Some(list) = optional(EXCLUDE)? {
            pass.poll.exclusions = Exclusions::parse(list.split(',')).context(EXCLUDE)?;
        }
        Ok(Settings {
            database_url,
            client,
            pass,
        })
    }
}

/// Reads a variable that must be set and non-empty.
pub fn required(name: &str) -> anyhow::Result<String> {
    match optional(name)? {
        Some(v) => Ok(v),
        None => bail!("{name} is not set; set it in the environment (see README.md)"),
    }
}

/// Reads a variable that may be unset; set-but-empty is an error, not a default.
pub fn optional(name: &str) -> anyhow::Result<Option<String>> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => bail!("{name} is set but empty"),
        Ok(v) => Ok(Some(v.trim().to_owned())),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{name} is not valid UTF-8"),
    }
}

/// Reads an optional whole number within `range`.
fn whole_number(name: &str, range: std::ops::RangeInclusive<u64>) -> anyhow::Result<Option<u64>> {
    let Some(raw) = optional(name)? else {
        return Ok(None);
    };
    let n: u64 = raw
        .parse()
        .with_context(|| format!("{name} is not a whole number: `{raw}`"))?;
    if !range.contains(&n) {
        bail!(
            "{name} must be between {} and {}, got {n}",
            range.start(),
            range.end()
        );
    }
    Ok(Some(n))
}

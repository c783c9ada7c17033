//! Stores: `[defaults]` over the built-in values, each `[[stores]]` entry over
//! `[defaults]`. `[defaults]` is checked on its own first, so a bad default is
//! reported at `defaults.<key>` once, even where every store overrides it.

use std::collections::HashMap;
use std::time::Duration;

use crate::defaults;
use crate::error::ConfigError;
use crate::model::StoreConfig;
use crate::raw::{RawStore, RawStoreSettings};
use crate::resolve::Resolver;
use crate::schedule::Schedule;

/// Everything a store may inherit.
#[derive(Clone)]
struct Settings {
    api_url: String,
    incremental: Schedule,
    reconcile: Schedule,
    quota_share: f64,
    overlap_secs: u64,
    lookback_secs: u64,
    exclude: Vec<String>,
    address_sweep_pages: u32,
    listing_sweep_pages: u32,
    customer_slice: u32,
    channels: Vec<i64>,
    concurrency: u32,
    max_retry_secs: u64,
}

impl Settings {
    fn builtin() -> Settings {
        let schedule = |s| Schedule::parse(s).expect("built-in schedules parse");
        Settings {
            api_url: defaults::API_URL.to_owned(),
            incremental: schedule(defaults::INCREMENTAL_SCHEDULE),
            reconcile: schedule(defaults::RECONCILE_SCHEDULE),
            quota_share: defaults::QUOTA_SHARE,
            overlap_secs: defaults::OVERLAP_SECS,
            lookback_secs: defaults::LOOKBACK_SECS,
            exclude: Vec::new(),
            address_sweep_pages: defaults::ADDRESS_SWEEP_PAGES,
            listing_sweep_pages: defaults::LISTING_SWEEP_PAGES,
            customer_slice: defaults::CUSTOMER_SLICE,
            channels: Vec::new(),
            concurrency: defaults::CONCURRENCY,
            max_retry_secs: defaults::MAX_RETRY_SECS,
        }
    }
}

pub(crate) struct StoreResolver<'r, 'a> {
    r: &'r Resolver<'a>,
}

impl<'r, 'a> StoreResolver<'r, 'a> {
    pub fn new(r: &'r Resolver<'a>) -> Self {
        StoreResolver { r }
    }

    pub fn stores(
        &self,
        defaults: RawStoreSettings,
        raw: Vec<RawStore>,
        required: bool,
    ) -> Result<Vec<StoreConfig>, ConfigError> {
        let inherited = self.apply(Settings::builtin(), defaults, "defaults")?;
        if raw.is_empty() && required {
            return Err(ConfigError::Missing(match &self.r.sources.file {
                Some(f) => format!(
                    "no store configured: add a [[stores]] table to {}, or set \
                     BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN",
                    f.display()
                ),
                None => "no store configured: BIGCOMMERCE_STORE_HASH is not set (write a config \
                         file with [[stores]]: --config, BCSYNC_CONFIG or ./bcsync.toml; or set \
                         BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN)"
                    .to_owned(),
            }));
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut stores = Vec::with_capacity(raw.len());
        for (i, store) in raw.into_iter().enumerate() {
            let at = format!("stores[{i}]");
            let hash = self.hash(&at, store.hash.as_deref())?;
            if let Some(first) = seen.insert(hash.to_ascii_lowercase(), i) {
                return Err(self.r.err(
                    &format!("{at}.hash"),
                    format!("{hash:?} is already the hash of stores[{first}]"),
                ));
            }
            let token_key = if store.token_file.is_some() {
                format!("{at}.token_file")
            } else {
                format!("{at}.token")
            };
            let token_source = self.r.sources.locate(&token_key);
            let hash_source = self.r.sources.locate(&format!("{at}.hash"));
            let api_url_source = match (&store.api_url, self.r.sources.env_var(&format!("{at}.api_url"))) {
                (None, None) => self.r.sources.locate("defaults.api_url"),
                _ => self.r.sources.locate(&format!("{at}.api_url")),
            };
            let token = self
                .r
                .secret_or_file(
                    &at,
                    ("token", store.token.clone()),
                    ("token_file", store.token_file.clone()),
                )?
                .ok_or_else(|| self.r.err(&at, "one of token and token_file is required"))?;
            let webhook_secret = self.r.secret_or_file(
                &at,
                ("webhook_secret", store.webhook_secret.clone()),
                ("webhook_secret_file", store.webhook_secret_file.clone()),
            )?;
            let s = self.apply(inherited.clone(), store.settings(), &at)?;
            stores.push(StoreConfig {
                hash,
                hash_source,
                token,
                token_source,
                api_url_source,
                api_url: s.api_url,
                incremental: s.incremental,
                reconcile: s.reconcile,
                quota_share: s.quota_share,
                overlap: Duration::from_secs(s.overlap_secs),
                lookback: Duration::from_secs(s.lookback_secs),
                exclude: s.exclude,
                address_sweep_pages: s.address_sweep_pages,
                listing_sweep_pages: s.listing_sweep_pages,
                customer_slice: s.customer_slice,
                channels: s.channels,
                concurrency: s.concurrency,
                max_retry: Duration::from_secs(s.max_retry_secs),
                webhook_secret,
                allow_insecure_http: store.allow_insecure_http.unwrap_or(false),
            });
        }
        Ok(stores)
    }

    /// The `{store_hash}` of `/stores/{store_hash}/v3`: letters and digits.
    fn hash(&self, at: &str, hash: Option<&str>) -> Result<String, ConfigError> {
        let key = format!("{at}.hash");
        let Some(hash) = hash.map(str::trim) else {
            return Err(self.r.err(at, "hash is required"));
        };
        if hash.is_empty() {
            return Err(self.r.err(&key, "is empty"));
        }
        if !hash.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(self
                .r
                .err(&key, format!("{hash:?} must be letters and digits only")));
        }
        Ok(hash.to_owned())
    }

    /// `base` with the keys `raw` sets, each checked and named `{at}.{key}` in errors.
    fn apply(&self, base: Settings, raw: RawStoreSettings, at: &str) -> Result<Settings, ConfigError> {
        let r = self.r;
        let key = |name: &str| format!("{at}.{name}");
        let schedule = |name: &str, text: Option<String>, base: Schedule| match text {
            None => Ok(base),
            Some(t) => Schedule::parse(&t).map_err(|e| r.err(&key(name), e)),
        };
        let quota_share = raw.quota_share.unwrap_or(base.quota_share);
        // Written so that NaN fails too.
        if !(quota_share > 0.0 && quota_share <= 1.0) {
            return Err(r.err(
                &key("quota_share"),
                format!("{quota_share} is out of range (0, 1]"),
            ));
        }
        Ok(Settings {
            api_url: match raw.api_url {
                None => base.api_url,
                Some(u) => r.http_url(&key("api_url"), &u)?.trim_end_matches('/').to_owned(),
            },
            incremental: schedule("incremental_schedule", raw.incremental_schedule, base.incremental)?,
            reconcile: schedule("reconcile_schedule", raw.reconcile_schedule, base.reconcile)?,
            quota_share,
            overlap_secs: r.number(
                &key("overlap_secs"),
                raw.overlap_secs,
                base.overlap_secs,
                0..=86_400,
            )?,
            lookback_secs: r.number(
                &key("lookback_secs"),
                raw.lookback_secs,
                base.lookback_secs,
                0..=86_400,
            )?,
            exclude: match raw.exclude {
                None => base.exclude,
                Some(list) => self.names(&key("exclude"), list)?,
            },
            address_sweep_pages: r.number(
                &key("address_sweep_pages"),
                raw.address_sweep_pages,
                base.address_sweep_pages,
                0..=100_000,
            )?,
            listing_sweep_pages: r.number(
                &key("listing_sweep_pages"),
                raw.listing_sweep_pages,
                base.listing_sweep_pages,
                0..=100_000,
            )?,
            customer_slice: r.number(
                &key("customer_slice"),
                raw.customer_slice,
                base.customer_slice,
                0..=10_000_000,
            )?,
            channels: raw.channels.unwrap_or(base.channels),
            concurrency: r.number(&key("concurrency"), raw.concurrency, base.concurrency, 1..=64)?,
            max_retry_secs: r.number(
                &key("max_retry_secs"),
                raw.max_retry_secs,
                base.max_retry_secs,
                1..=86_400,
            )?,
        })
    }

    /// Exclusion names, trimmed and not empty; what they mean is checked where they
    /// are used (`bigcommerce::models::Exclusions`).
    fn names(&self, key: &str, list: Vec<String>) -> Result<Vec<String>, ConfigError> {
        list.into_iter()
            .enumerate()
            .map(|(i, name)| {
                let name = name.trim();
                if name.is_empty() {
                    Err(self.r.err(&format!("{key}[{i}]"), "is empty"))
                } else {
                    Ok(name.to_owned())
                }
            })
            .collect()
    }
}

//! Stores: `[defaults]` over the built-in values, each `[[stores]]` entry over
//! `[defaults]`. `[defaults]` is checked on its own first, so a bad default is
//! reported at `defaults.<key>` once, even where every store overrides it.

use std::collections::HashMap;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

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
    address_sweep_pages: Option<u32>,
    listing_sweep_pages: Option<u32>,
    customer_slice: Option<u32>,
    sweep_within: Duration,
    sweep_quota_share: f64,
    channels: Vec<i64>,
    concurrency: u32,
    max_retry_secs: u64,
    erase_deleted_after: Option<Duration>,
    hash_columns: Vec<String>,
    history: Vec<String>,
    hash_secret: Option<SecretString>,
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
            address_sweep_pages: None,
            listing_sweep_pages: None,
            customer_slice: None,
            sweep_within: parse_retention(defaults::SWEEP_WITHIN)
                .ok()
                .flatten()
                .expect("the built-in bound parses"),
            sweep_quota_share: defaults::SWEEP_QUOTA_SHARE,
            channels: Vec::new(),
            concurrency: defaults::CONCURRENCY,
            max_retry_secs: defaults::MAX_RETRY_SECS,
            erase_deleted_after: parse_retention(defaults::ERASE_DELETED_AFTER)
                .expect("the built-in retention parses"),
            hash_columns: Vec::new(),
            history: Vec::new(),
            hash_secret: None,
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
            let exclude_source = match (&store.exclude, self.r.sources.env_var(&format!("{at}.exclude"))) {
                (None, None) => self.r.sources.locate("defaults.exclude"),
                _ => self.r.sources.locate(&format!("{at}.exclude")),
            };
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
                exclude_source,
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
                sweep_within: s.sweep_within,
                sweep_quota_share: s.sweep_quota_share,
                channels: s.channels,
                concurrency: s.concurrency,
                max_retry: Duration::from_secs(s.max_retry_secs),
                webhook_secret,
                allow_insecure_http: store.allow_insecure_http.unwrap_or(false),
                erase_deleted_after: s.erase_deleted_after,
                hash_columns: s.hash_columns,
                history: s.history,
                hash_secret: s.hash_secret,
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
        let sweep_quota_share = raw.sweep_quota_share.unwrap_or(base.sweep_quota_share);
        if !(sweep_quota_share > 0.0 && sweep_quota_share <= 1.0) {
            return Err(r.err(
                &key("sweep_quota_share"),
                format!("{sweep_quota_share} is out of range (0, 1]"),
            ));
        }
        // An operator's fixed size replaces the sized one; unset keeps the inherited.
        let fixed = |name: &str, raw: Option<u32>, base: Option<u32>, max: u32| match raw {
            None => Ok(base),
            Some(n) => r.number(&key(name), Some(n), 0, 0..=max).map(Some),
        };
        let raw_secret_from_file = raw.hash_secret_file.is_some();
        let hash_secret = match r.secret_or_file(
            at,
            ("hash_secret", raw.hash_secret),
            ("hash_secret_file", raw.hash_secret_file),
        )? {
            None => base.hash_secret,
            Some(secret) if secret.expose_secret().len() < defaults::HASH_SECRET_MIN_BYTES => {
                let which = if raw_secret_from_file {
                    "hash_secret_file"
                } else {
                    "hash_secret"
                };
                return Err(r.err(
                    &key(which),
                    format!(
                        "is {} bytes long: a hash secret needs at least {} (e.g. `openssl rand -hex 32`)",
                        secret.expose_secret().len(),
                        defaults::HASH_SECRET_MIN_BYTES
                    ),
                ));
            }
            Some(secret) => Some(secret),
        };
        let hash_columns = match raw.hash_columns {
            None => base.hash_columns,
            Some(list) => self.columns(&key("hash_columns"), list)?,
        };
        if !hash_columns.is_empty() && hash_secret.is_none() {
            return Err(r.err(
                &key("hash_columns"),
                "names columns to hash but no hash_secret (or hash_secret_file) is set",
            ));
        }
        Ok(Settings {
            erase_deleted_after: match raw.erase_deleted_after {
                None => base.erase_deleted_after,
                Some(text) => parse_retention(&text).map_err(|e| r.err(&key("erase_deleted_after"), e))?,
            },
            hash_columns,
            history: match raw.history {
                None => base.history,
                Some(list) => self.names(&key("history"), list)?,
            },
            hash_secret,
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
            address_sweep_pages: fixed(
                "address_sweep_pages",
                raw.address_sweep_pages,
                base.address_sweep_pages,
                100_000,
            )?,
            listing_sweep_pages: fixed(
                "listing_sweep_pages",
                raw.listing_sweep_pages,
                base.listing_sweep_pages,
                100_000,
            )?,
            customer_slice: fixed(
                "customer_slice",
                raw.customer_slice,
                base.customer_slice,
                10_000_000,
            )?,
            sweep_within: match raw.sweep_within {
                None => base.sweep_within,
                Some(text) => parse_bound(&text).map_err(|e| r.err(&key("sweep_within"), e))?,
            },
            sweep_quota_share,
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

    /// `table.column` entries, trimmed; which columns exist is checked where they are
    /// used (the binary asks the store).
    fn columns(&self, key: &str, list: Vec<String>) -> Result<Vec<String>, ConfigError> {
        let names = self.names(key, list)?;
        for (i, name) in names.iter().enumerate() {
            if name
                .split_once('.')
                .is_none_or(|(t, c)| t.is_empty() || c.is_empty())
            {
                return Err(self
                    .r
                    .err(&format!("{key}[{i}]"), format!("{name:?} is not table.column")));
            }
        }
        Ok(names)
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

/// `30d`, `12h`, `90m`, `3600s`, or `off` (never). Zero is refused: "erase as soon as
/// deleted" would act on one delete's word before any later pass could undo it.
pub(crate) fn parse_retention(text: &str) -> Result<Option<Duration>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || format!("{text:?} is not a duration like \"30d\", \"12h\", \"90m\" or \"off\"");
    let unit_at = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(unit_at);
    let n: u64 = number.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3_600),
        "d" => n.checked_mul(86_400),
        _ => return Err(bad()),
    }
    .ok_or_else(bad)?;
    if secs == 0 {
        return Err(format!(
            "{text:?} is zero: write \"off\" to keep deleted rows, or a positive duration"
        ));
    }
    Ok(Some(Duration::from_secs(secs)))
}

/// `sweep_within`: a positive duration like the retention's, without "off" (a sweep
/// that never finishes is what this bound exists to prevent).
fn parse_bound(text: &str) -> Result<Duration, String> {
    parse_retention(text)?.ok_or_else(|| {
        format!(
            "{:?} is not a bound: write a duration like \"24h\" or \"7d\"",
            text.trim()
        )
    })
}

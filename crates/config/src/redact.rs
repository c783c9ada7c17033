//! The effective settings as TOML with secrets replaced, for `bcsync config check`.
//! The output uses the file's key names, so it can be read back as a config file once
//! real secrets are put in.

use secrecy::ExposeSecret;
use serde::Serialize;

use crate::model::Config;

/// What a secret is shown as.
pub const REDACTED: &str = "[redacted]";

/// `url` percent-encodes the brackets of `[redacted]`; this stand-in needs no encoding
/// and is swapped for `REDACTED` in the finished text.
const PLACEHOLDER: &str = "bcsync-redacted-placeholder";

/// Query parameters of a PostgreSQL URL that carry secrets.
const SECRET_PARAMS: [&str; 3] = ["password", "sslpassword", "passfile"];

/// The database URL with its password (user-info or `?password=`) replaced. Something
/// that is not a URL is replaced whole: it may be a `key=value` string with a password
/// anywhere.
pub(crate) fn redact_database_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return REDACTED.to_owned();
    };
    if url.cannot_be_a_base() {
        return REDACTED.to_owned();
    }
    if url.password().is_some() && url.set_password(Some(PLACEHOLDER)).is_err() {
        return REDACTED.to_owned();
    }
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    if pairs
        .iter()
        .any(|(k, _)| SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str()))
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        for (k, v) in &pairs {
            if SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str()) {
                query.append_pair(k, PLACEHOLDER);
            } else {
                query.append_pair(k, v);
            }
        }
    }
    url.to_string().replace(PLACEHOLDER, REDACTED)
}

#[derive(Serialize)]
struct Doc<'a> {
    database: Database,
    http: Http,
    log: Log<'a>,
    webhooks: Webhooks<'a>,
    lease: Lease,
    change_log: ChangeLog,
    stores: Vec<Store<'a>>,
}

#[derive(Serialize)]
struct Database {
    url: String,
    max_connections: u32,
}

#[derive(Serialize)]
struct Http {
    listen: String,
}

#[derive(Serialize)]
struct Log<'a> {
    format: &'static str,
    level: &'a str,
}

#[derive(Serialize)]
struct Webhooks<'a> {
    secret: Option<&'static str>,
    public_url: Option<&'a str>,
    // u64: toml has no unsigned integers beyond i64 anyway.
    max_body_bytes: u64,
}

#[derive(Serialize)]
struct Lease {
    ttl_secs: u64,
}

#[derive(Serialize)]
struct ChangeLog {
    retention_days: u64,
}

#[derive(Serialize)]
struct Store<'a> {
    hash: &'a str,
    token: &'static str,
    api_url: &'a str,
    incremental_schedule: &'a str,
    reconcile_schedule: &'a str,
    quota_share: f64,
    overlap_secs: u64,
    lookback_secs: u64,
    exclude: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    address_sweep_pages: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    listing_sweep_pages: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_slice: Option<u32>,
    sweep_within: String,
    sweep_quota_share: f64,
    channels: &'a [i64],
    concurrency: u32,
    max_retry_secs: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhook_secret: Option<&'static str>,
    allow_insecure_http: bool,
    erase_deleted_after: String,
    hash_columns: &'a [String],
    history: &'a [String],
    hash_secret: Option<&'static str>,
}

pub(crate) fn to_toml(config: &Config) -> String {
    let doc = Doc {
        database: Database {
            url: redact_database_url(config.database.url.expose_secret()),
            max_connections: config.database.max_connections,
        },
        http: Http {
            listen: config.http.listen.to_string(),
        },
        log: Log {
            format: config.log.format.as_str(),
            level: &config.log.level,
        },
        webhooks: Webhooks {
            secret: config.webhooks.secret.as_ref().map(|_| REDACTED),
            public_url: config.webhooks.public_url.as_deref(),
            max_body_bytes: config.webhooks.max_body_bytes as u64,
        },
        lease: Lease {
            ttl_secs: config.lease.ttl.as_secs(),
        },
        change_log: ChangeLog {
            retention_days: config.change_log.retention.map_or(0, |r| r.as_secs() / 86_400),
        },
        stores: config
            .stores
            .iter()
            .map(|s| Store {
                hash: &s.hash,
                token: REDACTED,
                api_url: &s.api_url,
                incremental_schedule: s.incremental.as_str(),
                reconcile_schedule: s.reconcile.as_str(),
                quota_share: s.quota_share,
                overlap_secs: s.overlap.as_secs(),
                lookback_secs: s.lookback.as_secs(),
                exclude: &s.exclude,
                address_sweep_pages: s.address_sweep_pages,
                listing_sweep_pages: s.listing_sweep_pages,
                customer_slice: s.customer_slice,
                sweep_within: format!("{}s", s.sweep_within.as_secs()),
                sweep_quota_share: s.sweep_quota_share,
                channels: &s.channels,
                concurrency: s.concurrency,
                max_retry_secs: s.max_retry.as_secs(),
                webhook_secret: s.webhook_secret.as_ref().map(|_| REDACTED),
                allow_insecure_http: s.allow_insecure_http,
                erase_deleted_after: s
                    .erase_deleted_after
                    .map_or_else(|| "off".to_owned(), |d| format!("{}s", d.as_secs())),
                hash_columns: &s.hash_columns,
                history: &s.history,
                hash_secret: s.hash_secret.as_ref().map(|_| REDACTED),
            })
            .collect(),
    };
    let body = toml::to_string(&doc).expect("plain structs serialize to TOML");
    let source = match &config.source {
        Some(path) => format!("{} and the environment", path.display()),
        None => "the environment".to_owned(),
    };
    format!("# effective configuration, from {source}; secrets shown as \"{REDACTED}\"\n{body}")
}

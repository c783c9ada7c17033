//! From the layered table to a checked `Config`: schema (types, unknown keys), then
//! each value's own rules, then the rules across values (one store at least, unique
//! hashes). Every error goes through `Sources::locate`, so it names the variable or
//! the file and key the value came from.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use secrecy::zeroize::Zeroize;
use toml::{Table, Value};

use crate::defaults;
use crate::error::ConfigError;
use crate::model::{
    ChangeLogConfig, Config, DatabaseConfig, HttpConfig, LeaseConfig, LogConfig, LogFormat, WebhookConfig,
};
use crate::raw::{RawConfig, RawDatabase, RawLog, RawWebhooks};
use crate::sources::Sources;
use crate::store::StoreResolver;

pub(crate) fn resolve(doc: Table, sources: &Sources, stores_required: bool) -> Result<Config, ConfigError> {
    let raw: RawConfig =
        serde_path_to_error::deserialize(Value::Table(doc)).map_err(|e| schema_error(e, sources))?;
    let r = Resolver {
        sources,
        warnings: Default::default(),
    };
    let database = r.database(raw.database)?;
    let http = HttpConfig {
        listen: r.socket_addr("http.listen", raw.http.listen)?,
    };
    let log = r.log(raw.log)?;
    let webhooks = r.webhooks(raw.webhooks)?;
    let lease = LeaseConfig {
        ttl: Duration::from_secs(r.number(
            "lease.ttl_secs",
            raw.lease.ttl_secs,
            defaults::LEASE_TTL_SECS,
            1..=86_400,
        )?),
    };
    let retention_days = r.number(
        "change_log.retention_days",
        raw.change_log.retention_days,
        defaults::CHANGE_LOG_RETENTION_DAYS,
        0..=36_500,
    )?;
    let change_log = ChangeLogConfig {
        retention: (retention_days > 0).then(|| Duration::from_secs(u64::from(retention_days) * 86_400)),
    };
    let stores = StoreResolver::new(&r).stores(raw.defaults, raw.stores, stores_required)?;
    Ok(Config {
        database,
        http,
        log,
        webhooks,
        lease,
        change_log,
        stores,
        source: sources.file.clone(),
        warnings: r.warnings.take(),
    })
}

/// The file's permission bits when "others" may read it.
#[cfg(unix)]
fn world_readable(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o004 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn world_readable(_: &Path) -> Option<u32> {
    None
}

/// A type error or unknown key. serde's message quotes the value, so for keys that
/// hold secrets only the expected type is said.
fn schema_error(e: serde_path_to_error::Error<toml::de::Error>, sources: &Sources) -> ConfigError {
    let key = e.path().to_string();
    let inner = e.into_inner();
    let secret = key == "database.url" || key == "webhooks.secret" || key.ends_with(".token");
    let message = if secret {
        "must be a string".to_owned()
    } else {
        inner.message().trim().to_owned()
    };
    let key = if key == "." { "(top level)".to_owned() } else { key };
    ConfigError::invalid(sources.locate(&key), message)
}

pub(crate) struct Resolver<'a> {
    pub sources: &'a Sources,
    /// What is allowed but unwise (see `Config::warnings`).
    pub warnings: std::cell::RefCell<Vec<String>>,
}

impl Resolver<'_> {
    pub fn err(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::invalid(self.sources.locate(key), message)
    }

    /// A number within `range` (both ends included), or `default` when unset.
    pub fn number<T>(
        &self,
        key: &str,
        value: Option<T>,
        default: T,
        range: std::ops::RangeInclusive<T>,
    ) -> Result<T, ConfigError>
    where
        T: PartialOrd + std::fmt::Display + Copy,
    {
        let v = value.unwrap_or(default);
        if range.contains(&v) {
            Ok(v)
        } else {
            Err(self.err(
                key,
                format!("{v} is out of range [{}, {}]", range.start(), range.end()),
            ))
        }
    }

    /// An http(s) URL, as written (whitespace trimmed).
    pub fn http_url(&self, key: &str, text: &str) -> Result<String, ConfigError> {
        let text = text.trim();
        match url::Url::parse(text) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(text.to_owned()),
            Ok(_) => Err(self.err(key, format!("{text:?} is not an http(s) URL"))),
            Err(e) => Err(self.err(key, format!("{text:?} is not a URL: {e}"))),
        }
    }

    /// A secret given inline: trimmed, not empty.
    pub fn secret(&self, key: &str, mut text: String) -> Result<SecretString, ConfigError> {
        let trimmed = text.trim().to_owned();
        text.zeroize();
        if trimmed.is_empty() {
            return Err(self.err(key, "is empty"));
        }
        Ok(SecretString::from(trimmed))
    }

    /// A secret read from a file (a Kubernetes Secret mount, say), trailing newline
    /// trimmed. Errors name the path, never the content. A relative path written in
    /// the config file is relative to that file.
    pub fn secret_file(&self, key: &str, path: &str) -> Result<SecretString, ConfigError> {
        if path.trim().is_empty() {
            return Err(self.err(key, "is empty"));
        }
        let path = self.path_for(key, path.trim());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| self.err(key, format!("cannot read {}: {e}", path.display())))?;
        if let Some(mode) = world_readable(&path) {
            self.warnings.borrow_mut().push(format!(
                "{}: {} holds a secret and is readable by every user of this machine (mode {mode:04o}); \
                 chmod 600 it",
                self.sources.locate(key),
                path.display()
            ));
        }
        self.secret(key, text)
            .map_err(|_| self.err(key, format!("{} is empty", path.display())))
    }

    fn path_for(&self, key: &str, path: &str) -> PathBuf {
        match (&self.sources.file, self.sources.env_var(key)) {
            (Some(file), None) => file.parent().unwrap_or(Path::new("")).join(path),
            _ => PathBuf::from(path),
        }
    }

    /// Exactly one of a value and a file holding it, or neither (`None`).
    pub fn secret_or_file(
        &self,
        table: &str,
        (value_key, value): (&str, Option<String>),
        (file_key, file): (&str, Option<String>),
    ) -> Result<Option<SecretString>, ConfigError> {
        match (value, file) {
            (Some(_), Some(_)) => {
                Err(self.err(table, format!("set one of {value_key} and {file_key}, not both")))
            }
            (Some(v), None) => self.secret(&format!("{table}.{value_key}"), v).map(Some),
            (None, Some(f)) => self.secret_file(&format!("{table}.{file_key}"), &f).map(Some),
            (None, None) => Ok(None),
        }
    }

    fn database(&self, raw: RawDatabase) -> Result<DatabaseConfig, ConfigError> {
        let Some(url) = raw.url else {
            return Err(ConfigError::Missing(match &self.sources.file {
                Some(f) => format!(
                    "no database URL: set url in [database] of {}, BCSYNC__DATABASE__URL or DATABASE_URL",
                    f.display()
                ),
                None => "no database URL: DATABASE_URL is not set (nor BCSYNC__DATABASE__URL, and no \
                         config file was found: --config, BCSYNC_CONFIG or ./bcsync.toml)"
                    .to_owned(),
            }));
        };
        let scheme_ok =
            url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "postgres" | "postgresql"));
        if !url.trim().is_empty() && !scheme_ok {
            // The URL is not quoted: it may hold a password.
            return Err(self.err("database.url", "is not a postgres:// or postgresql:// URL"));
        }
        Ok(DatabaseConfig {
            url: self.secret("database.url", url)?,
            url_source: self.sources.locate("database.url"),
            max_connections: self.number(
                "database.max_connections",
                raw.max_connections,
                defaults::MAX_CONNECTIONS,
                1..=1000,
            )?,
        })
    }

    fn socket_addr(&self, key: &str, text: Option<String>) -> Result<SocketAddr, ConfigError> {
        let text = text.unwrap_or_else(|| defaults::LISTEN.to_owned());
        text.trim()
            .parse()
            .map_err(|_| self.err(key, format!("{text:?} is not a socket address")))
    }

    fn log(&self, raw: RawLog) -> Result<LogConfig, ConfigError> {
        let format = match raw.format.as_deref().map(|f| f.trim().to_ascii_lowercase()) {
            None => LogFormat::Auto,
            Some(f) => match f.as_str() {
                "auto" => LogFormat::Auto,
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                _ => {
                    return Err(self.err(
                        "log.format",
                        format!("{f:?} is not a log format (auto, json or text)"),
                    ));
                }
            },
        };
        let level = raw
            .level
            .map(|l| l.trim().to_owned())
            .unwrap_or_else(|| defaults::LOG_LEVEL.to_owned());
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&level) {
            return Err(self.err(
                "log.level",
                format!("{level:?} is not a log filter directive: {e}"),
            ));
        }
        Ok(LogConfig { format, level })
    }

    fn webhooks(&self, raw: RawWebhooks) -> Result<WebhookConfig, ConfigError> {
        let secret = self.secret_or_file(
            "webhooks",
            ("secret", raw.secret),
            ("secret_file", raw.secret_file),
        )?;
        let public_url = raw
            .public_url
            .map(|u| self.http_url("webhooks.public_url", &u))
            .transpose()?;
        Ok(WebhookConfig {
            secret,
            public_url,
            max_body_bytes: self.number(
                "webhooks.max_body_bytes",
                raw.max_body_bytes,
                defaults::MAX_BODY_BYTES,
                1..=64 << 20,
            )?,
        })
    }
}

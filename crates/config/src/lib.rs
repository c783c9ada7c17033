//! The daemon's configuration: a TOML file (`bcsync.toml`, or `--config`) under
//! environment overrides (`BCSYNC__SECTION__KEY`), with the single-store variables of
//! earlier releases (`DATABASE_URL`, `BIGCOMMERCE_STORE_HASH`, …) still honoured.
//!
//! Loading goes in three steps, one module each:
//!
//! - `file`: the file's text to a TOML table (syntax errors with line and column);
//! - `env`: environment layers written into that table, each recorded in `sources`
//!   so that errors name the variable rather than the file;
//! - `resolve` (and `store` for `[defaults]`/`[[stores]]`): the table through the
//!   schema in `raw` (unknown keys rejected) to the checked types in `model`.
//!
//! Layering is done here rather than with the `config` crate because errors must say
//! which variable or which file key a bad value came from, and values such as
//! `BCSYNC__STORES__<HASH>__QUOTA_SHARE` address an array entry by its hash; see
//! docs/decisions.md. `schedule` wraps the `cron` crate to read crontab's dialect; `redact`
//! prints the effective settings without secrets. Secrets are `SecretString`s from the
//! moment they are read, and no error message quotes one.

pub mod defaults;
mod env;
mod error;
mod file;
mod model;
mod raw;
mod redact;
mod resolve;
mod schedule;
mod sources;
mod store;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use error::{ConfigError, Location};
pub use model::{
    ChangeLogConfig, Config, DatabaseConfig, HttpConfig, LeaseConfig, LogConfig, LogFormat, StoreConfig,
    WebhookConfig,
};
pub use redact::REDACTED;
pub use schedule::Schedule;

use sources::Sources;

/// The variable that names the config file when `--config` is not given.
pub const CONFIG_VAR: &str = "BCSYNC_CONFIG";

impl Config {
    /// Every command's settings. `path`: the `--config` flag; `None` → the file named
    /// by `BCSYNC_CONFIG`, else `bcsync.toml` in the working directory if it exists,
    /// else the environment only. `env`: the process environment (passed in so tests
    /// need not mutate it; see [`process_env`]). At least one store must be configured.
    pub fn load(path: Option<&Path>, env: &HashMap<String, String>) -> Result<Config, ConfigError> {
        Self::load_with(path, env, true)
    }

    /// As [`Config::load`], but a configuration without any store is accepted (its
    /// `stores` is then empty): for `bcsync migrate`, which needs only the database.
    pub fn load_without_stores(
        path: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Config, ConfigError> {
        Self::load_with(path, env, false)
    }

    fn load_with(
        path: Option<&Path>,
        env: &HashMap<String, String>,
        stores_required: bool,
    ) -> Result<Config, ConfigError> {
        let file = config_file(path, env)?;
        let mut doc = match &file {
            Some(p) => file::read(p)?,
            None => toml::Table::new(),
        };
        let mut sources = Sources::new(file);
        env::apply(&mut doc, &mut sources, env)?;
        resolve::resolve(doc, &sources, stores_required)
    }

    /// The effective settings as TOML with every secret shown as `"[redacted]"` (for
    /// `bcsync config check`). The database URL keeps everything but its password.
    pub fn redacted(&self) -> String {
        redact::to_toml(self)
    }
}

/// Which file to read: the flag, else `BCSYNC_CONFIG`, else `bcsync.toml` if present.
fn config_file(path: Option<&Path>, env: &HashMap<String, String>) -> Result<Option<PathBuf>, ConfigError> {
    if let Some(p) = path {
        return Ok(Some(p.to_owned()));
    }
    match env.get(CONFIG_VAR).map(|v| v.trim()) {
        Some("") => Err(ConfigError::invalid(
            Location::Env {
                var: CONFIG_VAR.to_owned(),
            },
            "is set but empty",
        )),
        Some(v) => Ok(Some(PathBuf::from(v))),
        None => {
            // Found, not named: errors show where it was found.
            let default = Path::new(defaults::FILE_NAME);
            Ok(default
                .exists()
                .then(|| std::path::absolute(default).unwrap_or_else(|_| default.to_owned())))
        }
    }
}

/// The process environment as `Config::load` takes it. Variables whose name or value
/// is not UTF-8 are left out (none of ours can be).
pub fn process_env() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

//! Loads the configuration, the same way for every command: `--config` (or
//! `BCSYNC_CONFIG`, or `bcsync.toml` when present) under `BCSYNC__…` variables and the
//! legacy single-store ones (all in `bcsync_config`), then the command line's flags.

use std::net::SocketAddr;
use std::path::Path;

use bcsync_config::{Config, ConfigError, LogFormat};

/// What flags of the command line set over the configuration.
#[derive(Debug, Default)]
pub struct Overrides<'a> {
    pub listen: Option<SocketAddr>,
    /// `auto`, `json` or `text` (clap checked it).
    pub log_format: Option<&'a str>,
}

/// Loads and checks everything before anything runs: a bad file stops here, naming
/// the file and the key (and the binary exits 78: see `failure`).
pub fn load(path: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
    let env = bcsync_config::process_env();
    finish(Config::load(path, &env), overrides)
}

/// As [`load`], without requiring a store (`bcsync migrate`).
pub fn load_without_stores(path: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
    let env = bcsync_config::process_env();
    finish(Config::load_without_stores(path, &env), overrides)
}

fn finish(loaded: Result<Config, ConfigError>, overrides: &Overrides) -> anyhow::Result<Config> {
    let mut config = loaded.map_err(|e| anyhow::Error::new(e).context("invalid configuration"))?;
    if let Some(listen) = overrides.listen {
        config.http.listen = listen;
    }
    if let Some(format) = overrides.log_format {
        config.log.format = match format {
            "json" => LogFormat::Json,
            "text" => LogFormat::Text,
            _ => LogFormat::Auto,
        };
    }
    Ok(config)
}

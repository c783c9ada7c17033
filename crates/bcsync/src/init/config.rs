//! Loads the configuration: `--config` (or `bcsync.toml` when present) under
//! `BCSYNC__…` variables and the legacy single-store ones.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use bcsync_config::{Config, LogFormat};

/// Loads and checks everything before anything runs: a bad file stops here, naming
/// the file and the key.
pub fn load(
    path: Option<&PathBuf>,
    listen: Option<SocketAddr>,
    log_format: Option<LogFormat>,
) -> anyhow::Result<Config> {
    let env = bcsync_config::process_env();
    let mut config = Config::load(path.map(PathBuf::as_path), &env).context("invalid configuration")?;
    if let Some(listen) = listen {
        config.http.listen = listen;
    }
    if let Some(format) = log_format {
        config.log.format = format;
    }
    Ok(config)
}

//! `bcsync config check`: validates the configuration (done by `main` before this
//! runs) and prints the effective settings, secrets redacted.

use bcsync_config::Config;

pub fn run(config: &Config) -> anyhow::Result<()> {
    match &config.source {
        Some(file) => crate::outln!("# {} is valid; effective settings:", file.display()),
        None => crate::outln!("# configuration from the environment is valid; effective settings:"),
    }
    crate::outln!("{}", config.redacted().trim_end());
    Ok(())
}

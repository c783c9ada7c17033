//! `bcsync config check`: validates the configuration and prints the effective
//! settings, secrets redacted.

use std::path::PathBuf;

pub fn run(path: Option<&PathBuf>) -> anyhow::Result<()> {
    let config = crate::init::config::load(path, None, None)?;
    match &config.source {
        Some(file) => println!("# {} is valid; effective settings:", file.display()),
        None => println!("# configuration from the environment is valid; effective settings:"),
    }
    print!("{}", config.redacted());
    Ok(())
}

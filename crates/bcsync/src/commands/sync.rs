//! `bcsync sync` and `bcsync resync`: one pass per store, then exit.
//!
//! With `--config` (or a `bcsync.toml` in the working directory) every configured
//! store is passed in turn (or only `--store`); otherwise the single store of the
//! environment variables (`settings.rs`).

use std::path::Path;

use anyhow::{Context, bail};
use bigcommerce::BigCommerceClient;

use super::migrate::connect_and_migrate;
use crate::cli::StoreArgs;
use crate::pass::{PassKind, PassOptions, run_pass};
use crate::settings::Settings;

pub async fn run(kind: PassKind, args: &StoreArgs, only: Option<String>) -> anyhow::Result<()> {
    let from_file = args.config.config.is_some() || Path::new("bcsync.toml").exists();
    if !from_file {
        let mut settings = Settings::from_env()?;
        if let Some(hash) = &args.store
            && hash != &settings.client.store_hash
        {
            bail!(
                "--store {hash}: the configured store is {}",
                settings.client.store_hash
            );
        }
        settings.pass.only = only;
        let client =
            BigCommerceClient::new(settings.client.clone()).context("configuring the BigCommerce client")?;
        let store = connect_and_migrate(&settings.database_url).await?;
        return one(&client, &store, kind, &settings.pass).await;
    }
    let config = crate::init::config::load(args.config.config.as_ref(), None, None)?;
    let stores: Vec<_> = config
        .stores
        .iter()
        .filter(|s| args.store.as_ref().is_none_or(|h| h == &s.hash))
        .collect();
    if stores.is_empty() {
        bail!(
            "--store {}: no such store in the configuration",
            args.store.as_deref().unwrap_or("")
        );
    }
    let store = connect_and_migrate(&config.database.url).await?;
    let mut failed = Vec::new();
    for cfg in stores {
        let (client, mut opts) = crate::init::stores::build(cfg, None)?;
        opts.only = only.clone();
        if let Err(e) = one(&client, &store, kind, &opts).await {
            tracing::error!(store = %cfg.hash, error = %format!("{e:#}"), "pass failed");
            failed.push(cfg.hash.clone());
        }
    }
    if !failed.is_empty() {
        bail!("{} failed for store(s) {}", kind.as_str(), failed.join(", "));
    }
    Ok(())
}

async fn one(
    client: &BigCommerceClient,
    store: &bcsync_store::Store,
    kind: PassKind,
    opts: &PassOptions,
) -> anyhow::Result<()> {
    let mut opts = opts.clone();
    if kind == PassKind::Resync {
        opts.poll.progress = Some(std::sync::Arc::new(crate::progress::ResyncProgress::new(
            client.store_hash(),
        )));
    }
    let report = run_pass(client, store, kind, &opts).await?;
    tracing::info!("{}", report.summary_line(kind));
    Ok(())
}

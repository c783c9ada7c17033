//! `bcsync sync` and `bcsync resync`: one pass per configured store (or only
//! `--store`), then exit; non-zero when any store's pass failed.

use anyhow::bail;
use bcsync_config::Config;
use bigcommerce::BigCommerceClient;

use super::migrate::connect_and_migrate;
use crate::cli::StoreArgs;
use bcsync_pipeline::{PassKind, PassOptions, run_pass};

pub async fn run(
    kind: PassKind,
    config: &Config,
    args: &StoreArgs,
    only: Option<bcsync_pipeline::Resource>,
) -> anyhow::Result<()> {
    let stores: Vec<_> = config
        .stores
        .iter()
        .filter(|s| {
            args.store
                .as_ref()
                .is_none_or(|h| h.eq_ignore_ascii_case(&s.hash))
        })
        .collect();
    if stores.is_empty() {
        let configured: Vec<&str> = config.stores.iter().map(|s| s.hash.as_str()).collect();
        bail!(
            "--store {}: no such store in the configuration (configured: {})",
            args.store.as_deref().unwrap_or(""),
            configured.join(", ")
        );
    }
    let mirror = connect_and_migrate(&config.database).await?;
    if let [cfg] = stores.as_slice() {
        // One store: its error is the command's error, said once.
        let (client, mut opts) = crate::init::stores::build(cfg, None)?;
        opts.only = only;
        return one(&client, &mirror, kind, &opts).await;
    }
    let mut failed = Vec::new();
    for cfg in stores {
        let (client, mut opts) = crate::init::stores::build(cfg, None)?;
        opts.only = only;
        if let Err(e) = one(&client, &mirror, kind, &opts).await {
            tracing::error!(store = %cfg.hash, "{}", crate::failure::one_line(&e));
            failed.push(cfg.hash.clone());
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} failed for store(s) {} (see the lines above)",
            kind.as_str(),
            failed.join(", ")
        );
    }
    Ok(())
}

async fn one(
    client: &BigCommerceClient,
    mirror: &bcsync_mirror::Mirror,
    kind: PassKind,
    opts: &PassOptions,
) -> anyhow::Result<()> {
    let mut opts = opts.clone();
    if kind == PassKind::Resync {
        opts.poll.progress = Some(std::sync::Arc::new(crate::progress::ResyncProgress::new(
            client.store_hash(),
        )));
    }
    let report = run_pass(client, mirror, kind, &opts).await?;
    tracing::info!("{}", report.summary_line(kind, client.store_hash()));
    Ok(())
}

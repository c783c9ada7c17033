//! Per store: a client whose every request feeds the metrics, and the pass settings.
//! Every per-store key of the configuration is applied here and nowhere else.

use std::sync::Arc;

use anyhow::Context;
use bcsync_config::StoreConfig;
use bcsync_http::Metrics;
use bcsync_mirror::Hashing;
use bigcommerce::models::Exclusions;
use bigcommerce::{BigCommerceClient, ClientConfig};

use bcsync_pipeline::PassOptions;

pub fn build(
    cfg: &StoreConfig,
    metrics: Option<&Arc<Metrics>>,
) -> anyhow::Result<(BigCommerceClient, PassOptions)> {
    let mut client_cfg = ClientConfig::new(cfg.api_url.clone(), cfg.hash.clone(), cfg.token.clone());
    client_cfg.quota_share = cfg.quota_share;
    client_cfg.max_retry_time = cfg.max_retry;
    client_cfg.allow_insecure_http = cfg.allow_insecure_http;
    client_cfg.observer = metrics.map(|m| m.observer(&cfg.hash));
    let client = BigCommerceClient::new(client_cfg).with_context(|| format!("store {}", cfg.hash))?;
    let mut opts = PassOptions::default();
    opts.poll.overlap = cfg.overlap;
    opts.poll.concurrency = cfg.concurrency as usize;
    opts.token_source = Some(cfg.token_source.describe());
    opts.hash_source = Some(cfg.hash_source.describe());
    opts.poll.lookback = cfg.lookback;
    opts.poll.exclusions = Exclusions::parse(cfg.exclude.iter().map(String::as_str)).map_err(|e| {
        // A configuration error like any other: named where it was set, exit 78.
        let invalid = bcsync_config::ConfigError::Invalid {
            at: cfg.exclude_source.clone(),
            message: e.to_string(),
        };
        anyhow::Error::new(invalid).context("invalid configuration")
    })?;
    opts.sweeps = bcsync_reconciler::SweepSettings {
        within: cfg.sweep_within,
        interval: cfg.reconcile.mean_interval(),
        cap: cfg.sweep_quota_share,
        overrides: bcsync_reconciler::PlanOverrides {
            customer_requests: cfg.listing_sweep_pages,
            address_pages: cfg.address_sweep_pages,
            metafield_pages: cfg.listing_sweep_pages,
            per_customer: cfg.customer_slice,
        },
    };
    opts.channels = cfg.channels.clone();
    opts.erase_deleted_after = cfg.erase_deleted_after;
    for (i, table) in cfg.history.iter().enumerate() {
        if !bcsync_mirror::HISTORY_TABLES.contains(&table.as_str()) {
            anyhow::bail!(
                "store {}: history[{i}]: {table:?} is not a table that keeps history (one of {})",
                cfg.hash,
                bcsync_mirror::HISTORY_TABLES.join(", ")
            );
        }
    }
    opts.history = cfg.history.clone();
    if !cfg.hash_columns.is_empty() {
        // The configuration refuses hash_columns without a secret; checked again here.
        let secret = cfg
            .hash_secret
            .clone()
            .with_context(|| format!("store {}: hash_columns needs hash_secret", cfg.hash))?;
        opts.hashing = Some(
            Hashing::new(secret, &cfg.hash_columns)
                .with_context(|| format!("store {}: hash_columns", cfg.hash))?,
        );
    }
    Ok((client, opts))
}

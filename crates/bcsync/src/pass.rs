//! One pass for one store: poll, reconcile (resync only), record it in `sync_runs`.

use std::time::{Duration, Instant};

use anyhow::Context;
use bcsync_poller::{Mode, PassOutcome as PollOutcome, PassStats, PollOptions, sync_customers};
use bcsync_reconciler::{SweepOptions, SweepStats, sweep_addresses};
use bcsync_store::{RunOutcome, RunSummary, Store};
use bigcommerce::BigCommerceClient;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    Sync,
    Resync,
}

impl PassKind {
    fn as_str(self) -> &'static str {
        match self {
            PassKind::Sync => "sync",
            PassKind::Resync => "resync",
        }
    }
}

/// How a pass reads: the poller's settings and the address sweep's slice.
#[derive(Debug, Clone, Default)]
pub struct PassOptions {
    pub poll: PollOptions,
    pub sweep: SweepOptions,
}

#[derive(Debug)]
pub struct PassReport {
    pub stats: PassStats,
    pub sweep: SweepStats,
    pub customers_deleted: u64,
    pub elapsed: Duration,
    pub watermark: Option<DateTime<Utc>>,
}

impl PassReport {
    pub fn summary_line(&self, kind: PassKind) -> String {
        let s = &self.stats;
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} done in {:.1}s: {} requests, {} customers read ({:.0}/s), {} addresses read, \
             customers {} new / {} changed / {} deleted, addresses {} new / {} changed / {} deleted, \
             address sweep {} read / {} changed / {} deleted, watermark {}",
            kind.as_str(),
            secs,
            s.requests + self.sweep.requests,
            s.customers_read,
            s.customers_read as f64 / secs,
            s.addresses_read,
            s.customers_inserted,
            s.customers_updated,
            self.customers_deleted,
            s.addresses_inserted,
            s.addresses_updated,
            s.addresses_deleted,
            self.sweep.addresses_read,
            self.sweep.addresses_inserted + self.sweep.addresses_updated,
            self.sweep.addresses_deleted,
            self.watermark.map_or("none".to_owned(), |w| w.to_rfc3339()),
        )
    }
}

/// Runs a pass and records it. A rejected token records nothing: the operator gets one
/// line and the mirror is untouched.
pub async fn run_pass(
    client: &BigCommerceClient,
    store: &Store,
    kind: PassKind,
    opts: &PassOptions,
) -> anyhow::Result<PassReport> {
    let started_at = Utc::now();
    let clock = Instant::now();
    let requests_before = client.requests();
    let store_hash = client.store_hash();
    let mode = if kind == PassKind::Resync {
        Mode::Full
    } else {
        Mode::Incremental
    };
    let result = match sync_customers(client, store, mode, &opts.poll).await {
        Ok(outcome) => {
            finish_pass(client, store, kind, opts, &outcome)
                .await
                .map(|(sweep, customers_deleted)| PassReport {
                    stats: outcome.stats,
                    sweep,
                    customers_deleted,
                    elapsed: clock.elapsed(),
                    watermark: outcome.watermark,
                })
        }
        Err(e) if e.is_auth() => {
            let hint = format!("store {store_hash}: check {}", crate::settings::ACCESS_TOKEN);
            return Err(anyhow::Error::new(e).context(hint));
        }
        Err(e) => Err(anyhow::Error::new(e)),
    };
    let summary = match &result {
        Ok(r) => RunSummary {
            outcome: RunOutcome::Succeeded,
            error: None,
            rows_read: r.stats.customers_read + r.stats.addresses_read,
            rows_written: r.stats.rows_written() + r.sweep.addresses_inserted + r.sweep.addresses_updated,
            rows_deleted: r.stats.addresses_deleted + r.customers_deleted + r.sweep.addresses_deleted,
            requests: r.stats.requests + r.sweep.requests,
            details: serde_json::json!({
                "customers": stats_json(&r.stats),
                "customers_deleted": r.customers_deleted,
                "address_sweep": sweep_json(&r.sweep),
            }),
        },
        Err(e) => RunSummary {
            outcome: RunOutcome::Failed,
            error: Some(format!("{e:#}")),
            requests: client.requests() - requests_before,
            ..RunSummary::default()
        },
    };
    store
        .record_run(store_hash, kind.as_str(), started_at, &summary)
        .await
        .context("recording the pass in bigcommerce.sync_runs")?;
    result.with_context(|| format!("{} of store {store_hash} failed", kind.as_str()))
}

/// After the customers: a resync compares id sets; a sync sweeps a slice of addresses.
async fn finish_pass(
    client: &BigCommerceClient,
    store: &Store,
    kind: PassKind,
    opts: &PassOptions,
    outcome: &PollOutcome,
) -> anyhow::Result<(SweepStats, u64)> {
    match kind {
        PassKind::Resync => {
            let deleted =
                bcsync_reconciler::reconcile_customer_ids(store, client.store_hash(), &outcome.seen_ids)
                    .await
                    .context("marking deleted customers")?;
            Ok((SweepStats::default(), deleted.customers_deleted))
        }
        PassKind::Sync => {
            let sweep = sweep_addresses(client, store, &opts.sweep)
                .await
                .context("sweeping addresses")?;
            Ok((sweep, 0))
        }
    }
}

fn sweep_json(s: &SweepStats) -> serde_json::Value {
    serde_json::json!({
        "requests": s.requests,
        "addresses_read": s.addresses_read,
        "addresses_inserted": s.addresses_inserted,
        "addresses_updated": s.addresses_updated,
        "addresses_deleted": s.addresses_deleted,
        "cycles_completed": s.cycles_completed,
    })
}

fn stats_json(s: &PassStats) -> serde_json::Value {
    serde_json::json!({
        "pages": s.pages,
        "customers_read": s.customers_read,
        "customers_inserted": s.customers_inserted,
        "customers_updated": s.customers_updated,
        "addresses_read": s.addresses_read,
        "addresses_inserted": s.addresses_inserted,
        "addresses_updated": s.addresses_updated,
        "addresses_deleted": s.addresses_deleted,
    })
}

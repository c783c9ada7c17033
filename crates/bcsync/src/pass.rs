//! One pass for one store: customers first, then every other resource, each step on
//! its own (a failing resource does not stop the others), recorded in `sync_runs`.

mod steps;

use std::time::{Duration, Instant};

use anyhow::Context;
use bcsync_poller::{Mode, PassStats, PollOptions, ResourceStats, sync_customers};
use bcsync_reconciler::SweepSettings;
use bcsync_store::{RunOutcome, RunSummary, Store};
use bigcommerce::BigCommerceClient;
use chrono::{DateTime, Utc};

pub use steps::{StepReport, StepStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    Sync,
    Resync,
}

impl PassKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PassKind::Sync => "sync",
            PassKind::Resync => "resync",
        }
    }
}

/// Most changed customers whose consent and instruments a pass reads one by one.
const CHANGED_CAP: usize = 500;

/// The resources a pass can be limited to (`bcsync resync --resource`).
pub const RESOURCES: &[&str] = &[
    "customers",
    "attributes",
    "attribute_values",
    "metafields",
    "settings",
    "channel_settings",
    "consents",
    "stored_instruments",
];

/// How a pass reads: the poller's settings and the sweeps' slices.
#[derive(Debug, Clone)]
pub struct PassOptions {
    pub poll: PollOptions,
    /// The bound, interval and cap each reconcile pass sizes its sweeps from
    /// (`bcsync_reconciler::plan`).
    pub sweeps: SweepSettings,
    /// Channels whose settings are read besides those the customers mention.
    pub channels: Vec<i64>,
    /// Only this resource (one of [`RESOURCES`]); `None`: all of them.
    pub only: Option<String>,
    /// Whether the pass also finds deletes (count checks) and runs the sweeps. The
    /// daemon's frequent incremental passes do not; its reconcile passes do.
    pub reconcile: bool,
    /// The daemon replica running the pass (its lease holder id), kept in
    /// `sync_runs.details.replica` so an operator sees who worked a store when.
    pub replica: Option<String>,
    /// Where the token was set ("BIGCOMMERCE_ACCESS_TOKEN", "stores[0].token_file in
    /// bcsync.toml"), for the line that says a rejected token needs checking.
    pub token_source: Option<String>,
    /// Where the store hash was set, for the line that says a 404 needs checking it.
    pub hash_source: Option<String>,
    /// Rows soft-deleted this long are scrubbed at the end of the pass
    /// (`erase_deleted_after`); `None`: never.
    pub erase_deleted_after: Option<std::time::Duration>,
    /// Columns stored as HMAC-SHA-256 hex (`hash_columns`); `None`: none.
    pub hashing: Option<bcsync_store::Hashing>,
    /// Tables keeping every version (`history`), checked against
    /// `bcsync_store::HISTORY_TABLES`.
    pub history: Vec<String>,
}

impl PassOptions {
    /// The same settings for a pass that only reads what changed: no sweeps, no
    /// delete checks.
    pub fn incremental_only(&self) -> PassOptions {
        let mut o = self.clone();
        o.reconcile = false;
        o
    }

    /// Whether this pass reads `resource`.
    pub fn reads(&self, resource: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == resource)
    }
}

impl Default for PassOptions {
    fn default() -> Self {
        PassOptions {
            poll: PollOptions::default(),
            sweeps: SweepSettings::default(),
            channels: Vec::new(),
            only: None,
            reconcile: true,
            replica: None,
            token_source: None,
            hash_source: None,
            erase_deleted_after: None,
            hashing: None,
            history: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub struct PassReport {
    pub stats: PassStats,
    pub customers_deleted: u64,
    pub steps: Vec<StepReport>,
    pub elapsed: Duration,
    pub watermark: Option<DateTime<Utc>>,
}

impl PassReport {
    pub fn requests(&self) -> u64 {
        self.stats.requests + self.steps.iter().map(|s| s.stats.requests).sum::<u64>()
    }

    pub fn failures(&self) -> Vec<&StepReport> {
        self.steps
            .iter()
            .filter(|s| matches!(s.status, StepStatus::Failed(_)))
            .collect()
    }

    /// One line per pass, naming the store and each resource once (the address sweep's
    /// figures are added to those of the addresses read with the customers).
    pub fn summary_line(&self, kind: PassKind, store_hash: &str) -> String {
        let s = &self.stats;
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let sweep = self.steps.iter().find(|st| st.name == "addresses");
        let swept = |f: fn(&ResourceStats) -> u64| sweep.map_or(0, |st| f(&st.stats));
        let steps: Vec<String> = self
            .steps
            .iter()
            .filter(|st| st.name != "addresses")
            .map(StepReport::short)
            .collect();
        let address_status = match sweep.map(|st| &st.status) {
            Some(StepStatus::Failed(_)) => " (sweep FAILED)",
            _ => "",
        };
        format!(
            "store {store_hash}: {} done in {:.1}s: {} requests; customers {} read ({:.0}/s) {} new {} changed {} deleted {} quarantined; \
             addresses {} read {} new {} changed {} deleted{address_status}; {}; watermark {}",
            kind.as_str(),
            secs,
            self.requests(),
            s.customers_read,
            s.customers_read as f64 / secs,
            s.customers_inserted,
            s.customers_updated,
            self.customers_deleted,
            s.quarantined,
            s.addresses_read + swept(|x| x.read),
            s.addresses_inserted + swept(|x| x.inserted),
            s.addresses_updated + swept(|x| x.updated),
            s.addresses_deleted + swept(|x| x.deleted),
            steps.join("; "),
            self.watermark.map_or("none".to_owned(), |w| w.to_rfc3339()),
        )
    }
}

/// Runs a pass and records it. Its span names the store and the kind of pass, so every
/// log line under it (client retries, the poller, each resource's step) carries them. A rejected token records nothing: the operator gets one
/// line and the mirror is untouched. A failed resource fails the pass (after every
/// other resource had its turn).
#[tracing::instrument(name = "pass", skip_all, fields(store = %client.store_hash(), kind = kind.as_str()))]
pub async fn run_pass(
    client: &BigCommerceClient,
    store: &Store,
    kind: PassKind,
    opts: &PassOptions,
) -> anyhow::Result<PassReport> {
    let started_at = Utc::now();
    let clock = Instant::now();
    let store_hash = client.store_hash();
    // Every write of the pass goes through this store, so every page is hashed.
    let hashing_store;
    let store = match &opts.hashing {
        Some(h) => {
            hashing_store = store.with_hashing(store_hash, h.clone());
            &hashing_store
        }
        None => store,
    };
    // Before any write, so the pass's changes are versioned as configured now.
    store
        .set_history(store_hash, &opts.history)
        .await
        .context("writing the store's history setting")?;
    let previous = store
        .watermark(store_hash, bcsync_poller::CUSTOMERS_RESOURCE)
        .await?;
    let mode = if kind == PassKind::Resync {
        Mode::Full
    } else {
        Mode::Incremental
    };
    let before = client.requests();
    let read_customers = tracing::Instrument::instrument(
        async {
            if opts.reads("customers") {
                sync_customers(client, store, mode, &opts.poll).await.map(Some)
            } else {
                Ok(None)
            }
        },
        tracing::info_span!("resource", resource = "customers"),
    );
    let (customers, mut steps) = match read_customers.await {
        Ok(outcome) => (outcome, Vec::new()),
        // Nothing else of the pass can work: one line that says what to check.
        Err(e) if e.is_auth() => {
            let hint = format!(
                "store {store_hash}: BigCommerce rejects the access token (check {})",
                opts.token_source.as_deref().unwrap_or("the store's token")
            );
            return Err(anyhow::Error::new(e).context(hint));
        }
        Err(e) if e.is_unknown_store() => {
            let hint = format!(
                "store {store_hash}: BigCommerce knows no such store (404) (check {})",
                opts.hash_source.as_deref().unwrap_or("the store hash")
            );
            return Err(anyhow::Error::new(e).context(hint));
        }
        Err(e) => {
            let stats = ResourceStats {
                requests: client.requests() - before,
                ..Default::default()
            };
            (None, vec![StepReport::failed("customers", stats, &e)])
        }
    };
    let customers_read = customers.is_some();
    let mut outcome = customers.unwrap_or_default();
    let watermark = match outcome.watermark {
        Some(w) => Some(w),
        None => previous,
    };
    if kind == PassKind::Sync
        && opts.reconcile
        && customers_read
        && let Some(upper) = watermark
    {
        steps.push(steps::customer_deletes(client, store, opts, upper).await);
    }
    // Per-customer resources follow the customers that changed, unless this pass read
    // them all (first pass, resync) or a great many (a bulk import, or the rest of a
    // first pass that was stopped): two requests per customer would then spend the
    // store's quota for minutes, so the sweep alone paces them.
    let changed = if kind == PassKind::Sync && previous.is_some() && outcome.changed_ids.len() <= CHANGED_CAP
    {
        &outcome.changed_ids[..]
    } else {
        &[]
    };
    steps.extend(steps::other_resources(client, store, kind, opts, changed).await);
    let mut customers_deleted = 0;
    let mut probe_requests = 0;
    if kind == PassKind::Resync && customers_read {
        let d =
            bcsync_reconciler::reconcile_customer_ids(client, store, std::mem::take(&mut outcome.seen_ids))
                .await
                .context("marking deleted customers")?;
        customers_deleted = d.customers_deleted;
        probe_requests = d.requests;
    }
    let mut stats = outcome.stats;
    stats.requests += probe_requests;
    let report = PassReport {
        stats,
        customers_deleted,
        steps,
        elapsed: clock.elapsed(),
        watermark: outcome.watermark,
    };
    let failures: Vec<String> = report.failures().iter().map(|s| s.describe()).collect();
    let summary = RunSummary {
        outcome: if failures.is_empty() {
            RunOutcome::Succeeded
        } else {
            RunOutcome::Failed
        },
        error: (!failures.is_empty()).then(|| failures.join("; ")),
        rows_read: report.stats.customers_read
            + report.stats.addresses_read
            + report.steps.iter().map(|s| s.stats.read).sum::<u64>(),
        rows_written: report.stats.rows_written()
            + report
                .steps
                .iter()
                .map(|s| s.stats.inserted + s.stats.updated)
                .sum::<u64>(),
        rows_deleted: report.stats.addresses_deleted
            + customers_deleted
            + report.steps.iter().map(|s| s.stats.deleted).sum::<u64>(),
        requests: report.requests(),
        details: steps::details_json(&report, opts.replica.as_deref()),
    };
    let recorded_kind = if kind == PassKind::Sync && !opts.reconcile {
        "incremental"
    } else {
        kind.as_str()
    };
    store
        .record_run(store_hash, recorded_kind, started_at, &summary)
        .await
        .context("recording the pass in bigcommerce.sync_runs")?;
    // Last, and whatever the steps did: rows deleted long ago are not this pass's
    // decision, and a failed read must not keep personal data past its time. Only in
    // passes that reconcile (`bcsync sync`, the daemon's reconcile schedule): the
    // statement reads every table of the store, too much for every 5-minute pass.
    if opts.reconcile
        && let Some(after) = opts.erase_deleted_after
    {
        let erased = store
            .erase_deleted(store_hash, after)
            .await
            .context("erasing the personal data of long-deleted rows")?;
        if erased.rows > 0 {
            tracing::info!(
                store = %store_hash,
                customers = erased.customers,
                rows = erased.rows,
                "erased the personal data of rows deleted over {}s ago",
                after.as_secs()
            );
        }
    }
    if !failures.is_empty() {
        anyhow::bail!(
            "{} of store {store_hash} failed: {}",
            kind.as_str(),
            failures.join("; ")
        );
    }
    Ok(report)
}

//! One pass for one store: customers first, then every other resource, each step on
//! its own (a failing resource does not stop the others), recorded in `sync_runs`.

use std::time::Instant;

use bcsync_poller::{Mode, sync_customers};
use bcsync_store::{RunOutcome, RunSummary, Store};
use bigcommerce::BigCommerceClient;
use chrono::Utc;

use crate::StepReport;
use crate::steps;
use crate::{PassError, PassKind, PassOptions, PassReport, Resource};

/// Most changed customers whose consent and instruments a pass reads one by one.
const CHANGED_CAP: usize = 500;

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
) -> Result<PassReport, PassError> {
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
        .map_err(PassError::History)?;
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
            if opts.reads(Resource::Customers) {
                sync_customers(client, store, mode, &opts.poll).await.map(Some)
            } else {
                Ok(None)
            }
        },
        tracing::info_span!("resource", resource = Resource::Customers.as_str()),
    );
    let (customers, mut steps) = match read_customers.await {
        Ok(outcome) => (outcome, Vec::new()),
        // Nothing else of the pass can work: one line that says what to check.
        Err(e) if e.is_auth() => {
            let hint = format!(
                "store {store_hash}: BigCommerce rejects the access token (check {})",
                opts.token_source.as_deref().unwrap_or("the store's token")
            );
            return Err(PassError::Rejected { hint, source: e });
        }
        Err(e) if e.is_unknown_store() => {
            let hint = format!(
                "store {store_hash}: BigCommerce knows no such store (404) (check {})",
                opts.hash_source.as_deref().unwrap_or("the store hash")
            );
            return Err(PassError::Rejected { hint, source: e });
        }
        Err(e) => {
            let stats = steps::requests_since(client, before);
            (
                None,
                vec![StepReport::failed(Resource::Customers.as_str(), stats, &e)],
            )
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
    // Before the other resources: the listing's ids (8 MB a million customers) are
    // freed before their steps hold theirs, so the peaks do not add up. A failure
    // still fails the pass after them, as it always did.
    let reconciled = if kind == PassKind::Resync && customers_read {
        let listed = std::mem::take(&mut outcome.seen_ids);
        Some(bcsync_reconciler::reconcile_customer_ids(client, store, listed).await)
    } else {
        None
    };
    steps.extend(steps::other_resources(client, store, kind, opts, changed).await);
    let mut customers_deleted = 0;
    let mut probe_requests = 0;
    if let Some(reconciled) = reconciled {
        let d = reconciled.map_err(PassError::MarkDeleted)?;
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
        details: crate::report::details_json(&report, opts.replica.as_deref()),
    };
    let recorded_kind = if kind == PassKind::Sync && !opts.reconcile {
        "incremental"
    } else {
        kind.as_str()
    };
    store
        .record_run(store_hash, recorded_kind, started_at, &summary)
        .await
        .map_err(PassError::Record)?;
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
            .map_err(PassError::Erase)?;
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
        return Err(PassError::Failed {
            kind: kind.as_str(),
            store: store_hash.to_owned(),
            failures: failures.join("; "),
        });
    }
    Ok(report)
}

//! One pass for one store: customers first, then every other resource, each step on
//! its own (a failing resource does not stop the others), recorded in `sync_runs`.

use std::time::Instant;

use bcsync_mirror::{Mirror, RunOutcome, RunSummary};
use bcsync_poller::{Mode, sync_customers};
use bcsync_reconciler::Walked;
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
    mirror: &Mirror,
    kind: PassKind,
    opts: &PassOptions,
) -> Result<PassReport, PassError> {
    let started_at = Utc::now();
    let clock = Instant::now();
    let store_hash = client.store_hash();
    // Every write of the pass goes through this mirror, so every page is hashed.
    let hashed_mirror;
    let mirror = match &opts.hashing {
        Some(h) => {
            hashed_mirror = mirror.with_hashing(store_hash, h.clone());
            &hashed_mirror
        }
        None => mirror,
    };
    // Before any write, so the pass's changes are versioned as configured now.
    mirror
        .set_history(store_hash, &opts.history)
        .await
        .map_err(PassError::History)?;
    let previous = mirror
        .watermark(store_hash, bcsync_poller::CUSTOMERS_RESOURCE)
        .await?;
    let mode = if kind == PassKind::Resync {
        Mode::Full
    } else {
        Mode::Incremental
    };
    // The walk counts its own requests: other steps may run beside it.
    let customers_client = client.counted();
    let read_customers = tracing::Instrument::instrument(
        async {
            if opts.reads(Resource::Customers) {
                sync_customers(&customers_client, mirror, mode, &opts.poll)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        },
        tracing::info_span!("resource", resource = Resource::Customers.as_str()),
    );
    // A resync reads the resources that neither feed nor follow the customers' rows
    // during its walk (see steps::Independent); both end before the deletes of
    // customers the listing lacked cascade to what they own.
    let early = async {
        if kind == PassKind::Resync && opts.reads(Resource::Customers) {
            Some(steps::independent(client, mirror, opts, true).await)
        } else {
            None
        }
    };
    let (read, early) = futures::join!(read_customers, early);
    let (customers, mut steps) = match read {
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
            let stats = steps::requests_since(&customers_client, 0);
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
        steps.push(steps::customer_deletes(client, mirror, opts, upper).await);
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
    let mut ahead = steps::Ahead {
        independent: early,
        ..Default::default()
    };
    // Before the other resources: the listing's ids (8 MB a million customers) are
    // freed before their steps hold theirs, so the peaks do not add up. A failure
    // still fails the pass after them, as it always did. Beside it, what the deletes
    // it may cascade do not touch: the sweep plan and the channel settings, both from
    // what the walk read rather than from scans of the mirror (1 s at a million). A
    // channel only a customer the listing missed mentions waits for the next pass.
    let reconciled = if kind == PassKind::Resync && customers_read {
        let listed = std::mem::take(&mut outcome.seen_ids);
        let walked = Walked {
            customers: listed.len() as u64,
            addresses: outcome.stats.addresses.read,
        };
        let channels = std::mem::take(&mut outcome.seen_channels).into_iter().collect();
        // Its own count: the channel settings' requests are not its.
        let ids_client = client.counted();
        let (reconciled, plan, channels) = futures::join!(
            bcsync_reconciler::reconcile_customer_ids(&ids_client, mirror, listed),
            steps::sweep_plan(client, mirror, opts, Some(walked)),
            steps::channel_settings(client, mirror, opts, Some(channels)),
        );
        ahead.plan = Some(plan);
        ahead.channels = Some(channels);
        Some(reconciled)
    } else {
        None
    };
    steps.extend(steps::other_resources(client, mirror, kind, opts, changed, ahead).await);
    if let Some(reconciled) = reconciled {
        // The customers the full listing lacked, and the requests that proved it.
        outcome.stats.customers += reconciled.map_err(PassError::MarkDeleted)?;
    }
    let report = PassReport {
        stats: outcome.stats,
        steps,
        elapsed: clock.elapsed(),
        watermark: outcome.watermark,
    };
    let failures: Vec<String> = report.failures().iter().map(|s| s.describe()).collect();
    let all = report.total();
    let summary = RunSummary {
        outcome: if failures.is_empty() {
            RunOutcome::Succeeded
        } else {
            RunOutcome::Failed
        },
        error: (!failures.is_empty()).then(|| failures.join("; ")),
        rows_read: all.read,
        rows_written: all.written(),
        rows_deleted: all.deleted,
        requests: all.requests,
        details: crate::report::details_json(&report, opts.replica.as_deref()),
    };
    let recorded_kind = if kind == PassKind::Sync && !opts.reconcile {
        "incremental"
    } else {
        kind.as_str()
    };
    mirror
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
        let erased = mirror
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

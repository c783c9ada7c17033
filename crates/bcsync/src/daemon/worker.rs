//! One store's worker: its two schedules and its webhook events, while the keeper
//! (`leases.rs`) holds the store's lease for it.
//!
//! Passes run inside this task one after another, so a pass still running when the
//! next fires is never started twice: the next one starts at the first fire after it
//! ends. A pass is raced against shutdown; dropping it mid-page rolls the page's
//! transaction back whole (rows and checkpoint commit together), so a stop never
//! leaves a page half-written. A pass is raced against its lease too: it stops when the
//! keeper loses the lease or fails to renew it in time, and every page it writes goes
//! through a store fenced with the lease's epoch, so a late page is refused.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use bcsync_config::Schedule;
use bcsync_http::Metrics;
use bcsync_mirror::{Fence, Mirror};
use bigcommerce::BigCommerceClient;
use chrono::Utc;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::leases::{self, LeaseState, Slot};
use super::report;
use super::shutdown;
use super::webhook_apply;
use bcsync_pipeline::{PassKind, PassOptions, run_pass};

/// How long webhook events gather before one read applies them all: a burst of edits
/// to one customer (BigCommerce sends one event per save) costs one request.
const DEBOUNCE: Duration = Duration::from_millis(300);
/// The longest wait before retrying after a failed pass (database or API outage).
const MAX_RETRY_BACKOFF: Duration = Duration::from_secs(300);

pub(crate) struct Worker {
    /// This store's API client, with its own limiter.
    pub(crate) client: BigCommerceClient,
    /// Where passes write; fenced by the lease before each pass.
    pub(crate) mirror: Mirror,
    /// Settings of the reconcile passes; incremental passes use `incremental_only()`.
    pub(crate) opts: PassOptions,
    /// When incremental passes fire.
    pub(crate) incremental: Schedule,
    /// When reconcile passes (deletes, sweeps) fire.
    pub(crate) reconcile: Schedule,
    /// Who this replica is in `store_leases`.
    pub(crate) holder: String,
    /// The store's lease, kept by the keeper.
    pub(crate) lease: Arc<Slot>,
    /// Pass outcomes, rows and coverage, per store.
    pub(crate) metrics: Arc<Metrics>,
    /// Customer ids named by webhook events for this store.
    pub(crate) events: mpsc::Receiver<i64>,
    /// Stops the loop between passes and aborts a running one (its page rolls back).
    pub(crate) shutdown: watch::Receiver<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    Incremental,
    Reconcile,
}

impl Due {
    fn label(self) -> &'static str {
        match self {
            Due::Incremental => "incremental",
            Due::Reconcile => "reconcile",
        }
    }
}

impl Worker {
    pub async fn run(mut self) {
        let hash = self.client.store_hash().to_owned();
        let mut lease = self.lease.state.subscribe();
        let mut held = false;
        let mut pending: BTreeSet<i64> = BTreeSet::new();
        let mut apply_at: Option<Instant> = None;
        let mut failures = 0u32;
        let mut retry_at: Option<(Instant, Due)> = None;
        loop {
            let (mut when, mut due) = self.next_due();
            if let Some((at, d)) = retry_at
                && at < when
            {
                (when, due) = (at, d);
            }
            let debounce = apply_at.unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400));
            tokio::select! {
                biased;
                _ = shutdown::requested(&mut self.shutdown) => break,
                Ok(()) = lease.changed() => {
                    let was_held = held;
                    held = matches!(*lease.borrow_and_update(), LeaseState::Held { .. });
                    if held && !was_held {
                        // A store just taken (at startup or from a replica that died)
                        // is brought up to date now, not at the next fire.
                        retry_at = Some((Instant::now(), Due::Incremental));
                    }
                }
                Some(id) = self.events.recv() => {
                    pending.insert(id);
                    apply_at.get_or_insert_with(|| Instant::now() + DEBOUNCE);
                }
                _ = tokio::time::sleep_until(debounce), if apply_at.is_some() => {
                    apply_at = None;
                    let ids: Vec<i64> = std::mem::take(&mut pending).into_iter().collect();
                    if held {
                        let _busy = self.lease.busy.lock().await;
                        if let Some((mirror, _)) = self.fenced() {
                            webhook_apply::apply(&self.client, &mirror, &self.opts.poll, &self.metrics, &ids).await;
                        }
                    }
                }
                _ = tokio::time::sleep_until(when) => {
                    // A retry belongs to the lease it failed under: dropped with it
                    // (kept, its past fire time would wake this loop at once, forever).
                    retry_at = None;
                    if !held {
                        continue;
                    }
                    if self.pass(due).await {
                        failures = 0;
                    } else {
                        failures += 1;
                        let backoff = Duration::from_secs(1u64 << failures.min(9)).min(MAX_RETRY_BACKOFF);
                        tracing::warn!(store = %hash, retry_in_s = backoff.as_secs(), "pass failed; retrying");
                        retry_at = Some((Instant::now() + backoff, due));
                    }
                }
            }
        }
        tracing::info!(store = %hash, "worker stopped");
    }

    /// The next fire of either schedule (reconcile wins a tie: it does more).
    fn next_due(&self) -> (Instant, Due) {
        // One reading of each clock, so equal fire times compare equal.
        let (now, instant) = (Utc::now(), Instant::now());
        let at = |s: &Schedule| {
            let next = s.next_after(now).unwrap_or(now + chrono::TimeDelta::days(365));
            instant + (next - now).to_std().unwrap_or_default()
        };
        let (inc, rec) = (at(&self.incremental), at(&self.reconcile));
        if rec <= inc {
            (rec, Due::Reconcile)
        } else {
            (inc, Due::Incremental)
        }
    }

    /// A store bound to the lease's current epoch, and that epoch, while it is held
    /// and its local deadline has not passed.
    fn fenced(&self) -> Option<(Mirror, i64)> {
        match *self.lease.state.borrow() {
            LeaseState::Held { epoch, valid_until } if Instant::now() < valid_until => {
                let fence = Fence {
                    store_hash: self.client.store_hash().to_owned(),
                    holder: self.holder.clone(),
                    epoch,
                };
                Some((self.mirror.fenced(fence), epoch))
            }
            _ => None,
        }
    }

    /// After a failed pass: if the database no longer says this replica holds the
    /// store under `epoch`, the slot is freed at once, so no retry calls the API.
    async fn recheck(&self, epoch: i64) {
        let hash = self.client.store_hash();
        let holds = match self.mirror.lease_epoch(hash).await {
            Ok(Some(by)) => by.holder == self.holder && by.epoch == epoch,
            Ok(None) => false,
            Err(_) => return,
        };
        if !holds {
            tracing::warn!(store = %hash, epoch, "the store's lease is gone; this replica stops working it");
            self.lease.state.send_if_modified(|s| match s {
                LeaseState::Held { epoch: e, .. } if *e == epoch => {
                    *s = LeaseState::Free;
                    true
                }
                _ => false,
            });
            self.metrics.leased(hash, false);
        }
    }

    /// Runs one pass unless shutdown comes first; true when it succeeded.
    async fn pass(&mut self, due: Due) -> bool {
        let opts = match due {
            Due::Incremental => self.opts.incremental_only(),
            Due::Reconcile => self.opts.clone(),
        };
        let lease = self.lease.clone();
        let _busy = lease.busy.lock().await;
        let Some((mirror, epoch)) = self.fenced() else {
            // Lost between the fire and the lock: nothing to do, and no failure.
            return true;
        };
        let started = std::time::Instant::now();
        let mut stop = self.shutdown.clone();
        let result = tokio::select! {
            r = run_pass(&self.client, &mirror, PassKind::Sync, &opts) => r.map_err(anyhow::Error::new),
            _ = shutdown::requested(&mut stop) => {
                tracing::info!(store = %self.client.store_hash(), "pass stopped by shutdown; its open page rolls back");
                return true;
            }
            why = leases::lost(lease.state.subscribe(), epoch) => {
                tracing::warn!(store = %self.client.store_hash(), epoch, why, "pass stopped: the store's lease was lost; its open page rolls back");
                return true;
            }
        };
        if result.is_err() {
            self.recheck(epoch).await;
        }
        report::pass_done(
            &self.metrics,
            self.client.store_hash(),
            due.label(),
            &result,
            started.elapsed(),
        );
        if matches!(due, Due::Reconcile) {
            report::sweeps_done(&self.metrics, &mirror, self.client.store_hash()).await;
        }
        match result {
            Ok(r) => {
                tracing::info!(store = %self.client.store_hash(), pass = due.label(), "{}", r.summary_line(PassKind::Sync, self.client.store_hash()));
                true
            }
            Err(e) => {
                tracing::error!(store = %self.client.store_hash(), pass = due.label(), error = %format!("{e:#}"), "pass failed");
                false
            }
        }
    }
}

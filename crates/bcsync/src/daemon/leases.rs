//! The lease keeper: one task per replica that renews this replica's leases on its own
//! schedule (every ttl/4, whatever the passes are doing), announces the replica in
//! `bigcommerce.replicas`, and balances: it claims free stores while it holds fewer
//! than its [`fair_share`] and hands surplus stores back, only between passes.
//!
//! Each store's worker reads its [`Slot`]: `Held` carries the epoch to fence writes
//! with and `valid_until`, a local deadline a quarter of the ttl before the database's
//! expiry (measured from before the renewal was sent). A worker stops its pass when
//! that deadline passes without a renewal, so its API calls end before another
//! replica may claim the store; the fence stops its writes in any case.

use std::sync::Arc;
use std::time::Duration;

use bcsync_http::Metrics;
use bcsync_mirror::{Mirror, fair_share};
use tokio::sync::{Mutex, watch};
use tokio::time::Instant;

use super::shutdown;

/// What a worker knows of its store's lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseState {
    Free,
    Held { epoch: i64, valid_until: Instant },
}

/// One store's lease as the keeper and its worker share it.
pub struct Slot {
    pub hash: String,
    pub state: watch::Sender<LeaseState>,
    /// Locked by the worker for the whole of a pass (or a webhook read); the keeper
    /// hands the store back only when it can take it, that is at a pass boundary.
    pub busy: Mutex<()>,
}

impl Slot {
    pub fn new(hash: &str) -> Arc<Slot> {
        Arc::new(Slot {
            hash: hash.to_owned(),
            state: watch::Sender::new(LeaseState::Free),
            busy: Mutex::new(()),
        })
    }

    fn epoch(&self) -> Option<i64> {
        match *self.state.borrow() {
            LeaseState::Held { epoch, .. } => Some(epoch),
            LeaseState::Free => None,
        }
    }
}

pub struct Keeper {
    pub mirror: Mirror,
    pub holder: String,
    pub ttl: Duration,
    pub slots: Vec<Arc<Slot>>,
    pub metrics: Arc<Metrics>,
    pub shutdown: watch::Receiver<bool>,
}

impl Keeper {
    pub async fn run(mut self) {
        let mut tick = tokio::time::interval(self.ttl / 4);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                _ = shutdown::requested(&mut self.shutdown) => break,
                _ = tick.tick() => self.round().await,
            }
        }
        // A page still committing holds its lease row, so each release waits for it;
        // pages after that fail their fence.
        let mut released = 0;
        for slot in &self.slots {
            if slot.epoch().is_some() {
                match self.mirror.release_lease(&slot.hash, &self.holder).await {
                    Ok(()) => released += 1,
                    Err(e) => {
                        tracing::warn!(store = %slot.hash, error = %e, "could not release the lease; it expires on its own")
                    }
                }
                self.set(slot, LeaseState::Free);
            }
        }
        tracing::info!(released, "leases released");
        if let Err(e) = self.mirror.replica_leave(&self.holder).await {
            tracing::warn!(error = %e, "could not leave bigcommerce.replicas; the entry expires on its own");
        }
    }

    /// Heartbeat, renewal, then balance. Any database error skips the rest of the round:
    /// leases not renewed run out on their local deadline.
    async fn round(&self) {
        let sent = Instant::now();
        let valid_until = sent + self.ttl - self.ttl / 4;
        let live = match self.mirror.replica_heartbeat(&self.holder, self.ttl).await {
            Ok(live) => live,
            Err(e) => {
                tracing::warn!(error = %e, "cannot renew this replica's heartbeat");
                return;
            }
        };
        let held: Vec<String> = self.held().map(|s| s.hash.clone()).collect();
        let renewed = match self.mirror.renew_leases(&held, &self.holder, self.ttl).await {
            Ok(renewed) => renewed,
            Err(e) => {
                tracing::warn!(error = %e, "cannot renew this replica's leases");
                return;
            }
        };
        for slot in &self.slots {
            let Some(epoch) = slot.epoch() else { continue };
            if renewed
                .iter()
                .any(|r| r.store_hash == slot.hash && r.epoch == epoch)
            {
                self.set(slot, LeaseState::Held { epoch, valid_until });
            } else {
                tracing::warn!(store = %slot.hash, epoch, "lease lost (expired or taken by another replica)");
                self.set(slot, LeaseState::Free);
            }
        }

        let share = fair_share(self.slots.len(), &live, &self.holder);
        let count = self.held().count();
        if count > share {
            self.hand_back(count - share, live.len()).await;
        } else if count < share {
            let free: Vec<String> = self
                .slots
                .iter()
                .filter(|s| s.epoch().is_none())
                .map(|s| s.hash.clone())
                .collect();
            match self
                .mirror
                .claim_free_leases(&free, &self.holder, self.ttl, share - count)
                .await
            {
                Ok(claimed) => {
                    for c in claimed {
                        if let Some(slot) = self.slots.iter().find(|s| s.hash == c.store_hash) {
                            tracing::info!(store = %slot.hash, epoch = c.epoch, replicas = live.len(), share, "lease taken");
                            self.set(
                                slot,
                                LeaseState::Held {
                                    epoch: c.epoch,
                                    valid_until,
                                },
                            );
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot claim free stores"),
            }
        }
    }

    /// Releases up to `surplus` held stores whose worker is between passes.
    async fn hand_back(&self, surplus: usize, replicas: usize) {
        let mut left = surplus;
        for slot in self.slots.iter().rev() {
            if left == 0 {
                break;
            }
            if slot.epoch().is_none() {
                continue;
            }
            let Ok(_idle) = slot.busy.try_lock() else { continue };
            match self.mirror.release_lease(&slot.hash, &self.holder).await {
                Ok(()) => {
                    tracing::info!(store = %slot.hash, replicas, "lease handed back to balance the stores");
                    self.set(slot, LeaseState::Free);
                    left -= 1;
                }
                Err(e) => tracing::warn!(store = %slot.hash, error = %e, "cannot hand a lease back"),
            }
        }
    }

    fn held(&self) -> impl Iterator<Item = &Arc<Slot>> {
        self.slots.iter().filter(|s| s.epoch().is_some())
    }

    fn set(&self, slot: &Slot, state: LeaseState) {
        let was_held = slot.epoch().is_some();
        slot.state.send_replace(state);
        let held = matches!(state, LeaseState::Held { .. });
        if held != was_held {
            self.metrics.leased(&slot.hash, held);
        }
    }
}

/// Resolves when the lease `epoch` is no longer this replica's: the keeper marked it
/// free or re-claimed it, or its local deadline passed without a renewal.
pub async fn lost(mut state: watch::Receiver<LeaseState>, epoch: i64) -> &'static str {
    loop {
        let now = *state.borrow_and_update();
        match now {
            LeaseState::Held {
                epoch: e,
                valid_until,
            } if e == epoch => {
                if Instant::now() >= valid_until {
                    return "not renewed in time";
                }
                tokio::select! {
                    _ = tokio::time::sleep_until(valid_until) => {}
                    changed = state.changed() => if changed.is_err() { return "keeper gone" },
                }
            }
            _ => return "lost",
        }
    }
}

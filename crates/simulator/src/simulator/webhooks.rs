//! Webhook knobs and counters through the handle (see `crate::webhooks`).

use std::sync::atomic::Ordering;

use super::Simulator;

impl Simulator {
    /// Sets or clears the shortcut target (see
    /// [`SimConfig::webhook_target`](crate::SimConfig::webhook_target)); applies to
    /// changes made from now on.
    pub fn set_webhook_target(&self, target: Option<(String, String)>) {
        self.shared.edit_hooks(|r| r.target = target);
    }

    /// Deliveries a receiver answered with a 2xx, retries included (a duplicated
    /// delivery counts twice).
    pub fn webhooks_sent(&self) -> u64 {
        self.shared.webhooks.stats.sent.load(Ordering::SeqCst)
    }

    /// Deliveries given up after every retry failed (non-2xx or no connection).
    pub fn webhooks_failed(&self) -> u64 {
        self.shared.webhooks.stats.failed.load(Ordering::SeqCst)
    }

    /// Deliveries queued or still being attempted; 0 once everything settled.
    pub fn webhooks_pending(&self) -> u64 {
        self.shared.webhooks.stats.pending.load(Ordering::SeqCst)
    }

    /// While on, every delivery is sent twice (BigCommerce delivers at least once),
    /// for changes made from now on.
    pub fn duplicate_next_webhooks(&self, on: bool) {
        self.shared.webhooks.duplicate.store(on, Ordering::SeqCst);
    }
}

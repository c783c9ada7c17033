//! Webhooks: the `/hooks` registrations and the deliveries state changes trigger.
//!
//! The state records an [`Event`] per customer or address write (only while some hook
//! is active, so a store without hooks pays nothing). Whoever released the state lock
//! after a write, the request gate or the `Simulator` handle, then calls
//! [`Shared::flush_webhooks`]: a receiver that fetches the record at once sees the
//! change. Flushing only queues; [`deliver`] does the HTTP.

pub(crate) mod deliver;
pub(crate) mod event;
pub(crate) mod registry;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Bytes;
use parking_lot::Mutex;
use tokio::sync::mpsc::UnboundedSender;

use crate::shared::Shared;
use deliver::{Delivery, Stats};
pub(crate) use event::Event;
use registry::Registry;

pub(crate) struct Webhooks {
    registry: Mutex<Registry>,
    /// Mirrors `registry.any_active()` so flushing skips the state lock when idle.
    on: AtomicBool,
    /// Send every delivery twice (at-least-once, for de-duplication tests).
    pub duplicate: AtomicBool,
    tx: UnboundedSender<Delivery>,
    pub stats: Arc<Stats>,
}

impl Webhooks {
    /// Starts the sender task (so this must run inside the runtime).
    pub(crate) fn start(target: Option<(String, String)>) -> Self {
        let stats = Arc::new(Stats::default());
        Webhooks {
            registry: Mutex::new(Registry::with_target(target)),
            on: AtomicBool::new(false),
            duplicate: AtomicBool::new(false),
            tx: deliver::spawn(stats.clone()),
            stats,
        }
    }

    /// Queues one delivery per (event, matching hook), two with `duplicate` on.
    fn send(&self, store_hash: &str, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let copies = if self.duplicate.load(Ordering::SeqCst) {
            2
        } else {
            1
        };
        let created_at = chrono::Utc::now().timestamp();
        let registry = self.registry.lock();
        for event in events {
            let routes = registry.routes(&event);
            if routes.is_empty() {
                continue;
            }
            let body =
                Bytes::from(serde_json::to_vec(&event.payload(store_hash, created_at)).unwrap_or_default());
            for route in routes {
                for _ in 0..copies {
                    self.stats.pending.fetch_add(1, Ordering::SeqCst);
                    let delivery = Delivery {
                        url: route.destination.clone(),
                        headers: route.headers.clone(),
                        body: body.clone(),
                    };
                    if self.tx.send(delivery).is_err() {
                        // The sender task is gone (runtime shutting down): nothing to count.
                        self.stats.pending.fetch_sub(1, Ordering::SeqCst);
                    }
                }
            }
        }
    }
}

impl Shared {
    /// Runs `f` on the registry, then switches event recording to match: on while any
    /// hook is active. Both flags change under the registry lock so concurrent edits
    /// cannot leave them stale (lock order: registry, then state).
    pub(crate) fn edit_hooks<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        let mut registry = self.webhooks.registry.lock();
        let r = f(&mut registry);
        let on = registry.any_active();
        self.webhooks.on.store(on, Ordering::SeqCst);
        self.inner.lock().state.set_record_events(on);
        r
    }

    /// Reads the registry (no flags to keep in step).
    pub(crate) fn read_hooks<R>(&self, f: impl FnOnce(&Registry) -> R) -> R {
        f(&self.webhooks.registry.lock())
    }

    /// Queues deliveries for the changes recorded since the last flush. Call with the
    /// state lock released: the changes must be visible before anyone hears of them.
    pub(crate) fn flush_webhooks(&self) {
        if !self.webhooks.on.load(Ordering::SeqCst) {
            return;
        }
        let events = self.inner.lock().state.take_events();
        self.webhooks.send(&self.store_hash, events);
    }
}

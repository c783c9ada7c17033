//! What the server task and the `Simulator` handle share.

use parking_lot::Mutex;

use crate::SimState;
use crate::counters::Counters;
use crate::http::faults::FaultInjector;
use crate::http::rate_limit::RateLimiter;
use crate::webhooks::Webhooks;

/// A test hook: called with the 1-based request number, under the state lock, before
/// each request is answered.
pub type RequestHook = Box<dyn FnMut(u64, &mut SimState) + Send>;

pub(crate) struct Inner {
    pub state: SimState,
    pub hook: Option<RequestHook>,
}

/// Knobs a test may turn while the server runs.
pub(crate) struct Control {
    pub limiter: RateLimiter,
    pub faults: FaultInjector,
    pub latency_ms: u64,
    /// Whether the token has `store_stored_payment_instruments_read_only` (else 403).
    pub instruments_scope: bool,
}

pub(crate) struct Shared {
    pub store_hash: String,
    pub token: String,
    pub inner: Mutex<Inner>,
    pub control: Mutex<Control>,
    pub counters: Counters,
    pub webhooks: Webhooks,
}

impl Shared {
    pub(crate) fn run_hook(&self, n: u64) {
        let mut guard = self.inner.lock();
        let Inner { state, hook } = &mut *guard;
        if let Some(hook) = hook.as_mut() {
            hook(n, state);
        }
    }
}

//! The handle a test or the binary holds: starts the server, reaches into its state,
//! turns its knobs and reads its counters. The customer sub-resources' accessors are in
//! `resources`, the webhook knobs in `webhooks`.

mod resources;
mod webhooks;

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bigcommerce_models::{Address, Customer};
use parking_lot::Mutex;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::SimConfig;
use crate::counters::{CountKey, Counters, PathKind};
use crate::http::faults::FaultInjector;
use crate::http::rate_limit::RateLimiter;
use crate::shared::{Control, Inner, Shared};
use crate::state::SimState;
use crate::webhooks::Webhooks;

/// A running simulated store. Dropping it stops the server too.
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Generates the data and serves on `127.0.0.1` at a free port.
    pub async fn start(cfg: SimConfig) -> io::Result<Simulator> {
        Simulator::start_on(cfg, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Generates the data and serves on `addr`.
    pub async fn start_on(cfg: SimConfig, addr: SocketAddr) -> io::Result<Simulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (n, seed, touch, cap) = (
            cfg.customers,
            cfg.seed,
            cfg.address_edits_touch_customer,
            cfg.max_addresses,
        );
        // A million rows take a moment; keep that off the async workers.
        let mut state = tokio::task::spawn_blocking(move || SimState::generate_with(n, seed, touch, cap))
            .await
            .map_err(io::Error::other)?;
        state.set_listing_lag(cfg.listing_lag);
        let shared = Arc::new(Shared {
            store_hash: cfg.store_hash,
            token: cfg.token,
            inner: Mutex::new(Inner { state, hook: None }),
            control: Mutex::new(Control {
                limiter: RateLimiter::new(cfg.quota, cfg.window_ms),
                faults: FaultInjector::new(cfg.fault_rate, cfg.seed),
                latency_ms: cfg.latency_ms,
                instruments_scope: cfg.instruments_scope,
            }),
            counters: Counters::default(),
            webhooks: Webhooks::start(cfg.webhook_target),
        });
        // Turns event recording on when the configured target already listens.
        shared.edit_hooks(|_| ());
        let app = crate::http::router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                tracing::warn!(error = %e, "simulator server stopped with an error");
            }
        });
        Ok(Simulator {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`; clients append `/stores/{hash}/v3/...`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn store_hash(&self) -> &str {
        &self.shared.store_hash
    }

    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// Stops accepting, lets requests in flight finish (for at most 5 s), and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }

    /// Runs `f` on the state under its lock (what the HTTP handlers use too). Webhooks
    /// for the customers and addresses `f` wrote go out once the lock is released.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        let r = f(&mut self.shared.inner.lock().state);
        self.shared.flush_webhooks();
        r
    }

    /// Every customer in full (all addresses, attributes, form fields, store credit).
    pub fn customers(&self) -> Vec<Customer> {
        self.with_state(|s| s.customers())
    }

    pub fn customer(&self, id: i64) -> Option<Customer> {
        self.with_state(|s| s.customer(id))
    }

    /// Every address with its form fields.
    pub fn addresses(&self) -> Vec<Address> {
        self.with_state(|s| s.addresses())
    }

    pub fn customer_count(&self) -> usize {
        self.with_state(|s| s.customer_count())
    }

    /// See [`SimState::update_customer`].
    pub fn update_customer(&self, id: i64, f: impl FnOnce(&mut Customer)) -> bool {
        self.with_state(|s| s.update_customer(id, f))
    }

    /// Sets `date_modified` to now; returns how many of the ids exist.
    pub fn touch_customers(&self, ids: &[i64]) -> usize {
        self.with_state(|s| s.touch_customers(ids))
    }

    /// Deletes customers and their addresses; returns how many existed.
    pub fn delete_customers(&self, ids: &[i64]) -> usize {
        self.with_state(|s| s.delete_customers(ids))
    }

    /// See [`SimState::update_address`].
    pub fn update_address(&self, id: i64, f: impl FnOnce(&mut Address)) -> bool {
        self.with_state(|s| s.update_address(id, f))
    }

    pub fn delete_addresses(&self, ids: &[i64]) -> usize {
        self.with_state(|s| s.delete_addresses(ids))
    }

    /// See [`SimState::corrupt_customer_field`].
    pub fn corrupt_customer_field(&self, id: i64, field: &str, value: Value) -> bool {
        self.with_state(|s| s.corrupt_customer_field(id, field, value))
    }

    pub fn clear_corruptions(&self) {
        self.with_state(|s| s.clear_corruptions())
    }

    pub fn set_address_edits_touch_customer(&self, on: bool) {
        self.with_state(|s| s.set_address_edits_touch_customer(on))
    }

    /// Installs the hook called for every request, replacing any previous one.
    pub fn on_request(&self, hook: impl FnMut(u64, &mut SimState) + Send + 'static) {
        self.shared.inner.lock().hook = Some(Box::new(hook));
    }

    pub fn clear_on_request(&self) {
        self.shared.inner.lock().hook = None;
    }

    /// Probability in `[0, 1]` (clamped) that a GET gets a fault.
    pub fn set_fault_rate(&self, p: f64) {
        self.shared.control.lock().faults.set_rate(p);
    }

    /// Requests per window (`None`: unlimited); the next request opens a fresh window.
    pub fn set_quota(&self, quota: Option<u32>) {
        self.shared.control.lock().limiter.set_quota(quota);
    }

    /// The rate-limit window; the next request opens a fresh window.
    pub fn set_window_ms(&self, ms: u64) {
        self.shared.control.lock().limiter.set_window_ms(ms);
    }

    pub fn set_latency_ms(&self, ms: u64) {
        self.shared.control.lock().latency_ms = ms;
    }

    /// Requests received so far (every one, whatever its answer).
    pub fn request_count(&self) -> u64 {
        self.shared.counters.total()
    }

    /// 429 answers so far, quota and injected alike.
    pub fn count_429(&self) -> u64 {
        self.shared.counters.too_many()
    }

    /// Answers by (method, endpoint, status).
    pub fn request_counts(&self) -> BTreeMap<CountKey, u64> {
        self.shared.counters.snapshot()
    }

    /// Answers with this method (e.g. `"GET"`), endpoint and status.
    pub fn count(&self, method: &str, path: PathKind, status: u16) -> u64 {
        let key = CountKey {
            method: method.to_owned(),
            path,
            status,
        };
        self.shared.counters.snapshot().get(&key).copied().unwrap_or(0)
    }

    /// Zeroes [`Self::request_counts`] and [`Self::count_429`]; request numbers go on.
    pub fn reset_counters(&self) {
        self.shared.counters.reset();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

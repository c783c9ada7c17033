//! The background sender: state changes only queue deliveries, a task POSTs them.
//!
//! First attempts go out one at a time in queue order, so a receiver usually sees
//! events in the order they happened; a failed delivery is retried on a task of its
//! own (BigCommerce's 60/180/300 s, scaled to milliseconds) so a broken receiver never
//! holds the queue up. Like BigCommerce's, delivery is at least once and, once retries
//! are involved, in no particular order.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use reqwest::Client;
use tokio::sync::mpsc;

/// Waits before each retry; after the last one fails the delivery is given up.
const RETRY_DELAYS_MS: [u64; 3] = [100, 300, 500];

/// A hung receiver must not stall the queue for long.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// One POST to make (its retries included).
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// Outcomes, readable through the `Simulator`.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    /// Deliveries a receiver answered 2xx (on any attempt).
    pub sent: AtomicU64,
    /// Deliveries given up after every retry failed.
    pub failed: AtomicU64,
    /// Deliveries queued or still being attempted.
    pub pending: AtomicU64,
}

impl Stats {
    fn settle(&self, ok: bool) {
        let counter = if ok { &self.sent } else { &self.failed };
        counter.fetch_add(1, Ordering::SeqCst);
        self.pending.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts the sender on the current runtime; it stops once every sender is dropped
/// and the queue is empty.
pub(crate) fn spawn(stats: Arc<Stats>) -> mpsc::UnboundedSender<Delivery> {
    let (tx, rx) = mpsc::unbounded_channel();
    let client = Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap_or_default();
    tokio::spawn(run(rx, client, stats));
    tx
}

async fn run(mut rx: mpsc::UnboundedReceiver<Delivery>, client: Client, stats: Arc<Stats>) {
    while let Some(d) = rx.recv().await {
        if attempt(&client, &d).await {
            stats.settle(true);
        } else {
            tokio::spawn(retry(client.clone(), d, stats.clone()));
        }
    }
}

async fn retry(client: Client, d: Delivery, stats: Arc<Stats>) {
    for ms in RETRY_DELAYS_MS {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        if attempt(&client, &d).await {
            stats.settle(true);
            return;
        }
    }
    tracing::debug!(url = %d.url, "webhook delivery given up");
    stats.settle(false);
}

/// One POST; true on a 2xx answer.
async fn attempt(client: &Client, d: &Delivery) -> bool {
    let mut req = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(d.body.clone());
    for (name, value) in &d.headers {
        req = req.header(name, value);
    }
    match req.send().await {
        Ok(r) if r.status().is_success() => true,
        Ok(r) => {
            tracing::debug!(url = %d.url, status = %r.status(), "webhook refused");
            false
        }
        Err(e) => {
            tracing::debug!(url = %d.url, error = %e, "webhook not delivered");
            false
        }
    }
}

//! A webhook receiver on a free local port: records every delivery, can refuse the
//! first few, and can fetch the announced record from the simulator at once (to show
//! the change was visible before the webhook went out).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::Harness;

/// One delivery as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Value,
    /// With a probe: the `data` of the announced record's listing, fetched on arrival.
    pub fetched: Option<Value>,
}

/// `(url up to /v3, token)` to fetch announced records with.
type Probe = (String, String);

struct Inner {
    got: Mutex<Vec<Received>>,
    /// Deliveries to answer 500 before accepting.
    refuse: AtomicU64,
    probe: Option<Probe>,
    client: reqwest::Client,
}

pub struct Receiver {
    /// Where to deliver: `http://127.0.0.1:PORT/webhooks`.
    pub url: String,
    inner: Arc<Inner>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Receiver::with_probe(None).await
    }

    /// A receiver that fetches every announced customer or address from `h`'s store.
    pub async fn probing(h: &Harness) -> Receiver {
        let prefix = h.url("");
        Receiver::with_probe(Some((prefix, h.sim.token().to_owned()))).await
    }

    async fn with_probe(probe: Option<Probe>) -> Receiver {
        let inner = Arc::new(Inner {
            got: Mutex::new(Vec::new()),
            refuse: AtomicU64::new(0),
            probe,
            client: reqwest::Client::new(),
        });
        let app = Router::new()
            .route("/webhooks", post(receive))
            .with_state(inner.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, inner }
    }

    /// Answers 500 to the next `n` deliveries.
    pub fn refuse_next(&self, n: u64) {
        self.inner.refuse.store(n, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.got.lock().unwrap().clone()
    }

    /// The payloads received so far.
    pub fn bodies(&self) -> Vec<Value> {
        self.received().into_iter().map(|r| r.body).collect()
    }

    /// Waits (at most 5 s) until `n` deliveries arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..500 {
            if self.inner.got.lock().unwrap().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let got = self.received();
        assert!(got.len() >= n, "expected {n} deliveries, got {got:#?}");
        got
    }
}

async fn receive(State(r): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let refused = r
        .refuse
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let fetched = match &r.probe {
        Some(probe) => fetch(&r.client, probe, &body).await,
        None => None,
    };
    r.got.lock().unwrap().push(Received {
        headers,
        body,
        fetched,
    });
    if refused {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn fetch(client: &reqwest::Client, (prefix, token): &Probe, body: &Value) -> Option<Value> {
    let id = body["data"]["id"].as_i64()?;
    let path = match body["data"]["type"].as_str()? {
        "address" => "/customers/addresses",
        _ => "/customers",
    };
    let page: Value = client
        .get(format!("{prefix}{path}?id:in={id}"))
        .header("X-Auth-Token", token)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    Some(page["data"].clone())
}

/// Waits (at most 5 s) until the simulator has no delivery queued or in flight.
pub async fn settle(h: &Harness) {
    for _ in 0..500 {
        if h.sim.webhooks_pending() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("webhooks still pending: {}", h.sim.webhooks_pending());
}

//! `/healthz`, `/readyz`, and `serve`'s shutdown.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bcsync_http::{Metrics, ReadinessCheck};
use common::{Server, state};

#[tokio::test]
async fn healthz_is_always_ok() {
    let server = Server::start(state(&Metrics::new(), None)).await;
    let response = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_follows_the_check() {
    let healthy = Arc::new(AtomicBool::new(true));
    let flag = Arc::clone(&healthy);
    let readiness: ReadinessCheck = Arc::new(move || {
        let ok = flag.load(Ordering::SeqCst);
        Box::pin(async move {
            if ok {
                Ok(())
            } else {
                Err("database: connection refused".to_owned())
            }
        })
    });
    let server = Server::with_readiness(readiness).await;

    let response = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ready");

    healthy.store(false, Ordering::SeqCst);
    let response = reqwest::get(server.url("/readyz")).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.text().await.unwrap(), "database: connection refused");

    // Liveness does not follow readiness.
    let response = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn webhooks_route_is_absent_when_not_configured() {
    let server = Server::start(state(&Metrics::new(), None)).await;
    let response = reqwest::Client::new()
        .post(server.url("/webhooks/bigcommerce"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn serve_stops_when_told() {
    let server = Server::start(state(&Metrics::new(), None)).await;
    assert_eq!(reqwest::get(server.url("/healthz")).await.unwrap().status(), 200);

    server.stop.send(true).unwrap();
    let result = tokio::time::timeout(Duration::from_secs(5), server.handle)
        .await
        .expect("serve returns soon after the signal")
        .unwrap();
    result.unwrap();
    assert!(
        reqwest::get(server.base.clone() + "/healthz").await.is_err(),
        "the listener is closed"
    );
}

#[tokio::test]
async fn serve_stops_when_the_sender_is_dropped() {
    let Server { stop, handle, .. } = Server::start(state(&Metrics::new(), None)).await;
    drop(stop);
    tokio::time::timeout(Duration::from_secs(5), handle)
        .await
        .expect("serve returns once nobody can signal it")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn in_flight_requests_finish_after_the_signal() {
    // The check says when it is running, so the signal comes while the request is in
    // flight however slow the machine is.
    let started = Arc::new(tokio::sync::Notify::new());
    let started_in_check = started.clone();
    let readiness: ReadinessCheck = Arc::new(move || {
        let started = started_in_check.clone();
        Box::pin(async move {
            started.notify_one();
            tokio::time::sleep(Duration::from_millis(300)).await;
            Ok(())
        })
    });
    let server = Server::with_readiness(readiness).await;
    let request = tokio::spawn(reqwest::get(server.url("/readyz")));
    started.notified().await;
    server.stop.send(true).unwrap();

    let response = request.await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ready");
    tokio::time::timeout(Duration::from_secs(5), server.handle)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

//! `POST /webhooks/bigcommerce` over real HTTP: what is delivered on the channel,
//! what is refused with which status, and how each is counted.

use crate::common;

use std::time::Duration;

use bcsync_http::{EventKind, Metrics, SECRET_HEADER, WebhookEvent, WebhookOutcome};
use common::{SECRET, STORE, Server, intake, parse, state, value};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMIT: usize = 64 * 1024;

fn customer_event(scope: &str, producer: &str) -> serde_json::Value {
    json!({
        "scope": scope,
        "store_id": "1025646",
        "data": {"type": "customer", "id": 32},
        "hash": "352e4afc6dd3fc85ea26bfdf3f91852604d57528",
        "created_at": 1561482670,
        "producer": producer,
    })
}

async fn post(server: &Server, secret: Option<&str>, body: impl Into<reqwest::Body>) -> (u16, String) {
    let mut request = reqwest::Client::new()
        .post(server.url("/webhooks/bigcommerce"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(secret) = secret {
        request = request.header(SECRET_HEADER, secret);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

fn outcome_count(text: &str, outcome: WebhookOutcome) -> f64 {
    // Families nobody recorded into are legitimately empty here.
    let samples = parse(text, true);
    value(
        &samples,
        "bcsync_webhooks_total",
        &[("outcome", outcome.as_str())],
    )
}

#[tokio::test]
async fn accepted_events_reach_the_channel_with_their_ids() {
    let metrics = Metrics::new();
    let (intake, mut events) = intake(8, LIMIT);
    let server = Server::start(state(&metrics, Some(intake))).await;

    let body = customer_event("store/customer/updated", "stores/abc123").to_string();
    let (status, text) = post(&server, Some(SECRET), body).await;
    assert_eq!((status, text.as_str()), (202, "accepted"));
    assert_eq!(
        events.try_recv().unwrap(),
        WebhookEvent {
            store_hash: STORE.into(),
            kind: EventKind::CustomerUpdated,
            customer_id: 32,
            address_id: None,
            created_at: 1561482670,
        }
    );

    let address = json!({
        "scope": "store/customer/address/created",
        "store_id": "1025646",
        "data": {"type": "customer", "id": 60, "address": {"customer_id": 32}},
        "hash": "x",
        "created_at": 1561482700,
        "producer": "stores/abc123",
    });
    let (status, _) = post(&server, Some(SECRET), address.to_string()).await;
    assert_eq!(status, 202);
    let event = events.try_recv().unwrap();
    assert_eq!(event.kind, EventKind::AddressCreated);
    assert_eq!(
        (event.customer_id, event.address_id, event.created_at),
        (32, Some(60), 1561482700)
    );

    let text = server.metrics_text().await;
    assert_eq!(outcome_count(&text, WebhookOutcome::Accepted), 2.0);
}

#[tokio::test]
async fn rejections_send_nothing_and_are_counted() {
    let metrics = Metrics::new();
    let (intake, mut events) = intake(8, LIMIT);
    let server = Server::start(state(&metrics, Some(intake))).await;
    let valid = customer_event("store/customer/created", "stores/abc123").to_string();

    let (status, text) = post(&server, Some("wrong-secret"), valid.clone()).await;
    assert_eq!(status, 401, "{text}");
    let (status, text) = post(&server, Some(""), valid.clone()).await;
    assert_eq!(status, 401, "{text}");
    let (status, text) = post(&server, None, valid.clone()).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains(SECRET_HEADER), "{text}");

    let (status, text) = post(&server, Some(SECRET), "{\"scope\": ").await;
    assert_eq!(status, 400, "{text}");
    assert!(text.starts_with("body is not JSON"), "{text}");
    let mut wrong_type = customer_event("store/customer/created", "stores/abc123");
    wrong_type["data"]["id"] = json!("thirty-two");
    let (status, text) = post(&server, Some(SECRET), wrong_type.to_string()).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.starts_with("data.id: invalid type"), "{text}");
    let mut missing = customer_event("store/customer/created", "stores/abc123");
    missing.as_object_mut().unwrap().remove("producer");
    let (status, text) = post(&server, Some(SECRET), missing.to_string()).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("producer"), "{text}");

    let other_scope = customer_event("store/order/created", "stores/abc123").to_string();
    let (status, text) = post(&server, Some(SECRET), other_scope).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.starts_with("unknown scope"), "{text}");

    let other_store = customer_event("store/customer/created", "stores/zzz999").to_string();
    let (status, text) = post(&server, Some(SECRET), other_store).await;
    assert_eq!(status, 404, "{text}");
    assert!(text.starts_with("unknown store"), "{text}");

    let huge = vec![b' '; 2 * 1024 * 1024];
    let (status, text) = post(&server, Some(SECRET), huge).await;
    assert_eq!(status, 413, "{text}");

    assert!(events.try_recv().is_err(), "nothing was sent");
    let text = server.metrics_text().await;
    assert_eq!(outcome_count(&text, WebhookOutcome::Unauthorized), 3.0);
    assert_eq!(outcome_count(&text, WebhookOutcome::BadRequest), 3.0);
    assert_eq!(outcome_count(&text, WebhookOutcome::UnknownScope), 1.0);
    assert_eq!(outcome_count(&text, WebhookOutcome::UnknownStore), 1.0);
    assert_eq!(outcome_count(&text, WebhookOutcome::TooLarge), 1.0);
    assert_eq!(outcome_count(&text, WebhookOutcome::Accepted), 0.0);
    assert_eq!(outcome_count(&text, WebhookOutcome::Overloaded), 0.0);
}

/// Without a Content-Length the limit is enforced while reading: a chunked body
/// larger than the limit is refused and counted the same way.
#[tokio::test]
async fn chunked_body_over_the_limit_is_refused() {
    let metrics = Metrics::new();
    let (intake, mut events) = intake(8, LIMIT);
    let server = Server::start(state(&metrics, Some(intake))).await;

    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /webhooks/bigcommerce HTTP/1.1\r\nhost: {addr}\r\n{SECRET_HEADER}: {SECRET}\r\n\
         content-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 16 * 1024];
    for _ in 0..(LIMIT / chunk.len() + 2) {
        stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .unwrap();
        stream.write_all(&chunk).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut response))
        .await
        .unwrap()
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");

    assert!(events.try_recv().is_err());
    let text = server.metrics_text().await;
    assert_eq!(outcome_count(&text, WebhookOutcome::TooLarge), 1.0);
}

#[tokio::test]
async fn full_channel_answers_503() {
    let metrics = Metrics::new();
    let (intake, mut events) = intake(1, LIMIT);
    let server = Server::start(state(&metrics, Some(intake))).await;
    let body = customer_event("store/customer/deleted", "stores/abc123").to_string();

    let (status, _) = post(&server, Some(SECRET), body.clone()).await;
    assert_eq!(status, 202);
    let (status, text) = post(&server, Some(SECRET), body.clone()).await;
    assert_eq!(status, 503, "{text}");

    assert_eq!(events.try_recv().unwrap().kind, EventKind::CustomerDeleted);
    assert!(events.try_recv().is_err(), "the refused event was not queued");
    let (status, _) = post(&server, Some(SECRET), body.clone()).await;
    assert_eq!(status, 202, "room again once the worker caught up");

    let text = server.metrics_text().await;
    assert_eq!(outcome_count(&text, WebhookOutcome::Overloaded), 1.0);
    assert_eq!(outcome_count(&text, WebhookOutcome::Accepted), 2.0);

    drop(events);
    let (status, text) = post(&server, Some(SECRET), body).await;
    assert_eq!(status, 503, "nobody receives any more: {text}");
}

#[tokio::test]
async fn only_post_is_routed() {
    let (intake, _events) = intake(1, LIMIT);
    let server = Server::start(state(&Metrics::new(), Some(intake))).await;
    let response = reqwest::get(server.url("/webhooks/bigcommerce")).await.unwrap();
    assert_eq!(response.status(), 405);
}

/// Issue 10: a store with its own secret takes deliveries signed with that secret
/// only; the others keep the shared one. Another store's secret opens nothing.
#[tokio::test]
async fn a_store_with_its_own_secret_accepts_only_that_secret() {
    let metrics = Metrics::new();
    let (mut intake, mut events) = intake(8, LIMIT);
    intake.stores.insert("own456".to_owned());
    intake
        .store_secrets
        .insert("own456".to_owned(), "own-store-secret-55".into());
    let server = Server::start(state(&metrics, Some(intake))).await;
    let to_own = customer_event("store/customer/updated", "stores/own456").to_string();
    let to_shared = customer_event("store/customer/updated", "stores/abc123").to_string();

    assert_eq!(post(&server, Some(SECRET), to_own.clone()).await.0, 401);
    assert_eq!(
        post(&server, Some("own-store-secret-55"), to_shared.clone())
            .await
            .0,
        401
    );
    assert_eq!(post(&server, Some("guess"), to_own.clone()).await.0, 401);
    assert!(events.try_recv().is_err(), "nothing refused reached the workers");

    assert_eq!(post(&server, Some("own-store-secret-55"), to_own).await.0, 202);
    assert_eq!(events.try_recv().unwrap().store_hash, "own456");
    assert_eq!(post(&server, Some(SECRET), to_shared).await.0, 202);
    assert_eq!(events.try_recv().unwrap().store_hash, STORE);
    let text = server_metrics(&server).await;
    assert_eq!(outcome_count(&text, WebhookOutcome::Unauthorized), 3.0);
}

async fn server_metrics(server: &Server) -> String {
    reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

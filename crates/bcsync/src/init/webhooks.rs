//! Routes webhook events to the replica that holds the store. Any replica may receive
//! a delivery (a Kubernetes Service picks one), so the receiver publishes it with
//! PostgreSQL's `NOTIFY`, and every replica `LISTEN`s and hands events to its workers;
//! a worker that does not hold its store's lease drops them. No other coordinator. An
//! event lost on the way is only a hint lost: the next poll reads the change anyway.

use std::collections::HashMap;

use bcsync_http::WebhookEvent;
use bcsync_store::Store;
use sqlx::postgres::PgListener;
use tokio::sync::{mpsc, watch};

use crate::daemon::shutdown;

const CHANNEL: &str = "bcsync_webhooks";

/// Publishes accepted events for whichever replica holds the store.
pub async fn publish(
    store: Store,
    mut events: mpsc::Receiver<WebhookEvent>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let event = tokio::select! {
            e = events.recv() => match e { Some(e) => e, None => return },
            _ = shutdown::requested(&mut stop) => return,
        };
        let payload = format!("{} {}", event.store_hash, event.customer_id);
        if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(&payload)
            .execute(store.pool())
            .await
        {
            tracing::warn!(error = %e, "could not publish a webhook event; polling will catch the change");
        }
    }
}

/// Listens for published events and hands each to its store's worker.
pub async fn listen(
    store: Store,
    workers: HashMap<String, mpsc::Sender<i64>>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let mut listener = match PgListener::connect_with(store.pool()).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for webhook events; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => continue,
                    _ = shutdown::requested(&mut stop) => return,
                }
            }
        };
        if let Err(e) = listener.listen(CHANNEL).await {
            tracing::warn!(error = %e, "cannot LISTEN for webhook events; retrying");
            continue;
        }
        loop {
            let note = tokio::select! {
                n = listener.recv() => n,
                _ = shutdown::requested(&mut stop) => return,
            };
            let note = match note {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook listener lost its connection; reconnecting");
                    break;
                }
            };
            let Some((hash, id)) = note.payload().split_once(' ') else {
                continue;
            };
            if let (Some(worker), Ok(id)) = (workers.get(hash), id.parse::<i64>()) {
                // Full means a burst is already queued: the pass will catch up anyway.
                let _ = worker.try_send(id);
            }
        }
    }
}

//! Routes webhook events to the replica that holds the store. Any replica may receive
//! a delivery (a Kubernetes Service picks one), so the receiver stores it in
//! `bigcommerce.webhook_events` and sends an empty NOTIFY; every replica `LISTEN`s,
//! and on each wake-up takes the waiting events of the stores it holds and hands them
//! to their workers. The NOTIFY carries nothing: any database role may send one, but
//! only bcsync's role writes the table, so a forged NOTIFY reads nothing and costs no
//! API request. An event lost on the way is only a hint lost: the next poll reads the
//! change anyway.

use std::collections::HashMap;
use std::sync::Arc;

use bcsync_http::WebhookEvent;
use bcsync_mirror::Mirror;
use tokio::sync::{mpsc, watch};

use crate::daemon::leases::{LeaseState, Slot};
use crate::daemon::shutdown;

/// Publishes accepted events for whichever replica holds the store.
pub async fn publish(
    mirror: Mirror,
    mut events: mpsc::Receiver<WebhookEvent>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let event = tokio::select! {
            e = events.recv() => match e { Some(e) => e, None => return },
            _ = shutdown::requested(&mut stop) => return,
        };
        if let Err(e) = mirror
            .publish_webhook_event(&event.store_hash, event.customer_id)
            .await
        {
            tracing::warn!(error = %e, "could not publish a webhook event; polling will catch the change");
        }
    }
}

/// Listens for wake-ups and hands the held stores' events to their workers.
pub async fn listen(
    mirror: Mirror,
    workers: HashMap<String, mpsc::Sender<i64>>,
    slots: Vec<Arc<Slot>>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let mut listener = match mirror.listen_webhooks().await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for webhook events; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => continue,
                    _ = shutdown::requested(&mut stop) => return,
                }
            }
        };
        // Whatever arrived while not listening.
        deliver(&mirror, &workers, &slots).await;
        loop {
            let note = tokio::select! {
                n = listener.recv() => n,
                _ = shutdown::requested(&mut stop) => return,
            };
            if let Err(e) = note {
                tracing::warn!(error = %e, "webhook listener lost its connection; reconnecting");
                break;
            }
            deliver(&mirror, &workers, &slots).await;
        }
    }
}

async fn deliver(mirror: &Mirror, workers: &HashMap<String, mpsc::Sender<i64>>, slots: &[Arc<Slot>]) {
    let held: Vec<String> = slots
        .iter()
        .filter(|s| matches!(*s.state.borrow(), LeaseState::Held { .. }))
        .map(|s| s.hash.clone())
        .collect();
    if held.is_empty() {
        return;
    }
    let events = match mirror.take_webhook_events(&held).await {
        Ok(events) => events,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read webhook events; polling will catch the changes");
            return;
        }
    };
    for (hash, id) in events {
        if let Some(worker) = workers.get(&hash) {
            // Full means a burst is already queued: the pass will catch up anyway.
            let _ = worker.try_send(id);
        }
    }
}

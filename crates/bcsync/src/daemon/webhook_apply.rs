//! Applies webhook events: the customers they name are read by `id:in` through the
//! store's rate limiter, and stored like a pass's page; a customer the API no longer
//! returns is soft-deleted. An event is only a hint to look: what is stored comes from
//! the API, so a replayed or duplicated event changes nothing that is not true.

use bcsync_http::Metrics;
use bcsync_mirror::Mirror;
use bcsync_poller::PollOptions;
use bcsync_reconciler::reread_customers;
use bigcommerce::BigCommerceClient;

pub async fn apply(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PollOptions,
    metrics: &Metrics,
    ids: &[i64],
) {
    if ids.is_empty() {
        return;
    }
    let started = std::time::Instant::now();
    match reread_customers(client, mirror, ids, opts).await {
        Ok(stats) => {
            tracing::info!(
                store = %client.store_hash(),
                customers = ids.len(),
                updated = stats.inserted + stats.updated,
                deleted = stats.deleted,
                "webhook events applied"
            );
            metrics.rows_written(
                client.store_hash(),
                "customers",
                "update",
                stats.inserted + stats.updated,
            );
            metrics.rows_written(client.store_hash(), "customers", "delete", stats.deleted);
            metrics.pass_finished(client.store_hash(), "webhook", true, started.elapsed());
        }
        Err(e) => {
            // Polling is the safety net: the next pass reads what this missed.
            tracing::warn!(store = %client.store_hash(), error = %e, "applying webhook events failed");
            metrics.pass_finished(client.store_hash(), "webhook", false, started.elapsed());
        }
    }
}

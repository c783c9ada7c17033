//! Webhook events on their way from the replica that received them to the one that
//! holds the store (`bigcommerce.webhook_events`). The NOTIFY on [`WEBHOOK_CHANNEL`]
//! only says "look": what is read comes from the table, which only bcsync's role
//! writes, so a NOTIFY sent by any other role triggers no API read.

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// The channel replicas LISTEN on; its payload means nothing.
pub const WEBHOOK_CHANNEL: &str = "bcsync_webhooks";

/// Events nobody took (their store unheld for this long) are dropped: polling has
/// long caught up with them.
const TAKE: &str = r#"
WITH stale AS (
    DELETE FROM bigcommerce.webhook_events WHERE received_at < now() - interval '1 hour'
)
DELETE FROM bigcommerce.webhook_events
WHERE store_hash = ANY($1)
RETURNING store_hash, customer_id
"#;

impl Mirror {
    /// Stores an accepted event and wakes the listeners (the NOTIFY goes out at commit).
    pub async fn publish_webhook_event(&self, store_hash: &str, customer_id: i64) -> Result<(), MirrorError> {
        sqlx::query(
            "WITH e AS (INSERT INTO bigcommerce.webhook_events (store_hash, customer_id) VALUES ($1, $2)) \
             SELECT pg_notify($3, '')",
        )
        .bind(store_hash)
        .bind(customer_id)
        .bind(WEBHOOK_CHANNEL)
        .execute(self.pool())
        .await
        .map_err(failed("storing a webhook event in bigcommerce.webhook_events"))?;
        Ok(())
    }

    /// Takes (deletes and returns) the waiting events of `stores`, oldest first.
    pub async fn take_webhook_events(&self, stores: &[String]) -> Result<Vec<(String, i64)>, MirrorError> {
        let mut rows: Vec<(String, i64)> = sqlx::query_as(TAKE)
            .bind(stores)
            .fetch_all(self.pool())
            .await
            .map_err(failed("taking webhook events from bigcommerce.webhook_events"))?;
        rows.dedup();
        Ok(rows)
    }
}

//! The replicas' side of [`WEBHOOK_CHANNEL`]: a connection of its own that `LISTEN`s
//! and wakes on every NOTIFY (whose payload means nothing; see `webhook_events`).

use sqlx::postgres::PgListener;

use crate::error::failed;
use crate::{Mirror, MirrorError, WEBHOOK_CHANNEL};

/// A connection listening on [`WEBHOOK_CHANNEL`].
pub struct WebhookListener(PgListener);

impl Mirror {
    /// Opens a connection of the pool's settings and `LISTEN`s on [`WEBHOOK_CHANNEL`].
    pub async fn listen_webhooks(&self) -> Result<WebhookListener, MirrorError> {
        let mut listener = PgListener::connect_with(self.pool())
            .await
            .map_err(failed("connecting to listen for webhook events"))?;
        listener
            .listen(WEBHOOK_CHANNEL)
            .await
            .map_err(failed("LISTEN for webhook events"))?;
        Ok(WebhookListener(listener))
    }
}

impl WebhookListener {
    /// Waits for the next wake-up; an error means the connection was lost.
    pub async fn recv(&mut self) -> Result<(), MirrorError> {
        self.0
            .recv()
            .await
            .map(drop)
            .map_err(failed("waiting for webhook events"))
    }
}

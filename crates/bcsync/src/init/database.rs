//! Connects and migrates, retrying with backoff while the database is unreachable, so
//! a daemon started before its database waits (and `/readyz` says why) instead of
//! exiting. Returns `None` if shutdown comes first.

use std::time::Duration;

use bcsync_config::DatabaseConfig;
use bcsync_store::Store;
use secrecy::ExposeSecret;
use tokio::sync::watch;

use crate::daemon::shutdown;

pub async fn connect(db: &DatabaseConfig, mut stop: watch::Receiver<bool>) -> Option<Store> {
    let mut wait = Duration::from_secs(1);
    loop {
        let attempt = async {
            let store = Store::connect_with(db.url.expose_secret(), db.max_connections).await?;
            store.migrate().await?;
            Ok::<_, bcsync_store::StoreError>(store)
        };
        match attempt.await {
            Ok(store) => return Some(store),
            Err(e) => tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "database not ready"),
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown::requested(&mut stop) => return None,
        }
        wait = (wait * 2).min(Duration::from_secs(30));
    }
}

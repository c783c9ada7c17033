//! Connects and migrates, retrying with backoff while the database is unreachable, so
//! a daemon started before its database waits (and `/readyz` says why) instead of
//! exiting. Returns `None` if shutdown comes first.

use std::time::Duration;

use bcsync_config::DatabaseConfig;
use bcsync_mirror::Mirror;
use secrecy::ExposeSecret;
use tokio::sync::watch;

use crate::daemon::shutdown;

pub async fn connect(db: &DatabaseConfig, mut stop: watch::Receiver<bool>) -> Option<Mirror> {
    let mut wait = Duration::from_secs(1);
    loop {
        let attempt = async {
            let mirror = Mirror::connect_with(db.url.expose_secret(), db.max_connections).await?;
            mirror.migrate().await?;
            Ok::<_, bcsync_mirror::MirrorError>(mirror)
        };
        match attempt.await {
            Ok(mirror) => return Some(mirror),
            Err(e) => tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "database not ready"),
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown::requested(&mut stop) => return None,
        }
        wait = (wait * 2).min(Duration::from_secs(30));
    }
}

//! [`serve`]: run the router until told to stop.

use std::future::IntoFuture;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long in-flight requests may take to finish once shutdown begins. Handlers are
/// bounded themselves (readiness and body reads time out); this covers a client that
/// stops reading its response, which would otherwise hold the daemon's exit.
const DRAIN_GRACE: Duration = Duration::from_secs(15);

/// Serves until `shutdown` turns true (or its sender is dropped, since then nothing
/// could ever stop it), then stops accepting, lets in-flight requests finish for up to
/// [`DRAIN_GRACE`], and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let grace = shutdown.clone();
    let server = axum::serve(listener, router)
        .with_graceful_shutdown(stopped(shutdown))
        .into_future();
    tokio::select! {
        result = server => result,
        () = async { stopped(grace).await; tokio::time::sleep(DRAIN_GRACE).await } => {
            tracing::warn!(grace = ?DRAIN_GRACE, "HTTP requests still in flight after the grace period; not waiting for them");
            Ok(())
        }
    }
}

async fn stopped(mut shutdown: watch::Receiver<bool>) {
    // An error means the sender is gone: treat it as the signal.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

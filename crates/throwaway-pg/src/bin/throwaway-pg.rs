//! `throwaway-pg [DATABASE]`: starts a throwaway cluster for scripts (benchmarks),
//! creates DATABASE (default `bcsync`), prints its URL on one line of stdout and keeps
//! the cluster until stdin closes or the process gets Ctrl-C/SIGTERM; the cluster and
//! its directory go with the process however it ends.

use std::io::{Read, Write};

use tokio::signal::unix::{SignalKind, signal};

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let name = std::env::args().nth(1).unwrap_or_else(|| "bcsync".to_owned());
    let pg = match throwaway_pg::ThrowawayPg::start().await {
        Ok(pg) => pg,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let url = match pg.create_database(&name).await {
        Ok(url) => url,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("{url}");
    let _ = std::io::stdout().flush();
    let mut term = signal(SignalKind::terminate()).ok();
    // Blocking read on a thread of its own: returns when stdin reaches EOF.
    let stdin_closed = tokio::task::spawn_blocking(|| {
        let mut sink = [0u8; 64];
        while matches!(std::io::stdin().read(&mut sink), Ok(n) if n > 0) {}
    });
    tokio::select! {
        _ = stdin_closed => {}
        _ = tokio::signal::ctrl_c() => {}
        _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
    }
    let _ = pg.stop().await;
    std::process::ExitCode::SUCCESS
}

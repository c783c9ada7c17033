//! Waiting until the new server accepts connections.
//!
//! `pg_isready` rather than a bare TCP connect: the port opens before recovery ends,
//! and a connection made then fails with "the database system is starting up".

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::owner::{CLUSTER_OWNER, clear_libpq_env};
use crate::supervisor::Supervisor;

const POLL_EVERY: Duration = Duration::from_millis(100);

pub(crate) enum Readiness {
    Ready,
    /// The postmaster died during startup.
    Exited,
    TimedOut,
}

pub(crate) async fn wait_until_ready(
    pg_isready: &Path,
    port: u16,
    supervisor: &Supervisor,
    timeout: Duration,
) -> Readiness {
    let deadline = Instant::now() + timeout;
    loop {
        if accepts_connections(pg_isready, port).await {
            return Readiness::Ready;
        }
        if !supervisor.postmaster_alive() {
            return Readiness::Exited;
        }
        if Instant::now() >= deadline {
            return Readiness::TimedOut;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

async fn accepts_connections(pg_isready: &Path, port: u16) -> bool {
    let mut command = std::process::Command::new(pg_isready);
    command
        .args([
            "-q",
            "-h",
            "127.0.0.1",
            "-t",
            "2",
            "-d",
            "postgres",
            "-U",
            CLUSTER_OWNER,
        ])
        .arg("-p")
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    clear_libpq_env(&mut command);
    tokio::process::Command::from(command)
        .status()
        .await
        .is_ok_and(|status| status.success())
}

/// The last `lines` lines of the server log, for error messages.
pub(crate) fn log_tail(log: &Path, lines: usize) -> String {
    match std::fs::read(log) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(could not read {}: {e})", log.display()),
    }
}

/// Whether the server gave up because another process took its port between our
/// probe and its bind; that case is retried on a new port.
pub(crate) fn lost_port_race(log_tail: &str) -> bool {
    log_tail.contains("could not bind") || log_tail.contains("Address already in use")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("server.log");
        std::fs::write(&log, "one\ntwo\nthree\n").unwrap();
        assert_eq!(log_tail(&log, 2), "two\nthree");
        assert!(log_tail(&dir.path().join("missing.log"), 2).starts_with("(could not read"));
    }

    #[test]
    fn a_taken_port_is_recognised() {
        let tail = "LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use\n\
                    FATAL:  could not create any TCP/IP sockets";
        assert!(lost_port_race(tail));
        assert!(!lost_port_race("FATAL:  data directory has wrong ownership"));
    }
}

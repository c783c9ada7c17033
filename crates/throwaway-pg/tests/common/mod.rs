//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs one statement with psql (Debian's /usr/bin/psql when present) and returns the
/// unaligned, tuples-only output.
pub fn psql(url: &str, sql: &str) -> String {
    let psql = if Path::new("/usr/bin/psql").exists() {
        "/usr/bin/psql"
    } else {
        "psql"
    };
    let output = Command::new(psql)
        .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, url])
        .output()
        .unwrap_or_else(|e| panic!("running {psql}: {e}"));
    assert!(
        output.status.success(),
        "psql -c {sql:?} {url} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

pub fn accepts_tcp(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// Polls `condition` every 100 ms until it holds, panicking after `timeout`.
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "condition did not hold within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

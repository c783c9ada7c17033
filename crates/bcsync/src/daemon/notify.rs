//! systemd's notify protocol: datagrams such as `READY=1` to the socket named by
//! `$NOTIFY_SOCKET` (a path, or `@name` in the abstract namespace). Without the
//! variable (not under systemd, or `Type=simple`) every call does nothing.

use std::time::Duration;

/// Sends `state` (e.g. `READY=1`); errors are logged, never fatal.
pub fn notify(state: &str) {
    let Ok(path) = std::env::var("NOTIFY_SOCKET") else {
        return;
    };
    if let Err(e) = send(&path, state) {
        tracing::warn!(error = %e, state, "sd_notify failed");
    }
}

#[cfg(target_os = "linux")]
fn send(path: &str, state: &str) -> std::io::Result<()> {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let socket = UnixDatagram::unbound()?;
    match path.strip_prefix('@') {
        Some(name) => {
            let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
            socket.send_to_addr(state.as_bytes(), &addr)?;
        }
        None => {
            socket.send_to(state.as_bytes(), path)?;
        }
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn send(_path: &str, _state: &str) -> std::io::Result<()> {
    Ok(())
}

/// Half the watchdog interval systemd asked for (`$WATCHDOG_USEC`), if it asked.
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

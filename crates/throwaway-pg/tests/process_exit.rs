//! The cluster must not outlive its process, however that process ends.
//!
//! The test binary re-runs itself as the holder: with `THROWAWAY_PG_HOLDER` set, the
//! `holder` test starts a cluster, prints `READY <port> <data dir>` and then either
//! sleeps until killed or exits with the cluster still in a `static`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

use common::{accepts_tcp, eventually};
use throwaway_pg::ThrowawayPg;

const HOLDER: &str = "THROWAWAY_PG_HOLDER";

/// The child's side. In an ordinary test run (no `THROWAWAY_PG_HOLDER`) it does nothing.
#[tokio::test]
async fn holder() {
    let Ok(mode) = std::env::var(HOLDER) else { return };
    static PG: OnceLock<ThrowawayPg> = OnceLock::new();
    assert!(PG.set(ThrowawayPg::start().await.unwrap()).is_ok());
    let pg = PG.get().unwrap();
    println!("READY {} {}", pg.port(), pg.data_dir().display());
    match mode.as_str() {
        // Bounded, so a holder whose parent died without killing it still goes away.
        "sleep" => tokio::time::sleep(Duration::from_secs(120)).await,
        // Return (and let the process exit) once the parent says so; statics are never dropped.
        _ => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).unwrap();
        }
    }
}

struct Holder {
    child: Child,
    stdin: ChildStdin,
    port: u16,
    data_dir: PathBuf,
}

/// Kills the holder if a test fails midway, so a failure never hangs the run.
impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_holder(mode: &str) -> Holder {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["holder", "--exact", "--nocapture", "--test-threads=1"])
        .env(HOLDER, mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    // libtest prints `test holder ... ` before the test's own output, on the same line.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if let Some(at) = line.find("READY ") {
                let _ = tx.send(line[at + "READY ".len()..].to_string());
            }
        }
    });
    let mut holder = Holder {
        child,
        stdin,
        port: 0,
        data_dir: PathBuf::new(),
    };
    let ready = rx
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|e| panic!("the holder did not start a cluster within 60 s ({e})"));
    let (port, data_dir) = ready.split_once(' ').unwrap();
    holder.port = port.parse().unwrap();
    holder.data_dir = PathBuf::from(data_dir);
    holder
}

#[test]
fn cluster_dies_with_a_killed_process() {
    let mut holder = spawn_holder("sleep");
    assert!(accepts_tcp(holder.port));
    assert!(holder.data_dir.is_dir());

    holder.child.kill().unwrap(); // SIGKILL: no destructor, no atexit, nothing of ours runs
    holder.child.wait().unwrap();

    eventually(Duration::from_secs(10), || {
        !accepts_tcp(holder.port) && !holder.data_dir.exists()
    });
    assert!(!holder.data_dir.parent().unwrap().exists());
}

#[test]
fn cluster_in_a_static_dies_at_process_exit() {
    let mut holder = spawn_holder("exit");
    assert!(accepts_tcp(holder.port));

    writeln!(holder.stdin, "exit").unwrap();
    let status = holder.child.wait().unwrap();
    assert!(status.success(), "holder: {status}");

    eventually(Duration::from_secs(10), || {
        !accepts_tcp(holder.port) && !holder.data_dir.exists()
    });
}

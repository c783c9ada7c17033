//! The supervisor shell that ties the server's life to ours.
//!
//! Tests keep the cluster in a `static` that is never dropped, and a test run can be
//! killed with `kill -9`, so no destructor of ours can be relied on. Instead `postgres`
//! runs under a small `sh` whose stdin is a pipe whose write end only this process holds
//! and never writes to. `cat` in the supervisor returns at end of file, which the kernel
//! delivers when the last write end closes: on drop, on `stop`, or on our death for any
//! reason. The supervisor then fast-shuts postgres down (SIGINT) and removes the
//! directory. Rust opens its pipes close-on-exec, so no other child inherits the write
//! end and keeps the cluster alive by accident.

use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::time::Duration;

use crate::Error;
use crate::owner::{RunAs, shell_quote};

/// Server settings: a disposable cluster trades durability for speed, and the socket
/// lives in our own directory so it never clashes with a system cluster's /var/run one.
/// `extra` (`name=value`, e.g. `wal_level=logical`) comes last, so it wins.
fn server_settings(root: &Path, extra: &[String]) -> Vec<String> {
    let mut settings: Vec<String> = vec![
        "listen_addresses=127.0.0.1".into(),
        format!("unix_socket_directories={}", root.display()),
        "fsync=off".into(),
        "synchronous_commit=off".into(),
        "full_page_writes=off".into(),
        "max_connections=200".into(),
        "shared_buffers=128MB".into(),
    ];
    settings.extend(extra.iter().cloned());
    settings
}

/// Where things live inside the cluster's temporary directory.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub root: PathBuf,
    pub data_dir: PathBuf,
    pub server_log: PathBuf,
    pub supervisor_log: PathBuf,
}

impl Layout {
    pub fn new(root: &Path) -> Layout {
        Layout {
            root: root.to_path_buf(),
            data_dir: root.join("data"),
            server_log: root.join("server.log"),
            supervisor_log: root.join("supervisor.log"),
        }
    }
}

fn script(postgres: &Path, layout: &Layout, port: u16, extra: &[String]) -> String {
    let settings: String = server_settings(&layout.root, extra)
        .iter()
        .map(|setting| format!(" -c {}", shell_quote(setting)))
        .collect();
    let postgres = shell_quote(&postgres.to_string_lossy());
    let data = shell_quote(&layout.data_dir.to_string_lossy());
    let log = shell_quote(&layout.server_log.to_string_lossy());
    let root = shell_quote(&layout.root.to_string_lossy());
    // `echo $pg` tells the parent which pid to watch during startup; stdout then goes to
    // /dev/null so that no later write can hit a closed pipe (SIGPIPE would end the
    // supervisor before it cleans up).
    format!(
        "{postgres} -D {data} -p {port}{settings} >{log} 2>&1 </dev/null &\n\
         pg=$!\n\
         echo \"$pg\"\n\
         exec >/dev/null\n\
         cat >/dev/null\n\
         kill -INT \"$pg\" 2>/dev/null\n\
         wait \"$pg\"\n\
         rm -rf {root}\n"
    )
}

#[derive(Debug)]
pub(crate) struct Supervisor {
    /// The write end of the supervisor's stdin; closing it shuts the cluster down.
    stdin: Option<ChildStdin>,
    child: Option<Child>,
    /// The postmaster, a child of the supervisor shell.
    postmaster_pid: u32,
}

impl Supervisor {
    pub async fn spawn(
        run_as: &RunAs,
        postgres: &Path,
        layout: &Layout,
        port: u16,
        extra: &[String],
    ) -> Result<Self, Error> {
        let stderr = File::create(&layout.supervisor_log).map_err(|source| Error::Spawn {
            program: format!("supervisor shell (creating {})", layout.supervisor_log.display()),
            source,
        })?;
        let args: Vec<OsString> = vec!["-c".into(), script(postgres, layout, port, extra).into()];
        let mut command = run_as.command(Path::new("/bin/sh"), &args);
        command
            .current_dir(&layout.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            // Its own process group: a Ctrl-C aimed at the test run must not reach the
            // supervisor (or runuser, which answers SIGINT by SIGKILLing its child after
            // 2 s); our death closes the pipe and the supervisor shuts down in order.
            .process_group(0);
        let mut child = command.spawn().map_err(|source| Error::Spawn {
            program: format!("/bin/sh (supervisor of {})", postgres.display()),
            source,
        })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let mut supervisor = Supervisor {
            stdin,
            child: Some(child),
            postmaster_pid: 0,
        };

        let read_pid = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            stdout.map(|out| BufReader::new(out).read_line(&mut line));
            line.trim().parse::<u32>().ok()
        });
        match tokio::time::timeout(Duration::from_secs(10), read_pid).await {
            Ok(Ok(Some(pid))) => {
                supervisor.postmaster_pid = pid;
                Ok(supervisor)
            }
            outcome => {
                // Let the shell finish (it may be mid-exit) before reading what it said.
                let _ = supervisor.shutdown(Duration::from_secs(5)).await;
                let said = std::fs::read_to_string(&layout.supervisor_log).unwrap_or_default();
                let detail = match outcome {
                    Err(_) => "no postmaster pid within 10 s".to_string(),
                    _ => format!("no postmaster pid; supervisor stderr: {}", said.trim()),
                };
                Err(Error::Supervisor {
                    postgres: postgres.to_path_buf(),
                    data_dir: layout.data_dir.clone(),
                    detail,
                })
            }
        }
    }

    /// Whether the postmaster is still running (not gone, not a zombie awaiting its
    /// shell's `wait`). Reading /proc keeps this free of libc and `unsafe`.
    pub fn postmaster_alive(&self) -> bool {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{}/stat", self.postmaster_pid)) else {
            return false;
        };
        // Format: `pid (comm) state …`; comm may contain spaces and parentheses.
        let state = stat
            .rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().next());
        !matches!(state, None | Some("Z") | Some("X"))
    }

    /// Closes the pipe and waits for the supervisor to stop postgres and remove the
    /// directory. The wait is on a blocking thread: `std::process::Child` is not bound to
    /// any runtime, which matters for a cluster created in one test's runtime and
    /// stopped in another's.
    pub async fn shutdown(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        drop(self.stdin.take());
        let Some(mut child) = self.child.take() else {
            return Err("already shut down".into());
        };
        let wait = tokio::task::spawn_blocking(move || child.wait());
        match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(Ok(status))) => Ok(status),
            Ok(Ok(Err(e))) => Err(format!("waiting for the supervisor shell: {e}")),
            Ok(Err(e)) => Err(format!("waiting for the supervisor shell: {e}")),
            Err(_) => Err(format!("the supervisor shell did not finish within {timeout:?}")),
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if let Some(mut child) = self.child.take() {
            // Reap the shell once it has cleaned up, so a dropped cluster leaves no zombie.
            // If we exit first, the orphaned shell still finishes its cleanup.
            let _ = std::thread::Builder::new()
                .name("throwaway-pg-reaper".into())
                .spawn(move || child.wait());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_quotes_paths_and_cleans_up_after_eof() {
        let layout = Layout::new(Path::new("/tmp/throwaway-pg-x"));
        let extra = ["wal_level=logical".to_owned()];
        let script = script(
            Path::new("/usr/lib/postgresql/15/bin/postgres"),
            &layout,
            5433,
            &extra,
        );
        assert!(
            script.starts_with("'/usr/lib/postgresql/15/bin/postgres' -D '/tmp/throwaway-pg-x/data' -p 5433")
        );
        assert!(script.contains(" -c 'unix_socket_directories=/tmp/throwaway-pg-x'"));
        assert!(
            script.contains(" -c 'wal_level=logical' >"),
            "the caller's settings come last"
        );
        let cat = script.find("cat >/dev/null").unwrap();
        let kill = script.find("kill -INT").unwrap();
        let rm = script.find("rm -rf '/tmp/throwaway-pg-x'").unwrap();
        assert!(cat < kill && kill < rm);
    }
}

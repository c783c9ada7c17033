//! A throwaway PostgreSQL cluster started from the system's binaries.
//!
//! Used by `bcsync demo` when `DATABASE_URL` is unset and by the test suite:
//!
//! ```no_run
//! # async fn demo() -> Result<(), throwaway_pg::Error> {
//! let pg = throwaway_pg::ThrowawayPg::start().await?;
//! let url = pg.create_database("bcsync").await?; // postgres://postgres@127.0.0.1:<port>/bcsync
//! // … connect to `url` …
//! pg.stop().await?;
//! # Ok(()) }
//! ```
//!
//! [`ThrowawayPg::start`] runs `initdb` into a fresh temporary directory and starts
//! `postgres` on `127.0.0.1:<free port>` with trust authentication for the `postgres`
//! superuser and durability switched off (fsync, synchronous commit, full-page writes).
//! As root, both run as the `postgres` system user, since they refuse root.
//!
//! The cluster never outlives the process: a supervisor shell shuts it down and deletes
//! its directory as soon as our end of a pipe closes, which happens on [`ThrowawayPg::stop`],
//! on drop, at process exit with the cluster still in a `static`, and on `kill -9`
//! (see the `supervisor` module).

mod binaries;
mod error;
mod owner;
mod ready;
mod supervisor;

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

pub use error::Error;

use binaries::Binaries;
use owner::{CLUSTER_OWNER, RunAs, clear_libpq_env};
use ready::Readiness;
use supervisor::{Layout, Supervisor};

/// How long a server may take to accept connections; a loaded 2-core CI machine running
/// several test binaries at once needs seconds, not milliseconds.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Starts to try when another process takes the free port before the server binds it.
const PORT_ATTEMPTS: u32 = 5;
/// How long a fast shutdown plus `rm -rf` may take.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// Server log lines quoted in errors.
const LOG_TAIL_LINES: usize = 20;

/// A running throwaway cluster. See the crate documentation.
#[derive(Debug)]
pub struct ThrowawayPg {
    port: u16,
    layout: Layout,
    binaries: Binaries,
    supervisor: Supervisor,
}

impl ThrowawayPg {
    /// Runs `initdb` into a temporary directory, starts `postgres` on 127.0.0.1 at a free
    /// port and waits (at most 30 s) until it accepts connections.
    pub async fn start() -> Result<ThrowawayPg, Error> {
        ThrowawayPg::start_with_settings(&[]).await
    }

    /// As [`start`](Self::start), with server settings of the caller's on top of ours
    /// (`name=value`, passed as `postgres -c`), e.g. `wal_level=logical` for a test of
    /// logical decoding.
    pub async fn start_with_settings(settings: &[&str]) -> Result<ThrowawayPg, Error> {
        let extra: Vec<String> = settings.iter().map(|s| (*s).to_owned()).collect();
        let binaries = Binaries::locate()?;
        let run_as = RunAs::detect()?;
        let mut attempt = 1;
        loop {
            match start_once(&binaries, &run_as, &extra).await {
                Err(Error::ServerExited { port, log_tail, .. })
                    if attempt < PORT_ATTEMPTS && ready::lost_port_race(&log_tail) =>
                {
                    tracing::debug!(
                        port,
                        attempt,
                        "port taken before postgres could bind it; retrying"
                    );
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth on loopback, no password).
    pub fn admin_url(&self) -> String {
        self.url_for("postgres")
    }

    /// The URL of `database` on this cluster, as the superuser.
    pub fn url_for(&self, database: &str) -> String {
        format!(
            "postgres://{CLUSTER_OWNER}@127.0.0.1:{}/{}",
            self.port,
            percent_encode(database)
        )
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's data directory (`PGDATA`), inside the temporary directory that
    /// [`stop`](Self::stop) removes.
    pub fn data_dir(&self) -> &Path {
        &self.layout.data_dir
    }

    /// The directory holding `initdb`, `postgres` and the client tools of the same version.
    pub fn bin_dir(&self) -> &Path {
        &self.binaries.bin_dir
    }

    /// Creates `name` (with `createdb`, over TCP) and returns its URL.
    pub async fn create_database(&self, name: &str) -> Result<String, Error> {
        let mut command = std::process::Command::new(&self.binaries.createdb);
        command
            .args(["-h", "127.0.0.1", "-U", CLUSTER_OWNER, "-p"])
            .arg(self.port.to_string())
            // `--` so that a name starting with '-' is not taken for an option.
            .arg("--")
            .arg(name);
        clear_libpq_env(&mut command);
        let output = tokio::process::Command::from(command)
            .output()
            .await
            .map_err(|source| Error::Spawn {
                program: self.binaries.createdb.display().to_string(),
                source,
            })?;
        if !output.status.success() {
            return Err(Error::CreateDatabase {
                createdb: self.binaries.createdb.clone(),
                name: name.to_string(),
                port: self.port,
                status: output.status,
                output: combined(&output),
            });
        }
        Ok(self.url_for(name))
    }

    /// Fast shutdown (open connections are terminated), then removes the data directory.
    pub async fn stop(mut self) -> Result<(), Error> {
        let (port, data_dir) = (self.port, self.layout.data_dir.clone());
        let fail = |reason: String| Error::Stop {
            port,
            data_dir: data_dir.clone(),
            reason,
        };
        let status = self.supervisor.shutdown(STOP_TIMEOUT).await.map_err(fail)?;
        if self.layout.root.exists() {
            return Err(fail(format!(
                "the supervisor shell exited ({status}) but {} still exists",
                self.layout.root.display()
            )));
        }
        tracing::debug!(port = self.port, "throwaway PostgreSQL stopped");
        Ok(())
    }
}

async fn start_once(binaries: &Binaries, run_as: &RunAs, extra: &[String]) -> Result<ThrowawayPg, Error> {
    // Removed by this guard until the supervisor exists, and by the supervisor after.
    let temp = tempfile::Builder::new()
        .prefix("throwaway-pg-")
        .tempdir()
        .map_err(Error::TempDir)?;
    let layout = Layout::new(temp.path());

    if run_as.is_root() {
        // tempfile makes the directory 0700 and root-owned; the postgres user must own it
        // to create the data directory, its socket and its log inside.
        let mut chown = std::process::Command::new("chown");
        chown.args(["-R", CLUSTER_OWNER]).arg(&layout.root);
        run_checked(chown).await?;
    }
    initdb(binaries, run_as, &layout).await?;

    let port = free_port()?;
    let mut supervisor = Supervisor::spawn(run_as, &binaries.postgres, &layout, port, extra).await?;
    let _root = temp.keep();

    match ready::wait_until_ready(&binaries.pg_isready, port, &supervisor, READY_TIMEOUT).await {
        Readiness::Ready => {
            tracing::info!(port, data_dir = %layout.data_dir.display(), "throwaway PostgreSQL is up");
            Ok(ThrowawayPg {
                port,
                layout,
                binaries: binaries.clone(),
                supervisor,
            })
        }
        failure => {
            // Read the log before the supervisor deletes it with the rest of the directory.
            let log_tail = ready::log_tail(&layout.server_log, LOG_TAIL_LINES);
            let _ = supervisor.shutdown(STOP_TIMEOUT).await;
            let postgres = binaries.postgres.clone();
            let data_dir = layout.data_dir.clone();
            Err(match failure {
                Readiness::TimedOut => Error::StartTimeout {
                    postgres,
                    port,
                    data_dir,
                    timeout: READY_TIMEOUT,
                    log_tail,
                },
                _ => Error::ServerExited {
                    postgres,
                    port,
                    data_dir,
                    log_tail,
                },
            })
        }
    }
}

async fn initdb(binaries: &Binaries, run_as: &RunAs, layout: &Layout) -> Result<(), Error> {
    let mut args: Vec<OsString> = vec!["-D".into(), layout.data_dir.clone().into()];
    // --no-sync: a throwaway cluster need not survive a power cut, and fsyncing the
    // catalog costs seconds on slow disks.
    for arg in [
        "-A",
        "trust",
        "-U",
        CLUSTER_OWNER,
        "--no-sync",
        "-E",
        "UTF8",
        "--locale=C",
    ] {
        args.push(arg.into());
    }
    let mut command = run_as.command(&binaries.initdb, &args);
    // The caller's working directory may be unreadable for the postgres user.
    command.current_dir(&layout.root);
    let output = tokio::process::Command::from(command)
        .output()
        .await
        .map_err(|source| Error::Spawn {
            program: binaries.initdb.display().to_string(),
            source,
        })?;
    if !output.status.success() {
        return Err(Error::InitDb {
            initdb: binaries.initdb.clone(),
            data_dir: layout.data_dir.clone(),
            status: output.status,
            output: combined(&output),
        });
    }
    Ok(())
}

/// A port that was free a moment ago: bind port 0, read what the kernel chose, release
/// it. Another process may take it before postgres binds it; `start` retries then.
fn free_port() -> Result<u16, Error> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(Error::FreePort)?;
    Ok(listener.local_addr().map_err(Error::FreePort)?.port())
}

async fn run_checked(command: std::process::Command) -> Result<(), Error> {
    let describe = format!("{command:?}").replace('"', "");
    let output = tokio::process::Command::from(command)
        .output()
        .await
        .map_err(|source| Error::Spawn {
            program: describe.clone(),
            source,
        })?;
    if !output.status.success() {
        return Err(Error::Command {
            command: describe,
            status: output.status,
            output: combined(&output),
        });
    }
    Ok(())
}

fn combined(output: &std::process::Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stderr).trim().to_string();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.trim().is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(stdout.trim());
    }
    text
}

/// Percent-encodes a database name for the path of a URL (RFC 3986 unreserved kept).
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_encoded_in_urls() {
        assert_eq!(percent_encode("bcsync_test_1"), "bcsync_test_1");
        assert_eq!(percent_encode("a b/ü"), "a%20b%2F%C3%BC");
    }

    #[test]
    fn cluster_can_live_in_a_static() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<ThrowawayPg>();
    }
}

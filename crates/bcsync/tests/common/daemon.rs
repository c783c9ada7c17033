//! `bcsync run` as a child process with a generated `bcsync.toml`.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use bcsync_simulator::Simulator;
use tokio::process::{Child, Command};

pub struct Daemon {
    pub child: Child,
    pub addr: String,
    /// Keeps the config file alive.
    _dir: tempfile::TempDir,
    pub config: PathBuf,
}

pub struct DaemonSpec<'a> {
    pub database_url: &'a str,
    pub stores: Vec<&'a Simulator>,
    /// 6-field cron expressions.
    pub incremental: &'a str,
    pub reconcile: &'a str,
    pub webhook_secret: Option<&'a str>,
    pub lease_ttl_secs: u64,
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn write_config(spec: &DaemonSpec<'_>, port: u16) -> (tempfile::TempDir, PathBuf) {
    let mut toml = format!(
        r#"
[database]
url = "{db}"
[http]
listen = "127.0.0.1:{port}"
[log]
format = "json"
level = "info,sqlx=warn"
[defaults]
incremental_schedule = "{inc}"
reconcile_schedule = "{rec}"
address_sweep_pages = 100
listing_sweep_pages = 100
customer_slice = 100000
[lease]
ttl_secs = {ttl}
"#,
        db = spec.database_url,
        inc = spec.incremental,
        rec = spec.reconcile,
        ttl = spec.lease_ttl_secs,
    );
    if let Some(secret) = spec.webhook_secret {
        toml.push_str(&format!("[webhooks]\nsecret = \"{secret}\"\n"));
    }
    for sim in &spec.stores {
        toml.push_str(&format!(
            "[[stores]]\nhash = \"{}\"\ntoken = \"{}\"\napi_url = \"{}\"\n",
            sim.store_hash(),
            sim.token(),
            sim.base_url()
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bcsync.toml");
    std::fs::write(&path, toml).unwrap();
    (dir, path)
}

impl Daemon {
    pub async fn start(spec: &DaemonSpec<'_>) -> Daemon {
        Daemon::start_with(spec, |toml| toml).await
    }

    /// Like `start`, with the generated `bcsync.toml` passed through `edit` first.
    pub async fn start_with(spec: &DaemonSpec<'_>, edit: impl FnOnce(String) -> String) -> Daemon {
        let port = free_port();
        let (dir, config) = write_config(spec, port);
        let toml = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, edit(toml)).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_bcsync"))
            .args(["run", "--config"])
            .arg(&config)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("bcsync run starts");
        let daemon = Daemon {
            child,
            addr: format!("http://127.0.0.1:{port}"),
            _dir: dir,
            config,
        };
        daemon.wait_healthy().await;
        daemon
    }

    async fn wait_healthy(&self) {
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{}/readyz", self.addr)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("bcsync run did not become ready at {}", self.addr);
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(format!("{}{path}", self.addr)).await.unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("still running")
    }

    /// Sends SIGTERM and waits (at most `within`) for the exit; returns its output.
    pub async fn terminate(self, within: Duration) -> std::process::Output {
        signal(self.pid(), "-TERM");
        let out = tokio::time::timeout(within, self.child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("bcsync run did not stop within {within:?} of SIGTERM"))
            .unwrap();
        drop(self._dir);
        out
    }

    pub fn kill9(&mut self) {
        signal(self.pid(), "-KILL");
    }
}

pub fn signal(pid: u32, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Polls `check` every 100 ms until it holds (true) or `limit` passes (false).
pub async fn within<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Polls `check` every 100 ms until it holds or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    while tokio::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not within {within:?}");
}

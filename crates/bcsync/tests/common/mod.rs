//! Shared test harness: a simulator on port 0, a fresh migrated database per test, and
//! the real `bcsync` binary run as a child process against both.

#![allow(dead_code)]

pub mod daemon;
pub mod mirror;
pub mod privacy;
pub mod proxy;
pub mod resources;

use std::process::Output;

use bcsync_mirror::testing::{TestDb, fresh_database};
use bcsync_simulator::{SimConfig, Simulator};

/// Settings that make one pass read every address, metafield and customer slice.
pub const READ_ALL: [(&str, &str); 3] = [
    ("BCSYNC_ADDRESS_SWEEP_PAGES", "1000"),
    ("BCSYNC_LISTING_SWEEP_PAGES", "1000"),
    ("BCSYNC_CUSTOMER_SLICE", "100000"),
];

pub struct App {
    pub sim: Simulator,
    pub db: TestDb,
}

/// `bcsync <args>` against `sim` and the database at `db_url`, through the legacy
/// single-store variables only (and PATH), logging at info.
pub fn command_for(db_url: &str, sim: &Simulator, args: &[&str]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_bcsync"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db_url)
        .env("BIGCOMMERCE_STORE_HASH", sim.store_hash())
        .env("BIGCOMMERCE_ACCESS_TOKEN", sim.token())
        .env("BIGCOMMERCE_API_URL", sim.base_url())
        .env("RUST_LOG", "info")
        .kill_on_drop(true);
    cmd
}

/// A simulator with `cfg` and a fresh database.
pub async fn spawn_app(cfg: SimConfig) -> App {
    let sim = Simulator::start(cfg).await.expect("simulator starts");
    let db = fresh_database().await;
    App { sim, db }
}

impl App {
    /// `bcsync <args>` against this app's simulator and database.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        command_for(&self.db.url, &self.sim, args)
    }

    /// Runs `bcsync <args>` to completion.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().await.expect("bcsync runs")
    }

    /// Runs `bcsync <args>` and fails the test, showing its output, unless it exits 0.
    pub async fn run_ok(&self, args: &[&str]) -> Output {
        self.run_ok_with(args, &[]).await
    }

    /// Runs `bcsync <args>` to completion with `env` added to its environment.
    pub async fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        cmd.envs(env.iter().copied());
        cmd.output().await.expect("bcsync runs")
    }

    /// [`App::run_with`], failing the test (showing the output) unless it exits 0.
    pub async fn run_ok_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let out = self.run_with(args, env).await;
        assert!(out.status.success(), "bcsync {args:?} failed:\n{}", show(&out));
        out
    }

    pub fn pool(&self) -> &sqlx::PgPool {
        self.db.mirror.pool()
    }

    /// The one value `sql` selects from the mirror (a count, a flag, a text), failing
    /// the test, with the statement, when the query does.
    pub async fn scalar<T>(&self, sql: &'static str) -> T
    where
        (T,): for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
        T: Send + Unpin,
    {
        sqlx::query_scalar(sql)
            .fetch_one(self.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Asserts the mirror equals the simulator, field by field.
    pub async fn assert_mirror_exact(&self) {
        mirror::assert_exact(&self.sim, self.pool(), self.sim.store_hash()).await;
    }
}

/// `bcsync <args>` in `dir` with exactly `vars` in its environment (and PATH): for
/// tests of the configuration paths, where the app's variables would be in the way.
pub async fn bcsync_in(dir: &std::path::Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_bcsync"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .kill_on_drop(true);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().await.expect("bcsync runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn show(out: &Output) -> String {
    format!(
        "status: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Writes to the simulator through its HTTP API, as a merchant's other app would.
pub struct Api<'a> {
    app: &'a App,
    http: reqwest::Client,
}

impl<'a> Api<'a> {
    pub fn new(app: &'a App) -> Self {
        Api {
            app,
            http: reqwest::Client::new(),
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let url = format!(
            "{}/stores/{}/v3{path}",
            self.app.sim.base_url(),
            self.app.sim.store_hash()
        );
        let mut req = self
            .http
            .request(method.clone(), url)
            .header("X-Auth-Token", self.app.sim.token());
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }
}

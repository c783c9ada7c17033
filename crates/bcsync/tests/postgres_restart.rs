//! Issue "proof under faults": PostgreSQL restarted (fast shutdown, then started again
//! on the same port and data) in the middle of a pass. The pass fails cleanly or
//! resumes; the next pass leaves an exact mirror. A server of its own, so restarting
//! it disturbs no other test.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bcsync_simulator::{SimConfig, Simulator};
use common::mirror::assert_exact;
use common::show;
use sqlx::{Connection, PgPool};

struct Server {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("postgres").exists())
        .collect();
    dirs.sort();
    dirs.pop()
}

fn as_owner(program: &Path) -> Command {
    // PostgreSQL refuses to run as root; CI runs tests as root.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Server {
    fn init() -> Option<Server> {
        let bin = bin_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let _ = Command::new("chmod").arg("755").arg(dir.path()).status();
        let _ = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path())
            .status();
        let ok = as_owner(&bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "initdb");
        let port = common::daemon::free_port();
        Some(Server {
            bin,
            data,
            port,
            child: None,
            _dir: dir,
        })
    }

    async fn start(&mut self) {
        let child = as_owner(&self.bin.join("postgres"))
            .arg("-D")
            .arg(&self.data)
            .args(["-p", &self.port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "fsync=off", "-c", "unix_socket_directories="])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        for _ in 0..300 {
            if sqlx::PgConnection::connect(&self.url("postgres")).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("postgres did not start");
    }

    /// Fast shutdown (SIGINT): what `pg_ctl restart -m fast` does first.
    async fn stop(&mut self) {
        let mut child = self.child.take().unwrap();
        // To postgres itself (its pid heads postmaster.pid), not to runuser.
        let pid = std::fs::read_to_string(self.data.join("postmaster.pid")).unwrap();
        let pid: u32 = pid.lines().next().unwrap().trim().parse().unwrap();
        common::daemon::signal(pid, "-INT");
        tokio::task::spawn_blocking(move || child.wait())
            .await
            .unwrap()
            .unwrap();
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let pid = std::fs::read_to_string(self.data.join("postmaster.pid")).unwrap_or_default();
            if let Some(pid) = pid.lines().next().and_then(|l| l.trim().parse::<u32>().ok()) {
                let _ = Command::new("kill").args(["-INT", &pid.to_string()]).status();
            }
            let _ = c.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarted_mid_pass_fails_it_cleanly_and_the_next_pass_is_exact() {
    let Some(mut pg) = Server::init() else {
        eprintln!("no PostgreSQL binaries under /usr/lib/postgresql; skipped");
        return;
    };
    pg.start().await;
    let mut admin = sqlx::PgConnection::connect(&pg.url("postgres")).await.unwrap();
    sqlx::raw_sql("CREATE DATABASE mirror")
        .execute(&mut admin)
        .await
        .unwrap();
    drop(admin);
    let url = pg.url("mirror");
    let sim = Simulator::start(
        SimConfig::default()
            .with_customers(15_000)
            .with_seed(71)
            .with_latency_ms(5),
    )
    .await
    .unwrap();
    let bcsync = |args: &[&str]| {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_bcsync"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATABASE_URL", &url)
            .env("BIGCOMMERCE_STORE_HASH", sim.store_hash())
            .env("BIGCOMMERCE_ACCESS_TOKEN", sim.token())
            .env("BIGCOMMERCE_API_URL", sim.base_url())
            .kill_on_drop(true);
        cmd
    };
    let mut pass = bcsync(&["sync"]).spawn().unwrap();
    let watch = PgPool::connect(&url).await.unwrap();
    for _ in 0..600 {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.customers")
            .fetch_one(&watch)
            .await
            .unwrap_or(0);
        if n > 1_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    watch.close().await;
    pg.stop().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    pg.start().await;
    let status = tokio::time::timeout(Duration::from_secs(180), pass.wait())
        .await
        .expect("the pass ends (fails or resumes) instead of hanging")
        .unwrap();
    assert_ne!(status.code(), Some(101), "bcsync panicked");
    let out = bcsync(&["sync"]).output().await.unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let pool = PgPool::connect(&url).await.unwrap();
    assert_exact(&sim, &pool, sim.store_hash()).await;
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT entity_id FROM bigcommerce.change_log \
         WHERE entity = 'customers' AND op = 'insert' GROUP BY entity_id HAVING count(*) > 1) d",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(twice, 0, "no customer inserted twice");
}

//! Issue "a change feed analysts can trust": three stores written at once by separate
//! `bcsync` processes (a resync and a sync each, against three simulators) while a loader
//! polls `bigcommerce.changes_after` every few milliseconds. The loader's set of seq must
//! equal the final `change_log`: no change missed, none twice.

use crate::common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use bcsync_mirror::testing::fresh_database;
use bcsync_simulator::{SimConfig, Simulator};
use common::show;
use sqlx::PgPool;

/// `bcsync <args>` against `sim`, logging warnings only.
fn command(db_url: &str, sim: &Simulator, args: &[&str]) -> tokio::process::Command {
    let mut cmd = common::command_for(db_url, sim, args);
    cmd.env("RUST_LOG", "warn");
    cmd
}

/// A loader as a warehouse would write one: keep the greatest seq received, ask again.
struct Loader {
    cursor: i64,
    seen: BTreeSet<i64>,
    duplicates: usize,
    /// The broken recipe side by side: `seq > $last` on the table.
    naive_cursor: i64,
    naive_seen: BTreeSet<i64>,
}

impl Loader {
    async fn poll(&mut self, pool: &PgPool) -> usize {
        let rows: Vec<i64> = sqlx::query_scalar("SELECT seq FROM bigcommerce.changes_after($1, 5000)")
            .bind(self.cursor)
            .fetch_all(pool)
            .await
            .unwrap();
        for &seq in &rows {
            assert!(seq > self.cursor, "seq order");
            if !self.seen.insert(seq) {
                self.duplicates += 1;
            }
            self.cursor = seq;
        }
        let naive: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM bigcommerce.change_log WHERE seq > $1 ORDER BY seq LIMIT 5000",
        )
        .bind(self.naive_cursor)
        .fetch_all(pool)
        .await
        .unwrap();
        if let Some(&last) = naive.last() {
            self.naive_cursor = last;
        }
        self.naive_seen.extend(naive);
        rows.len()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loader_polling_during_three_concurrent_stores_gets_every_change_once() {
    let db = fresh_database().await;
    let mut sims = Vec::new();
    for (i, hash) in ["feedone", "feedtwo", "feedthree"].into_iter().enumerate() {
        let cfg = SimConfig::default()
            .with_store_hash(hash)
            .with_customers(600)
            .with_seed(100 + i as u64)
            .with_latency_ms(1);
        sims.push(Simulator::start(cfg).await.unwrap());
    }
    let out = command(&db.url, &sims[0], &["migrate"]).output().await.unwrap();
    assert!(out.status.success(), "{}", show(&out));

    let mut loader = Loader {
        cursor: 0,
        seen: BTreeSet::new(),
        duplicates: 0,
        naive_cursor: 0,
        naive_seen: BTreeSet::new(),
    };
    let mut children = Vec::new();
    for sim in &sims {
        for args in [&["resync"][..], &["sync"][..]] {
            children.push((args, command(&db.url, sim, args).spawn().unwrap()));
        }
    }
    let mut polls = 0u64;
    let deadline = Instant::now() + Duration::from_secs(300);
    while children.iter_mut().any(|(_, c)| c.try_wait().unwrap().is_none()) {
        assert!(
            Instant::now() < deadline,
            "the passes did not finish in 5 minutes"
        );
        loader.poll(db.mirror.pool()).await;
        polls += 1;
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    for (args, child) in children {
        let out = child.wait_with_output().await.unwrap();
        assert!(out.status.success(), "bcsync {args:?}:\n{}", show(&out));
    }
    // Drain: another test's transaction on the same server may hold the head a moment.
    let all: BTreeSet<i64> = sqlx::query_scalar("SELECT seq FROM bigcommerce.change_log")
        .fetch_all(db.mirror.pool())
        .await
        .unwrap()
        .into_iter()
        .collect();
    let drained = Instant::now() + Duration::from_secs(30);
    while loader.seen.len() < all.len() && Instant::now() < drained {
        if loader.poll(db.mirror.pool()).await == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let naive_missed = all.difference(&loader.naive_seen).count();
    eprintln!(
        "changes {}, polls {polls}, feed got {}, `seq > $last` missed {naive_missed}",
        all.len(),
        loader.seen.len()
    );
    assert!(
        all.len() > 3 * 600,
        "every store's customers were logged: {}",
        all.len()
    );
    for sim in &sims {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM bigcommerce.change_log WHERE store_hash = $1 AND entity = 'customers'",
        )
        .bind(sim.store_hash())
        .fetch_one(db.mirror.pool())
        .await
        .unwrap();
        assert!(n >= 600, "{}: {n} customer changes", sim.store_hash());
    }
    assert_eq!(loader.duplicates, 0, "no change delivered twice");
    let missed: Vec<_> = all.difference(&loader.seen).take(10).collect();
    assert!(
        missed.is_empty(),
        "the loader missed {} changes, e.g. {missed:?}",
        all.len() - loader.seen.len()
    );
    assert_eq!(loader.seen, all);
}

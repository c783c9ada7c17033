//! Issue 10, part 1: leases that hold. Real `bcsync run` replicas, PostgreSQL and the
//! simulator over HTTP: a pass far longer than the lease ttl never lets a second
//! replica call the API; a lease taken away stops the pass at its next page; 3
//! replicas split 60 stores evenly and take over a dead one's within the ttl.

use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bcsync_mirror::testing::fresh_database;
use bcsync_simulator::{SimConfig, Simulator};
use common::daemon::{Daemon, DaemonSpec, eventually};
use common::mirror::is_exact;
use common::{proxy, show};
use sqlx::{PgPool, Row};

const EVERY_2S: &str = "*/2 * * * * *";
const HOURLY: &str = "0 0 * * * *";

fn spec<'a>(db: &'a str, sims: Vec<&'a Simulator>, incremental: &'a str, ttl: u64) -> DaemonSpec<'a> {
    DaemonSpec {
        database_url: db,
        stores: sims,
        incremental,
        reconcile: HOURLY,
        webhook_secret: None,
        lease_ttl_secs: ttl,
    }
}

/// Live leases: store -> holder.
async fn holders(pool: &PgPool) -> BTreeMap<String, String> {
    sqlx::query("SELECT store_hash, holder FROM bigcommerce.store_leases WHERE expires_at > now()")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Stores per holder, e.g. `{"a": 20, "b": 20, "c": 20}`.
async fn split(pool: &PgPool) -> BTreeMap<String, usize> {
    let mut split = BTreeMap::new();
    for holder in holders(pool).await.into_values() {
        *split.entry(holder).or_default() += 1;
    }
    split
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_store_never_call_the_api_at_the_same_time_during_a_pass_of_five_ttls() {
    let ttl = 2;
    let sim = Simulator::start(
        SimConfig::default()
            .with_customers(2_000)
            .with_seed(101)
            // Slow enough that the pass lasts 5 ttls even with the steps after the
            // customers running at once (about 14 s at 600 ms, 9 s at 400).
            .with_latency_ms(600),
    )
    .await
    .unwrap();
    let db = fresh_database().await;
    let pool = db.mirror.pool();
    let traffic: proxy::Traffic = Arc::new(Mutex::new(Vec::new()));
    let s = spec(&db.url, vec![&sim], EVERY_2S, ttl);
    let mut daemons = Vec::new();
    for label in 0..2 {
        let url = proxy::start(sim.addr(), label, traffic.clone()).await;
        let base = sim.base_url();
        daemons.push(Daemon::start_with(&s, move |toml| toml.replace(&base, &url)).await);
    }

    eventually(Duration::from_secs(120), "the first pass completes", || {
        is_exact(&sim, pool, sim.store_hash())
    })
    .await;
    // Room for a hand-back at the pass boundary and a few short passes after it.
    tokio::time::sleep(Duration::from_secs(3 * ttl)).await;

    let first: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
        "SELECT started_at, finished_at FROM bigcommerce.sync_runs WHERE outcome = 'succeeded' \
         ORDER BY started_at LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let pass = (first.1 - first.0).to_std().unwrap();
    eprintln!("first pass: {pass:?}, ttl {ttl} s");
    assert!(
        pass >= Duration::from_secs(5 * ttl),
        "the pass ({pass:?}) must last 5 ttls"
    );

    let turns = proxy::turns(&traffic);
    let requests = traffic.lock().unwrap().len();
    eprintln!("turns of API traffic by replica: {turns:?} ({requests} chunks)");
    let mut seen = turns.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(
        seen.len(),
        turns.len(),
        "a replica called the API again after the other had started: {turns:?}"
    );
    assert!(sim.count_429() == 0, "{} answers 429", sim.count_429());
    for d in daemons {
        let out = d.terminate(Duration::from_secs(25)).await;
        assert!(out.status.success(), "{}", show(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_whose_lease_is_taken_writes_no_further_page_and_stops_calling_the_api() {
    let sim = Simulator::start(
        SimConfig::default()
            .with_customers(5_000)
            .with_seed(102)
            .with_latency_ms(100),
    )
    .await
    .unwrap();
    let db = fresh_database().await;
    let pool = db.mirror.pool();
    let daemon = Daemon::start(&spec(&db.url, vec![&sim], HOURLY, 30)).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM bigcommerce.customers")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    eventually(Duration::from_secs(60), "the pass under way", || async {
        count().await >= 500
    })
    .await;

    // Another replica takes the store (as after a long pause of this one): a new
    // holder, a new epoch, live for an hour. This waits for a page in flight to commit.
    sqlx::query(
        "UPDATE bigcommerce.store_leases SET holder = 'thief', epoch = nextval('bigcommerce.lease_epochs'), \
         expires_at = now() + interval '1 hour'",
    )
    .execute(pool)
    .await
    .unwrap();
    let stored = count().await;
    assert!(stored < 5_000, "still mid-pass when the lease was taken");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let requests = sim.request_count();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        count().await,
        stored,
        "a page was written after the lease was taken"
    );
    assert_eq!(
        sim.request_count(),
        requests,
        "API calls went on after the lease was lost"
    );

    let out = daemon.terminate(Duration::from_secs(25)).await;
    assert!(out.status.success(), "{}", show(&out));
    let logs = String::from_utf8_lossy(&out.stdout);
    assert!(
        logs.contains("no longer holds its lease") || logs.contains("lease was lost"),
        "the logs say why the pass stopped:\n{}",
        show(&out)
    );
    let holder: String = sqlx::query_scalar("SELECT holder FROM bigcommerce.store_leases")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(holder, "thief", "stopping does not release what is not ours");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_split_sixty_stores_and_take_over_a_dead_ones_within_the_ttl() {
    let ttl = 4;
    let mut sims = Vec::new();
    for i in 0..60 {
        let cfg = SimConfig::default()
            .with_store_hash(format!("store{i:02}"))
            .with_customers(3)
            .with_seed(200 + i);
        sims.push(Simulator::start(cfg).await.unwrap());
    }
    let db = fresh_database().await;
    let pool = db.mirror.pool();
    let refs: Vec<&Simulator> = sims.iter().collect();
    let s = spec(&db.url, refs, HOURLY, ttl);
    let mut daemons = Vec::new();
    for _ in 0..3 {
        daemons.push(Daemon::start(&s).await);
    }
    let balanced = |want: usize, replicas: usize| async move {
        let split = split(pool).await;
        split.len() == replicas
            && split.values().sum::<usize>() == 60
            && split.values().all(|&n| n.abs_diff(want) <= 2)
    };
    eventually(Duration::from_secs(60), "20 ± 2 stores each", || balanced(20, 3)).await;
    eprintln!("three replicas: {:?}", split(pool).await);
    for sim in &sims {
        eventually(Duration::from_secs(60), "every store mirrored", || {
            is_exact(sim, pool, sim.store_hash())
        })
        .await;
    }

    // kill -9 one: its leases run out, the others take its stores and rebalance.
    let before = holders(pool).await;
    let mut dead = daemons.remove(0);
    let pid = dead.pid();
    dead.kill9();
    let _ = dead.child.wait().await;
    let killed_at = std::time::Instant::now();
    let dead_holder = before
        .values()
        .find(|h| h.contains(&format!("-{pid}-")))
        .cloned()
        .expect("the killed replica held stores");
    let orphans = before.values().filter(|h| **h == dead_holder).count();
    eventually(
        Duration::from_secs(3 * ttl),
        "the dead replica's stores taken over",
        || async {
            let now = holders(pool).await;
            now.len() == 60 && !now.values().any(|h| *h == dead_holder)
        },
    )
    .await;
    let moved = killed_at.elapsed();
    eprintln!("{orphans} stores moved {moved:?} after kill -9 (ttl {ttl} s)");
    // Within the ttl, plus one keeper round (ttl/4) and the time to notice here.
    assert!(
        moved <= Duration::from_secs(ttl) + Duration::from_secs(ttl) / 4 + Duration::from_millis(800),
        "took {moved:?}"
    );
    eventually(Duration::from_secs(2 * ttl), "30 ± 2 stores each", || {
        balanced(30, 2)
    })
    .await;
    eprintln!("two replicas: {:?}", split(pool).await);
    let mut said = String::new();
    for d in daemons {
        let out = d.terminate(Duration::from_secs(25)).await;
        assert!(out.status.success(), "{}", show(&out));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        said.extend(
            stdout
                .lines()
                .filter(|l| l.contains("released") || l.contains("\"stopped\"") || l.contains("WARN"))
                .map(|l| format!("{l}\n")),
        );
    }
    let left = holders(pool).await;
    assert!(
        left.is_empty(),
        "a clean stop releases every lease: {left:?}\n{said}"
    );
}

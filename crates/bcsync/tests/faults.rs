//! Issue "proof under faults": kill -9 at seeded points of a resync, a faulty API, and
//! database connections dropped mid-pass (what a PostgreSQL restart does to a client).
//! The mirror must end exact, with no row inserted twice.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bcsync_simulator::SimConfig;
use common::{App, show, spawn_app};
use sqlx::Row;

/// Customers inserted more than once according to the change log: a row committed
/// twice as new would mean a page was half-kept.
async fn double_inserts(app: &App) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT entity_id FROM bigcommerce.change_log \
         WHERE entity = 'customers' AND op = 'insert' GROUP BY entity_id HAVING count(*) > 1) d",
    )
    .fetch_one(app.pool())
    .await
    .unwrap()
}

/// Every stored customer has exactly its addresses (pages commit whole).
async fn assert_pages_whole(app: &App) {
    let mut want: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for a in app.sim.addresses() {
        want.entry(a.customer_id).or_default().insert(a.id);
    }
    let rows = sqlx::query(
        "SELECT c.id, array_remove(array_agg(a.id), NULL) FROM bigcommerce.customers c \
         LEFT JOIN bigcommerce.customer_addresses a ON a.customer_id = c.id AND a.deleted_at IS NULL \
         GROUP BY c.id",
    )
    .fetch_all(app.pool())
    .await
    .unwrap();
    for r in rows {
        let id: i64 = r.get(0);
        let got: BTreeSet<i64> = r.get::<Vec<i64>, _>(1).into_iter().collect();
        assert_eq!(got, want.remove(&id).unwrap_or_default(), "customer {id}");
    }
}

/// `BCSYNC_FAULT_<NAME>` or `default`: the long variants (`scripts/faults-long.sh`)
/// run the same tests bigger.
fn knob(name: &str, default: u64) -> u64 {
    std::env::var(format!("BCSYNC_FAULT_{name}"))
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_ten_seeded_points_of_a_resync_then_restart_leaves_an_exact_mirror() {
    let customers = knob("CUSTOMERS", 3_000) as usize;
    let points = knob("POINTS", 10) as usize;
    let max_delay_ms = knob("MAX_DELAY_MS", 1_200);
    let app = spawn_app(
        SimConfig::default()
            .with_customers(customers)
            .with_seed(51)
            .with_latency_ms(2),
    )
    .await;
    app.run_ok(&["migrate"]).await;
    let mut state: u64 = knob("SEED", 0x5EED);
    for point in 0..points {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = Duration::from_millis(50 + (state >> 33) % max_delay_ms);
        let mut child = app.command(&["resync"]).spawn().unwrap();
        tokio::time::sleep(delay).await;
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            common::daemon::signal(child.id().unwrap(), "-KILL");
        }
        let _ = child.wait().await;
        // Some state changes between kills, as a live store would have.
        let ids: Vec<i64> = app.sim.customers().iter().map(|c| c.id).take(5).collect();
        app.sim.touch_customers(&ids[point % 5..point % 5 + 1]);
        app.run_ok(&["resync"]).await;
        app.assert_mirror_exact().await;
        assert_eq!(
            double_inserts(&app).await,
            0,
            "point {point} ({delay:?}, killed: {killed})"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resync_through_ten_percent_faults_is_exact() {
    // 5xx, 429 without headers and truncated bodies, in equal parts (see the
    // simulator's `faults.rs`); timeouts are covered by the client's wiremock tests.
    let app = spawn_app(
        SimConfig::default()
            .with_customers(knob("CUSTOMERS", 2_000) as usize)
            .with_seed(52)
            .with_fault_rate(0.1),
    )
    .await;
    let out = app.run(&["resync"]).await;
    assert!(out.status.success(), "{}", show(&out));
    app.sim.set_fault_rate(0.0);
    app.assert_mirror_exact().await;
    assert_eq!(double_inserts(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_connections_dropped_mid_pass_fail_it_cleanly_and_the_next_pass_is_exact() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(15_000)
            .with_seed(53)
            .with_latency_ms(5),
    )
    .await;
    let mut child = app.command(&["sync"]).spawn().unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM bigcommerce.customers")
            .fetch_one(app.pool())
            .await
            .unwrap_or(0)
    };
    for _ in 0..600 {
        if count().await > 1_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // What a restart does to clients: every connection to the database is cut.
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(app.pool())
    .await
    .unwrap();
    assert!(!cut.is_empty(), "bcsync's connections were cut");
    let status = tokio::time::timeout(Duration::from_secs(120), child.wait())
        .await
        .expect("the pass ends (fails or resumes) instead of hanging")
        .unwrap();
    // Failing is fine; panicking (exit 101) is not.
    assert_ne!(status.code(), Some(101), "bcsync panicked");
    eprintln!("pass after the cut: {status}");
    assert_pages_whole(&app).await;
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
    assert_eq!(double_inserts(&app).await, 0);
}

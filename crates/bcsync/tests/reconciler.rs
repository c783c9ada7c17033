//! Issue "reconciler": deletes found cheaply by routine passes, changes without a date
//! filter caught by bounded sweeps, the change log, and rate-limit discipline.

use crate::common;

use std::collections::BTreeSet;
use std::time::Instant;

use bcsync_simulator::{PathKind, SimConfig};
use common::{App, show, spawn_app};
use sqlx::Row;

/// Sweeps off, so a pass's requests are the incremental read plus delete detection.
const NO_SWEEPS: [(&str, &str); 3] = [
    ("BCSYNC_ADDRESS_SWEEP_PAGES", "0"),
    ("BCSYNC_LISTING_SWEEP_PAGES", "0"),
    ("BCSYNC_CUSTOMER_SLICE", "0"),
];

/// `n` distinct ids of `ids`, picked by a seeded generator.
fn pick(ids: &[i64], n: usize, seed: u64) -> Vec<i64> {
    let mut state = seed;
    let mut chosen = BTreeSet::new();
    while chosen.len() < n {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        chosen.insert(ids[(state >> 33) as usize % ids.len()]);
    }
    chosen.into_iter().collect()
}

async fn deleted_customer_ids(app: &App) -> BTreeSet<i64> {
    sqlx::query_scalar("SELECT id FROM bigcommerce.customers WHERE deleted_at IS NOT NULL")
        .fetch_all(app.pool())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// What the last recorded pass says a step spent.
async fn step_requests(app: &App, step: &str) -> u64 {
    let details: serde_json::Value = app
        .scalar("SELECT details FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
        .await;
    details[step]["requests"]
        .as_u64()
        .unwrap_or_else(|| panic!("no {step} in {details}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routine_passes_mark_exactly_the_deleted_customers_within_the_bisection_bound() {
    const N: usize = 50_000;
    let app = spawn_app(SimConfig::default().with_customers(N).with_seed(11)).await;
    app.run_ok_with(&["sync"], &NO_SWEEPS).await;
    let all: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    let mut victims_so_far = BTreeSet::new();
    for (round, d) in [1usize, 50, 500].into_iter().enumerate() {
        let live: Vec<i64> = all
            .iter()
            .copied()
            .filter(|id| !victims_so_far.contains(id))
            .collect();
        let victims = pick(&live, d, round as u64 + 1);
        assert_eq!(app.sim.delete_customers(&victims), d);
        victims_so_far.extend(victims.iter().copied());
        app.sim.reset_counters();

        app.run_ok_with(&["sync"], &NO_SWEEPS).await;

        assert_eq!(deleted_customer_ids(&app).await, victims_so_far, "d = {d}");
        let orphans: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM bigcommerce.customer_addresses WHERE deleted_at IS NULL AND customer_id = ANY($1)",
        )
        .bind(&victims)
        .fetch_one(app.pool())
        .await
        .unwrap();
        assert_eq!(orphans, 0, "addresses of deleted customers are deleted too");

        let bound = 2.0 * d as f64 * (N as f64 / 250.0).log2();
        let spent = step_requests(&app, "customer_deletes").await;
        let customer_gets = app.sim.count("GET", PathKind::Customers, 200);
        assert!(
            (spent as f64) <= bound,
            "d = {d}: delete detection spent {spent} requests, bound {bound:.0}"
        );
        // The simulator saw the same: the incremental read (nothing changed: one
        // page) plus what delete detection spent.
        assert!(
            customer_gets >= spent && customer_gets <= spent + 2,
            "d = {d}: simulator counted {customer_gets} GET /customers, the pass {spent}"
        );
        eprintln!(
            "d = {d}: {spent} requests (bound {bound:.0}, a full scan {})",
            N / 250
        );
    }
    app.assert_mirror_exact().await;

    // An idle pass checks deletes with a single request.
    app.sim.reset_counters();
    app.run_ok_with(&["sync"], &NO_SWEEPS).await;
    assert_eq!(step_requests(&app, "customer_deletes").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn address_and_form_field_changes_that_keep_date_modified_are_caught_within_the_sweep_bound() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(2_000)
            .with_seed(5)
            .with_address_edits_touch_customer(false),
    )
    .await;
    let env = [
        ("BCSYNC_ADDRESS_SWEEP_PAGES", "2"),
        ("BCSYNC_LISTING_SWEEP_PAGES", "2"),
        ("BCSYNC_CUSTOMER_SLICE", "0"),
    ];
    app.run_ok_with(&["sync"], &env).await;
    app.assert_mirror_exact().await;

    let addresses: Vec<i64> = app.sim.addresses().iter().map(|a| a.id).collect();
    let edited = pick(&addresses, 20, 3);
    for id in &edited {
        assert!(
            app.sim
                .update_address(*id, |a| a.city = Some(format!("Moved {id}")))
        );
    }
    let remaining: Vec<i64> = addresses
        .iter()
        .copied()
        .filter(|id| !edited.contains(id))
        .collect();
    let deleted = pick(&remaining, 20, 4);
    assert_eq!(app.sim.delete_addresses(&deleted), 20);
    let customers: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    let last_customer = *customers.last().unwrap();
    assert!(
        app.sim
            .upsert_form_field(Some(last_customer), None, "Shoe size", serde_json::json!("46"))
    );

    // The stated bounds: the address sweep reads 2 pages of 250 per pass, the customer
    // slice 2 requests of 250 customers per pass.
    let address_passes = addresses.len().div_ceil(500);
    let slice_passes = customers.len().div_ceil(500);
    for _ in 0..address_passes.max(slice_passes) {
        app.run_ok_with(&["sync"], &env).await;
    }
    app.assert_mirror_exact().await;
    let shoe: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT value FROM bigcommerce.customer_form_field_values \
         WHERE owner_type = 'customer' AND owner_id = $1 AND name = 'Shoe size' AND deleted_at IS NULL",
    )
    .bind(last_customer)
    .fetch_optional(app.pool())
    .await
    .unwrap();
    assert_eq!(shoe, Some(serde_json::json!("46")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_change_log_records_real_changes_only() {
    let app = spawn_app(SimConfig::default().with_customers(300).with_seed(9)).await;
    app.run_ok_with(&["sync"], &NO_SWEEPS).await;
    let count = |entity: &'static str, op: &'static str| {
        let pool = app.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM bigcommerce.change_log WHERE entity = $1 AND op = $2",
            )
            .bind(entity)
            .bind(op)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    assert_eq!(count("customers", "insert").await, 300);
    let seq_before: i64 = app
        .scalar("SELECT coalesce(max(seq), 0) FROM bigcommerce.change_log")
        .await;

    // A resync re-reads every row unchanged: nothing is logged.
    app.run_ok_with(&["resync"], &NO_SWEEPS).await;
    let after_resync: i64 = app
        .scalar("SELECT coalesce(max(seq), 0) FROM bigcommerce.change_log")
        .await;
    assert_eq!(after_resync, seq_before, "an identical re-read writes nothing");

    let ids: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    assert!(
        app.sim
            .update_customer(ids[0], |c| c.notes = Some("changed".into()))
    );
    app.sim.delete_customers(&ids[1..2]);
    app.run_ok_with(&["sync"], &NO_SWEEPS).await;
    let rows =
        sqlx::query("SELECT entity, entity_id, op FROM bigcommerce.change_log WHERE seq > $1 ORDER BY seq")
            .bind(seq_before)
            .fetch_all(app.pool())
            .await
            .unwrap();
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.get("entity"), r.get("entity_id"), r.get("op")))
        .collect();
    assert!(
        got.contains(&("customers".into(), ids[0].to_string(), "update".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("customers".into(), ids[1].to_string(), "delete".into())),
        "{got:?}"
    );
    assert_eq!(
        got.iter().filter(|(e, _, _)| e == "customers").count(),
        2,
        "only the changed and the deleted customer: {got:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_5xx_gives_up_within_the_bound_and_the_pass_is_recorded_failed() {
    let app = spawn_app(SimConfig::default().with_customers(600).with_seed(2)).await;
    app.run_ok_with(&["sync"], &NO_SWEEPS).await;
    let before: i64 = app.scalar("SELECT count(*) FROM bigcommerce.customers").await;
    app.sim.set_fault_rate(1.0);
    let start = Instant::now();
    let mut cmd = app.command(&["sync"]);
    cmd.env("BCSYNC_MAX_RETRY_SECS", "3");
    let out = cmd.output().await.unwrap();
    let took = start.elapsed();
    assert!(!out.status.success(), "a storm fails the pass:\n{}", show(&out));
    assert!(took.as_secs() < 60, "gave up in {took:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("GET /customers"),
        "the error names the endpoint:\n{stderr}"
    );
    let row = sqlx::query("SELECT outcome, error FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("outcome"), "failed");
    let error: String = row.get("error");
    assert!(error.contains("GET /customers"), "{error}");
    let after: i64 = app.scalar("SELECT count(*) FROM bigcommerce.customers").await;
    assert_eq!(before, after, "nothing already stored is lost");
    app.sim.set_fault_rate(0.0);
    app.run_ok_with(&["sync"], &NO_SWEEPS).await;
    app.assert_mirror_exact().await;
}

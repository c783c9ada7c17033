//! Issue 14, sweeps sized to the store and to a time bound: with `sweep_within` and the
//! reconcile schedule, each pass reads its share of every swept resource, every change
//! the incremental reads cannot see is caught within the bound, coverage is reported,
//! and the sweeps' requests stay within `sweep_quota_share` of the quota.

use crate::common;

use bcsync_simulator::SimConfig;
use common::{App, show, spawn_app};
use serde_json::{Value, json};

/// A reconcile pass every 10 s and a bound of 40 s: four passes per cycle.
const BOUND_OF_FOUR_PASSES: [(&str, &str); 2] = [
    ("BCSYNC__DEFAULTS__RECONCILE_SCHEDULE", "*/10 * * * * *"),
    ("BCSYNC_SWEEP_WITHIN", "40s"),
];

async fn sync(app: &App, env: &[(&str, &str)]) {
    let out = app
        .command(&["sync"])
        .envs(env.iter().copied())
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "bcsync sync failed:\n{}", show(&out));
}

async fn status(app: &App, env: &[(&str, &str)]) -> Value {
    let out = app
        .command(&["status", "--json"])
        .envs(env.iter().copied())
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "bcsync status failed:\n{}", show(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sweep<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["stores"][0]["sweeps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["sweep"] == name))
        .unwrap_or_else(|| panic!("no sweep {name} in {status}"))
}

async fn last_details(app: &App) -> Value {
    app.scalar("SELECT details FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
        .await
}

/// Requests the sweep steps of the last pass spent.
async fn sweep_requests(app: &App) -> u64 {
    let details = last_details(app).await;
    [
        "addresses",
        "customer_slice",
        "metafields",
        "consents",
        "stored_instruments",
    ]
    .iter()
    .map(|step| details[step]["requests"].as_u64().unwrap_or(0))
    .sum()
}

/// Every 7th item of `ids` from `from`, `n` of them: spread over the id range, so
/// every part of each sweep's cycle has something to catch.
fn spread(ids: &[i64], from: usize, n: usize) -> Vec<i64> {
    ids.iter()
        .skip(from)
        .step_by(ids.len() / n)
        .take(n)
        .copied()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_customer_address_and_per_customer_resource_is_rechecked_within_the_bound() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(600)
            .with_seed(14)
            .with_max_addresses(6)
            .with_address_edits_touch_customer(false)
            .with_quota(Some(1_000))
            .with_window_ms(1_000),
    )
    .await;
    let customers: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    for id in spread(&customers, 5, 30) {
        assert!(
            app.sim
                .with_state(|st| st.upsert_metafield(id, "tier", "silver"))
                .is_some()
        );
    }
    let env = BOUND_OF_FOUR_PASSES;
    sync(&app, &env).await;
    app.assert_mirror_exact().await;
    // The first pass filled the per-customer resources whole: it had them not at all.
    let s = status(&app, &env).await;
    assert!(sweep(&s, "per_customer")["last_completed_at"].is_string(), "{s}");
    let consents: i64 = app
        .scalar("SELECT count(*) FROM bigcommerce.customer_consents")
        .await;
    assert_eq!(consents as usize, app.sim.customer_count());

    // Changes no incremental read sees: none of them moves a customer's date_modified.
    let addresses: Vec<i64> = app.sim.addresses().iter().map(|a| a.id).collect();
    for id in spread(&addresses, 0, 12) {
        assert!(
            app.sim
                .update_address(id, |a| a.city = Some(format!("Moved {id}")))
        );
    }
    assert_eq!(app.sim.delete_addresses(&spread(&addresses, 3, 8)), 8);
    for id in spread(&customers, 1, 8) {
        assert!(app.sim.with_state(|st| st.set_consent(
            id,
            vec!["analytics".into()],
            vec!["targeting".into()]
        )));
    }
    for (owner, instrument) in app.sim.stored_instruments().into_iter().step_by(40) {
        let token = instrument["token"].as_str().unwrap().to_owned();
        assert!(
            app.sim
                .with_state(|st| st.remove_stored_instrument(owner, &token))
        );
    }
    for id in spread(&customers, 2, 4) {
        assert!(
            app.sim
                .upsert_form_field(Some(id), None, "Shoe size", json!("46"))
        );
    }
    for id in spread(&customers, 5, 3) {
        assert!(
            app.sim
                .with_state(|st| st.upsert_metafield(id, "tier", "gold"))
                .is_some()
        );
    }

    // One pass reads its quarter of each cycle, not the whole store.
    sync(&app, &env).await;
    let s = status(&app, &env).await;
    let customers_sweep = sweep(&s, "customers");
    assert_eq!(
        customers_sweep["per_pass"], 250,
        "3 pages of customers over 4 passes: {s}"
    );
    let per_customer = sweep(&s, "per_customer");
    assert_eq!(per_customer["per_pass"], 150, "600 customers over 4 passes: {s}");
    assert_eq!(per_customer["covered"], 150, "{s}");
    // Two passes so far (the first one swept too), two shares of 250 addresses.
    let addresses_sweep = sweep(&s, "addresses");
    assert_eq!(addresses_sweep["covered"], 500, "{s}");
    assert!(addresses_sweep["coverage"].as_f64().unwrap() < 1.0, "{s}");

    // Three more passes: the bound. Everything is caught, and every cycle completed.
    for _ in 0..3 {
        sync(&app, &env).await;
    }
    app.assert_mirror_exact().await;
    common::resources::assert_resources_exact(&app).await;
    let s = status(&app, &env).await;
    for name in ["customers", "addresses", "metafields", "per_customer"] {
        let c = sweep(&s, name);
        assert!(
            c["last_completed_at"].is_string(),
            "{name} completed a cycle: {s}"
        );
        assert_eq!(c["misses_bound"], false, "{name}: {s}");
        assert_eq!(c["within_seconds"], 40, "{name}: {s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweeps_stay_within_their_share_of_the_quota_and_say_when_the_bound_is_missed() {
    // 20 requests a second; sweeps may spend 10% of a minute's: 120 requests a pass.
    let app = spawn_app(
        SimConfig::default()
            .with_customers(1_000)
            .with_seed(15)
            .with_quota(Some(20))
            .with_window_ms(1_000),
    )
    .await;
    let env = [
        ("BCSYNC__DEFAULTS__RECONCILE_SCHEDULE", "0 * * * * *"),
        ("BCSYNC_SWEEP_WITHIN", "60s"),
        ("BCSYNC_SWEEP_QUOTA_SHARE", "0.1"),
    ];
    sync(&app, &env).await;
    let first = sweep_requests(&app).await;
    assert!(first <= 120, "the first pass's sweeps spent {first} requests");
    sync(&app, &env).await;
    let second = sweep_requests(&app).await;
    assert!(second <= 120, "a routine pass's sweeps spent {second} requests");
    assert!(second >= 60, "and used the share they have: {second}");

    let s = status(&app, &env).await;
    let per_customer = sweep(&s, "per_customer");
    assert_eq!(per_customer["capped"], true, "{s}");
    assert_eq!(per_customer["misses_bound"], true, "{s}");
    let out = app.command(&["status"]).envs(env).output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("MISSES the 1m bound (held by sweep_quota_share"),
        "the human status says so:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_pass_says_how_long_consents_take_and_resync_fills_them_at_the_quotas_pace() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(800)
            .with_seed(16)
            .with_quota(Some(100))
            .with_window_ms(1_000),
    )
    .await;
    // A cap of 0.2% of an hour's quota: 720 requests, less than 800 customers' two each.
    let env = [("BCSYNC_SWEEP_QUOTA_SHARE", "0.002")];
    let out = app.command(&["sync"]).envs(env).output().await.unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("consents and stored instruments are not in the mirror yet"),
        "the first pass says how long the fill takes:\n{log}"
    );
    assert!(log.contains("bcsync resync --resource consents"), "{log}");
    let count = || async {
        app.scalar::<i64>("SELECT count(*) FROM bigcommerce.customer_consents")
            .await as usize
    };
    let after_sync = count().await;
    assert!(
        after_sync < 800,
        "the sweep filled {after_sync} at the cap's pace"
    );

    let out = app
        .command(&["resync", "--resource", "consents"])
        .envs(env)
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    assert_eq!(
        count().await,
        app.sim.customer_count(),
        "every customer's consent"
    );
    let s = status(&app, &env).await;
    assert!(sweep(&s, "per_customer")["last_completed_at"].is_string(), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_exports_each_sweeps_coverage_after_a_reconcile_pass() {
    use common::daemon::{Daemon, DaemonSpec, eventually};
    let app = spawn_app(SimConfig::default().with_customers(300).with_seed(17)).await;
    let daemon = Daemon::start(&DaemonSpec {
        database_url: &app.db.url,
        stores: vec![&app.sim],
        incremental: "0 0 1 1 *",
        reconcile: "*/2 * * * * *",
        webhook_secret: None,
        lease_ttl_secs: 30,
    })
    .await;
    let series = r#"bcsync_sweep_coverage_ratio{store="abc123",sweep="per_customer"}"#;
    eventually(
        std::time::Duration::from_secs(60),
        "sweep coverage exported",
        || async {
            let text = daemon.get("/metrics").await.text().await.unwrap();
            text.lines().any(|l| l.starts_with(series))
                && text.contains(r#"bcsync_sweep_cycle_remaining_seconds{store="abc123",sweep="customers"}"#)
        },
    )
    .await;
}

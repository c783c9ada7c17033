//! Issue "the daemon": `bcsync run` on a 2 s schedule keeps the mirror equal, stops
//! cleanly on SIGTERM, shares stores between replicas through leases, and applies
//! webhooks within seconds.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bcsync_mirror::testing::fresh_database;
use bcsync_simulator::{SimConfig, Simulator};
use common::daemon::{Daemon, DaemonSpec, eventually};
use common::mirror::is_exact;
use common::{Api, bcsync_in, show, spawn_app};
use reqwest::Method;
use serde_json::json;
use sqlx::Row;

const EVERY_2S: &str = "*/2 * * * * *";
const HOURLY: &str = "0 0 * * * *";

fn spec<'a>(
    db: &'a str,
    sims: Vec<&'a Simulator>,
    incremental: &'a str,
    reconcile: &'a str,
) -> DaemonSpec<'a> {
    DaemonSpec {
        database_url: db,
        stores: sims,
        incremental,
        reconcile,
        webhook_secret: None,
        lease_ttl_secs: 3,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_keeps_the_mirror_equal_while_data_changes_and_stops_on_sigterm() {
    let app = spawn_app(SimConfig::default().with_customers(400).with_seed(21)).await;
    let daemon = Daemon::start(&spec(&app.db.url, vec![&app.sim], EVERY_2S, "*/4 * * * * *")).await;
    let (sim, pool) = (&app.sim, app.pool());
    eventually(Duration::from_secs(30), "first mirror", || {
        is_exact(sim, pool, "abc123")
    })
    .await;

    // Changes through the API, as the merchant's other apps make them.
    let api = Api::new(&app);
    let ids: Vec<i64> = sim.customers().iter().map(|c| c.id).collect();
    api.send(
        Method::PUT,
        "/customers",
        Some(json!([{"id": ids[0], "first_name": "Renamed"}])),
    )
    .await;
    api.send(Method::DELETE, &format!("/customers?id:in={}", ids[1]), None)
        .await;
    let address = sim.addresses()[0].id;
    sim.update_address(address, |a| a.city = Some("Elsewhere".into()));
    if !common::daemon::within(Duration::from_secs(30), || is_exact(sim, pool, "abc123")).await {
        let out = daemon.terminate(Duration::from_secs(25)).await;
        eprintln!("daemon said:\n{}", show(&out));
        app.assert_mirror_exact().await;
        panic!("not mirrored");
    }

    assert_eq!(daemon.get("/healthz").await.status(), 200);
    assert_eq!(daemon.get("/readyz").await.status(), 200);
    let metrics = daemon.get("/metrics").await.text().await.unwrap();
    let (families, error) = prom_text_format_parser::parse_scrape(&metrics);
    if let Some(prom_text_format_parser::ScrapeParseError::Collect(errors)) = &error {
        // Families announced before any sample are valid text; this parser lists them.
        assert!(
            errors.iter().all(|e| e.error.ends_with("has no samples")),
            "{errors:?}"
        );
    } else {
        assert!(
            error.is_none(),
            "/metrics is not valid Prometheus text: {error:?}\n{metrics}"
        );
    }
    let value = |name: &str| {
        families
            .iter()
            .filter(|f| f.name == name || format!("{}_total", f.name) == name)
            .flat_map(|f| f.samples.iter())
            .map(|s| s.value.value.as_f64())
            .sum::<f64>()
    };
    assert!(value("bcsync_api_requests_total") > 0.0, "{metrics}");
    assert!(value("bcsync_passes_total") >= 1.0, "{metrics}");
    assert!(value("bcsync_last_success_timestamp_seconds") > 0.0, "{metrics}");
    assert!(!metrics.contains("@"), "no customer data (emails) in metrics");

    let out = daemon.terminate(Duration::from_secs(25)).await;
    assert!(out.status.success(), "exit 0 after SIGTERM:\n{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        serde_json::from_str::<serde_json::Value>(first).is_ok(),
        "JSON logs on a pipe: {first}"
    );
    assert!(!stdout.contains("sim-token"), "the token never reaches the logs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_pass_exits_cleanly_with_no_page_half_written() {
    let app = spawn_app(
        SimConfig::default()
            .with_customers(20_000)
            .with_seed(22)
            .with_latency_ms(20),
    )
    .await;
    let daemon = Daemon::start(&spec(&app.db.url, vec![&app.sim], EVERY_2S, HOURLY)).await;
    let pool = app.pool();
    let count = || app.scalar::<i64>("SELECT count(*) FROM bigcommerce.customers");
    eventually(Duration::from_secs(60), "the first pass under way", || async {
        count().await > 500
    })
    .await;
    let out = daemon.terminate(Duration::from_secs(25)).await;
    assert!(out.status.success(), "exit 0 after SIGTERM:\n{}", show(&out));
    let stored = count().await;
    assert!(stored < 20_000, "stopped mid-pass ({stored} stored)");

    // Every stored customer has exactly its addresses: pages commit whole.
    let mut want: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for a in app.sim.addresses() {
        want.entry(a.customer_id).or_default().insert(a.id);
    }
    let rows = sqlx::query(
        "SELECT c.id, array_remove(array_agg(a.id), NULL) AS addresses FROM bigcommerce.customers c \
         LEFT JOIN bigcommerce.customer_addresses a ON a.customer_id = c.id AND a.deleted_at IS NULL \
         GROUP BY c.id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for r in rows {
        let id: i64 = r.get(0);
        let got: BTreeSet<i64> = r.get::<Vec<i64>, _>(1).into_iter().collect();
        assert_eq!(got, want.remove(&id).unwrap_or_default(), "customer {id}");
    }
    // And the next pass completes the mirror.
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_three_stores_one_at_a_time_and_take_over_from_a_dead_one() {
    let db = fresh_database().await;
    let mut sims = Vec::new();
    for (i, hash) in ["storea", "storeb", "storec"].into_iter().enumerate() {
        let cfg = SimConfig::default()
            .with_store_hash(hash)
            .with_customers(300)
            .with_seed(30 + i as u64);
        sims.push(Simulator::start(cfg).await.unwrap());
    }
    let refs: Vec<&Simulator> = sims.iter().collect();
    let s = spec(&db.url, refs, EVERY_2S, "*/3 * * * * *");
    let mut first = Daemon::start(&s).await;
    let second = Daemon::start(&s).await;
    let pool = db.mirror.pool();
    for sim in &sims {
        eventually(Duration::from_secs(40), "every store mirrored", || {
            is_exact(sim, pool, sim.store_hash())
        })
        .await;
    }
    let holders = || async {
        sqlx::query("SELECT store_hash, holder FROM bigcommerce.store_leases WHERE expires_at > now()")
            .fetch_all(pool)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
            .collect::<BTreeMap<String, String>>()
    };
    // The first replica starts alone and takes all three; it hands one back between
    // passes once it sees the second (the replicas balance 2/1), and the store is free
    // for up to a keeper round before the second claims it.
    let balanced =
        |h: &BTreeMap<String, String>| h.len() == 3 && h.values().collect::<BTreeSet<_>>().len() == 2;
    let mut now = holders().await;
    for _ in 0..100 {
        if balanced(&now) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        now = holders().await;
    }
    assert!(
        balanced(&now),
        "each store leased, split between the replicas: {now:?}"
    );

    // No two replicas ever worked one store at the same time.
    let assert_no_overlap = || async {
        let rows = sqlx::query(
            "SELECT store_hash, started_at, finished_at, details->>'replica' FROM bigcommerce.sync_runs \
             ORDER BY store_hash, started_at",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let mut last: BTreeMap<String, (chrono::DateTime<chrono::Utc>, String)> = BTreeMap::new();
        for r in rows {
            let (hash, start, end, replica): (
                String,
                chrono::DateTime<chrono::Utc>,
                chrono::DateTime<chrono::Utc>,
                String,
            ) = (r.get(0), r.get(1), r.get(2), r.get(3));
            if let Some((prev_end, prev_replica)) = last.get(&hash) {
                assert!(
                    *prev_end <= start || *prev_replica == replica,
                    "store {hash}: {prev_replica} and {replica} overlapped"
                );
            }
            last.insert(hash, (end, replica));
        }
    };
    assert_no_overlap().await;

    // Kill one replica: the other takes its stores within the lease's ttl. A holder
    // is "<host>-<pid>-<random>", so the pid tells the two replicas apart.
    let (dead, alive) = (format!("-{}-", first.pid()), format!("-{}-", second.pid()));
    first.kill9();
    let _ = first.child.wait().await;
    eventually(
        Duration::from_secs(20),
        "the survivor holds every store",
        || async {
            let now = holders().await;
            now.len() == 3 && now.values().all(|h| h.contains(&alive))
        },
    )
    .await;
    let survivor = holders().await.values().next().unwrap().clone();
    assert!(
        survivor.contains(&alive) && !survivor.contains(&dead),
        "{survivor} holds every store, not the live replica ({alive})"
    );
    // And keeps them current.
    sims[0].touch_customers(&[1, 2, 3]);
    eventually(Duration::from_secs(20), "changes after the takeover", || {
        is_exact(&sims[0], pool, sims[0].store_hash())
    })
    .await;
    assert_no_overlap().await;
    let out = second.terminate(Duration::from_secs(25)).await;
    assert!(out.status.success(), "{}", show(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_reaches_the_mirror_within_two_seconds_and_a_forged_one_changes_nothing() {
    let app = spawn_app(SimConfig::default().with_customers(300).with_seed(23)).await;
    let mut s = spec(&app.db.url, vec![&app.sim], HOURLY, HOURLY);
    s.webhook_secret = Some("whsec-test");
    let daemon = Daemon::start(&s).await;
    let (sim, pool) = (&app.sim, app.pool());
    eventually(Duration::from_secs(30), "the startup pass", || {
        is_exact(sim, pool, "abc123")
    })
    .await;

    sim.set_webhook_target(Some((
        format!("{}/webhooks/bigcommerce", daemon.addr),
        "whsec-test".to_owned(),
    )));
    let api = Api::new(&app);
    let id = sim.customers()[5].id;
    api.send(
        Method::PUT,
        "/customers",
        Some(json!([{"id": id, "last_name": "Hooked"}])),
    )
    .await;
    let start = std::time::Instant::now();
    eventually(
        Duration::from_secs(2),
        "the webhook's change in the mirror",
        || async {
            sqlx::query_scalar::<_, String>("SELECT last_name FROM bigcommerce.customers WHERE id = $1")
                .bind(id)
                .fetch_one(pool)
                .await
                .is_ok_and(|n| n == "Hooked")
        },
    )
    .await;
    eprintln!("webhook to mirror: {:?}", start.elapsed());
    let gone = sim.customers()[6].id;
    api.send(Method::DELETE, &format!("/customers?id:in={gone}"), None)
        .await;
    eventually(Duration::from_secs(2), "the deleted customer marked", || async {
        sqlx::query_scalar::<_, bool>(
            "SELECT deleted_at IS NOT NULL FROM bigcommerce.customers WHERE id = $1",
        )
        .bind(gone)
        .fetch_one(pool)
        .await
        .unwrap_or(false)
    })
    .await;

    // Forged: wrong secret, and a real-looking payload naming a customer to delete.
    let victim = sim.customers()[7].id;
    let forged = reqwest::Client::new()
        .post(format!("{}/webhooks/bigcommerce", daemon.addr))
        .header("X-Bcsync-Webhook-Secret", "guess")
        .json(&json!({"scope": "store/customer/deleted", "store_id": "1", "data": {"type": "customer", "id": victim},
            "hash": "x", "created_at": 1, "producer": "stores/abc123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    tokio::time::sleep(Duration::from_secs(1)).await;
    app.assert_mirror_exact().await;
    let out = daemon.terminate(Duration::from_secs(25)).await;
    assert!(out.status.success(), "{}", show(&out));
}

#[tokio::test]
async fn a_malformed_config_names_the_file_and_key_and_exits_before_doing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bcsync.toml");
    let config = path.to_str().unwrap();
    std::fs::write(
        &path,
        "[database]\nurl = \"postgres://x@127.0.0.1:1/x\"\n[[stores]]\nhash = \"abc\"\ntoken = \"t\"\nquota_share = 1.5\n",
    )
    .unwrap();
    let out = bcsync_in(dir.path(), &["run", "--config", config], &[]).await;
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bcsync.toml") && stderr.contains("quota_share"),
        "{stderr}"
    );

    let out = bcsync_in(dir.path(), &["config", "check", "--config", config], &[]).await;
    assert!(!out.status.success());
    std::fs::write(
        &path,
        "[database]\nurl = \"postgres://bcsync:hunter2@db/x\"\n[[stores]]\nhash = \"abc\"\ntoken = \"tok-secret\"\n",
    )
    .unwrap();
    let out = bcsync_in(dir.path(), &["config", "check", "--config", config], &[]).await;
    assert!(out.status.success(), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("abc") && !stdout.contains("tok-secret") && !stdout.contains("hunter2"),
        "{stdout}"
    );
}

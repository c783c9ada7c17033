//! `bcsync status`: the lag column, `--json` and `--max-lag` as an orchestrator's gate,
//! driving the real binary against a synced simulator mirror.

use crate::common;

use bcsync_mirror::{RunOutcome, RunSummary};
use bcsync_simulator::SimConfig;
use common::{show, spawn_app};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_lag_as_json_and_max_lag_gates_on_staleness_and_failure() {
    let app = spawn_app(SimConfig::default().with_customers(30).with_seed(11)).await;
    let hash = app.sim.store_hash().to_owned();

    // Nothing synced yet: the gate fails, naming the store.
    let out = app.run(&["status", "--max-lag", "15m"]).await;
    assert!(!out.status.success(), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("store {hash}: no finished pass yet")));

    app.run_ok(&["sync"]).await;
    let out = app.run_ok(&["status", "--json", "--max-lag", "15m"]).await;
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], true, "{doc:#}");
    assert_eq!(doc["max_lag_seconds"], 900);
    let store = &doc["stores"][0];
    assert_eq!(store["store_hash"], hash.as_str());
    assert_eq!(store["last_pass"]["outcome"], "succeeded");
    assert!(store["lag_seconds"].as_i64().unwrap() < 120, "{store:#}");
    let customers = store["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "customers")
        .expect("a customers resource");
    assert_eq!(customers["last_status"], "succeeded");
    assert!(customers["lag_seconds"].as_i64().unwrap() < 120);
    let table = store["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "customers")
        .unwrap();
    assert_eq!(table["live"], 30);

    let human = app.run_ok(&["status"]).await;
    let text = String::from_utf8_lossy(&human.stdout);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("customers ") && l.contains(" lag "))
        .unwrap_or_else(|| panic!("no lag line for customers in:\n{text}"));
    assert!(line.contains("last succeeded"), "{line}");

    // An hour later without a pass: stale for 15m, fresh enough for 2h.
    sqlx::query("UPDATE bigcommerce.sync_runs SET started_at = started_at - interval '1 hour'")
        .execute(app.pool())
        .await
        .unwrap();
    let out = app.run(&["status", "--max-lag", "15m"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("store {hash}: last successful pass 1h")),
        "{err}"
    );
    assert!(err.contains("resource customers: last read 1h"), "{err}");
    let out = app.run(&["status", "--json", "--max-lag", "15m"]).await;
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert!(!doc["problems"].as_array().unwrap().is_empty());
    app.run_ok(&["status", "--max-lag", "2h"]).await;

    // A failed last pass fails the gate whatever the lag.
    let run = app.db.mirror.start_run(&hash, "sync").await.unwrap();
    app.db
        .mirror
        .finish_run(
            run,
            &RunSummary {
                outcome: RunOutcome::Failed,
                error: Some("GET /customers: 500 after 5 attempts".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let out = app.run(&["status", "--max-lag", "2h"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the last pass (sync) failed: GET /customers: 500"),
        "{}",
        show(&out)
    );

    let out = app.run(&["status", "--max-lag", "15x"]).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the unit must be s, m, h or d"),
        "{}",
        show(&out)
    );
}

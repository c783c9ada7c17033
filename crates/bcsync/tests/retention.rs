//! `[change_log] retention_days`: the daemon prunes old change_log rows, keeps the
//! recent ones, and a loader whose cursor fell behind the pruned horizon is told to
//! reload from the tables.

use crate::common;

use std::time::Duration;

use bcsync_simulator::SimConfig;
use common::daemon::{Daemon, DaemonSpec, eventually};
use common::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_prunes_changes_older_than_the_retention_and_old_cursors_get_told_to_reload() {
    let app = spawn_app(SimConfig::default().with_customers(40).with_seed(7)).await;
    app.run_ok(&["resync"]).await;
    let pool = app.pool();
    let seqs: Vec<i64> = sqlx::query_scalar("SELECT seq FROM bigcommerce.change_log ORDER BY seq")
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(seqs.len() >= 40, "{} changes", seqs.len());
    // The first half happened three days ago.
    let old_last = seqs[seqs.len() / 2];
    sqlx::query("UPDATE bigcommerce.change_log SET changed_at = now() - interval '3 days' WHERE seq <= $1")
        .bind(old_last)
        .execute(pool)
        .await
        .unwrap();

    let spec = DaemonSpec {
        database_url: &app.db.url,
        stores: vec![&app.sim],
        incremental: "0 0 0 1 1 *",
        reconcile: "0 0 0 1 1 *",
        webhook_secret: None,
        lease_ttl_secs: 30,
    };
    let daemon = Daemon::start_with(&spec, |mut toml| {
        toml.push_str("[change_log]\nretention_days = 1\n");
        toml
    })
    .await;

    eventually(Duration::from_secs(60), "old change_log rows pruned", || async {
        let horizon: i64 = sqlx::query_scalar("SELECT pruned_through FROM bigcommerce.change_log_horizon")
            .fetch_one(pool)
            .await
            .unwrap();
        horizon == old_last
    })
    .await;
    let out = daemon.terminate(Duration::from_secs(60)).await;
    let log = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("pruned change_log"), "{log}");

    let left: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM bigcommerce.change_log WHERE seq <= $1 ORDER BY seq")
            .bind(*seqs.last().unwrap())
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(left, seqs[seqs.len() / 2 + 1..], "exactly the old rows are gone");

    let e = sqlx::query("SELECT * FROM bigcommerce.changes_after($1, 100)")
        .bind(seqs[0])
        .fetch_all(pool)
        .await
        .unwrap_err();
    let e = e.into_database_error().unwrap();
    assert_eq!(e.code().as_deref(), Some("BC410"));
    assert!(
        e.message()
            .contains("older than the change_log retention horizon"),
        "{}",
        e.message()
    );
    let resumed: Vec<i64> = sqlx::query_scalar("SELECT seq FROM bigcommerce.changes_after($1, 100000)")
        .bind(old_last)
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(resumed[..left.len()], left[..], "a cursor at the horizon resumes");
}

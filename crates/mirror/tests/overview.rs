//! `Mirror::store_overview` and `Mirror::quarantine_count`: what the status page and the
//! quarantine gauge read, against a real database.

use std::time::Duration;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Quarantined, RunOutcome, RunSummary};
use chrono::{TimeDelta, Utc};
use serde_json::json;

#[tokio::test]
async fn the_overview_shows_lease_runs_window_and_quarantine_of_one_store_only() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let now = Utc::now();
    let run = |outcome, error: Option<&str>| RunSummary {
        outcome,
        error: error.map(str::to_owned),
        requests: 7,
        rows_written: 3,
        ..RunSummary::default()
    };
    // Two passes ten hours ago (outside a 6-hour window), then three in the last hour,
    // the middle one failed with an error that quotes a field.
    for (ago_min, outcome, error) in [
        (700, RunOutcome::Succeeded, None),
        (600, RunOutcome::Succeeded, None),
        (50, RunOutcome::Succeeded, None),
        (
            30,
            RunOutcome::Failed,
            Some("email \"jane@example.com\" is not valid"),
        ),
        (10, RunOutcome::Succeeded, None),
    ] {
        mirror
            .record_run(
                "abc123",
                "incremental",
                now - TimeDelta::minutes(ago_min),
                &run(outcome, error),
            )
            .await
            .unwrap();
    }
    mirror
        .record_run("def456", "incremental", now, &run(RunOutcome::Succeeded, None))
        .await
        .unwrap();
    // record_run ends runs now; each of these took a minute.
    sqlx::query("UPDATE bigcommerce.sync_runs SET finished_at = started_at + interval '1 minute'")
        .execute(mirror.pool())
        .await
        .unwrap();
    assert!(
        mirror
            .claim_lease("abc123", "replica-a", Duration::from_secs(60))
            .await
            .unwrap()
    );
    let bad = |id| Quarantined {
        entity_id: id,
        raw: json!({"id": id}),
        error: "date_created: not a date".to_owned(),
    };
    mirror
        .quarantine("abc123", "customers", &[bad(1), bad(2)])
        .await
        .unwrap();
    mirror.quarantine("def456", "customers", &[bad(3)]).await.unwrap();

    let o = mirror.store_overview("abc123", 3, 6.0).await.unwrap();
    assert_eq!(o.lease.as_ref().map(|l| l.0.as_str()), Some("replica-a"));
    assert_eq!(o.quarantined, 2);
    assert_eq!(mirror.quarantine_count("def456").await.unwrap(), 1);
    // The last three runs, newest first, without their error text.
    let started: Vec<i64> = o
        .recent_runs
        .iter()
        .map(|r| (now - r.started_at).num_minutes())
        .collect();
    assert_eq!(started, vec![10, 30, 50]);
    assert_eq!(o.recent_runs[1].outcome, "failed");
    assert_eq!((o.recent_runs[0].requests, o.recent_runs[0].rows_written), (7, 3));
    // Succeeded runs: the two in the window and the last one before it, oldest first.
    let window: Vec<i64> = o.succeeded.iter().map(|r| (now - r.0).num_minutes()).collect();
    assert_eq!(window, vec![600, 50, 10]);
    assert!(o.now >= now);

    let other = mirror.store_overview("def456", 8, 6.0).await.unwrap();
    assert_eq!(other.lease, None);
    assert_eq!(other.recent_runs.len(), 1);
    assert!(other.resources.is_empty());
}

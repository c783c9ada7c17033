//! Watermarks committed with their page, atomicity, and the run journal.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{CustomerPage, MirrorError, RunOutcome, RunSummary, Table};
use common::{STORE, address, customer, raw, ts, write};
use serde_json::json;
use sqlx::Row;

const RESOURCE: &str = "customers";

#[tokio::test]
async fn the_checkpoint_is_committed_with_the_page_and_set_exactly() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    assert_eq!(mirror.watermark(STORE, RESOURCE).await.unwrap(), None);
    let customers = [raw(customer(1, 5))];
    let mut page = CustomerPage {
        store_hash: STORE,
        customers: &customers,
        addresses: &[],
        complete_address_sets_for: &[],
        checkpoint: Some((RESOURCE, ts(5))),
    };
    mirror.write_customer_page(&page).await.unwrap();
    assert_eq!(mirror.watermark(STORE, RESOURCE).await.unwrap(), Some(ts(5)));
    assert_eq!(mirror.watermark(STORE, "addresses").await.unwrap(), None);
    assert_eq!(mirror.watermark("other", RESOURCE).await.unwrap(), None);

    // No checkpoint: the watermark stays.
    page.checkpoint = None;
    mirror.write_customer_page(&page).await.unwrap();
    assert_eq!(mirror.watermark(STORE, RESOURCE).await.unwrap(), Some(ts(5)));

    // The caller decides: an earlier value is stored as given (a resync resets it).
    page.checkpoint = Some((RESOURCE, ts(1)));
    mirror.write_customer_page(&page).await.unwrap();
    assert_eq!(mirror.watermark(STORE, RESOURCE).await.unwrap(), Some(ts(1)));

    mirror.clear_watermark(STORE, RESOURCE).await.unwrap();
    assert_eq!(mirror.watermark(STORE, RESOURCE).await.unwrap(), None);
    mirror.clear_watermark(STORE, "never-synced").await.unwrap();
}

#[tokio::test]
async fn a_failing_write_leaves_neither_rows_nor_watermark() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    write(mirror, &[raw(customer(1, 0))], &[raw(address(10, 1))]).await;
    // Provoke a failure in the page's second statement, after the customers went in.
    sqlx::query("ALTER TABLE bigcommerce.customer_addresses ALTER COLUMN city SET NOT NULL")
        .execute(mirror.pool())
        .await
        .unwrap();
    let mut changed = customer(1, 9);
    changed.email = Some("changed@example.com".into());
    let mut cityless = address(11, 2);
    cityless.city = None;
    let customers = [raw(changed), raw(customer(2, 9))];
    let addresses = [raw(address(12, 1)), raw(cityless)];
    let err = mirror
        .write_customer_page(&CustomerPage {
            store_hash: STORE,
            customers: &customers,
            addresses: &addresses,
            complete_address_sets_for: &[1],
            checkpoint: Some((RESOURCE, ts(9))),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, MirrorError::Query { .. }), "{err:?}");
    assert!(
        err.to_string().contains("bigcommerce.customer_addresses"),
        "{err}"
    );
    assert!(err.sqlx_error().is_some());

    assert_eq!(mirror.watermark(STORE, RESOURCE).await.unwrap(), None);
    assert_eq!(mirror.count_live(STORE, Table::Customers).await.unwrap(), 1);
    assert_eq!(
        mirror.count_live(STORE, Table::CustomerAddresses).await.unwrap(),
        1
    );
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM bigcommerce.customers WHERE id = 1")
        .fetch_one(mirror.pool())
        .await
        .unwrap();
    assert_eq!(email.as_deref(), Some("c1@example.com"));
    // The pool is still usable after the rollback.
    write(mirror, &[raw(customer(3, 0))], &[]).await;
}

#[tokio::test]
async fn a_run_is_opened_and_closed_with_its_counts() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let id = mirror.start_run(STORE, "sync").await.unwrap();
    let second = mirror.start_run(STORE, "resync").await.unwrap();
    assert_ne!(id, second);
    let row = sqlx::query("SELECT * FROM bigcommerce.sync_runs WHERE id = $1")
        .bind(id)
        .fetch_one(mirror.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("outcome"), "running");
    assert_eq!(row.get::<String, _>("kind"), "sync");
    assert_eq!(
        row.get::<Option<chrono::DateTime<chrono::Utc>>, _>("finished_at"),
        None
    );

    let summary = RunSummary {
        outcome: RunOutcome::Failed,
        error: Some("429 forever".into()),
        rows_read: 10,
        rows_written: 7,
        rows_deleted: 2,
        requests: 3,
        details: json!({"customers": {"read": 10}}),
    };
    mirror.finish_run(id, &summary).await.unwrap();
    mirror.finish_run(second, &RunSummary::default()).await.unwrap();
    let rows = sqlx::query("SELECT * FROM bigcommerce.sync_runs ORDER BY id")
        .fetch_all(mirror.pool())
        .await
        .unwrap();
    let counts = |r: &sqlx::postgres::PgRow| {
        ["rows_read", "rows_written", "rows_deleted", "requests"].map(|c| r.get::<i64, _>(c))
    };
    assert_eq!(rows[0].get::<String, _>("outcome"), "failed");
    assert_eq!(
        rows[0].get::<Option<String>, _>("error").as_deref(),
        Some("429 forever")
    );
    assert_eq!(counts(&rows[0]), [10, 7, 2, 3]);
    assert_eq!(rows[0].get::<serde_json::Value, _>("details"), summary.details);
    assert!(
        rows[0]
            .get::<Option<chrono::DateTime<chrono::Utc>>, _>("finished_at")
            .is_some()
    );
    assert_eq!(rows[1].get::<String, _>("outcome"), "succeeded");
    assert_eq!(rows[1].get::<serde_json::Value, _>("details"), json!({}));

    let err = mirror.finish_run(id + 1000, &summary).await.unwrap_err();
    assert!(matches!(err, MirrorError::RunNotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("sync_runs"), "{err}");
}

#[tokio::test]
async fn a_finished_run_can_be_recorded_in_one_go() {
    let db = fresh_database().await;
    let summary = RunSummary {
        rows_read: 5,
        requests: 2,
        ..RunSummary::default()
    };
    let id = db
        .mirror
        .record_run(STORE, "sync", ts(0), &summary)
        .await
        .unwrap();
    let row = sqlx::query("SELECT * FROM bigcommerce.sync_runs WHERE id = $1")
        .bind(id)
        .fetch_one(db.mirror.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<chrono::DateTime<chrono::Utc>, _>("started_at"), ts(0));
    assert!(
        row.get::<Option<chrono::DateTime<chrono::Utc>>, _>("finished_at")
            .is_some()
    );
    assert_eq!(row.get::<String, _>("outcome"), "succeeded");
    assert_eq!(
        (row.get::<i64, _>("rows_read"), row.get::<i64, _>("requests")),
        (5, 2)
    );
    assert_eq!(row.get::<serde_json::Value, _>("details"), json!({}));
}

//! Production conditions, end to end (simulator over HTTP → the real `bcsync` binary →
//! a real PostgreSQL): a crowded second edited on every read of it, a row stamped
//! ahead of the API's clock, and listings that lag.

use crate::common;

use bcsync_simulator::SimConfig;
use chrono::{DateTime, TimeDelta, Utc};
use common::{App, spawn_app};

async fn last_outcome(app: &App) -> (String, Option<String>) {
    sqlx::query_as("SELECT outcome, error FROM bigcommerce.sync_runs ORDER BY id DESC LIMIT 1")
        .fetch_one(app.pool())
        .await
        .unwrap()
}

async fn watermark(app: &App) -> DateTime<Utc> {
    sqlx::query_scalar(
        "SELECT watermark FROM bigcommerce.sync_state WHERE store_hash = $1 AND resource = 'customers'",
    )
    .bind(app.sim.store_hash())
    .fetch_one(app.pool())
    .await
    .unwrap()
}

fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap()
}

#[tokio::test]
async fn a_second_of_700_customers_edited_on_every_read_completes_and_stays_exact() {
    let app = spawn_app(SimConfig::default().with_customers(1_500).with_seed(21)).await;
    // 700 customers share one recent second (inside the next pass's look-back, so
    // that pass reads it again under the same churn).
    let second = whole_second(Utc::now() - TimeDelta::seconds(20));
    let ids: Vec<i64> = app.sim.customers().iter().take(700).map(|c| c.id).collect();
    assert_eq!(app.sim.with_state(|s| s.stamp_customers(&ids, second)), 700);
    app.sim.with_state(|s| s.set_second_churn(Some(second), 5));
    let before = app.sim.request_count();

    app.run_ok(&["sync"]).await;
    assert_eq!(last_outcome(&app).await, ("succeeded".to_owned(), None));
    let still_there = in_second(&app, second);
    assert!(
        still_there < 700 - 20,
        "the second was edited while it was read ({still_there} left of 700)"
    );
    app.assert_mirror_exact().await;
    assert!(
        watermark(&app).await >= second,
        "the pass claimed the crowded second"
    );

    // The next pass re-reads the second (look-back) while it is still being edited.
    app.run_ok(&["sync"]).await;
    assert_eq!(last_outcome(&app).await, ("succeeded".to_owned(), None));
    app.assert_mirror_exact().await;
    let left = in_second(&app, second);
    assert!(
        left < still_there,
        "the second pass read the second again under churn"
    );
    assert!(app.sim.request_count() > before);
}

#[tokio::test]
async fn a_row_stamped_an_hour_ahead_hides_no_later_edit() {
    let app = spawn_app(SimConfig::default().with_customers(600).with_seed(22)).await;
    app.run_ok(&["sync"]).await;
    let ids: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    let ahead = Utc::now() + TimeDelta::hours(1);
    assert_eq!(app.sim.with_state(|s| s.stamp_customers(&ids[..1], ahead)), 1);
    app.run_ok(&["sync"]).await;
    // Stored, but the watermark stays behind the API's clock.
    let stored: DateTime<Utc> =
        sqlx::query_scalar("SELECT date_modified FROM bigcommerce.customers WHERE id = $1")
            .bind(ids[0])
            .fetch_one(app.pool())
            .await
            .unwrap();
    assert_eq!(stored, whole_second(ahead));
    assert!(
        watermark(&app).await <= Utc::now(),
        "the watermark passed the API's clock"
    );

    // Ordinary edits, stamped by the API's clock, after the row from the future.
    for id in &ids[100..120] {
        assert!(
            app.sim
                .update_customer(*id, |c| c.company = Some(format!("Edited {id}")))
        );
    }
    app.run_ok(&["sync"]).await;
    let edited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bigcommerce.customers WHERE id = ANY($1) AND company = 'Edited ' || id",
    )
    .bind(&ids[100..120])
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert_eq!(
        edited, 20,
        "every edit after the row stamped ahead reached the mirror"
    );
    app.assert_mirror_exact().await;
}

#[tokio::test]
async fn listings_that_lag_never_delete_a_live_row_while_real_deletes_are_found() {
    let app = spawn_app(SimConfig::default().with_customers(800).with_seed(23)).await;
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
    let seq_before: i64 = app
        .scalar("SELECT coalesce(max(seq), 0) FROM bigcommerce.change_log")
        .await;

    // Real deletes: three customers (with their addresses) and three addresses.
    let customers = app.sim.customers();
    let doomed: Vec<i64> = customers
        .iter()
        .filter(|c| c.address_count.unwrap_or(0) > 0)
        .step_by(97)
        .take(3)
        .map(|c| c.id)
        .collect();
    let mut expected_addresses: Vec<i64> = app
        .sim
        .addresses()
        .iter()
        .filter(|a| doomed.contains(&a.customer_id))
        .map(|a| a.id)
        .collect();
    let kept_addresses = app
        .sim
        .addresses()
        .into_iter()
        .filter(|a| !doomed.contains(&a.customer_id));
    let doomed_addresses = every_nth(kept_addresses.map(|a| a.id), 151, 3);
    expected_addresses.extend(&doomed_addresses);
    expected_addresses.sort();
    assert_eq!(app.sim.delete_customers(&doomed), 3);
    assert_eq!(app.sim.delete_addresses(&doomed_addresses), 3);

    // Every customers and addresses answer leaves out a live row 30% of the time.
    app.sim.with_state(|s| s.set_listing_lag(0.3));
    let sweep = [
        ("BCSYNC_ADDRESS_SWEEP_PAGES", "3"),
        ("BCSYNC_LISTING_SWEEP_PAGES", "4"),
    ];
    for _ in 0..12 {
        let mut cmd = app.command(&["sync"]);
        cmd.envs(sweep);
        let out = cmd.output().await.unwrap();
        assert!(out.status.success(), "{}", common::show(&out));
    }
    let lagged = app.sim.with_state(|s| s.lagged_rows());
    assert!(lagged > 20, "the listings lagged ({lagged} rows left out)");

    // Every delete event is a real delete: no live row was ever marked deleted.
    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT entity, entity_id FROM bigcommerce.change_log WHERE op = 'delete' AND seq > $1",
    )
    .bind(seq_before)
    .fetch_all(app.pool())
    .await
    .unwrap();
    let false_deletes: Vec<&(String, String)> = events
        .iter()
        .filter(|(entity, id)| {
            let id: i64 = id.parse().unwrap_or(-1);
            match entity.as_str() {
                "customers" => !doomed.contains(&id),
                "customer_addresses" => !expected_addresses.contains(&id),
                // Children of the deleted customers go with them.
                _ => false,
            }
        })
        .collect();
    assert!(
        false_deletes.is_empty(),
        "live rows marked deleted: {false_deletes:?}"
    );

    // The real deletes were found despite the lag.
    let marked: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM bigcommerce.customers WHERE deleted_at IS NOT NULL ORDER BY id")
            .fetch_all(app.pool())
            .await
            .unwrap();
    let mut want = doomed.clone();
    want.sort();
    assert_eq!(marked, want, "exactly the deleted customers are marked");
    let marked: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM bigcommerce.customer_addresses WHERE deleted_at IS NOT NULL ORDER BY id",
    )
    .fetch_all(app.pool())
    .await
    .unwrap();
    assert_eq!(
        marked, expected_addresses,
        "exactly the deleted addresses are marked"
    );

    // Edits still arrive while the listings lag: an answer short of its own total is
    // asked again rather than let the watermark pass the row it lacks.
    let kept = app
        .sim
        .customers()
        .into_iter()
        .filter(|c| !doomed.contains(&c.id));
    let edited = every_nth(kept.map(|c| c.id), 53, 10);
    for id in &edited {
        assert!(
            app.sim
                .update_customer(*id, |c| c.company = Some(format!("Lagged {id}")))
        );
    }
    for _ in 0..3 {
        app.run_ok(&["sync"]).await;
    }
    let arrived: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bigcommerce.customers WHERE id = ANY($1) AND company = 'Lagged ' || id",
    )
    .bind(&edited)
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert_eq!(arrived, 10, "edits made while the listings lag reach the mirror");

    // Once the listings catch up, the mirror is exact.
    app.sim.with_state(|s| s.set_listing_lag(0.0));
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
}

#[tokio::test]
async fn a_crowded_second_still_current_at_the_api_is_left_for_the_next_pass() {
    let app = spawn_app(SimConfig::default().with_customers(400).with_seed(24)).await;
    app.run_ok(&["sync"]).await;
    // 300 customers (more than a page) edited in the API's current second.
    let ids: Vec<i64> = app.sim.customers().iter().take(300).map(|c| c.id).collect();
    let now = whole_second(Utc::now());
    assert_eq!(app.sim.with_state(|s| s.stamp_customers(&ids, now)), 300);
    app.run_ok(&["sync"]).await;
    assert_eq!(last_outcome(&app).await, ("succeeded".to_owned(), None));
    assert!(
        watermark(&app).await < now,
        "a second the API may still add to is not claimed"
    );
    // Once that second is behind the API's clock (plus the margin), the next pass reads it.
    while Utc::now() < now + TimeDelta::seconds(7) {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
    assert!(watermark(&app).await >= now);
}

#[tokio::test]
async fn a_watermark_stored_ahead_of_the_api_clock_is_taken_back() {
    let app = spawn_app(SimConfig::default().with_customers(300).with_seed(25)).await;
    app.run_ok(&["sync"]).await;
    // A watermark written before it was bounded by the API's clock.
    sqlx::query(
        "UPDATE bigcommerce.sync_state SET watermark = now() + interval '1 hour' \
         WHERE store_hash = $1 AND resource = 'customers'",
    )
    .bind(app.sim.store_hash())
    .execute(app.pool())
    .await
    .unwrap();
    let ids: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    for id in &ids[10..20] {
        assert!(
            app.sim
                .update_customer(*id, |c| c.notes = Some(format!("late {id}")))
        );
    }
    app.run_ok(&["sync"]).await;
    app.assert_mirror_exact().await;
    assert!(watermark(&app).await <= Utc::now());
}

/// `n` of `ids`, every `step`-th from the first.
fn every_nth(ids: impl Iterator<Item = i64>, step: usize, n: usize) -> Vec<i64> {
    ids.step_by(step).take(n).collect()
}

/// Customers of the simulator last modified in `second`.
fn in_second(app: &App, second: DateTime<Utc>) -> usize {
    let customers = app.sim.customers();
    customers.iter().filter(|c| c.date_modified == second).count()
}

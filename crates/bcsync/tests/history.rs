//! Issue 15 part 3: history mode through the real binary, PostgreSQL and the simulator.
//! One version per real change, none for an unchanged re-read, the as-of function
//! returns the earlier version, and erasure scrubs the versions too.

use crate::common;

use bcsync_simulator::SimConfig;
use chrono::{DateTime, Utc};
use common::privacy::assert_nowhere;
use common::{App, spawn_app};

const HISTORY: (&str, &str) = ("BCSYNC__DEFAULTS__HISTORY", "customers,customer_addresses");

async fn versions(app: &App) -> i64 {
    app.scalar("SELECT count(*) FROM bigcommerce.customers_history")
        .await
}

/// (first_name, op, closed) of a customer's versions, oldest first.
async fn versions_of(app: &App, id: i64) -> Vec<(Option<String>, String, bool)> {
    sqlx::query_as(
        "SELECT first_name, op, valid_to IS NOT NULL FROM bigcommerce.customers_history \
         WHERE id = $1 ORDER BY valid_from, valid_to NULLS LAST",
    )
    .bind(id)
    .fetch_all(app.pool())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_keeps_one_version_per_real_change_and_answers_as_of() {
    let app = spawn_app(SimConfig::default().with_customers(20).with_seed(31)).await;
    let victim = app.sim.customers()[3].id;
    app.sim
        .update_customer(victim, |c| c.first_name = Some("Oldenburgia".into()));
    app.run_ok_with(&["sync"], &[HISTORY]).await;
    assert_eq!(versions(&app).await, 20);
    let addresses: i64 = app
        .scalar("SELECT count(*) FROM bigcommerce.customer_addresses_history")
        .await;
    assert_eq!(addresses, app.sim.addresses().len() as i64);

    // An unchanged full re-read writes no version.
    app.run_ok_with(&["resync"], &[HISTORY]).await;
    assert_eq!(versions(&app).await, 20);

    let before: DateTime<Utc> = app.scalar("SELECT now()").await;
    app.sim
        .update_customer(victim, |c| c.first_name = Some("Newtonia".into()));
    app.run_ok_with(&["sync"], &[HISTORY]).await;
    assert_eq!(versions(&app).await, 21, "one version for one changed customer");
    assert_eq!(
        versions_of(&app, victim).await,
        [
            (Some("Oldenburgia".to_owned()), "insert".to_owned(), true),
            (Some("Newtonia".to_owned()), "update".to_owned(), false),
        ]
    );
    let as_of = |t: DateTime<Utc>| {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT first_name FROM bigcommerce.customers_as_of($1) WHERE id = $2",
        )
        .bind(t)
        .bind(victim)
        .fetch_one(app.pool())
    };
    assert_eq!(as_of(before).await.unwrap().as_deref(), Some("Oldenburgia"));
    assert_eq!(as_of(Utc::now()).await.unwrap().as_deref(), Some("Newtonia"));
    let live_then: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.customers_as_of($1)")
        .bind(before)
        .fetch_one(app.pool())
        .await
        .unwrap();
    assert_eq!(live_then, 20);

    // Erasure scrubs every version.
    let id = victim.to_string();
    app.run_ok_with(&["erase", "--customer", &id], &[HISTORY]).await;
    let ops: Vec<String> = versions_of(&app, victim).await.into_iter().map(|v| v.1).collect();
    assert_eq!(ops, ["insert", "update", "erase"]);
    let email = app.sim.customer(victim).unwrap().email.unwrap();
    assert_nowhere(&app, &["Oldenburgia".into(), "Newtonia".into(), email]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_setting_no_history_is_written() {
    let app = spawn_app(SimConfig::default().with_customers(5).with_seed(32)).await;
    app.run_ok_with(&["sync"], &[HISTORY]).await;
    assert_eq!(versions(&app).await, 5);
    // Turned off: the next pass clears the setting, later changes write no version.
    let victim = app.sim.customers()[0].id;
    app.sim
        .update_customer(victim, |c| c.first_name = Some("Changed".into()));
    app.run_ok_with(&["sync"], &[]).await;
    assert_eq!(versions(&app).await, 5);
}

/// Versions of customers named `first_name`, and of customer `id` already scrubbed.
async fn history_of(app: &App, first_name: &str, id: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE first_name = $1), \
                count(*) FILTER (WHERE id = $2 AND raw = '{}'::jsonb) \
         FROM bigcommerce.customers_history",
    )
    .bind(first_name)
    .bind(id)
    .fetch_one(app.pool())
    .await
    .unwrap()
}

/// Versions written while history was on are scrubbed by an erasure after it was
/// switched off: by `bcsync erase` (every version of the customer's rows) and by the
/// erase of long-deleted rows (the versions of the rows it erases).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_scrubs_versions_written_before_history_was_switched_off() {
    let app = spawn_app(SimConfig::default().with_customers(6).with_seed(33)).await;
    let (asked, gone) = (app.sim.customers()[1].id, app.sim.customers()[4].id);
    app.sim
        .update_customer(asked, |c| c.first_name = Some("Historica".into()));
    app.sim
        .update_customer(gone, |c| c.first_name = Some("Vanishia".into()));
    let email = app.sim.customer(asked).unwrap().email.unwrap();
    app.run_ok_with(&["sync"], &[HISTORY]).await;
    app.sim.delete_customers(&[gone]);
    // History off from here on: no trigger scrubs the versions.
    app.run_ok_with(&["resync"], &[]).await;
    assert_eq!(history_of(&app, "Historica", asked).await, (1, 0));
    assert_eq!(history_of(&app, "Vanishia", gone).await, (1, 0));

    app.run_ok_with(&["erase", "--customer", &asked.to_string()], &[])
        .await;
    assert_eq!(history_of(&app, "Historica", asked).await, (0, 1));
    assert_nowhere(&app, &["Historica".to_owned(), email]).await;

    // The deleted customer, 31 days later, at the end of a reconciling pass.
    sqlx::query("UPDATE bigcommerce.customers SET deleted_at = now() - interval '31 days' WHERE id = $1")
        .bind(gone)
        .execute(app.pool())
        .await
        .unwrap();
    app.run_ok_with(&["sync"], &[]).await;
    assert_eq!(
        history_of(&app, "Vanishia", gone).await,
        (0, 1),
        "the version stays, scrubbed"
    );
}

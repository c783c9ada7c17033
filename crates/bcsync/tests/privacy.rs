//! Issue 15 "customer data done right": erasure of deleted customers after
//! `erase_deleted_after` and at once with `bcsync erase`, through the real binary,
//! PostgreSQL and the simulator. What a user checks: the personal values are nowhere in
//! the database any more (every table, change_log included), while keys, `deleted_at`
//! and the non-personal columns stay.

use crate::common;

use bcsync_simulator::SimConfig;
use common::privacy::{assert_nowhere, everything};
use common::{App, READ_ALL, show, spawn_app};
use sqlx::Row;

/// `bcsync <args>` with `env`, its slices large enough (`READ_ALL`) to read a small store whole.
async fn bcsync(app: &App, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let env: Vec<_> = READ_ALL.iter().chain(env).copied().collect();
    app.run_ok_with(args, &env).await
}

/// The customer owning the most kinds of child rows in the simulator, given values
/// that occur nowhere else, so finding one of them anywhere means it was not erased.
fn mark_victim(app: &App) -> (i64, Vec<String>) {
    let sim = &app.sim;
    let with_addresses: Vec<i64> = sim.addresses().iter().map(|a| a.customer_id).collect();
    let instruments: Vec<i64> = sim.stored_instruments().iter().map(|(c, _)| *c).collect();
    let values: Vec<i64> = sim
        .attribute_values()
        .iter()
        .filter_map(|v| v.customer_id)
        .collect();
    let victim = sim
        .customers()
        .iter()
        .map(|c| c.id)
        .max_by_key(|id| {
            [&with_addresses, &instruments, &values]
                .iter()
                .filter(|ids| ids.contains(id))
                .count()
        })
        .unwrap();
    let markers: Vec<String> = [
        "forget.me.4711@privacy.example",
        "Zorblaxia",
        "Quintavius",
        "+1-555-0147-1147",
        "4711 Erasure Lane",
        "Flat Zorblax 9",
    ]
    .map(String::from)
    .to_vec();
    assert!(sim.update_customer(victim, |c| {
        c.email = Some(markers[0].clone());
        c.first_name = Some(markers[1].clone());
        c.last_name = Some(markers[2].clone());
        c.phone = Some(markers[3].clone());
    }));
    for a in sim.addresses().iter().filter(|a| a.customer_id == victim) {
        assert!(sim.update_address(a.id, |a| {
            a.first_name = Some(markers[1].clone());
            a.last_name = Some(markers[2].clone());
            a.phone = Some(markers[3].clone());
            a.address1 = Some(markers[4].clone());
            a.address2 = Some(markers[5].clone());
        }));
    }
    (victim, markers)
}

/// The victim's stored-instrument emails and billing address lines, which no other
/// customer's instruments carry: personal values of a child table the test did not set.
async fn instrument_markers(app: &App, victim: i64) -> Vec<String> {
    let rows = sqlx::query(
        "SELECT v FROM bigcommerce.customer_stored_instruments AS t, \
         LATERAL (VALUES (t.email), (t.billing_address->>'address1')) AS x(v) \
         WHERE t.customer_id = $1 AND v IS NOT NULL AND length(v) >= 6 \
         AND NOT EXISTS (SELECT 1 FROM bigcommerce.customer_stored_instruments AS o \
                         WHERE o.customer_id <> $1 AND o.raw::text LIKE '%' || v || '%')",
    )
    .bind(victim)
    .fetch_all(app.pool())
    .await
    .unwrap();
    rows.iter().map(|r| r.get::<String, _>("v")).collect()
}

/// The victim's rows per table: (table, rows, rows scrubbed, rows soft-deleted).
async fn victim_rows(app: &App, victim: i64) -> Vec<(String, i64, i64, i64)> {
    let tables = [
        ("customers", "id = $1"),
        ("customer_addresses", "customer_id = $1"),
        ("customer_attribute_values", "customer_id = $1"),
        ("customer_consents", "customer_id = $1"),
        ("customer_stored_instruments", "customer_id = $1"),
        (
            "customer_form_field_values",
            "owner_type = 'customer' AND owner_id = $1",
        ),
    ];
    let mut out = Vec::new();
    for (table, pred) in tables {
        let sql = format!(
            "SELECT count(*), count(*) FILTER (WHERE raw = '{{}}'::jsonb), count(deleted_at) \
             FROM bigcommerce.{table} WHERE {pred}"
        );
        let (n, scrubbed, deleted): (i64, i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(victim)
            .fetch_one(app.pool())
            .await
            .unwrap();
        out.push((table.to_owned(), n, scrubbed, deleted));
    }
    out
}

async fn erase_ops(app: &App) -> Vec<(String, String)> {
    sqlx::query_as("SELECT entity, entity_id FROM bigcommerce.change_log WHERE op = 'erase' ORDER BY seq")
        .fetch_all(app.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_customer_is_scrubbed_with_its_children_once_erase_deleted_after_has_passed() {
    let app = spawn_app(SimConfig::default().with_customers(40).with_seed(15)).await;
    let (victim, mut markers) = mark_victim(&app);
    bcsync(&app, &["sync"], &[]).await;
    markers.extend(instrument_markers(&app, victim).await);
    assert!(
        everything(&app).await.contains(&markers[0]),
        "the victim's email was mirrored"
    );

    app.sim.delete_customers(&[victim]);
    bcsync(&app, &["resync"], &[]).await;
    let rows = victim_rows(&app, victim).await;
    assert!(
        rows.iter()
            .all(|(_, n, scrubbed, deleted)| n == deleted && *scrubbed == 0),
        "{rows:?}"
    );
    assert!(
        rows.iter().filter(|(_, n, ..)| *n > 0).count() >= 3,
        "victim has children: {rows:?}"
    );

    // Deleted for a day: with the default (30 days) nothing is erased yet.
    sqlx::query("UPDATE bigcommerce.customers SET deleted_at = now() - interval '1 day' WHERE id = $1")
        .bind(victim)
        .execute(app.pool())
        .await
        .unwrap();
    bcsync(&app, &["sync"], &[]).await;
    assert!(erase_ops(&app).await.is_empty());
    assert!(everything(&app).await.contains(&markers[0]));

    // Move the clock: every deleted row of the store was deleted 31 days ago.
    for t in bcsync_mirror::CUSTOMER_TABLES {
        let sql = format!(
            "UPDATE bigcommerce.{t} SET deleted_at = deleted_at - interval '31 days' WHERE deleted_at IS NOT NULL"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(app.pool())
            .await
            .unwrap();
    }
    let out = bcsync(&app, &["sync"], &[]).await;
    let rows = victim_rows(&app, victim).await;
    assert!(
        rows.iter()
            .all(|(_, n, scrubbed, deleted)| n == scrubbed && n == deleted),
        "{rows:?}\n{}",
        show(&out)
    );
    assert_nowhere(&app, &markers).await;

    // The key, deleted_at and non-personal columns stay.
    let row = sqlx::query(
        "SELECT email, first_name, phone, date_created, deleted_at FROM bigcommerce.customers WHERE id = $1",
    )
    .bind(victim)
    .fetch_one(app.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<Option<String>, _>("email"), None);
    assert_eq!(row.get::<Option<String>, _>("first_name"), None);
    assert!(
        row.get::<Option<chrono::DateTime<chrono::Utc>>, _>("date_created")
            .is_some()
    );
    assert!(
        row.get::<Option<chrono::DateTime<chrono::Utc>>, _>("deleted_at")
            .is_some()
    );
    let ops = erase_ops(&app).await;
    assert!(
        ops.contains(&("customers".to_owned(), victim.to_string())),
        "{ops:?}"
    );
    assert!(ops.iter().any(|(e, _)| e == "customer_addresses"), "{ops:?}");

    // Other customers keep their data, and a second pass erases nothing more.
    let live_emails: i64 = app
        .scalar("SELECT count(email) FROM bigcommerce.customers WHERE deleted_at IS NULL")
        .await;
    assert_eq!(live_emails, 39);
    bcsync(&app, &["sync"], &[]).await;
    assert_eq!(
        erase_ops(&app).await.len(),
        ops.len(),
        "a second pass logs no erase"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erase_deleted_after_off_keeps_deleted_rows() {
    let app = spawn_app(SimConfig::default().with_customers(10).with_seed(16)).await;
    let (victim, markers) = mark_victim(&app);
    bcsync(&app, &["sync"], &[]).await;
    app.sim.delete_customers(&[victim]);
    bcsync(&app, &["resync"], &[]).await;
    sqlx::query(
        "UPDATE bigcommerce.customers SET deleted_at = deleted_at - interval '400 days' WHERE id = $1",
    )
    .bind(victim)
    .execute(app.pool())
    .await
    .unwrap();
    bcsync(
        &app,
        &["sync"],
        &[("BCSYNC__DEFAULTS__ERASE_DELETED_AFTER", "off")],
    )
    .await;
    assert!(erase_ops(&app).await.is_empty());
    assert!(everything(&app).await.contains(&markers[0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bcsync_erase_scrubs_one_customer_and_its_children_at_once() {
    let app = spawn_app(SimConfig::default().with_customers(30).with_seed(17)).await;
    let (victim, mut markers) = mark_victim(&app);
    bcsync(&app, &["sync"], &[]).await;
    markers.extend(instrument_markers(&app, victim).await);
    app.sim.delete_customers(&[victim]);
    bcsync(&app, &["resync"], &[]).await;

    let store = app.sim.store_hash().to_owned();
    let id = victim.to_string();
    let out = bcsync(&app, &["erase", "--store", &store, "--customer", &id], &[]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("customer {victim} erased")),
        "{}",
        show(&out)
    );
    let rows = victim_rows(&app, victim).await;
    assert!(rows.iter().all(|(_, n, scrubbed, _)| n == scrubbed), "{rows:?}");
    assert!(
        rows.iter().filter(|(_, n, ..)| *n > 0).count() >= 3,
        "victim has children: {rows:?}"
    );
    assert_nowhere(&app, &markers).await;
    let ops = erase_ops(&app).await;
    assert!(ops.contains(&("customers".to_owned(), id.clone())), "{ops:?}");

    // Again: nothing left to scrub, nothing logged.
    let out = bcsync(&app, &["erase", "--store", &store, "--customer", &id], &[]).await;
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 rows scrubbed"),
        "{}",
        show(&out)
    );
    assert_eq!(erase_ops(&app).await.len(), ops.len());

    // An unknown store is refused, naming it.
    let out = app.run(&["erase", "--store", "nosuch", "--customer", &id]).await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nosuch"),
        "{}",
        show(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_erasure_duration_is_refused_naming_the_key() {
    let app = spawn_app(SimConfig::default().with_customers(1)).await;
    let out = app
        .command(&["sync"])
        .env("BCSYNC__DEFAULTS__ERASE_DELETED_AFTER", "30 days")
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The variable that set it is named (a file key would be `defaults.erase_deleted_after`).
    assert!(
        stderr.contains("BCSYNC__DEFAULTS__ERASE_DELETED_AFTER"),
        "{}",
        show(&out)
    );
    assert!(stderr.contains("30 days"), "{}", show(&out));
}

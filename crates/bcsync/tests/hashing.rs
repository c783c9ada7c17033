//! Issue 15 part 2: `hash_columns` stores HMAC-SHA-256 hex of the configured columns,
//! in the column and in `raw`, through the real binary, PostgreSQL and the simulator.
//! What a user checks: equal values have equal hashes, no value is in the database
//! (pg_dump), a re-read writes nothing, and bad settings are refused by name.

use crate::common;

use bcsync_mirror::Hashing;
use bcsync_simulator::SimConfig;
use common::privacy::assert_nowhere;
use common::{App, show, spawn_app};
use secrecy::SecretString;

const SECRET: &str = "0123456789abcdef0123456789abcdef-test-only";
const COLUMNS: &str =
    "customers.email,customers.last_name,customer_addresses.phone,customer_addresses.address1";

fn hashing_env() -> [(&'static str, &'static str); 5] {
    [
        ("BCSYNC__DEFAULTS__HASH_SECRET", SECRET),
        ("BCSYNC__DEFAULTS__HASH_COLUMNS", COLUMNS),
        ("BCSYNC_ADDRESS_SWEEP_PAGES", "1000"),
        ("BCSYNC_LISTING_SWEEP_PAGES", "1000"),
        ("BCSYNC_CUSTOMER_SLICE", "100000"),
    ]
}

/// id, email, raw->>'email', last_name, first_name.
type CustomerRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The environment of a refused configuration, and what its error must say.
type Case = (&'static [(&'static str, &'static str)], &'static [&'static str]);

async fn change_count(app: &App) -> i64 {
    app.scalar("SELECT count(*) FROM bigcommerce.change_log").await
}

#[test]
fn the_hash_is_hmac_sha256_hex() {
    // RFC 4231-style check against a published HMAC-SHA-256 value.
    let h = Hashing::new(SecretString::from("key"), &[]).unwrap();
    assert_eq!(
        h.hash("The quick brown fox jumps over the lazy dog"),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_columns_hold_the_same_hash_for_the_same_value_and_never_the_value() {
    let app = spawn_app(SimConfig::default().with_customers(25).with_seed(21)).await;
    let ids: Vec<i64> = app.sim.customers().iter().map(|c| c.id).collect();
    // Two customers share an email (different case is a different value: not folded).
    let shared = "same.person.2121@privacy.example";
    for id in &ids[..2] {
        app.sim
            .update_customer(*id, |c| c.email = Some(shared.to_owned()));
    }
    let out = app.run_with(&["sync"], &hashing_env()).await;
    assert!(out.status.success(), "{}", show(&out));
    let h = Hashing::new(SecretString::from(SECRET), &[]).unwrap();

    let rows: Vec<CustomerRow> = sqlx::query_as(
        "SELECT id, email, raw->>'email', last_name, first_name FROM bigcommerce.customers ORDER BY id",
    )
    .fetch_all(app.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 25);
    for (id, email, raw_email, last_name, first_name) in &rows {
        let c = app.sim.customer(*id).unwrap();
        assert_eq!(email.as_deref(), c.email.as_deref().map(|e| h.hash(e)).as_deref());
        assert_eq!(raw_email, email, "raw holds the hash too");
        assert_eq!(
            last_name.as_deref(),
            c.last_name.as_deref().map(|v| h.hash(v)).as_deref()
        );
        // Not configured: kept as sent.
        assert_eq!(first_name, &c.first_name);
    }
    let shared_hash: Vec<&Option<String>> = rows
        .iter()
        .filter(|r| ids[..2].contains(&r.0))
        .map(|r| &r.1)
        .collect();
    assert_eq!(shared_hash[0], shared_hash[1]);
    assert_eq!(shared_hash[0].as_deref(), Some(h.hash(shared).as_str()));

    let phones: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT id, phone FROM bigcommerce.customer_addresses ORDER BY id")
            .fetch_all(app.pool())
            .await
            .unwrap();
    assert!(!phones.is_empty());
    for (id, phone) in &phones {
        let a = app.sim.addresses().into_iter().find(|a| a.id == *id).unwrap();
        assert_eq!(phone.as_deref(), a.phone.as_deref().map(|v| h.hash(v)).as_deref());
    }

    // No hashed value is anywhere in the database (every table, and pg_dump).
    let mut values: Vec<String> = app
        .sim
        .customers()
        .iter()
        .filter_map(|c| c.email.clone())
        .collect();
    values.extend(
        app.sim
            .addresses()
            .iter()
            .filter_map(|a| a.address1.clone())
            .filter(|v| v.len() >= 6),
    );
    assert_nowhere(&app, &values).await;

    // A full re-read hashes to the same raw: nothing written, nothing logged.
    let before = change_count(&app).await;
    let out = app.run_with(&["resync"], &hashing_env()).await;
    assert!(out.status.success(), "{}", show(&out));
    assert_eq!(
        change_count(&app).await,
        before,
        "an unchanged re-read writes nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_hash_settings_are_refused_naming_the_key() {
    let app = spawn_app(SimConfig::default().with_customers(1)).await;
    let cases: [Case; 3] = [
        (
            &[
                ("BCSYNC__DEFAULTS__HASH_SECRET", SECRET),
                ("BCSYNC__DEFAULTS__HASH_COLUMNS", "customers.shoe_size"),
            ],
            &["hash_columns", "customers.shoe_size"],
        ),
        (
            &[
                ("BCSYNC__DEFAULTS__HASH_SECRET", "too-short"),
                ("BCSYNC__DEFAULTS__HASH_COLUMNS", "customers.email"),
            ],
            &["BCSYNC__DEFAULTS__HASH_SECRET", "at least 32"],
        ),
        (
            &[("BCSYNC__DEFAULTS__HASH_COLUMNS", "customers.email")],
            &["HASH_COLUMNS", "hash_secret"],
        ),
    ];
    for (env, expected) in cases {
        let out = app.run_with(&["sync"], env).await;
        assert!(!out.status.success(), "{env:?} was accepted:\n{}", show(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        for e in expected {
            assert!(stderr.contains(e), "{env:?}: no {e:?} in\n{}", show(&out));
        }
        // The secret is never quoted back.
        assert!(
            !stderr.contains("too-short") && !stderr.contains(SECRET),
            "{}",
            show(&out)
        );
    }
    let rows: i64 = app.scalar("SELECT count(*) FROM bigcommerce.customers").await;
    assert_eq!(rows, 0, "nothing synced under a refused configuration");
}

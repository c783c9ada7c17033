//! Upserting pages: content comparison, duplicates, stores.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Table, Tallies};
use chrono::{DateTime, Utc};
use common::{STORE, address, customer, full_address, full_customer, page_stats, raw, synced_at, ts, write};
use serde_json::json;
use sqlx::Row;

#[tokio::test]
async fn rewriting_the_same_page_changes_nothing() {
    let db = fresh_database().await;
    let customers = [raw(customer(1, 0)), raw(full_customer())];
    let addresses = [raw(address(10, 1)), raw(full_address())];
    write(&db.mirror, &customers, &addresses).await;
    let (c_at, a_at) = (
        synced_at(&db.mirror, "customers", 1).await,
        synced_at(&db.mirror, "addresses", 10).await,
    );

    let again = write(&db.mirror, &customers, &addresses).await;
    assert_eq!(again, Tallies::default());
    assert_eq!(synced_at(&db.mirror, "customers", 1).await, c_at);
    assert_eq!(synced_at(&db.mirror, "addresses", 10).await, a_at);

    // Same JSON with its keys in another order is the same content (jsonb equality).
    let mut reordered = customers[0].clone();
    let fields = reordered.raw.to_value();
    let backwards: Vec<String> = (fields.as_object().unwrap().iter().rev())
        .map(|(k, v)| format!("{}: {v}", json!(k)))
        .collect();
    reordered.raw = serde_json::from_str(&format!("{{{}}}", backwards.join(", "))).unwrap();
    assert_ne!(reordered.raw.get(), customers[0].raw.get(), "the text differs");
    assert_eq!(write(&db.mirror, &[reordered], &[]).await, Tallies::default());
}

#[tokio::test]
async fn changed_content_updates_the_row() {
    let db = fresh_database().await;
    write(
        &db.mirror,
        &[raw(customer(1, 0)), raw(customer(2, 0))],
        &[raw(address(10, 1))],
    )
    .await;
    let before = synced_at(&db.mirror, "customers", 1).await;

    let mut changed = customer(1, 5);
    changed.first_name = Some("Grace".into());
    let mut moved = address(10, 2);
    moved.city = Some("Elsewhere".into());
    // A field this version does not model still counts as a change (it is in `raw`).
    let mut unmodeled = raw(customer(2, 0));
    let mut with_new = unmodeled.raw.to_value();
    with_new["brand_new"] = json!(true);
    unmodeled.raw = with_new.into();
    let stats = write(&db.mirror, &[raw(changed), unmodeled], &[raw(moved)]).await;
    assert_eq!(stats, page_stats((0, 2), (0, 1, 0)));

    let row =
        sqlx::query("SELECT first_name, date_modified, synced_at FROM bigcommerce.customers WHERE id = 1")
            .fetch_one(db.mirror.pool())
            .await
            .unwrap();
    assert_eq!(
        row.get::<Option<String>, _>("first_name").as_deref(),
        Some("Grace")
    );
    assert_eq!(row.get::<Option<DateTime<Utc>>, _>("date_modified"), Some(ts(5)));
    assert!(row.get::<DateTime<Utc>, _>("synced_at") > before);
    let (owner, city): (i64, Option<String>) =
        sqlx::query_as("SELECT customer_id, city FROM bigcommerce.customer_addresses WHERE id = 10")
            .fetch_one(db.mirror.pool())
            .await
            .unwrap();
    assert_eq!((owner, city.as_deref()), (2, Some("Elsewhere")));
}

#[tokio::test]
async fn duplicate_ids_in_one_page_keep_the_last_occurrence() {
    let db = fresh_database().await;
    let mut last = customer(1, 9);
    last.email = Some("last@example.com".into());
    let mut last_address = address(10, 1);
    last_address.city = Some("Last".into());
    let stats = write(
        &db.mirror,
        &[raw(customer(1, 1)), raw(customer(2, 1)), raw(last)],
        &[
            raw(address(10, 1)),
            raw(last_address),
            raw(address(10, 1)),
            raw(address(11, 1)),
        ],
    )
    .await;
    assert_eq!(stats, page_stats((2, 0), (2, 0, 0)));
    let email: Option<String> = sqlx::query_scalar("SELECT email FROM bigcommerce.customers WHERE id = 1")
        .fetch_one(db.mirror.pool())
        .await
        .unwrap();
    assert_eq!(email.as_deref(), Some("last@example.com"));
    // The last occurrence of address 10 is the plain one, not "Last".
    let city: Option<String> =
        sqlx::query_scalar("SELECT city FROM bigcommerce.customer_addresses WHERE id = 10")
            .fetch_one(db.mirror.pool())
            .await
            .unwrap();
    assert_eq!(city.as_deref(), Some("City 10"));
}

#[tokio::test]
async fn stores_do_not_share_rows() {
    let db = fresh_database().await;
    write(&db.mirror, &[raw(customer(1, 0))], &[]).await;
    let other = [raw(customer(1, 3))];
    let stats = db
        .mirror
        .write_customer_page(&bcsync_mirror::CustomerPage {
            store_hash: "other",
            customers: &other,
            addresses: &[],
            complete_address_sets_for: &[],
            checkpoint: None,
        })
        .await
        .unwrap();
    assert_eq!(stats.customers.inserted, 1);
    assert_eq!(db.mirror.count_live(STORE, Table::Customers).await.unwrap(), 1);
    assert_eq!(db.mirror.count_live("other", Table::Customers).await.unwrap(), 1);
}

#[tokio::test]
async fn a_full_page_of_250_customers_and_500_addresses() {
    let db = fresh_database().await;
    let customers: Vec<_> = (1..=250).map(|id| raw(customer(id, id))).collect();
    let addresses: Vec<_> = (1..=500).map(|id| raw(address(id, (id + 1) / 2))).collect();
    let ids: Vec<i64> = (1..=250).collect();
    let page = bcsync_mirror::CustomerPage {
        store_hash: STORE,
        customers: &customers,
        addresses: &addresses,
        complete_address_sets_for: &ids,
        checkpoint: Some(("customers", ts(250))),
    };
    let stats = db.mirror.write_customer_page(&page).await.unwrap();
    assert_eq!((stats.customers.inserted, stats.addresses.inserted), (250, 500));
    assert_eq!(
        db.mirror.write_customer_page(&page).await.unwrap(),
        Tallies::default()
    );
    assert_eq!(
        db.mirror
            .count_live(STORE, Table::CustomerAddresses)
            .await
            .unwrap(),
        500
    );
}

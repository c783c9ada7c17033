//! Counts and ids of live rows by date_created range, and `mark_deleted`.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{Counted, Mirror, Resource, Scope};
use chrono::{DateTime, Utc};
use common::records::{address_field, card, consent, customer_field, put};
use common::{STORE, address, change, customer, raw, take_changes, ts, write};
use serde_json::{Value, json};

fn created(id: i64, at: i64) -> bigcommerce_models::Customer {
    let mut c = customer(id, 0);
    c.date_created = ts(at);
    c
}

fn attribute_value(id: i64, customer_id: i64, at: DateTime<Utc>) -> Value {
    json!({"id": id, "attribute_id": 1, "attribute_value": "x", "customer_id": customer_id,
           "date_created": at, "date_modified": at})
}

fn metafield(id: i64, customer_id: i64) -> Value {
    json!({"id": id, "key": "k", "value": "v", "namespace": "ns", "permission_set": "read",
           "resource_type": "customer", "resource_id": customer_id})
}

async fn counts(mirror: &Mirror, what: Counted, (lo, hi): (i64, i64)) -> (i64, Vec<i64>) {
    let (min, max) = (ts(lo), ts(hi));
    (
        mirror.count_live_created(STORE, what, min, max).await.unwrap(),
        mirror.live_ids_created(STORE, what, min, max).await.unwrap(),
    )
}

#[tokio::test]
async fn ranges_are_inclusive_and_count_live_rows_only() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let what = Counted::Customers;
    assert_eq!(what.table(), "customers");
    assert_eq!(mirror.created_bounds(STORE, what).await.unwrap(), None);
    assert_eq!(counts(mirror, what, (0, 100)).await, (0, vec![]));

    let customers = [
        raw(created(3, 30)),
        raw(created(1, 10)),
        raw(created(2, 20)),
        raw(created(4, 20)),
    ];
    write(mirror, &customers, &[]).await;
    assert_eq!(counts(mirror, what, (10, 30)).await, (4, vec![1, 2, 3, 4]));
    assert_eq!(counts(mirror, what, (20, 20)).await, (2, vec![2, 4]));
    assert_eq!(counts(mirror, what, (11, 29)).await, (2, vec![2, 4]));
    assert_eq!(counts(mirror, what, (31, 99)).await, (0, vec![]));
    assert_eq!(
        counts(mirror, what, (30, 10)).await,
        (0, vec![]),
        "an empty range"
    );
    assert_eq!(
        mirror.created_bounds(STORE, what).await.unwrap(),
        Some((ts(10), ts(30)))
    );
    // Other stores' rows never count.
    assert_eq!(
        mirror
            .count_live_created("other", what, ts(0), ts(99))
            .await
            .unwrap(),
        0
    );

    assert_eq!(mirror.mark_deleted(STORE, what, &[3, 4, 99]).await.unwrap(), 2);
    assert_eq!(
        mirror.mark_deleted(STORE, what, &[3, 4]).await.unwrap(),
        0,
        "only live rows"
    );
    assert_eq!(mirror.mark_deleted(STORE, what, &[]).await.unwrap(), 0);
    assert_eq!(counts(mirror, what, (10, 30)).await, (2, vec![1, 2]));
    assert_eq!(
        mirror.created_bounds(STORE, what).await.unwrap(),
        Some((ts(10), ts(20)))
    );
}

#[tokio::test]
async fn attribute_values_are_counted_and_marked_with_their_log() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    let what = Counted::AttributeValues;
    let values = [
        attribute_value(1, 7, ts(10)),
        attribute_value(2, 7, ts(20)),
        attribute_value(3, 8, ts(30)),
    ];
    put(mirror, Resource::AttributeValues, &values, Scope::Nothing).await;
    let mut seq = common::last_seq(mirror).await;
    assert_eq!(counts(mirror, what, (10, 20)).await, (2, vec![1, 2]));
    assert_eq!(
        mirror.created_bounds(STORE, what).await.unwrap(),
        Some((ts(10), ts(30)))
    );

    assert_eq!(mirror.mark_deleted(STORE, what, &[2, 3]).await.unwrap(), 2);
    assert_eq!(
        take_changes(mirror, &mut seq).await,
        [
            change("customer_attribute_values", "2", "delete"),
            change("customer_attribute_values", "3", "delete"),
        ]
    );
    assert_eq!(counts(mirror, what, (0, 99)).await, (1, vec![1]));
    assert_eq!(
        mirror.created_bounds(STORE, what).await.unwrap(),
        Some((ts(10), ts(10)))
    );
    assert_eq!(mirror.mark_deleted(STORE, what, &[2]).await.unwrap(), 0);
    assert_eq!(take_changes(mirror, &mut seq).await, []);
}

/// Customer 1 with one of each child; customer 2 with the same, untouched by 1's delete.
async fn two_families(mirror: &Mirror) {
    let customers = [raw(created(1, 10)), raw(created(2, 10))];
    let addresses = [raw(address(10, 1)), raw(address(11, 1)), raw(address(20, 2))];
    write(mirror, &customers, &addresses).await;
    // Address 11 was deleted earlier; its form field value was not.
    mirror
        .write_customer_page(&bcsync_mirror::CustomerPage {
            store_hash: STORE,
            customers: &[],
            addresses: &[raw(address(10, 1))],
            complete_address_sets_for: &[1],
            checkpoint: None,
        })
        .await
        .unwrap();
    let values = [attribute_value(100, 1, ts(10)), attribute_value(200, 2, ts(10))];
    put(mirror, Resource::AttributeValues, &values, Scope::Nothing).await;
    let fields = [
        customer_field(1, "Shoe size", json!("7")),
        address_field(10, "Door", json!("red")),
        address_field(11, "Door", json!("blue")),
        customer_field(2, "Shoe size", json!("8")),
        address_field(20, "Door", json!("green")),
    ];
    put(mirror, Resource::FormFieldValues, &fields, Scope::Nothing).await;
    put(
        mirror,
        Resource::Consents,
        &[consent(1, &["essential"]), consent(2, &["essential"])],
        Scope::Nothing,
    )
    .await;
    put(
        mirror,
        Resource::StoredInstruments,
        &[card(1, "tok_a"), card(2, "tok_b")],
        Scope::Nothing,
    )
    .await;
    put(
        mirror,
        Resource::Metafields,
        &[metafield(1000, 1), metafield(2000, 2)],
        Scope::Nothing,
    )
    .await;
}

fn family_of_one_deleted() -> Vec<common::Change> {
    let mut expected = vec![
        change("customers", "1", "delete"),
        change("customer_addresses", "10", "delete"),
        change("customer_attribute_values", "100", "delete"),
        change("customer_form_field_values", "customer:1:Shoe size", "delete"),
        change("customer_form_field_values", "address:10:Door", "delete"),
        change("customer_form_field_values", "address:11:Door", "delete"),
        change("customer_consents", "1", "delete"),
        // sha256("tok_a"): no payment token in the log.
        change(
            "customer_stored_instruments",
            "1:df232e8466aa50efdcea198fbaa130f6a0bc135d8747f5309332135fadbea9af",
            "delete",
        ),
        change("customer_metafields", "1000", "delete"),
    ];
    expected.sort();
    expected
}

/// Live rows per mirror table of STORE, in a fixed order.
async fn live_rows(mirror: &Mirror) -> Vec<i64> {
    let mut live = vec![];
    for table in bcsync_mirror::CUSTOMER_TABLES {
        let sql =
            format!("SELECT count(*) FROM bigcommerce.{table} WHERE store_hash = $1 AND deleted_at IS NULL");
        live.push(
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(STORE)
                .fetch_one(mirror.pool())
                .await
                .unwrap(),
        );
    }
    live
}

#[tokio::test]
async fn a_deleted_customer_takes_its_children_with_it() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    two_families(mirror).await;
    assert_eq!(live_rows(mirror).await, [2, 2, 2, 5, 2, 2, 2]);
    let mut seq = common::last_seq(mirror).await;

    assert_eq!(
        mirror
            .mark_deleted(STORE, Counted::Customers, &[1])
            .await
            .unwrap(),
        1
    );
    assert_eq!(take_changes(mirror, &mut seq).await, family_of_one_deleted());
    assert_eq!(live_rows(mirror).await, [1, 1, 1, 2, 1, 1, 1]);

    // Already deleted: nothing more, not even its children.
    assert_eq!(
        mirror
            .mark_deleted(STORE, Counted::Customers, &[1])
            .await
            .unwrap(),
        0
    );
    assert_eq!(take_changes(mirror, &mut seq).await, []);
}

#[tokio::test]
async fn a_resync_takes_the_children_of_missing_customers_too() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    two_families(mirror).await;
    let mut seq = common::last_seq(mirror).await;

    assert_eq!(
        mirror.mark_customers_deleted_except(STORE, &[2]).await.unwrap(),
        1
    );
    assert_eq!(take_changes(mirror, &mut seq).await, family_of_one_deleted());
    assert_eq!(live_rows(mirror).await, [1, 1, 1, 2, 1, 1, 1]);
}

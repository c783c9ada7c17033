//! Every typed column as stored, next to `raw`.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use chrono::{DateTime, Utc};
use common::{
    AWKWARD_SEGMENTS, STORE, awkward_customer, customer, full_address, full_customer, page_stats, raw, write,
};
use serde_json::{Value, json};
use sqlx::Row;

#[tokio::test]
async fn every_typed_column_and_raw_is_stored() {
    let db = fresh_database().await;
    let mut c = raw(full_customer());
    let mut with_new = c.raw.to_value();
    with_new["field_from_the_future"] = json!({"x": 1});
    c.raw = with_new.into();
    let a = raw(full_address());
    let stats = write(&db.mirror, std::slice::from_ref(&c), std::slice::from_ref(&a)).await;
    assert_eq!(stats, page_stats((1, 0), (1, 0, 0)));

    let row = sqlx::query(
        "SELECT *, store_credit_amounts::text AS credits FROM bigcommerce.customers WHERE store_hash = $1",
    )
    .bind(STORE)
    .fetch_one(db.mirror.pool())
    .await
    .unwrap();
    let text = |col: &str| row.get::<Option<String>, _>(col);
    assert_eq!(row.get::<i64, _>("id"), 42);
    for (col, want) in [
        ("email", "ada@example.com"),
        ("first_name", "Ada"),
        ("last_name", "Lovelace"),
        ("company", "Engines Ltd"),
        ("phone", "+44 20 0000"),
        ("registration_ip_address", "192.0.2.7"),
        ("notes", "VIP"),
        ("tax_exempt_category", "G"),
        ("shopper_profile_id", "sp-9"),
        ("credits", "{12.5,0.1,NULL}"),
    ] {
        assert_eq!(text(col).as_deref(), Some(want), "{col}");
    }
    assert_eq!(row.get::<Option<i64>, _>("customer_group_id"), Some(3));
    assert_eq!(
        row.get::<Option<DateTime<Utc>>, _>("date_created"),
        Some("2023-01-02T03:04:05Z".parse().unwrap())
    );
    assert_eq!(
        row.get::<Option<DateTime<Utc>>, _>("date_modified"),
        Some("2024-01-03T10:00:03Z".parse().unwrap())
    );
    assert_eq!(row.get::<Option<bool>, _>("force_password_reset"), Some(true));
    assert_eq!(
        row.get::<Option<bool>, _>("accepts_product_review_abandoned_cart_emails"),
        Some(false)
    );
    assert_eq!(row.get::<Option<i64>, _>("origin_channel_id"), Some(1));
    assert_eq!(row.get::<Option<Vec<i64>>, _>("channel_ids"), Some(vec![1, 7]));
    assert_eq!(
        row.get::<Option<Vec<String>>, _>("segment_ids"),
        Some(vec!["seg-a".to_owned(), "seg \"b\"".to_owned()])
    );
    assert_eq!(
        row.get::<Option<Value>, _>("form_fields"),
        Some(json!([{"name": "Shoe size", "value": "7", "customer_id": 42}]))
    );
    assert_eq!(row.get::<Value, _>("raw"), c.raw.to_value());
    assert_eq!(row.get::<Option<DateTime<Utc>>, _>("deleted_at"), None);

    let row = sqlx::query("SELECT * FROM bigcommerce.customer_addresses WHERE store_hash = $1")
        .bind(STORE)
        .fetch_one(db.mirror.pool())
        .await
        .unwrap();
    assert_eq!(
        (row.get::<i64, _>("id"), row.get::<i64, _>("customer_id")),
        (7, 42)
    );
    for (col, want) in [
        ("first_name", "Ada"),
        ("last_name", "Lovelace"),
        ("company", "Engines Ltd"),
        ("address1", "1 Analytical St"),
        ("address2", "Flat 2"),
        ("city", "London"),
        ("state_or_province", "London"),
        ("postal_code", "N1"),
        ("country_code", "GB"),
        ("country", "United Kingdom"),
        ("phone", "+44 1"),
        ("address_type", "residential"),
    ] {
        assert_eq!(row.get::<Option<String>, _>(col).as_deref(), Some(want), "{col}");
    }
    assert_eq!(
        row.get::<Option<Value>, _>("form_fields"),
        Some(json!([{"name": "Door", "value": ["red", "blue"]}]))
    );
    assert_eq!(row.get::<Value, _>("raw"), a.raw.to_value());
}

#[tokio::test]
async fn absent_arrays_stay_null_and_empty_ones_stay_empty() {
    let db = fresh_database().await;
    let mut empty = customer(2, 0);
    (empty.channel_ids, empty.segment_ids, empty.store_credit_amounts) =
        (Some(vec![]), Some(vec![]), Some(vec![]));
    write(&db.mirror, &[raw(customer(1, 0)), raw(empty)], &[]).await;
    let rows = sqlx::query(
        "SELECT channel_ids, segment_ids, store_credit_amounts::text AS credits, form_fields, \
         force_password_reset FROM bigcommerce.customers ORDER BY id",
    )
    .fetch_all(db.mirror.pool())
    .await
    .unwrap();
    assert_eq!(rows[0].get::<Option<Vec<i64>>, _>("channel_ids"), None);
    assert_eq!(rows[0].get::<Option<Vec<String>>, _>("segment_ids"), None);
    assert_eq!(rows[0].get::<Option<String>, _>("credits"), None);
    assert_eq!(rows[0].get::<Option<Value>, _>("form_fields"), None);
    assert_eq!(rows[0].get::<Option<bool>, _>("force_password_reset"), None);
    assert_eq!(rows[1].get::<Option<Vec<i64>>, _>("channel_ids"), Some(vec![]));
    assert_eq!(rows[1].get::<Option<Vec<String>>, _>("segment_ids"), Some(vec![]));
    assert_eq!(rows[1].get::<Option<String>, _>("credits").as_deref(), Some("{}"));
}

/// Array columns travel as array literals: elements that need quoting or look like
/// NULL, and amounts in every JSON number form, come back exactly.
#[tokio::test]
async fn awkward_array_elements_round_trip() {
    let db = fresh_database().await;
    let segments = AWKWARD_SEGMENTS;
    let c = awkward_customer(1);
    write(&db.mirror, &[raw(c)], &[]).await;
    let row = sqlx::query(
        "SELECT channel_ids, segment_ids, store_credit_amounts::text AS credits FROM bigcommerce.customers",
    )
    .fetch_one(db.mirror.pool())
    .await
    .unwrap();
    assert_eq!(
        row.get::<Option<Vec<String>>, _>("segment_ids"),
        Some(segments.iter().map(|s| (*s).to_owned()).collect())
    );
    assert_eq!(
        row.get::<Option<Vec<i64>>, _>("channel_ids"),
        Some(vec![i64::MAX, -1, 0])
    );
    // What `jsonb` numbers cast to numeric gave before: the JSON text's own scale.
    assert_eq!(
        row.get::<Option<String>, _>("credits").as_deref(),
        Some("{0.1,12.0,0.0,1000000000000000000000,0.00000015,NULL,-3.25}")
    );
}

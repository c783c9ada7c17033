//! Builders shared by the store's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

pub mod records;

use bcsync_mirror::{CustomerPage, Mirror, Tallies, Tally};
use bigcommerce_models::{Address, Customer, Raw};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use serde_json::json;

pub const STORE: &str = "abc123";

pub fn ts(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

/// A record as the client would hand it over: typed, and raw = what was "received".
pub fn raw<T: Serialize>(value: T) -> Raw<T> {
    let raw = serde_json::to_value(&value).unwrap().into();
    Raw { value, raw }
}

/// A minimal customer (every optional field absent).
pub fn customer(id: i64, modified: i64) -> Customer {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "email": format!("c{id}@example.com"),
        "date_created": "2023-01-01T00:00:00Z",
        "date_modified": ts(modified),
    }))
    .unwrap()
}

/// Segment ids that need quoting in an array literal, or read like NULL.
pub const AWKWARD_SEGMENTS: [&str; 8] = [
    "",
    "NULL",
    "a,b",
    "{x}",
    " sp ",
    "back\\slash",
    "quo\"te",
    "ünï ☃",
];

/// Store credit amounts in every JSON number form, and a null one.
pub const AWKWARD_AMOUNTS: [Option<f64>; 7] = [
    Some(0.1),
    Some(12.0),
    Some(-0.0),
    Some(1e21),
    Some(1.5e-7),
    None,
    Some(-3.25),
];

/// Customer `id` with the awkward segments and amounts, and channel ids at the extremes.
pub fn awkward_customer(id: i64) -> Customer {
    let mut c = customer(id, 0);
    c.segment_ids = Some(AWKWARD_SEGMENTS.map(str::to_owned).to_vec());
    c.channel_ids = Some(vec![i64::MAX, -1, 0]);
    c.store_credit_amounts = Some(
        AWKWARD_AMOUNTS
            .map(|amount| bigcommerce_models::StoreCredit { amount })
            .to_vec(),
    );
    c
}

pub fn address(id: i64, customer_id: i64) -> Address {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "customer_id": customer_id,
        "city": format!("City {id}"),
        "country_code": "US",
    }))
    .unwrap()
}

/// Rows 5, 10, 15, 20 and 30 stored, then a page of 10, 20 and 25 judging every id up
/// to 25: each id and whether it is gone (deleted) after that page.
pub const GONE_UP_TO_25: [(i64, bool); 6] = [
    (5, true),
    (10, false),
    (15, true),
    (20, false),
    (25, false),
    (30, false),
];

/// Rows a write inserted, updated and soft-deleted.
pub fn stats(inserted: u64, updated: u64, deleted: u64) -> Tally {
    Tally {
        inserted,
        updated,
        deleted,
        ..Tally::default()
    }
}

/// What a customer page wrote: (inserted, updated) customers and (inserted, updated,
/// deleted) addresses.
pub fn page_stats(customers: (u64, u64), addresses: (u64, u64, u64)) -> Tallies {
    Tallies {
        customers: stats(customers.0, customers.1, 0),
        addresses: stats(addresses.0, addresses.1, addresses.2),
    }
}

/// Writes customers and addresses (no complete sets, no checkpoint).
pub async fn write(mirror: &Mirror, customers: &[Raw<Customer>], addresses: &[Raw<Address>]) -> Tallies {
    write_complete(mirror, customers, addresses, &[]).await
}

/// Writes customers and addresses, the address sets of `complete` whole (no checkpoint).
pub async fn write_complete(
    mirror: &Mirror,
    customers: &[Raw<Customer>],
    addresses: &[Raw<Address>],
    complete: &[i64],
) -> Tallies {
    mirror
        .write_customer_page(&CustomerPage {
            store_hash: STORE,
            customers,
            addresses,
            complete_address_sets_for: complete,
            checkpoint: None,
        })
        .await
        .unwrap()
}

/// `column` of row `id` of `customers`, or of `customer_addresses` for any other `table`.
async fn row_time<T>(mirror: &Mirror, table: &str, column: &str, id: i64) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    let table = if table == "customers" {
        "customers"
    } else {
        "customer_addresses"
    };
    let sql = format!("SELECT {column} FROM bigcommerce.{table} WHERE store_hash = $1 AND id = $2");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(STORE)
        .bind(id)
        .fetch_one(mirror.pool())
        .await
        .unwrap()
}

pub async fn synced_at(mirror: &Mirror, table: &str, id: i64) -> DateTime<Utc> {
    row_time(mirror, table, "synced_at", id).await
}

pub async fn deleted_at(mirror: &Mirror, table: &str, id: i64) -> Option<DateTime<Utc>> {
    row_time(mirror, table, "deleted_at", id).await
}

/// A customer with every field the model knows set.
pub fn full_customer() -> Customer {
    serde_json::from_value(json!({
        "id": 42,
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company": "Engines Ltd",
        "phone": "+44 20 0000",
        "registration_ip_address": "192.0.2.7",
        "notes": "VIP",
        "tax_exempt_category": "G",
        "customer_group_id": 3,
        "date_created": "2023-01-02T03:04:05Z",
        "date_modified": "2024-01-03T10:00:03+00:00",
        "address_count": 1,
        "attribute_count": 0,
        "authentication": {"force_password_reset": true},
        "accepts_product_review_abandoned_cart_emails": false,
        "origin_channel_id": 1,
        "channel_ids": [1, 7],
        "store_credit_amounts": [{"amount": 12.5}, {"amount": 0.1}, {"amount": null}],
        "shopper_profile_id": "sp-9",
        "segment_ids": ["seg-a", "seg \"b\""],
        "form_fields": [{"name": "Shoe size", "value": "7", "customer_id": 42}],
    }))
    .unwrap()
}

/// An address with every field set (customer 42).
pub fn full_address() -> Address {
    serde_json::from_value(json!({
        "id": 7, "customer_id": 42, "first_name": "Ada", "last_name": "Lovelace", "company": "Engines Ltd",
        "address1": "1 Analytical St", "address2": "Flat 2", "city": "London", "state_or_province": "London",
        "postal_code": "N1", "country_code": "GB", "country": "United Kingdom", "phone": "+44 1",
        "address_type": "residential", "form_fields": [{"name": "Door", "value": ["red", "blue"]}],
    }))
    .unwrap()
}

/// One `change_log` row: (entity, entity_id, op).
pub type Change = (String, String, String);

/// The change_log rows of STORE after `after` (a seq), in seq order.
pub async fn changes_after(mirror: &Mirror, after: i64) -> Vec<Change> {
    sqlx::query_as(
        "SELECT entity, entity_id, op FROM bigcommerce.change_log WHERE store_hash = $1 AND seq > $2 \
         ORDER BY seq",
    )
    .bind(STORE)
    .bind(after)
    .fetch_all(mirror.pool())
    .await
    .unwrap()
}

/// The highest seq logged so far (0 when none): where a loader would resume.
pub async fn last_seq(mirror: &Mirror) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(max(seq), 0) FROM bigcommerce.change_log")
        .fetch_one(mirror.pool())
        .await
        .unwrap()
}

/// The rows logged since `*seq`, sorted (a statement logs its rows in no set order);
/// moves `*seq` past them.
pub async fn take_changes(mirror: &Mirror, seq: &mut i64) -> Vec<Change> {
    let mut rows = changes_after(mirror, *seq).await;
    *seq = last_seq(mirror).await;
    rows.sort();
    rows
}

/// `(entity, entity_id, op)` from string slices, for comparisons.
pub fn change(entity: &str, entity_id: &str, op: &str) -> Change {
    (entity.to_owned(), entity_id.to_owned(), op.to_owned())
}

/// Makes every write of `sync_state` fail from now on: a page with a checkpoint then
/// fails at its last statement, after all its rows (and their log) were written.
pub async fn refuse_checkpoints(mirror: &Mirror) {
    sqlx::raw_sql(
        "CREATE FUNCTION bigcommerce.refuse() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'checkpoint refused by the test'; END $$; \
         CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON bigcommerce.sync_state \
         FOR EACH ROW EXECUTE FUNCTION bigcommerce.refuse();",
    )
    .execute(mirror.pool())
    .await
    .unwrap();
}

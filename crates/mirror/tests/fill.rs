//! New rows are written by `COPY` (crates/mirror/src/fill.rs) when no row of the store
//! lies in the page's span of ids, by the upsert otherwise: both must store the same.

use crate::common;

use std::time::Duration;

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{CustomerPage, Mirror, MirrorError, RecordPage, Resource, Scope, Tallies, Tally};
use bigcommerce_models::{Address, Customer, Raw};
use common::{address, awkward_customer, customer, full_address, full_customer, page_stats, raw};
use serde_json::{Value, json};

/// Customers 42 (every field) and 44 (awkward arrays and text), with addresses 7 and 9.
fn page() -> (Vec<Raw<Customer>>, Vec<Raw<Address>>) {
    let mut awkward = awkward_customer(44);
    awkward.first_name = Some("ünï ☃ \\ \"q\"\ttab\nline".to_owned());
    (
        vec![raw(full_customer()), raw(awkward)],
        vec![raw(full_address()), raw(address(9, 44))],
    )
}

async fn write_to(
    mirror: &Mirror,
    store: &str,
    customers: &[Raw<Customer>],
    addresses: &[Raw<Address>],
) -> Tallies {
    mirror
        .write_customer_page(&CustomerPage {
            store_hash: store,
            customers,
            addresses,
            complete_address_sets_for: &[],
            checkpoint: None,
        })
        .await
        .unwrap()
}

/// The page's form field values, as the poller builds them: customer 42's and
/// address 9's, with awkward text and a JSON value.
fn form_fields() -> Vec<Value> {
    vec![
        json!({"name": "tier", "value": "gold ☃ \"q\"", "customer_id": 42}),
        json!({"name": "sizes", "value": ["S", "M"], "customer_id": 42}),
        json!({"name": "gate code", "value": 1234, "address_id": 9}),
    ]
}

/// The page with its form field values, in one transaction: the tallies of both.
async fn write_with_fields(
    mirror: &Mirror,
    store: &str,
    fields: &[Value],
) -> Result<(Tallies, Tally), MirrorError> {
    let (customers, addresses) = page();
    let records = RecordPage {
        store_hash: store,
        resource: Resource::FormFieldValues,
        records: fields,
        scope: Scope::Customers(&[42, 44]),
        checkpoint: None,
    };
    let page = CustomerPage {
        store_hash: store,
        customers: &customers,
        addresses: &addresses,
        complete_address_sets_for: &[],
        checkpoint: None,
    };
    mirror.write_customer_page_with(&page, Some(&records)).await
}

/// Every row of `table` in `store` as JSON in `order`, without what differs between
/// writes.
async fn all_rows(mirror: &Mirror, table: &str, store: &str, order: &str) -> Vec<Value> {
    let sql = format!(
        "SELECT to_jsonb(t) - 'store_hash' - 'synced_at' FROM bigcommerce.{table} AS t \
         WHERE store_hash = $1 ORDER BY {order}"
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(store)
        .fetch_all(mirror.pool())
        .await
        .unwrap()
}

/// The store's form field values ([`all_rows`]).
async fn field_rows(mirror: &Mirror, store: &str) -> Vec<Value> {
    all_rows(
        mirror,
        "customer_form_field_values",
        store,
        "owner_type, owner_id, name",
    )
    .await
}

/// Rows `ids` of `table` in `store` as JSON, without what differs between writes.
async fn rows(mirror: &Mirror, table: &str, store: &str, ids: &[i64]) -> Vec<Value> {
    let sql = format!(
        "SELECT to_jsonb(t) - 'store_hash' - 'synced_at' FROM bigcommerce.{table} AS t \
         WHERE store_hash = $1 AND id = ANY($2) ORDER BY id"
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(store)
        .bind(ids)
        .fetch_all(mirror.pool())
        .await
        .unwrap()
}

/// (entity, entity_id, op) of the store's change_log, in order.
async fn log(mirror: &Mirror, store: &str) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT entity, entity_id, op FROM bigcommerce.change_log WHERE store_hash = $1 ORDER BY seq",
    )
    .bind(store)
    .fetch_all(mirror.pool())
    .await
    .unwrap()
}

/// Inserts a row with `sql` in a transaction of its own, before returning, and
/// commits it half a second later: a page written meanwhile cannot see it, then
/// waits on its key.
async fn commit_later(mirror: &Mirror, sql: &'static str) -> tokio::task::JoinHandle<()> {
    let mut other = mirror.pool().begin().await.unwrap();
    sqlx::query(sql).execute(&mut *other).await.unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        other.commit().await.unwrap();
    })
}

#[tokio::test]
async fn a_page_copied_into_an_empty_span_stores_what_the_upsert_stores() {
    let db = fresh_database().await;
    let m = &db.mirror;
    let (customers, addresses) = page();
    // "copied": nothing in the span. "upserted": customer 43 and address 8 are, so
    // the same page takes the upsert.
    assert_eq!(
        write_to(m, "copied", &customers, &addresses).await,
        page_stats((2, 0), (2, 0, 0))
    );
    write_to(m, "upserted", &[raw(customer(43, 0))], &[raw(address(8, 43))]).await;
    assert_eq!(
        write_to(m, "upserted", &customers, &addresses).await,
        page_stats((2, 0), (2, 0, 0))
    );
    for (table, ids) in [("customers", [42, 44]), ("customer_addresses", [7, 9])] {
        let copied = rows(m, table, "copied", &ids).await;
        assert_eq!(copied.len(), 2, "{table}");
        assert_eq!(copied, rows(m, table, "upserted", &ids).await, "{table}");
    }
    let logged = log(m, "copied").await;
    assert_eq!(logged, log(m, "upserted").await[2..].to_vec());
    assert!(logged.iter().all(|(_, _, op)| op == "insert"), "{logged:?}");

    // A second write of the same page into "copied" finds its rows: an unchanged
    // re-read writes nothing, a changed row is updated.
    let mut changed = customers.clone();
    changed[1].value.email = Some("new@example.com".to_owned());
    changed[1] = raw(changed[1].value.clone());
    assert_eq!(
        write_to(m, "copied", &changed, &addresses).await,
        page_stats((0, 1), (0, 0, 0))
    );
}

/// A row of the page committed by another transaction while the `COPY` waits on it:
/// the page fails as a lost race with nothing written, and written again it takes the
/// upsert.
#[tokio::test]
async fn a_row_that_appears_during_the_copy_is_a_lost_race_and_the_retry_upserts() {
    let db = fresh_database().await;
    let m = &db.mirror;
    let (customers, addresses) = page();
    let committer = commit_later(
        m,
        "INSERT INTO bigcommerce.customers (store_hash, id, raw) VALUES ('raced', 44, '{}')",
    )
    .await;
    // The probe cannot see the uncommitted row, so the page goes to COPY, which waits
    // for the other transaction, then meets its committed key.
    let page = CustomerPage {
        store_hash: "raced",
        customers: &customers,
        addresses: &addresses,
        complete_address_sets_for: &[],
        checkpoint: None,
    };
    let err = m.write_customer_page(&page).await.unwrap_err();
    committer.await.unwrap();
    assert!(err.is_lost_race(), "{err}");
    assert!(
        rows(m, "customers", "raced", &[42]).await.is_empty(),
        "nothing of the page stays"
    );
    assert!(log(m, "raced").await.is_empty());

    assert_eq!(
        m.write_customer_page(&page).await.unwrap(),
        page_stats((1, 1), (2, 0, 0))
    );
    let stored = rows(m, "customers", "raced", &[42, 44]).await;
    assert_eq!(stored[1]["email"], "c44@example.com");
    assert_eq!(stored[1]["raw"], customers[1].raw.to_value());
    assert_eq!(rows(m, "customer_addresses", "raced", &[7, 9]).await.len(), 2);
}

/// A customer page new to the mirror inserts its form field values without
/// `ON CONFLICT`: the same rows and log as the upsert's, and a value of the page's
/// owners that is there after all fails the page as a lost race, then the retry
/// upserts.
#[tokio::test]
async fn form_field_values_of_new_owners_store_what_the_upsert_stores() {
    let db = fresh_database().await;
    let m = &db.mirror;
    let fields = form_fields();
    let inserted = Tally {
        inserted: 3,
        ..Tally::default()
    };
    assert_eq!(write_with_fields(m, "new", &fields).await.unwrap().1, inserted);
    write_to(m, "known", &[raw(customer(43, 0))], &[raw(address(8, 43))]).await;
    assert_eq!(write_with_fields(m, "known", &fields).await.unwrap().1, inserted);
    let stored = field_rows(m, "new").await;
    assert_eq!(stored.len(), 3, "{stored:?}");
    assert_eq!(stored, field_rows(m, "known").await);
    assert_eq!(log(m, "new").await, log(m, "known").await[2..].to_vec());

    // Another transaction commits a value of customer 42 while the insert waits on
    // it: the page fails as a lost race with nothing written, and written again it
    // finds the value and upserts.
    let committer = commit_later(
        m,
        "INSERT INTO bigcommerce.customer_form_field_values (store_hash, owner_type, owner_id, customer_id, name, raw) \
         VALUES ('raced', 'customer', 42, 42, 'tier', '{}')",
    )
    .await;
    let err = write_with_fields(m, "raced", &fields).await.unwrap_err();
    committer.await.unwrap();
    assert!(err.is_lost_race(), "{err}");
    assert!(rows(m, "customers", "raced", &[42, 44]).await.is_empty());
    let (_, fields_written) = write_with_fields(m, "raced", &fields).await.unwrap();
    assert_eq!((fields_written.inserted, fields_written.updated), (2, 1));
    assert_eq!(field_rows(m, "raced").await, stored);
}

fn attribute_values(ids: &[i64], value: &str) -> Vec<Value> {
    (ids.iter())
        .map(|id| {
            json!({"id": id, "attribute_id": 1, "attribute_value": value, "customer_id": 42,
                   "date_created": "2024-01-02T03:04:05Z", "date_modified": "2024-01-02T03:04:05Z"})
        })
        .collect()
}

async fn write_values(mirror: &Mirror, store: &str, records: &[Value]) -> Tally {
    mirror
        .write_records(&RecordPage {
            store_hash: store,
            resource: Resource::AttributeValues,
            records,
            scope: Scope::Nothing,
            checkpoint: None,
        })
        .await
        .unwrap()
}

/// The store's attribute values ([`all_rows`]).
async fn value_rows(mirror: &Mirror, store: &str) -> Vec<Value> {
    all_rows(mirror, "customer_attribute_values", store, "id").await
}

/// Records keyed by `id` whose span holds no row yet are inserted without
/// `ON CONFLICT`: the rows and log the upsert writes; a row of the span that commits
/// while the insert waits on it sends the page to the upsert, which succeeds.
#[tokio::test]
async fn records_with_new_ids_store_what_the_upsert_stores_and_a_race_falls_back() {
    let db = fresh_database().await;
    let m = &db.mirror;
    let page = attribute_values(&[1, 2, 3], "gold ☃");
    let inserted = Tally {
        inserted: 3,
        ..Tally::default()
    };
    assert_eq!(write_values(m, "new", &page).await, inserted);
    write_values(m, "known", &attribute_values(&[2], "old")).await;
    let tally = write_values(m, "known", &page).await;
    assert_eq!((tally.inserted, tally.updated), (2, 1));
    assert_eq!(value_rows(m, "new").await, value_rows(m, "known").await);
    assert_eq!(log(m, "new").await.len(), 3);

    let committer = commit_later(
        m,
        "INSERT INTO bigcommerce.customer_attribute_values (store_hash, id, attribute_id, customer_id, raw) \
         VALUES ('raced', 2, 1, 42, '{}')",
    )
    .await;
    let tally = write_values(m, "raced", &page).await;
    committer.await.unwrap();
    assert_eq!((tally.inserted, tally.updated), (2, 1));
    assert_eq!(value_rows(m, "raced").await, value_rows(m, "new").await);
}

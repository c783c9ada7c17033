//! Builders for the tests of the generic writer (`write_records`).

use bcsync_mirror::{Mirror, RecordPage, Resource, Scope, Tally};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::AssertSqlSafe;

use super::STORE;

/// Writes `records` for STORE without a checkpoint.
pub async fn put(mirror: &Mirror, resource: Resource, records: &[Value], scope: Scope<'_>) -> Tally {
    put_for(mirror, STORE, resource, records, scope).await
}

pub async fn put_for(
    mirror: &Mirror,
    store_hash: &str,
    resource: Resource,
    records: &[Value],
    scope: Scope<'_>,
) -> Tally {
    mirror
        .write_records(&RecordPage {
            store_hash,
            resource,
            records,
            scope,
            checkpoint: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{resource:?}: {e}"))
}

/// `deleted_at IS NOT NULL` and `synced_at` of the row of STORE matching `filter` (SQL
/// over the table's columns, e.g. `id = 3`).
pub async fn row_state(mirror: &Mirror, resource: Resource, filter: &str) -> (bool, DateTime<Utc>) {
    let sql = format!(
        "SELECT deleted_at IS NOT NULL, synced_at FROM bigcommerce.{} WHERE store_hash = $1 AND {filter}",
        resource.table()
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(STORE)
        .fetch_one(mirror.pool())
        .await
        .unwrap_or_else(|e| panic!("{resource:?} {filter}: {e}"))
}

pub async fn is_deleted(mirror: &Mirror, resource: Resource, filter: &str) -> bool {
    row_state(mirror, resource, filter).await.0
}

/// The row's columns as JSON, less `store_hash`, `synced_at` and `deleted_at` (so
/// `raw` and every typed column, with PostgreSQL's rendering of its type).
pub async fn row_json(mirror: &Mirror, resource: Resource, filter: &str) -> Value {
    let sql = format!(
        "SELECT to_jsonb(t) - 'store_hash' - 'synced_at' - 'deleted_at' FROM bigcommerce.{} AS t \
         WHERE store_hash = $1 AND {filter}",
        resource.table()
    );
    sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(STORE)
        .fetch_one(mirror.pool())
        .await
        .unwrap_or_else(|e| panic!("{resource:?} {filter}: {e}"))
}

pub fn attribute(id: i64, name: &str) -> Value {
    json!({"id": id, "name": name, "type": "string",
           "date_created": "2018-11-13T21:42:06Z", "date_modified": "2018-11-14T16:46:23Z"})
}

pub fn attribute_value(id: i64, customer_id: i64, value: &str) -> Value {
    json!({"id": id, "attribute_id": 1, "attribute_value": value, "customer_id": customer_id,
           "date_created": "2021-07-28T19:00:38Z", "date_modified": "2021-07-28T19:00:38Z"})
}

pub fn customer_field(customer_id: i64, name: &str, value: Value) -> Value {
    json!({"name": name, "value": value, "customer_id": customer_id})
}

pub fn address_field(address_id: i64, name: &str, value: Value) -> Value {
    json!({"name": name, "value": value, "address_id": address_id})
}

pub fn consent(customer_id: i64, allow: &[&str]) -> Value {
    json!({"allow": allow, "deny": [], "updated_at": "2024-01-03T10:00:03Z", "customer_id": customer_id})
}

pub fn card(customer_id: i64, token: &str) -> Value {
    json!({"type": "stored_card", "token": token, "is_default": false, "brand": "VISA",
           "expiry_month": 1, "expiry_year": 2030, "last_4": "1111", "customer_id": customer_id})
}

pub fn metafield(id: i64, value: &str) -> Value {
    json!({"id": id, "key": "k", "value": value, "namespace": "ns", "permission_set": "read",
           "resource_type": "customer", "resource_id": 7,
           "date_created": "2022-06-16T18:39:00+00:00", "date_modified": "2022-06-16T18:39:00+00:00"})
}

pub fn channel_settings(channel_id: i64, allow_global_logins: bool) -> Value {
    json!({"privacy_settings": {"ask_shopper_for_tracking_consent": true},
           "customer_group_settings": {"guest_customer_group_id": 0, "default_customer_group_id": 0},
           "allow_global_logins": allow_global_logins, "channel_id": channel_id})
}

/// One small valid record of `resource`, distinct per `n` (a key of its own, except for
/// settings, which has one row per store).
pub fn sample(resource: Resource, n: i64) -> Value {
    match resource {
        Resource::Attributes => attribute(n, &format!("Attribute {n}")),
        Resource::AttributeValues => attribute_value(n, n, "x"),
        Resource::FormFieldValues => customer_field(n, "color", json!("blue")),
        Resource::Consents => consent(n, &["essential"]),
        Resource::StoredInstruments => card(n, &format!("tok-{n}")),
        Resource::Metafields => metafield(n, "v"),
        Resource::Settings => json!({"privacy_settings": {"policy_url": format!("https://x/{n}")}}),
        Resource::ChannelSettings => channel_settings(n, true),
        Resource::Customers | Resource::Addresses => panic!("{resource} has a writer of its own"),
    }
}

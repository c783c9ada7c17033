//! Builders shared by the store's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

pub mod records;

use bcsync_store::{CustomerPage, PageStats, Store};
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
    let raw = serde_json::to_value(&value).unwrap();
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

pub fn address(id: i64, customer_id: i64) -> Address {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "customer_id": customer_id,
        "city": format!("City {id}"),
        "country_code": "US",
    }))
    .unwrap()
}

/// Writes customers and addresses (no complete sets, no checkpoint).
pub async fn write(store: &Store, customers: &[Raw<Customer>], addresses: &[Raw<Address>]) -> PageStats {
    store
        .write_customer_page(&CustomerPage {
            store_hash: STORE,
            customers,
            addresses,
            complete_address_sets_for: &[],
            checkpoint: None,
        })
        .await
        .unwrap()
}

pub async fn synced_at(store: &Store, table: &str, id: i64) -> DateTime<Utc> {
    let sql = match table {
        "customers" => "SELECT synced_at FROM bigcommerce.customers WHERE store_hash = $1 AND id = $2",
        _ => "SELECT synced_at FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND id = $2",
    };
    sqlx::query_scalar(sql)
        .bind(STORE)
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

pub async fn deleted_at(store: &Store, table: &str, id: i64) -> Option<DateTime<Utc>> {
    let sql = match table {
        "customers" => "SELECT deleted_at FROM bigcommerce.customers WHERE store_hash = $1 AND id = $2",
        _ => "SELECT deleted_at FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND id = $2",
    };
    sqlx::query_scalar(sql)
        .bind(STORE)
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
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

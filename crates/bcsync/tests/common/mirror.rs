//! Compares the mirror with the simulator's truth, field by field.

use bcsync_simulator::Simulator;
use bigcommerce_models::{Address, Customer};
use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};

/// The typed columns of `bigcommerce.customers` a user would check.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct CustomerRow {
    pub id: i64,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub phone: Option<String>,
    pub registration_ip_address: Option<String>,
    pub notes: Option<String>,
    pub tax_exempt_category: Option<String>,
    pub customer_group_id: Option<i64>,
    pub date_created: DateTime<Utc>,
    pub date_modified: DateTime<Utc>,
    pub accepts_product_review_abandoned_cart_emails: Option<bool>,
    pub origin_channel_id: Option<i64>,
    pub channel_ids: Option<Vec<i64>>,
}

impl CustomerRow {
    pub fn from_api(c: &Customer) -> Self {
        CustomerRow {
            id: c.id,
            email: c.email.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            company: c.company.clone(),
            phone: c.phone.clone(),
            registration_ip_address: c.registration_ip_address.clone(),
            notes: c.notes.clone(),
            tax_exempt_category: c.tax_exempt_category.clone(),
            customer_group_id: c.customer_group_id,
            date_created: c.date_created,
            date_modified: c.date_modified,
            accepts_product_review_abandoned_cart_emails: c.accepts_product_review_abandoned_cart_emails,
            origin_channel_id: c.origin_channel_id,
            channel_ids: c.channel_ids.clone(),
        }
    }
}

/// The typed columns of `bigcommerce.customer_addresses`.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct AddressRow {
    pub id: i64,
    pub customer_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub state_or_province: Option<String>,
    pub postal_code: Option<String>,
    pub country_code: Option<String>,
    pub country: Option<String>,
    pub phone: Option<String>,
    pub address_type: Option<String>,
}

impl AddressRow {
    pub fn from_api(a: &Address) -> Self {
        AddressRow {
            id: a.id,
            customer_id: a.customer_id,
            first_name: a.first_name.clone(),
            last_name: a.last_name.clone(),
            company: a.company.clone(),
            address1: a.address1.clone(),
            address2: a.address2.clone(),
            city: a.city.clone(),
            state_or_province: a.state_or_province.clone(),
            postal_code: a.postal_code.clone(),
            country_code: a.country_code.clone(),
            country: a.country.clone(),
            phone: a.phone.clone(),
            address_type: a.address_type.clone(),
        }
    }
}

pub async fn live_customers(pool: &PgPool, store_hash: &str) -> Vec<CustomerRow> {
    sqlx::query_as(
        "SELECT id, email, first_name, last_name, company, phone, registration_ip_address, notes,
                tax_exempt_category, customer_group_id, date_created, date_modified,
                accepts_product_review_abandoned_cart_emails, origin_channel_id, channel_ids
         FROM bigcommerce.customers WHERE store_hash = $1 AND deleted_at IS NULL ORDER BY id",
    )
    .bind(store_hash)
    .fetch_all(pool)
    .await
    .expect("read customers")
}

pub async fn live_addresses(pool: &PgPool, store_hash: &str) -> Vec<AddressRow> {
    sqlx::query_as(
        "SELECT id, customer_id, first_name, last_name, company, address1, address2, city,
                state_or_province, postal_code, country_code, country, phone, address_type
         FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND deleted_at IS NULL ORDER BY id",
    )
    .bind(store_hash)
    .fetch_all(pool)
    .await
    .expect("read addresses")
}

/// Every live row equals the simulator's record and nothing is missing or extra.
pub async fn assert_exact(sim: &Simulator, pool: &PgPool, store_hash: &str) {
    let mut want: Vec<CustomerRow> = sim.customers().iter().map(CustomerRow::from_api).collect();
    want.sort_by_key(|c| c.id);
    let got = live_customers(pool, store_hash).await;
    assert_rows_equal("customers", &want, &got, |r| r.id);

    let mut want: Vec<AddressRow> = sim.addresses().iter().map(AddressRow::from_api).collect();
    want.sort_by_key(|a| a.id);
    let got = live_addresses(pool, store_hash).await;
    assert_rows_equal("customer_addresses", &want, &got, |r| r.id);
}

/// Whether the mirror equals the simulator (for polling a running daemon).
pub async fn is_exact(sim: &Simulator, pool: &PgPool, store_hash: &str) -> bool {
    let mut want: Vec<CustomerRow> = sim.customers().iter().map(CustomerRow::from_api).collect();
    want.sort_by_key(|c| c.id);
    if live_customers(pool, store_hash).await != want {
        return false;
    }
    let mut want: Vec<AddressRow> = sim.addresses().iter().map(AddressRow::from_api).collect();
    want.sort_by_key(|a| a.id);
    live_addresses(pool, store_hash).await == want
}

fn assert_rows_equal<T: PartialEq + std::fmt::Debug>(
    table: &str,
    want: &[T],
    got: &[T],
    id: impl Fn(&T) -> i64,
) {
    let want_ids: std::collections::BTreeSet<i64> = want.iter().map(&id).collect();
    let got_ids: std::collections::BTreeSet<i64> = got.iter().map(&id).collect();
    let missing: Vec<_> = want_ids.difference(&got_ids).take(10).collect();
    let extra: Vec<_> = got_ids.difference(&want_ids).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{table}: {} rows upstream, {} in the mirror; missing (first 10) {missing:?}, extra {extra:?}",
        want.len(),
        got.len()
    );
    let stale: Vec<_> = want.iter().zip(got).filter(|(w, g)| w != g).take(3).collect();
    assert!(
        stale.is_empty(),
        "{table}: stale rows (upstream, mirror): {stale:#?}"
    );
}

//! Schema `bigcommerce_live`: one view per mirror table, same columns in the same order
//! and types, live rows only.

use crate::common;

use bcsync_mirror::testing::fresh_database;
use common::{STORE, address, customer, raw, write};

/// Every mirror table: those with `deleted_at` in schema `bigcommerce`, less the
/// `<table>_history` tables of history mode (versions, not rows that are live or not).
async fn mirror_tables(pool: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c \
         JOIN information_schema.tables t USING (table_schema, table_name) \
         WHERE c.table_schema = 'bigcommerce' AND c.column_name = 'deleted_at' \
         AND t.table_type = 'BASE TABLE' AND c.table_name NOT LIKE '%\\_history' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn columns(pool: &sqlx::PgPool, schema: &str, table: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
    )
    .bind(schema)
    .bind(table)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn every_mirror_table_has_a_live_view_with_the_same_columns() {
    let db = fresh_database().await;
    let pool = db.mirror.pool();
    let tables = mirror_tables(pool).await;
    assert_eq!(tables.len(), 10, "{tables:?}");
    for table in &tables {
        let view = columns(pool, "bigcommerce_live", table).await;
        assert!(!view.is_empty(), "no view bigcommerce_live.{table}");
        assert_eq!(view, columns(pool, "bigcommerce", table).await, "{table}");
    }
}

#[tokio::test]
async fn the_views_hide_soft_deleted_rows() {
    let db = fresh_database().await;
    let mirror = &db.mirror;
    write(
        mirror,
        &[raw(customer(1, 0)), raw(customer(2, 0))],
        &[raw(address(10, 1)), raw(address(20, 2))],
    )
    .await;
    mirror.mark_customers_deleted_except(STORE, &[1]).await.unwrap();
    let customers: Vec<i64> = sqlx::query_scalar("SELECT id FROM bigcommerce_live.customers ORDER BY id")
        .fetch_all(mirror.pool())
        .await
        .unwrap();
    assert_eq!(customers, [1]);
    let addresses: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM bigcommerce_live.customer_addresses ORDER BY id")
            .fetch_all(mirror.pool())
            .await
            .unwrap();
    assert_eq!(addresses, [10], "the deleted customer's address went with it");
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.customers")
        .fetch_one(mirror.pool())
        .await
        .unwrap();
    assert_eq!(all, 2, "the table keeps the soft-deleted row");
}

//! Issue 15 part 4: a reader role for analysts (`bigcommerce.grant_analyst`) reads the
//! mirror's columns, hashed ones as hashes, but is refused `raw`, stored instruments
//! and quarantined records.

use crate::common;

use bcsync_simulator::SimConfig;
use common::{show, spawn_app};
use sqlx::Connection;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analyst_role_reads_columns_but_is_refused_raw_and_instruments() {
    let app = spawn_app(SimConfig::default().with_customers(10).with_seed(41)).await;
    let out = app.run(&["sync"]).await;
    assert!(out.status.success(), "{}", show(&out));
    let role = format!("analyst_{:08x}", rand::random::<u32>());
    for sql in [
        format!("CREATE ROLE {role} LOGIN PASSWORD 'analyst-pw'"),
        format!("SELECT bigcommerce.grant_analyst('{role}')"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(app.pool())
            .await
            .unwrap();
    }
    let (base, db) = app.db.url.rsplit_once('/').unwrap();
    let host = base.rsplit_once('@').map_or(base, |(_, h)| h);
    let url = format!("postgres://{role}:analyst-pw@{host}/{db}");
    let mut analyst = sqlx::PgConnection::connect(&url).await.unwrap();

    let n: i64 = sqlx::query_scalar("SELECT count(email) FROM bigcommerce.customers")
        .fetch_one(&mut analyst)
        .await
        .unwrap();
    assert_eq!(n, 10);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.change_log")
        .fetch_one(&mut analyst)
        .await
        .unwrap();
    assert!(n > 0);
    for refused in [
        "SELECT raw FROM bigcommerce.customers LIMIT 1",
        "SELECT raw FROM bigcommerce.customer_addresses LIMIT 1",
        "SELECT * FROM bigcommerce.customers LIMIT 1",
        "SELECT customer_id FROM bigcommerce.customer_stored_instruments LIMIT 1",
        "SELECT * FROM bigcommerce.quarantine LIMIT 1",
        "SELECT raw FROM bigcommerce.customers_history LIMIT 1",
        "UPDATE bigcommerce.customers SET email = NULL",
    ] {
        let e = sqlx::query(refused).execute(&mut analyst).await.unwrap_err();
        assert!(e.to_string().contains("permission denied"), "{refused}: {e}");
    }
}

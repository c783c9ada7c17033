//! The least-privilege database roles of docs/operations.md, used for real: bcsync
//! migrates and syncs as a role that owns only schema `bigcommerce`, and the
//! warehouse's reader role can read the mirror but not change it.

use crate::common;

use bcsync_simulator::SimConfig;
use common::{show, spawn_app};
use sqlx::Connection;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bcsync_runs_as_a_schema_owner_without_superuser_and_readers_only_read() {
    let app = spawn_app(SimConfig::default().with_customers(300).with_seed(61)).await;
    // A database of its own, empty (the test template is already migrated).
    let suffix: u32 = rand::random();
    let (db, app_role, reader) = (
        format!("lp_{suffix:08x}"),
        format!("bcsync_{suffix:08x}"),
        format!("reader_{suffix:08x}"),
    );
    let admin_url = app.db.url.rsplit_once('/').unwrap().0.to_owned();
    let mut admin = sqlx::PgConnection::connect(&format!("{admin_url}/postgres"))
        .await
        .unwrap();
    for sql in [
        format!("CREATE DATABASE {db}"),
        format!("CREATE ROLE {app_role} LOGIN PASSWORD 'app-pw' NOSUPERUSER NOCREATEDB NOCREATEROLE"),
        format!("CREATE ROLE {reader} LOGIN PASSWORD 'reader-pw'"),
        format!("REVOKE ALL ON DATABASE {db} FROM PUBLIC"),
        format!("GRANT CONNECT, TEMPORARY, CREATE ON DATABASE {db} TO {app_role}"),
        format!("GRANT CONNECT ON DATABASE {db} TO {reader}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut admin)
            .await
            .unwrap();
    }
    let mut in_db = sqlx::PgConnection::connect(&format!("{admin_url}/{db}"))
        .await
        .unwrap();
    for sql in [
        format!("CREATE SCHEMA bigcommerce AUTHORIZATION {app_role}"),
        format!("GRANT USAGE ON SCHEMA bigcommerce TO {reader}"),
        format!(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {app_role} IN SCHEMA bigcommerce GRANT SELECT ON TABLES TO {reader}"
        ),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut in_db)
            .await
            .unwrap();
    }

    let host = admin_url.rsplit_once('@').unwrap().1;
    let app_url = format!("postgres://{app_role}:app-pw@{host}/{db}");
    let mut cmd = app.command(&["sync"]);
    cmd.env("DATABASE_URL", &app_url);
    let out = cmd.output().await.unwrap();
    assert!(out.status.success(), "sync as {app_role}:\n{}", show(&out));
    assert!(!show(&out).contains("app-pw"), "the password is never printed");

    let mut as_reader = sqlx::PgConnection::connect(&format!("postgres://{reader}:reader-pw@{host}/{db}"))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM bigcommerce.customers WHERE deleted_at IS NULL")
        .fetch_one(&mut as_reader)
        .await
        .unwrap();
    assert_eq!(n, 300);
    let write = sqlx::query("DELETE FROM bigcommerce.customers")
        .execute(&mut as_reader)
        .await;
    assert!(write.is_err(), "the reader cannot change the mirror");
}

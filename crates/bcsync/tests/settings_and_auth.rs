//! What the operator sees when settings or the token are wrong.

use crate::common;

use bcsync_simulator::SimConfig;
use common::{show, spawn_app};

#[tokio::test]
async fn a_wrong_token_gives_one_clear_line_and_writes_nothing() {
    let app = spawn_app(SimConfig::default().with_customers(50)).await;
    let secret = "wrong-token-a9f3c2e1";
    let out = app
        .command(&["sync"])
        .env("BIGCOMMERCE_ACCESS_TOKEN", secret)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error:") && last.contains("401") && last.contains("BIGCOMMERCE_ACCESS_TOKEN"),
        "{}",
        show(&out)
    );
    assert!(
        !stderr.contains(secret) && !String::from_utf8_lossy(&out.stdout).contains(secret),
        "token leaked"
    );
    for table in ["customers", "customer_addresses", "sync_state", "sync_runs"] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM bigcommerce.{table}"
        )))
        .fetch_one(app.pool())
        .await
        .unwrap();
        assert_eq!(n, 0, "{table} was written");
    }
}

#[tokio::test]
async fn a_missing_or_empty_setting_is_named_before_anything_runs() {
    let app = spawn_app(SimConfig::default().with_customers(10)).await;
    for var in [
        "DATABASE_URL",
        "BIGCOMMERCE_STORE_HASH",
        "BIGCOMMERCE_ACCESS_TOKEN",
    ] {
        let out = app.command(&["sync"]).env_remove(var).output().await.unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(var) && stderr.contains("not set"), "{stderr}");

        let out = app.command(&["sync"]).env(var, "  ").output().await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains(var) && stderr.contains("empty"),
            "{stderr}"
        );
    }
    assert_eq!(app.sim.request_count(), 0, "nothing was requested");
}

#[tokio::test]
async fn a_database_password_never_shows_in_errors() {
    let app = spawn_app(SimConfig::default().with_customers(10)).await;
    let out = app
        .command(&["sync"])
        .env(
            "DATABASE_URL",
            "postgres://bcsync:hunter2-db-secret@127.0.0.1:1/nowhere",
        )
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("hunter2-db-secret"), "{all}");
    assert!(all.contains("PostgreSQL"), "{all}");
}

#[tokio::test]
async fn the_token_never_appears_in_logs_even_at_trace_level() {
    let secret = "tok-e2e-7c1d9b-never-print";
    let app = spawn_app(SimConfig::default().with_customers(300).with_token(secret)).await;
    let out = app
        .command(&["sync", "-vv"])
        .env("RUST_LOG", "trace")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.lines().count() > 20, "trace logging produced output");
    assert!(!all.contains(secret), "the token leaked into the logs");
}

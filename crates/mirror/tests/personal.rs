//! The personal columns are declared once, in Rust next to each table's columns; the
//! history triggers' arguments repeat them in `bigcommerce.history_tables` (SQL cannot
//! read Rust). This keeps both in step, checks every declared column exists, and that a
//! table has its history triggers (with those arguments) exactly while a store keeps
//! its history.

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{HISTORY_TABLES, personal_columns};

/// The arguments of the table's history trigger for `event`, if it has one.
async fn trigger_args(pool: &sqlx::PgPool, table: &str, event: &str) -> Option<Vec<String>> {
    let args: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT tgargs FROM pg_trigger WHERE tgname = $1 AND tgrelid = ('bigcommerce.' || $2)::regclass",
    )
    .bind(format!("{table}_history_{event}"))
    .bind(table)
    .fetch_optional(pool)
    .await
    .unwrap();
    // tgargs: the arguments, each ended by a NUL byte.
    args.map(|args| {
        args.split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect()
    })
}

#[tokio::test]
async fn history_triggers_scrub_exactly_the_declared_personal_columns() {
    let db = fresh_database().await;
    let pool = db.mirror.pool();
    let declared = personal_columns();
    assert_eq!(
        declared.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        HISTORY_TABLES,
        "every table erasure scrubs keeps history, and the reverse"
    );
    // No store keeps history yet: no table pays for a trigger.
    for table in HISTORY_TABLES {
        for event in ["insert", "update"] {
            assert_eq!(trigger_args(pool, table, event).await, None, "{table} {event}");
        }
    }
    let all: Vec<String> = HISTORY_TABLES.iter().map(|t| t.to_string()).collect();
    db.mirror.set_history("store1", &all).await.unwrap();
    for (table, personal) in &declared {
        let listed: String =
            sqlx::query_scalar("SELECT personal FROM bigcommerce.history_tables WHERE entity = $1")
                .bind(table)
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(listed, personal.join(","), "history_tables.personal of {table}");
        // One statement trigger per event, both with the personal columns second.
        for event in ["insert", "update"] {
            let args = trigger_args(pool, table, event)
                .await
                .unwrap_or_else(|| panic!("{table} keeps history but has no {event} trigger"));
            assert_eq!(
                args[1],
                personal.join(","),
                "{table} {event}: trigger arguments {args:?}"
            );
        }
        for column in personal.iter() {
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM information_schema.columns \
                 WHERE table_schema = 'bigcommerce' AND table_name = $1 AND column_name = $2)",
            )
            .bind(table)
            .bind(column)
            .fetch_one(db.mirror.pool())
            .await
            .unwrap();
            assert!(exists, "{table}.{column} is declared personal but does not exist");
        }
    }
    // Another store keeps one table; the first stops: only that table keeps triggers.
    db.mirror
        .set_history("store2", &["customers".to_owned()])
        .await
        .unwrap();
    db.mirror.set_history("store1", &[]).await.unwrap();
    for table in HISTORY_TABLES {
        let kept = table == "customers";
        for event in ["insert", "update"] {
            assert_eq!(
                trigger_args(pool, table, event).await.is_some(),
                kept,
                "{table} {event}"
            );
        }
    }
}

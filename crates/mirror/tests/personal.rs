//! The personal columns are declared once, in Rust next to each table's columns; the
//! history triggers of the migrations repeat them as arguments (SQL cannot read Rust).
//! This keeps both in step, and checks every declared column exists.

use bcsync_mirror::testing::fresh_database;
use bcsync_mirror::{HISTORY_TABLES, personal_columns};

#[tokio::test]
async fn history_triggers_scrub_exactly_the_declared_personal_columns() {
    let db = fresh_database().await;
    let declared = personal_columns();
    assert_eq!(
        declared.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        HISTORY_TABLES,
        "every table erasure scrubs keeps history, and the reverse"
    );
    for (table, personal) in declared {
        // One statement trigger per event (migration 20261202170000), both with the
        // personal columns as their second argument.
        for trigger in ["insert", "update"].map(|event| format!("{table}_history_{event}")) {
            let args: Vec<u8> = sqlx::query_scalar(
                "SELECT tgargs FROM pg_trigger WHERE tgname = $1 AND tgrelid = ('bigcommerce.' || $2)::regclass",
            )
            .bind(&trigger)
            .bind(table)
            .fetch_one(db.mirror.pool())
            .await
            .unwrap();
            // tgargs: the arguments, each ended by a NUL byte.
            let args: Vec<String> = args
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            assert_eq!(
                args[1],
                personal.join(","),
                "{trigger}: trigger arguments {args:?}"
            );
        }
        for column in personal {
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
}

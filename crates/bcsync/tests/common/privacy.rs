//! Looking for personal values anywhere in a test database: every row of every table
//! as text, and `pg_dump`'s output when the PostgreSQL binaries include it.

use std::path::PathBuf;

use super::App;

/// Every row of every table of the database as text (change_log, quarantine, sync_runs
/// and whatever else the schema has).
pub async fn everything(app: &App) -> String {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_schema, table_name FROM information_schema.tables \
         WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_all(app.pool())
    .await
    .unwrap();
    assert!(tables.iter().any(|(_, t)| t == "change_log"), "{tables:?}");
    let mut all = String::new();
    for (schema, table) in tables {
        let sql = format!(
            "SELECT coalesce(string_agg(to_jsonb(t)::text, E'\\n'), '') FROM \"{schema}\".\"{table}\" AS t"
        );
        let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(app.pool())
            .await
            .unwrap();
        all.push_str(&text);
        all.push('\n');
    }
    all
}

/// `pg_dump` of the test database when the PostgreSQL binaries include it.
pub fn pg_dump(app: &App) -> Option<String> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin/pg_dump"))
        .filter(|p| p.exists())
        .collect();
    candidates.sort();
    let bin = candidates.pop()?;
    let out = std::process::Command::new(bin)
        .args(["--data-only", "--dbname", &app.db.url])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pg_dump: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub async fn assert_nowhere(app: &App, markers: &[String]) {
    let text = everything(app).await;
    for m in markers {
        assert!(!text.contains(m.as_str()), "{m:?} is still in the database");
    }
    if let Some(dump) = pg_dump(app) {
        for m in markers {
            assert!(!dump.contains(m.as_str()), "{m:?} is still in pg_dump's output");
        }
    }
}

//! `bcsync status`: per store and resource, where the mirror stands: watermark and
//! position, the last pass and its outcome, live rows, lag and the lease holder.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sqlx::Row;

const TABLES: &[&str] = &[
    "customers",
    "customer_addresses",
    "customer_attributes",
    "customer_attribute_values",
    "customer_form_field_values",
    "customer_consents",
    "customer_stored_instruments",
    "customer_metafields",
    "customer_settings",
    "customer_channel_settings",
];

pub async fn run(config: &bcsync_config::Config) -> anyhow::Result<()> {
    let store = super::connect(&config.database).await?;
    let now = Utc::now();
    for cfg in &config.stores {
        let hash = cfg.hash.as_str();
        crate::outln!("store {hash}");
        match store.lease(hash).await? {
            Some((holder, until)) if until > now => crate::outln!("  lease: held by {holder} until {until}"),
            _ => crate::outln!("  lease: free"),
        }
        let runs = sqlx::query(
            "SELECT DISTINCT ON (kind) kind, started_at, finished_at, outcome, error, requests \
             FROM bigcommerce.sync_runs WHERE store_hash = $1 ORDER BY kind, started_at DESC",
        )
        .bind(hash)
        .fetch_all(store.pool())
        .await
        .context("reading bigcommerce.sync_runs")?;
        if runs.is_empty() {
            crate::outln!("  no pass yet");
        }
        for r in runs {
            let finished: Option<DateTime<Utc>> = r.get("finished_at");
            let error: Option<String> = r.get("error");
            crate::outln!(
                "  last {:<11} {} at {} ({} requests){}",
                r.get::<String, _>("kind"),
                r.get::<String, _>("outcome"),
                finished.map_or("-".to_owned(), |f| f.to_rfc3339()),
                r.get::<i64, _>("requests"),
                error.map(|e| format!(": {e}")).unwrap_or_default()
            );
        }
        let states = sqlx::query(
            "SELECT resource, watermark, position, updated_at FROM bigcommerce.sync_state \
             WHERE store_hash = $1 ORDER BY resource",
        )
        .bind(hash)
        .fetch_all(store.pool())
        .await
        .context("reading bigcommerce.sync_state")?;
        for s in states {
            let watermark: Option<DateTime<Utc>> = s.get("watermark");
            let position: Option<i64> = s.get("position");
            let updated: DateTime<Utc> = s.get("updated_at");
            crate::outln!(
                "  {:<24} watermark {:<25} position {:<10} updated {} ago",
                s.get::<String, _>("resource"),
                watermark.map_or("-".to_owned(), |w| w.to_rfc3339()),
                position.map_or("-".to_owned(), |p| p.to_string()),
                human(now - updated),
            );
        }
        for table in TABLES {
            // Table names come from the constant list above, never from input.
            let sql = format!(
                "SELECT count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL), \
                 max(synced_at) FROM bigcommerce.{table} WHERE store_hash = $1"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(hash)
                .fetch_one(store.pool())
                .await
                .with_context(|| format!("counting bigcommerce.{table}"))?;
            let changed: Option<DateTime<Utc>> = row.get(2);
            crate::outln!(
                "  {table:<28} {:>9} live {:>7} deleted, last change {}",
                row.get::<i64, _>(0),
                row.get::<i64, _>(1),
                changed.map_or("never".to_owned(), |c| format!("{} ago", human(now - c))),
            );
        }
    }
    Ok(())
}

fn human(d: chrono::TimeDelta) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d{}h", s / 86_400, s % 86_400 / 3600),
    }
}

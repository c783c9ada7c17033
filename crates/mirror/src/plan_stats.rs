//! Statistics for tables a first sync is filling.
//!
//! A mirror table that was never analyzed has no statistics, and without them
//! PostgreSQL takes `customer_id = ANY($ids)` (250 ids: every page's address and form
//! field checks) to match every row, so it scans the whole table for each page: a
//! first sync grows quadratic in the store's size until autovacuum happens to analyze
//! the table (once a minute at best, late in a short resync). One `ANALYZE` of the
//! tables early in the walk gives them statistics that scale with their size (and
//! invalidates the plans cached meanwhile).

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// The tables whose per-page lookups go by customer, and their statements.
const TABLES: [(&str, &str); 3] = [
    ("customers", "ANALYZE bigcommerce.customers"),
    ("customer_addresses", "ANALYZE bigcommerce.customer_addresses"),
    (
        "customer_form_field_values",
        "ANALYZE bigcommerce.customer_form_field_values",
    ),
];

impl Mirror {
    /// Analyzes those of the page writer's tables that were never analyzed (by us or
    /// by autovacuum); a no-op once they were. Returns how many it analyzed.
    pub async fn analyze_new_tables(&self) -> Result<usize, MirrorError> {
        const WHAT: &str = "reading which mirror tables have statistics (pg_stat_user_tables)";
        let never: Vec<String> = sqlx::query_scalar(
            "SELECT relname::text FROM pg_stat_user_tables WHERE schemaname = 'bigcommerce' \
             AND relname = ANY($1::text[]) AND last_analyze IS NULL AND last_autoanalyze IS NULL",
        )
        .bind(TABLES.map(|(t, _)| t).as_slice())
        .fetch_all(self.pool())
        .await
        .map_err(failed(WHAT))?;
        for table in &never {
            let Some((_, analyze)) = TABLES.iter().find(|(t, _)| *t == table.as_str()) else {
                continue;
            };
            sqlx::query(*analyze)
                .execute(self.pool())
                .await
                .map_err(failed("analyzing a mirror table"))?;
        }
        Ok(never.len())
    }
}

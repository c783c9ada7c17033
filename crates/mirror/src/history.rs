//! History mode: which tables of a store keep every version of their rows in
//! `<table>_history` (`bigcommerce.history_settings`, read by the statement triggers of
//! migration `20261202170000_history_statement_triggers.sql`, which write the versions
//! in the same transaction as the change). A table has those triggers only while some
//! store keeps its history: writing `history_settings` creates and drops them
//! (migration `20261202190000_history_triggers_on_demand.sql`), so the usual case, no
//! history, costs the writes nothing.

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// The tables whose rows belong to one customer: a customer's delete cascades to them,
/// erasure scrubs them, and each can keep history.
pub const CUSTOMER_TABLES: [&str; 7] = [
    "customers",
    "customer_addresses",
    "customer_attribute_values",
    "customer_form_field_values",
    "customer_consents",
    "customer_stored_instruments",
    "customer_metafields",
];

/// The tables that can keep history (each has a `<table>_history` and a trigger).
pub const HISTORY_TABLES: [&str; 7] = CUSTOMER_TABLES;

impl Mirror {
    /// Makes `tables` (names from [`HISTORY_TABLES`]) exactly the store's tables that
    /// keep history, in one transaction. Versions already written stay.
    pub async fn set_history(&self, store_hash: &str, tables: &[String]) -> Result<(), MirrorError> {
        sqlx::query(
            "WITH gone AS (DELETE FROM bigcommerce.history_settings \
             WHERE store_hash = $1 AND entity <> ALL($2::text[])) \
             INSERT INTO bigcommerce.history_settings (store_hash, entity) \
             SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        )
        .bind(store_hash)
        .bind(tables)
        .execute(self.pool())
        .await
        .map_err(failed("writing bigcommerce.history_settings"))?;
        Ok(())
    }
}

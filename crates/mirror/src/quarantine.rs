//! Records that do not fit their model, kept aside (table `quarantine`) so that the
//! rest of their page is stored. Every pass reads them again; a record that now fits
//! is stored and leaves.

use serde_json::Value;

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// One record set aside.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarantined {
    pub entity_id: i64,
    pub raw: Value,
    /// Names the field that was wrong.
    pub error: String,
}

impl Mirror {
    /// Sets `records` aside for `entity` (a table name): new ones are added, known ones
    /// get their latest shape, error and `last_seen`.
    pub async fn quarantine(
        &self,
        store_hash: &str,
        entity: &str,
        records: &[Quarantined],
    ) -> Result<(), MirrorError> {
        if records.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = records.iter().map(|r| r.entity_id).collect();
        let raws: Vec<Value> = records.iter().map(|r| r.raw.clone()).collect();
        let errors: Vec<String> = records.iter().map(|r| r.error.clone()).collect();
        let mut tx = self.begin_write("writing bigcommerce.quarantine").await?;
        sqlx::query(
            "INSERT INTO bigcommerce.quarantine (store_hash, entity, entity_id, raw, error) \
             SELECT DISTINCT ON (id) $1, $2, id, raw, error \
             FROM unnest($3::bigint[], $4::jsonb[], $5::text[]) AS u(id, raw, error) \
             ON CONFLICT (store_hash, entity, entity_id) DO UPDATE \
             SET raw = EXCLUDED.raw, error = EXCLUDED.error, last_seen = now()",
        )
        .bind(store_hash)
        .bind(entity)
        .bind(&ids)
        .bind(&raws)
        .bind(&errors)
        .execute(&mut *tx)
        .await
        .map_err(failed("writing bigcommerce.quarantine"))?;
        tx.commit()
            .await
            .map_err(failed("writing bigcommerce.quarantine"))?;
        Ok(())
    }

    /// Takes `ids` out of quarantine (they were stored, or deleted upstream).
    pub async fn clear_quarantine(
        &self,
        store_hash: &str,
        entity: &str,
        ids: &[i64],
    ) -> Result<u64, MirrorError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write("clearing bigcommerce.quarantine").await?;
        let done = sqlx::query(
            "DELETE FROM bigcommerce.quarantine WHERE store_hash = $1 AND entity = $2 AND entity_id = ANY($3)",
        )
        .bind(store_hash)
        .bind(entity)
        .bind(ids)
        .execute(&mut *tx)
        .await
        .map_err(failed("clearing bigcommerce.quarantine"))?;
        tx.commit()
            .await
            .map_err(failed("clearing bigcommerce.quarantine"))?;
        Ok(done.rows_affected())
    }

    /// The ids of `entity` in quarantine, ascending.
    pub async fn quarantined_ids(&self, store_hash: &str, entity: &str) -> Result<Vec<i64>, MirrorError> {
        sqlx::query_scalar(
            "SELECT entity_id FROM bigcommerce.quarantine WHERE store_hash = $1 AND entity = $2 ORDER BY entity_id",
        )
        .bind(store_hash)
        .bind(entity)
        .fetch_all(self.pool())
        .await
        .map_err(failed("reading bigcommerce.quarantine"))
    }
}

//! `bigcommerce.sync_state`: where each resource's poller resumes.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::error::failed;
use crate::{Mirror, MirrorError};

impl Mirror {
    /// The stored watermark of `resource` (the poller resumes from it, inclusive); `None`
    /// when the resource was never synced or its watermark was cleared.
    pub async fn watermark(
        &self,
        store_hash: &str,
        resource: &str,
    ) -> Result<Option<DateTime<Utc>>, MirrorError> {
        let row: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
            "SELECT watermark FROM bigcommerce.sync_state WHERE store_hash = $1 AND resource = $2",
        )
        .bind(store_hash)
        .bind(resource)
        .fetch_optional(self.pool())
        .await
        .map_err(failed("reading the watermark from bigcommerce.sync_state"))?;
        Ok(row.flatten())
    }

    /// The stored watermark and position of `resource`, read at once; `(None, None)`
    /// when it never ran.
    pub async fn sync_state(
        &self,
        store_hash: &str,
        resource: &str,
    ) -> Result<(Option<DateTime<Utc>>, Option<i64>), MirrorError> {
        let row: Option<(Option<DateTime<Utc>>, Option<i64>)> = sqlx::query_as(
            "SELECT watermark, position FROM bigcommerce.sync_state WHERE store_hash = $1 AND resource = $2",
        )
        .bind(store_hash)
        .bind(resource)
        .fetch_optional(self.pool())
        .await
        .map_err(failed(
            "reading the state of a resource from bigcommerce.sync_state",
        ))?;
        Ok(row.unwrap_or_default())
    }

    /// Stores where a sweep resumes, on its own (for sweeps whose position is not tied
    /// to a page of rows, like the per-customer slice).
    pub async fn set_sweep_position(
        &self,
        store_hash: &str,
        resource: &str,
        position: i64,
    ) -> Result<(), MirrorError> {
        const WHAT: &str = "storing a sweep position in bigcommerce.sync_state";
        let mut tx = self.begin_write(WHAT).await?;
        set_position(&mut tx, store_hash, resource, position).await?;
        tx.commit().await.map_err(failed(WHAT))
    }

    /// Forgets the watermark, so that the next pass starts from the beginning. The row
    /// stays (with a NULL watermark) so `updated_at` tells when that was asked for.
    pub async fn clear_watermark(&self, store_hash: &str, resource: &str) -> Result<(), MirrorError> {
        let mut tx = self
            .begin_write("clearing the watermark in bigcommerce.sync_state")
            .await?;
        sqlx::query(
            "UPDATE bigcommerce.sync_state SET watermark = NULL, updated_at = now() \
             WHERE store_hash = $1 AND resource = $2",
        )
        .bind(store_hash)
        .bind(resource)
        .execute(&mut *tx)
        .await
        .map_err(failed("clearing the watermark in bigcommerce.sync_state"))?;
        tx.commit()
            .await
            .map_err(failed("clearing the watermark in bigcommerce.sync_state"))?;
        Ok(())
    }
}

/// Sets the watermark to exactly `watermark`, forward or back: the caller decides (a
/// resync may restart from an earlier point). Called inside the page's transaction so
/// the checkpoint never runs ahead of the rows it covers.
pub(crate) async fn set_watermark(
    conn: &mut PgConnection,
    store_hash: &str,
    resource: &str,
    watermark: DateTime<Utc>,
) -> Result<(), MirrorError> {
    sqlx::query(
        "INSERT INTO bigcommerce.sync_state (store_hash, resource, watermark, updated_at) \
         VALUES ($1, $2, $3, now()) \
         ON CONFLICT (store_hash, resource) DO UPDATE SET watermark = EXCLUDED.watermark, updated_at = now()",
    )
    .bind(store_hash)
    .bind(resource)
    .bind(watermark)
    .execute(conn)
    .await
    .map_err(failed("advancing the watermark in bigcommerce.sync_state"))?;
    Ok(())
}

/// Stores a sweep's next position, inside the transaction of the page it follows.
pub(crate) async fn set_position(
    conn: &mut PgConnection,
    store_hash: &str,
    resource: &str,
    position: i64,
) -> Result<(), MirrorError> {
    sqlx::query(
        "INSERT INTO bigcommerce.sync_state (store_hash, resource, position, updated_at) \
         VALUES ($1, $2, $3, now()) \
         ON CONFLICT (store_hash, resource) DO UPDATE SET position = EXCLUDED.position, updated_at = now()",
    )
    .bind(store_hash)
    .bind(resource)
    .bind(position)
    .execute(conn)
    .await
    .map_err(failed("storing a sweep position in bigcommerce.sync_state"))?;
    Ok(())
}

/// Sets both the watermark and the position to exactly what is given (`None` clears):
/// the checkpoint of a [`RecordPage`](crate::RecordPage), inside its transaction.
pub(crate) async fn set_checkpoint(
    conn: &mut PgConnection,
    store_hash: &str,
    resource: &str,
    watermark: Option<DateTime<Utc>>,
    position: Option<i64>,
) -> Result<(), MirrorError> {
    sqlx::query(
        "INSERT INTO bigcommerce.sync_state (store_hash, resource, watermark, position, updated_at) \
         VALUES ($1, $2, $3, $4, now()) \
         ON CONFLICT (store_hash, resource) DO UPDATE \
         SET watermark = EXCLUDED.watermark, position = EXCLUDED.position, updated_at = now()",
    )
    .bind(store_hash)
    .bind(resource)
    .bind(watermark)
    .bind(position)
    .execute(conn)
    .await
    .map_err(failed("storing a checkpoint in bigcommerce.sync_state"))?;
    Ok(())
}

//! The generic writer: a page of raw JSON records of one [`Resource`], committed all or
//! nothing with the soft deletes its [`Scope`] implies and its checkpoint.
//!
//! At most five round trips whatever the page size (begin, upsert, soft delete,
//! checkpoint, commit); the statements come from `record_sql.rs`.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::error::failed;
use crate::record_sql::statements;
use crate::resources::Resource;
use crate::{Mirror, MirrorError, Tally, sync_state};

/// Which live rows the page's records are the complete set of; those in scope but absent
/// from the page are soft-deleted in the same transaction.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// Judge nothing (a partial read).
    Nothing,
    /// The page is every row of the resource for this store.
    Everything,
    /// Rows belonging to these customers (`customer_id` column; for form field values:
    /// customer-owned rows of these customers). An empty slice judges nothing. Refused
    /// ([`MirrorError::ScopeNotApplicable`]) for attributes, metafields and settings.
    Customers(&'a [i64]),
    /// Rows whose `id` lies in this inclusive range (resources with an id: attributes,
    /// attribute values, metafields; refused for the others). A range with lo > hi
    /// judges nothing.
    IdRange(i64, i64),
}

impl Scope<'_> {
    fn name(&self) -> &'static str {
        match self {
            Scope::Nothing => "Nothing",
            Scope::Everything => "Everything",
            Scope::Customers(_) => "Customers",
            Scope::IdRange(..) => "IdRange",
        }
    }
}

/// `(sync_state.resource, watermark, position)`. Both values are set exactly as given
/// (`None` clears): pass the stored value to keep it.
pub type RecordCheckpoint<'a> = (&'a str, Option<DateTime<Utc>>, Option<i64>);

/// What one [`Mirror::write_records`] call stores.
#[derive(Debug, Clone, Copy)]
pub struct RecordPage<'a> {
    pub store_hash: &'a str,
    pub resource: Resource,
    /// Raw records as received. For per-customer endpoints whose records lack a customer id
    /// (consent, stored instruments), the caller adds `"customer_id": N` to each record first;
    /// for settings, one record; for channel settings, the caller adds `"channel_id": N`.
    pub records: &'a [Value],
    pub scope: Scope<'a>,
    /// Committed in the same transaction; see [`RecordCheckpoint`].
    pub checkpoint: Option<RecordCheckpoint<'a>>,
}

impl Mirror {
    /// ONE transaction: upsert the page's records (duplicate keys keep their last
    /// occurrence), soft-delete the live rows of `scope` missing from the page (also
    /// when the page is empty), and store the checkpoint. A record lacking a key
    /// column fails the page with [`MirrorError::MissingKey`] and nothing is written.
    ///
    /// Records keyed by `id` whose span of ids holds no row of the store yet (a first
    /// fill) are inserted without `ON CONFLICT`; should a row of the span appear
    /// meanwhile, the page is written again by the upsert.
    pub async fn write_records(&self, page: &RecordPage<'_>) -> Result<Tally, MirrorError> {
        match self.write_records_once(page, true).await {
            Err(MirrorError::FillRaced { .. }) => self.write_records_once(page, false).await,
            written => written,
        }
    }

    /// One transaction of [`Mirror::write_records`]; `may_insert`: ask whether the
    /// records' ids are new to the table.
    async fn write_records_once(
        &self,
        page: &RecordPage<'_>,
        may_insert: bool,
    ) -> Result<Tally, MirrorError> {
        let sql = statements(page.resource);
        let mut tx = self
            .begin_write("beginning the transaction of a record page")
            .await?;
        let span = may_insert.then(|| id_span(page.records)).flatten();
        let new_rows = match (span, &sql.ids_free) {
            (Some((low, high)), Some(ids_free)) => sqlx::query_scalar(ids_free.as_str())
                .bind(page.store_hash)
                .bind(low)
                .bind(high)
                .fetch_one(&mut *tx)
                .await
                .map_err(failed("looking for rows in the span of a page"))?,
            _ => false,
        };
        let stats = self.write_records_in(&mut tx, page, new_rows).await?;
        tx.commit().await.map_err(failed(&sql.commit_failed))?;
        Ok(stats)
    }

    /// [`Mirror::write_records`] in the caller's transaction (a customer page writes its
    /// form field values in its own).
    ///
    /// `new_rows`: no row of the table can have the key of one of the records (ids
    /// new to it, or a customer page new to the mirror, [`crate::fill`]): a plain
    /// insert writes them. A row that is there all the same fails the page as a lost
    /// race ([`MirrorError::FillRaced`]).
    pub(crate) async fn write_records_in(
        &self,
        tx: &mut sqlx::PgConnection,
        page: &RecordPage<'_>,
        new_rows: bool,
    ) -> Result<Tally, MirrorError> {
        let spec = crate::resources::spec(page.resource).ok_or(MirrorError::NoRecordSpec {
            resource: page.resource,
        })?;
        let sql = statements(page.resource);
        let not_applicable = |missing| MirrorError::ScopeNotApplicable {
            resource: page.resource,
            table: spec.table,
            scope: page.scope.name(),
            missing,
        };
        // Checked before anything is sent: a caller's bug must not half-write a page.
        let delete = match page.scope {
            Scope::Nothing | Scope::Customers([]) => None,
            Scope::IdRange(lo, hi) if lo > hi => None,
            Scope::Everything => Some(sql.delete_everything.as_str()),
            Scope::Customers(_) => Some(
                sql.delete_customers
                    .as_deref()
                    .ok_or_else(|| not_applicable("customer_id column"))?,
            ),
            Scope::IdRange(..) => Some(
                sql.delete_id_range
                    .as_deref()
                    .ok_or_else(|| not_applicable("id column"))?,
            ),
        };

        let hashed: Option<Vec<Value>> = self.hashing_for(page.store_hash, spec.table).map(|h| {
            page.records
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    h.apply(spec.table, &mut r);
                    r
                })
                .collect()
        });
        let records = hashed.as_deref().unwrap_or(page.records);
        let mut stats = Tally::default();
        if !page.records.is_empty() {
            let statement = if new_rows { &sql.insert_new } else { &sql.upsert };
            let (missing_at, missing_column, inserted, updated): (Option<i64>, Option<String>, i64, i64) =
                sqlx::query_as(statement.as_str())
                    .bind(page.store_hash)
                    .bind(records)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|cause| match cause {
                        sqlx::Error::Database(e) if new_rows && e.is_unique_violation() => {
                            MirrorError::FillRaced { table: spec.table }
                        }
                        cause => MirrorError::Query {
                            operation: &sql.upsert_failed,
                            cause,
                        },
                    })?;
            if let (Some(position), Some(name)) = (missing_at, missing_column) {
                // Nothing was inserted (the statement checks first); dropping `tx`
                // rolls back anyway.
                // `name` is one of the spec's own columns: the statement is built from it.
                let column = spec.columns.iter().find(|c| c.name == name);
                return Err(MirrorError::MissingKey {
                    resource: page.resource,
                    table: spec.table,
                    column: column.map_or("its key", |c| c.name),
                    fields: column.map_or("its key", |c| c.fields()),
                    index: usize::try_from(position - 1).unwrap_or_default(),
                });
            }
            (stats.inserted, stats.updated) = (inserted.unsigned_abs(), updated.unsigned_abs());
        }
        if let Some(statement) = delete {
            let query = sqlx::query_scalar(statement).bind(page.store_hash).bind(records);
            let query = match page.scope {
                Scope::Customers(ids) => query.bind(ids),
                Scope::IdRange(lo, hi) => query.bind(lo).bind(hi),
                Scope::Nothing | Scope::Everything => query,
            };
            let deleted: i64 = query
                .fetch_one(&mut *tx)
                .await
                .map_err(failed(&sql.delete_failed))?;
            stats.deleted = deleted.unsigned_abs();
        }
        if let Some((resource, watermark, position)) = page.checkpoint {
            sync_state::set_checkpoint(tx, page.store_hash, resource, watermark, position).await?;
        }
        Ok(stats)
    }

    /// Live rows of a resource for a store (for tests and `status`).
    pub async fn count_live_records(&self, store_hash: &str, resource: Resource) -> Result<i64, MirrorError> {
        let sql = statements(resource);
        sqlx::query_scalar(sql.count_live.as_str())
            .bind(store_hash)
            .fetch_one(self.pool())
            .await
            .map_err(failed(&sql.count_failed))
    }

    /// Live customer ids ordered by id, starting after `after`, at most `limit` (for sweeps over per-customer endpoints).
    pub async fn customer_ids_after(
        &self,
        store_hash: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<i64>, MirrorError> {
        // Walks the primary key (store_hash, id): cheap however far the sweep is.
        sqlx::query_scalar(
            "SELECT id FROM bigcommerce.customers WHERE store_hash = $1 AND deleted_at IS NULL AND id > $2 \
             ORDER BY id LIMIT $3",
        )
        .bind(store_hash)
        .bind(after)
        .bind(limit.max(0))
        .fetch_all(self.pool())
        .await
        .map_err(failed("listing customer ids from bigcommerce.customers"))
    }

    /// The channels live customers mention (`channel_ids`, `origin_channel_id`), sorted
    /// and distinct: whose settings are worth reading.
    pub async fn channel_ids(&self, store_hash: &str) -> Result<Vec<i64>, MirrorError> {
        sqlx::query_scalar(
            "SELECT DISTINCT channel FROM bigcommerce.customers AS c, \
             unnest(c.channel_ids || c.origin_channel_id) AS channel \
             WHERE c.store_hash = $1 AND c.deleted_at IS NULL AND channel IS NOT NULL ORDER BY channel",
        )
        .bind(store_hash)
        .fetch_all(self.pool())
        .await
        .map_err(failed("listing the channels of bigcommerce.customers"))
    }
}

/// The least and greatest `id` of the records, when every one has an integer `id`.
fn id_span(records: &[Value]) -> Option<(i64, i64)> {
    let mut ids = records.iter().map(|r| r.get("id").and_then(Value::as_i64));
    let first = ids.next()??;
    ids.try_fold((first, first), |(low, high), id| {
        id.map(|id| (low.min(id), high.max(id)))
    })
}

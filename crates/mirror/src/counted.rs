//! Reads and deletes for finding deletions by counts: the API lists customers and
//! attribute values with `date_created` filters and a total, so the reconciler compares
//! the API's count over a date_created range with the mirror's, and narrows down only
//! the ranges that differ. Cheap at a million rows thanks to the partial indexes
//! `(store_hash, date_created) WHERE deleted_at IS NULL` (migrations 20261127220100/01).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};

use crate::cascade::delete_customers_where;
use crate::error::failed;
use crate::{Mirror, MirrorError};

/// Tables whose rows carry `date_created` and an `id`, so deletes can be found by
/// comparing counts over date_created ranges with the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counted {
    Customers,
    AttributeValues,
}

impl Counted {
    /// The table in schema `bigcommerce` (unqualified), as in `change_log.entity`.
    pub fn table(self) -> &'static str {
        match self {
            Counted::Customers => "customers",
            Counted::AttributeValues => "customer_attribute_values",
        }
    }

    fn sql(self) -> &'static Statements {
        match self {
            Counted::Customers => &CUSTOMERS,
            Counted::AttributeValues => &ATTRIBUTE_VALUES,
        }
    }
}

/// Built once from the table name (no input reaches them). Parameters: `$1` store hash,
/// then `$2`/`$3` the inclusive date_created range, or `$2` the ids to mark.
struct Statements {
    count: String,
    ids: String,
    bounds: String,
    mark: String,
    count_failed: String,
    ids_failed: String,
    bounds_failed: String,
    mark_failed: String,
}

static CUSTOMERS: LazyLock<Statements> = LazyLock::new(|| {
    // A customer takes its children with it (`cascade.rs`).
    Statements::new(
        Counted::Customers,
        delete_customers_where("c.id = ANY($2::bigint[])"),
    )
});

static ATTRIBUTE_VALUES: LazyLock<Statements> = LazyLock::new(|| {
    let table = Counted::AttributeValues.table();
    let mark = format!(
        r#"
WITH marked AS (
    UPDATE bigcommerce.{table} AS t
    SET deleted_at = now(), synced_at = now()
    WHERE t.store_hash = $1 AND t.deleted_at IS NULL AND t.id = ANY($2::bigint[])
    RETURNING t.id
), logged AS (
    INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op)
    SELECT $1, '{table}', id::text, 'delete' FROM marked
)
SELECT count(*) FROM marked
"#
    );
    Statements::new(Counted::AttributeValues, mark)
});

impl Statements {
    fn new(what: Counted, mark: String) -> Statements {
        let table = what.table();
        // The same predicate as the partial indexes, so the planner can use them.
        let live = format!("FROM bigcommerce.{table} WHERE store_hash = $1 AND deleted_at IS NULL");
        let range = "date_created >= $2 AND date_created <= $3";
        Statements {
            count: format!("SELECT count(*) {live} AND {range}"),
            ids: format!("SELECT id {live} AND {range} ORDER BY id"),
            bounds: format!("SELECT min(date_created), max(date_created) {live}"),
            mark,
            count_failed: format!("counting live rows by date_created in bigcommerce.{table}"),
            ids_failed: format!("listing live ids by date_created in bigcommerce.{table}"),
            bounds_failed: format!("reading the date_created bounds of bigcommerce.{table}"),
            mark_failed: format!("marking rows deleted in bigcommerce.{table}"),
        }
    }
}

impl Mirror {
    /// Live rows with date_created in [min, max] (both inclusive).
    pub async fn count_live_created(
        &self,
        store_hash: &str,
        what: Counted,
        min: DateTime<Utc>,
        max: DateTime<Utc>,
    ) -> Result<i64, MirrorError> {
        let sql = what.sql();
        sqlx::query_scalar(sql.count.as_str())
            .bind(store_hash)
            .bind(min)
            .bind(max)
            .fetch_one(self.pool())
            .await
            .map_err(failed(&sql.count_failed))
    }

    /// Ids of those rows, ascending.
    pub async fn live_ids_created(
        &self,
        store_hash: &str,
        what: Counted,
        min: DateTime<Utc>,
        max: DateTime<Utc>,
    ) -> Result<Vec<i64>, MirrorError> {
        let sql = what.sql();
        sqlx::query_scalar(sql.ids.as_str())
            .bind(store_hash)
            .bind(min)
            .bind(max)
            .fetch_all(self.pool())
            .await
            .map_err(failed(&sql.ids_failed))
    }

    /// Earliest and latest date_created among live rows; None when there are none
    /// (rows without a date_created are not counted by any range either).
    pub async fn created_bounds(
        &self,
        store_hash: &str,
        what: Counted,
    ) -> Result<Option<(DateTime<Utc>, DateTime<Utc>)>, MirrorError> {
        let sql = what.sql();
        let (min, max): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = sqlx::query_as(sql.bounds.as_str())
            .bind(store_hash)
            .fetch_one(self.pool())
            .await
            .map_err(failed(&sql.bounds_failed))?;
        Ok(min.zip(max))
    }

    /// Soft-deletes these ids (only live ones; returns how many were marked), with
    /// change_log 'delete' rows, in one transaction. For Customers, the children of
    /// each deleted customer are soft-deleted too (with change_log rows):
    /// customer_addresses, customer_attribute_values, customer_form_field_values (those
    /// owned by the customer and those owned by its addresses), customer_consents,
    /// customer_stored_instruments, customer_metafields (resource_id = customer id).
    pub async fn mark_deleted(
        &self,
        store_hash: &str,
        what: Counted,
        ids: &[i64],
    ) -> Result<u64, MirrorError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let sql = what.sql();
        // One statement: the rows, their children and their log commit together.
        let mut tx = self.begin_write(&sql.mark_failed).await?;
        let marked: i64 = sqlx::query_scalar(sql.mark.as_str())
            .bind(store_hash)
            .bind(ids)
            .fetch_one(&mut *tx)
            .await
            .map_err(failed(&sql.mark_failed))?;
        tx.commit().await.map_err(failed(&sql.mark_failed))?;
        Ok(marked.unsigned_abs())
    }
}

//! The first write of rows a table has never held: `COPY` instead of the upsert.
//!
//! A first sync, or a resync into an empty mirror, writes every customer and address
//! as new. For such a page `COPY` skips what the upsert pays per row for rows that
//! cannot conflict: `UNNEST` of one array per column, the speculative insertion of
//! `ON CONFLICT`, and a `RETURNING` row to tell inserts from updates. A customer page
//! copies a table's rows when no row of the store in that table, live or soft-deleted,
//! has an id in the span of the page's ids (pages of a full walk follow `date_created`,
//! and so ids); otherwise the upsert writes them as before. One statement asks for
//! both tables, and one logs the copied rows in `change_log`, in the page's
//! transaction with its rows and checkpoint. The same statement asks whether any form
//! field value of an owner in those spans exists; if none does, the page's values are
//! inserted without `ON CONFLICT` (`record_sql.rs`, `insert_new`).
//!
//! Should a row of the span appear between the question and the `COPY` or the insert
//! (a customer that moved between two pages written at once), either fails on the key
//! and the page's transaction rolls back: [`MirrorError::FillRaced`], a lost race
//! that the page writer runs again, and then the upsert takes the page.

use bigcommerce_models::Raw;
use sqlx::PgConnection;

use crate::MirrorError;
use crate::dedup::last_per_id;
use crate::error::failed;

/// `$1` the store; `$2..$3` the span of the customers' ids, `$4..$5` the addresses':
/// whether each span holds no row of the store, and no form field value of an owner
/// in either span.
const SPANS_FREE: &str = "SELECT \
    NOT EXISTS (SELECT 1 FROM bigcommerce.customers WHERE store_hash = $1 AND id BETWEEN $2 AND $3), \
    NOT EXISTS (SELECT 1 FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND id BETWEEN $4 AND $5), \
    NOT EXISTS (SELECT 1 FROM bigcommerce.customer_form_field_values WHERE store_hash = $1 \
        AND owner_type = 'customer' AND owner_id BETWEEN $2 AND $3) \
    AND NOT EXISTS (SELECT 1 FROM bigcommerce.customer_form_field_values WHERE store_hash = $1 \
        AND owner_type = 'address' AND owner_id BETWEEN $4 AND $5)";

/// Rows copied are logged as inserts, customers before addresses (as the upserts do).
const LOG_COPIED: &str = "INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op) \
    SELECT $1, 'customers', unnest($2::bigint[])::text, 'insert' \
    UNION ALL SELECT $1, 'customer_addresses', unnest($3::bigint[])::text, 'insert'";

/// Which of a customer page's two tables may take its rows by `COPY`, and whether
/// its form field values may be inserted without `ON CONFLICT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FreeSpans {
    pub customers: bool,
    pub addresses: bool,
    pub form_fields: bool,
}

/// Whether the spans of `customer_ids` and of `address_ids` hold no row of the store.
pub(crate) async fn free_spans(
    conn: &mut PgConnection,
    store_hash: &str,
    customer_ids: &[i64],
    address_ids: &[i64],
) -> Result<FreeSpans, MirrorError> {
    // An empty list gets the empty span 1..0.
    let span = |ids: &[i64]| {
        (
            ids.iter().copied().min().unwrap_or(1),
            ids.iter().copied().max().unwrap_or(0),
        )
    };
    let ((c_low, c_high), (a_low, a_high)) = (span(customer_ids), span(address_ids));
    let (customers, addresses, form_fields): (bool, bool, bool) = sqlx::query_as(SPANS_FREE)
        .bind(store_hash)
        .bind(c_low)
        .bind(c_high)
        .bind(a_low)
        .bind(a_high)
        .fetch_one(conn)
        .await
        .map_err(failed("looking for rows in the span of a page"))?;
    Ok(FreeSpans {
        customers,
        addresses,
        form_fields,
    })
}

/// One table a page can `COPY` into.
pub(crate) struct CopyTarget {
    /// The table, for [`MirrorError::FillRaced`].
    pub table: &'static str,
    /// `COPY bigcommerce.<table> (<columns>) FROM STDIN (FORMAT binary)`.
    pub statement: &'static str,
    /// Names the statement in an error ("copying new rows into bigcommerce.<table>").
    pub failed: &'static str,
}

/// Writes `records` (the last of each id) by `COPY` into `target`, `encode` turning
/// them into rows of the binary format (`copy_rows.rs`), for a page whose span of ids
/// holds no row of the store ([`free_spans`]). Returns the ids written, for
/// [`log_copied`].
pub(crate) async fn copy_new<T>(
    conn: &mut PgConnection,
    target: &CopyTarget,
    records: &[Raw<T>],
    id: fn(&T) -> i64,
    encode: impl FnOnce(&[&Raw<T>]) -> Vec<u8>,
) -> Result<Vec<i64>, MirrorError> {
    let rows = last_per_id(records, |r| id(&r.value));
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let data = encode(&rows);
    let copied = async {
        let mut copy = conn.copy_in_raw(target.statement).await?;
        copy.send(data).await?;
        copy.finish().await
    };
    match copied.await {
        Ok(_) => Ok(rows.iter().map(|r| id(&r.value)).collect()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(MirrorError::FillRaced { table: target.table })
        }
        Err(cause) => Err(MirrorError::Query {
            operation: target.failed,
            cause,
        }),
    }
}

/// Logs the copied rows (`customers` and `addresses`: their ids) in `change_log`.
pub(crate) async fn log_copied(
    conn: &mut PgConnection,
    store_hash: &str,
    customers: &[i64],
    addresses: &[i64],
) -> Result<(), MirrorError> {
    if customers.is_empty() && addresses.is_empty() {
        return Ok(());
    }
    sqlx::query(LOG_COPIED)
        .bind(store_hash)
        .bind(customers)
        .bind(addresses)
        .execute(conn)
        .await
        .map_err(failed("logging new rows in bigcommerce.change_log"))?;
    Ok(())
}

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
//! transaction with its rows and checkpoint.
//!
//! Should a row of the span appear between the question and the `COPY` (a customer
//! that moved between two pages written at once), the `COPY` fails on the primary key
//! and the page's transaction rolls back: [`MirrorError::FillRaced`], a lost race
//! that the page writer runs again, and then the upsert takes the page.

use sqlx::PgConnection;

use crate::MirrorError;
use crate::error::failed;

/// `$1` the store; `$2..$3` the span of the customers' ids, `$4..$5` the addresses':
/// whether each span holds no row of the store.
const SPANS_FREE: &str = "SELECT \
    NOT EXISTS (SELECT 1 FROM bigcommerce.customers WHERE store_hash = $1 AND id BETWEEN $2 AND $3), \
    NOT EXISTS (SELECT 1 FROM bigcommerce.customer_addresses WHERE store_hash = $1 AND id BETWEEN $4 AND $5)";

/// Rows copied are logged as inserts, customers before addresses (as the upserts do).
const LOG_COPIED: &str = "INSERT INTO bigcommerce.change_log (store_hash, entity, entity_id, op) \
    SELECT $1, 'customers', unnest($2::bigint[])::text, 'insert' \
    UNION ALL SELECT $1, 'customer_addresses', unnest($3::bigint[])::text, 'insert'";

/// Which of a customer page's two tables may take its rows by `COPY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FreeSpans {
    pub customers: bool,
    pub addresses: bool,
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
    let (customers, addresses): (bool, bool) = sqlx::query_as(SPANS_FREE)
        .bind(store_hash)
        .bind(c_low)
        .bind(c_high)
        .bind(a_low)
        .bind(a_high)
        .fetch_one(conn)
        .await
        .map_err(failed("looking for rows in the span of a page"))?;
    Ok(FreeSpans { customers, addresses })
}

/// Sends `data` (rows in the binary format, see `copy_rows.rs`) to `statement`, a
/// `COPY bigcommerce.<table> ... FROM STDIN (FORMAT binary)`; `operation` names it in
/// an error ("copying new rows into bigcommerce.<table>").
pub(crate) async fn copy_in(
    conn: &mut PgConnection,
    (table, operation): (&'static str, &'static str),
    statement: &'static str,
    data: Vec<u8>,
) -> Result<(), MirrorError> {
    let copied = async {
        let mut copy = conn.copy_in_raw(statement).await?;
        copy.send(data).await?;
        copy.finish().await
    };
    match copied.await {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(MirrorError::FillRaced { table }),
        Err(cause) => Err(MirrorError::Query { operation, cause }),
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

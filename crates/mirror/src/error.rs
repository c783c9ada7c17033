//! Mirror errors. Each names the table and operation that failed, so a log line says what
//! the mirror was doing without a backtrace; none ever carries the database password.

use crate::Resource;

/// Everything the store can fail with.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    /// The pool could not open its first connection. `url` is redacted and `reason` is the
    /// driver's message with the password scrubbed: the driver error itself is not kept,
    /// because its `Debug` form could quote the connect options.
    #[error("connecting to {url} failed: {reason}")]
    Connect { url: String, reason: String },

    #[error("applying the migrations (schema bigcommerce) failed: {source}")]
    Migrate {
        #[source]
        source: sqlx::migrate::MigrateError,
    },

    /// A statement failed. `operation` reads like "bulk upsert into bigcommerce.customers".
    /// The message gives the server's words and SQLSTATE (not sqlx's "at line N", a
    /// position in the server's C source); the driver error stays for
    /// [`MirrorError::sqlx_error`].
    #[error("{operation} failed: {}", crate::connect::reason(cause))]
    Query {
        operation: &'static str,
        cause: sqlx::Error,
    },

    /// A fenced write ([`Mirror::fenced`](crate::Mirror::fenced)) found that this
    /// replica no longer holds the store under the epoch its pass started with.
    #[error(
        "store {store_hash}: this replica no longer holds its lease (epoch {epoch}); it expired or \
         another replica took the store, so nothing of this page was written and the pass stops"
    )]
    LeaseLost { store_hash: String, epoch: i64 },

    /// A customer page's `COPY` met a row another transaction committed after the page
    /// found its span free ([`crate::fill`]); nothing of the page was written, and
    /// written again the page takes the upsert. A lost race.
    #[error("a row of the page appeared in bigcommerce.{table} while the page was being copied in")]
    FillRaced { table: &'static str },

    #[error("finishing sync run {run_id}: no such row in bigcommerce.sync_runs")]
    RunNotFound { run_id: i64 },

    /// A record of a [`RecordPage`](crate::RecordPage) lacks a key (or otherwise
    /// required) column once extracted from its JSON. The whole page is refused:
    /// nothing of it is written, its checkpoint included. `fields` names the JSON
    /// field(s) the column is extracted from.
    #[error(
        "records[{index}] of a {resource:?} page has no {column} ({fields} absent or null), which \
         bigcommerce.{table} requires: nothing of the page was written"
    )]
    MissingKey {
        resource: Resource,
        table: &'static str,
        column: &'static str,
        fields: &'static str,
        /// Position of the record in `RecordPage::records`.
        index: usize,
    },

    /// A record whose hashed columns no longer decode (a bug: only strings are
    /// replaced, by strings). Nothing of the page was written.
    #[error("hashing the columns of a bigcommerce.{table} record: {message}")]
    Hashing { table: &'static str, message: String },

    /// A [`Scope`](crate::Scope) that cannot judge this resource's rows (e.g. an id
    /// range for a table without ids). A bug of the caller; nothing was written.
    #[error("scope {scope} does not apply to {resource:?}: bigcommerce.{table} has no {missing}")]
    ScopeNotApplicable {
        resource: Resource,
        table: &'static str,
        scope: &'static str,
        missing: &'static str,
    },

    /// Customers and addresses have a writer of their own: a bug of the caller.
    #[error("{resource} records are not written by write_records (they have their own writer)")]
    NoRecordSpec { resource: Resource },
}

impl MirrorError {
    /// The driver error behind a failed statement, for callers that want to tell a lost
    /// connection (worth retrying) from bad data (not worth it).
    pub fn sqlx_error(&self) -> Option<&sqlx::Error> {
        match self {
            MirrorError::Query { cause, .. } => Some(cause),
            _ => None,
        }
    }
}

/// `map_err` helper: `.map_err(failed("upsert into ..."))`.
pub(crate) fn failed(operation: &'static str) -> impl FnOnce(sqlx::Error) -> MirrorError {
    move |cause| MirrorError::Query { operation, cause }
}

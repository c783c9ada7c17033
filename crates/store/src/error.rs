//! Store errors. Each names the table and operation that failed, so a log line says what
//! the mirror was doing without a backtrace; none ever carries the database password.

/// Everything the store can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
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
    #[error("{operation} failed: {source}")]
    Query {
        operation: &'static str,
        #[source]
        source: sqlx::Error,
    },

    #[error("finishing sync run {run_id}: no such row in bigcommerce.sync_runs")]
    RunNotFound { run_id: i64 },
}

impl StoreError {
    /// The driver error behind a failed statement, for callers that want to tell a lost
    /// connection (worth retrying) from bad data (not worth it).
    pub fn sqlx_error(&self) -> Option<&sqlx::Error> {
        match self {
            StoreError::Query { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `map_err` helper: `.map_err(failed("upsert into ..."))`.
pub(crate) fn failed(operation: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Query { operation, source }
}

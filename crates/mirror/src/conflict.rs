//! Telling a write that lost a race (and is worth running again) from one that failed.

use crate::MirrorError;

/// SQLSTATEs of a transaction PostgreSQL rolled back because of another one:
/// `deadlock_detected` and `serialization_failure`. Nothing of it was written.
const RACES: [&str; 2] = ["40P01", "40001"];

impl MirrorError {
    /// Whether the failed transaction was rolled back only because a concurrent one
    /// held what it needed (two pages of a parallel walk sharing rows): running it
    /// again is safe and will pass.
    pub fn is_lost_race(&self) -> bool {
        matches!(self, MirrorError::FillRaced { .. })
            || self
                .sqlx_error()
                .and_then(|e| e.as_database_error())
                .and_then(|d| d.code())
                .is_some_and(|code| RACES.contains(&code.as_ref()))
    }
}

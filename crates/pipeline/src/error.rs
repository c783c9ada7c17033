//! Why a pass failed. Each variant says what failed and what to check, its source the
//! cause, so the binary's one error line reads as it did when the pass lived there.

use bcsync_mirror::MirrorError;
use bcsync_poller::PollError;
use bcsync_reconciler::ReconcileError;

#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// Nothing of the pass can work: the token is rejected, or the store unknown (404).
    /// `hint` names the store and the setting to check.
    #[error("{hint}")]
    Rejected {
        hint: String,
        #[source]
        source: PollError,
    },
    #[error("writing the store's history setting")]
    History(#[source] MirrorError),
    #[error(transparent)]
    Mirror(#[from] MirrorError),
    #[error("marking deleted customers")]
    MarkDeleted(#[source] ReconcileError),
    #[error("recording the pass in bigcommerce.sync_runs")]
    Record(#[source] MirrorError),
    #[error("erasing the personal data of long-deleted rows")]
    Erase(#[source] MirrorError),
    /// Some resources failed (after every other resource had its turn).
    #[error("{kind} of store {store} failed: {failures}")]
    Failed {
        kind: &'static str,
        store: String,
        failures: String,
    },
}

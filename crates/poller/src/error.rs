//! Poller errors.

use bcsync_mirror::MirrorError;
use bigcommerce::ClientError;

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Mirror(#[from] MirrorError),
    #[error("the API broke its contract: {0}")]
    Contract(String),
    #[error("a page fetch task failed: {0}")]
    Task(String),
    #[error("the store writer stopped unexpectedly")]
    WriterGone,
}

impl PollError {
    pub fn is_auth(&self) -> bool {
        matches!(self, PollError::Client(e) if e.is_auth())
    }

    /// A 404 listing customers: the store hash is wrong (see `ClientError::is_not_found`).
    pub fn is_unknown_store(&self) -> bool {
        matches!(self, PollError::Client(e) if e.is_not_found())
    }
}

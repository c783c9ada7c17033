//! Reconciler errors.

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Client(#[from] bigcommerce::ClientError),
    #[error(transparent)]
    Mirror(#[from] bcsync_mirror::MirrorError),
    #[error(transparent)]
    Poll(#[from] bcsync_poller::PollError),
}

//! Reconciler errors.

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Client(#[from] bigcommerce::ClientError),
    #[error(transparent)]
    Store(#[from] bcsync_store::StoreError),
    #[error(transparent)]
    Poll(#[from] bcsync_poller::PollError),
}

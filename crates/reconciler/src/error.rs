//! Reconciler errors.

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Client(#[from] bigcommerce::ClientError),
    #[error(transparent)]
    Store(#[from] bcsync_store::StoreError),
}

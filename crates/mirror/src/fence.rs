//! Fencing: a [`Mirror`] bound to one lease ([`Mirror::fenced`]) opens every write
//! transaction by checking, under a share lock on the lease row, that this replica
//! still holds the store under the epoch its pass started with. A pass whose lease
//! expired or was taken fails at its next page with [`MirrorError::LeaseLost`] and
//! writes nothing more; the lock keeps another replica from taking the lease while a
//! checked page is still committing.

use std::sync::Arc;

use sqlx::{Postgres, Transaction};

use crate::error::failed;
use crate::{Mirror, MirrorError};

/// The claim a pass writes under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub store_hash: String,
    pub holder: String,
    pub epoch: i64,
}

const CHECK: &str = "SELECT epoch FROM bigcommerce.store_leases \
     WHERE store_hash = $1 AND holder = $2 AND expires_at > now() FOR SHARE";

impl Mirror {
    /// The same pool, with every write checked against `fence`.
    pub fn fenced(&self, fence: Fence) -> Mirror {
        Mirror {
            fence: Some(Arc::new(fence)),
            ..self.clone()
        }
    }

    pub fn fence(&self) -> Option<&Fence> {
        self.fence.as_deref()
    }

    /// Begins a write transaction; with a fence, checks it first.
    pub(crate) async fn begin_write(
        &self,
        what: &'static str,
    ) -> Result<Transaction<'static, Postgres>, MirrorError> {
        let mut tx = self.pool.begin().await.map_err(failed(what))?;
        if let Some(fence) = &self.fence {
            let epoch: Option<i64> = sqlx::query_scalar(CHECK)
                .bind(&fence.store_hash)
                .bind(&fence.holder)
                .fetch_optional(&mut *tx)
                .await
                .map_err(failed("checking the lease in bigcommerce.store_leases"))?;
            if epoch != Some(fence.epoch) {
                return Err(MirrorError::LeaseLost {
                    store_hash: fence.store_hash.clone(),
                    epoch: fence.epoch,
                });
            }
        }
        Ok(tx)
    }
}

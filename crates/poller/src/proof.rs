//! Deletes only on proof. A listing that lacks a row is one answer, and listings lag:
//! a live row can be missing from one answer. So a row is marked deleted only when a
//! lookup by id (`id:in=`, a separate request made after the answer that lacked it)
//! does not return it either, and that lookup's answer is itself complete: it read
//! every page, and `meta.pagination.total` equals the distinct rows it returned, all
//! of them ids that were asked for. An answer that fails the check proves nothing;
//! it is asked once more, and rows still unproven stay live until a later pass.

use std::collections::HashSet;

use bigcommerce::query::MAX_LIMIT;
use bigcommerce::{AddressQuery, BigCommerceClient, CustomerQuery};

use crate::error::PollError;

/// Ids per lookup: well under a page, so one answer holds them all.
pub const LOOKUP_BATCH: usize = 100;
/// Answers per batch before its ids are left unproven.
const ASKS: usize = 2;

/// What lookups by id said about candidates for deletion.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Judged {
    /// Proven gone: a complete answer did not return them.
    pub gone: Vec<i64>,
    /// Returned by a lookup: they exist.
    pub alive: Vec<i64>,
    /// In batches whose answers were never complete: judged by a later pass.
    pub unproven: Vec<i64>,
    pub requests: u64,
}

/// Which of `ids` no customer lookup returns.
pub async fn customers_gone(client: &BigCommerceClient, ids: &[i64]) -> Result<Judged, PollError> {
    judge(client, ids, |batch| async move {
        let q = CustomerQuery {
            id_in: batch,
            page: 1,
            limit: MAX_LIMIT,
            ..Default::default()
        };
        let page = client.list_customers_lenient(&q).await?;
        // Records of the wrong shape still exist.
        let rejected = page.rejected.iter().filter_map(|r| r.raw.id());
        let found: Vec<i64> = page.data.iter().map(|c| c.value.id).chain(rejected).collect();
        Ok((found, page.pagination.total, page.pagination.total_pages))
    })
    .await
}

/// Which of `ids` no address lookup returns.
pub async fn addresses_gone(client: &BigCommerceClient, ids: &[i64]) -> Result<Judged, PollError> {
    judge(client, ids, |batch| async move {
        let q = AddressQuery {
            id_in: batch,
            page: 1,
            limit: MAX_LIMIT,
            ..Default::default()
        };
        let page = client.list_addresses(&q).await?;
        let found = page.data.iter().map(|a| a.value.id).collect();
        Ok((found, page.pagination.total, page.pagination.total_pages))
    })
    .await
}

/// `ask(batch)` answers one lookup: the ids returned, `total` and `total_pages`.
async fn judge<F, Fut>(client: &BigCommerceClient, ids: &[i64], ask: F) -> Result<Judged, PollError>
where
    F: Fn(Vec<i64>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<i64>, i64, i64), PollError>>,
{
    let before = client.requests();
    let mut judged = Judged::default();
    for batch in ids.chunks(LOOKUP_BATCH) {
        let asked: HashSet<i64> = batch.iter().copied().collect();
        let mut verdict = None;
        for _ in 0..ASKS {
            let (found, total, pages) = ask(batch.to_vec()).await?;
            let found: HashSet<i64> = found.into_iter().collect();
            let complete =
                pages <= 1 && total == found.len() as i64 && found.iter().all(|id| asked.contains(id));
            if complete {
                verdict = Some(found);
                break;
            }
            tracing::info!(
                asked = batch.len(),
                returned = found.len(),
                total,
                "a lookup by id answered incompletely; asking again"
            );
        }
        match verdict {
            Some(found) => {
                for id in batch {
                    if found.contains(id) {
                        judged.alive.push(*id);
                    } else {
                        judged.gone.push(*id);
                    }
                }
            }
            None => judged.unproven.extend_from_slice(batch),
        }
    }
    if !judged.unproven.is_empty() {
        tracing::warn!(
            count = judged.unproven.len(),
            "rows missing from a listing could not be proven deleted; they stay live until a later pass"
        );
    }
    judged.requests = client.requests() - before;
    Ok(judged)
}

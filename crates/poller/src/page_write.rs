//! Writing one queued page: its set-aside records, its form field values, its
//! customers and addresses with their checkpoint, and the quarantine it empties.

use bcsync_mirror::{CustomerPage, Mirror, MirrorError, RecordPage, Resource, Scope, Tallies};

use crate::CUSTOMERS_RESOURCE;
use crate::writer::PageWrite;

/// How often a page rolled back by a concurrent page (a deadlock between two pages
/// of a parallel walk that share rows) is written again before the pass fails.
const RACE_ATTEMPTS: u32 = 3;

/// Writes `w`; `fixed` are its customers that were in quarantine and leave it once
/// stored. Each step is idempotent, so a page that lost a race is simply written again.
pub(crate) async fn write_page(
    mirror: &Mirror,
    store_hash: &str,
    w: &PageWrite,
    fixed: &[i64],
) -> Result<Tallies, MirrorError> {
    let mut attempt = 1;
    loop {
        match write_once(mirror, store_hash, w, fixed).await {
            Err(e) if attempt < RACE_ATTEMPTS && e.is_lost_race() => {
                tracing::debug!(attempt, error = %e, "a page lost a race with another; writing it again");
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

async fn write_once(
    mirror: &Mirror,
    store_hash: &str,
    w: &PageWrite,
    fixed: &[i64],
) -> Result<Tallies, MirrorError> {
    // Before the page and its checkpoint, so a crash in between cannot let the
    // watermark pass a record that is in neither place.
    mirror
        .quarantine(store_hash, CUSTOMERS_RESOURCE, &w.quarantined)
        .await?;
    // The form field values in the page's own transaction, before its customers.
    let form_fields = w.form_fields.as_ref().map(|records| RecordPage {
        store_hash,
        resource: Resource::FormFieldValues,
        records,
        scope: Scope::Customers(&w.form_field_owners),
        checkpoint: None,
    });
    let page = CustomerPage {
        store_hash,
        customers: &w.customers,
        addresses: &w.addresses,
        complete_address_sets_for: &w.complete_address_sets_for,
        checkpoint: w.watermark.map(|ts| (CUSTOMERS_RESOURCE, ts)),
    };
    let (stats, _) = mirror
        .write_customer_page_with(&page, form_fields.as_ref())
        .await?;
    mirror
        .clear_quarantine(store_hash, CUSTOMERS_RESOURCE, fixed)
        .await?;
    Ok(stats)
}

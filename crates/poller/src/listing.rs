//! The generic reader of a `Reading::CompleteListing`: a small listing read whole
//! every pass, with no type of its own. Records are raw JSON objects keyed by their
//! integer `id` ([`Keyed`]); the resource's spec in the mirror says which columns to
//! take from them. A record without an integer `id`, or a body that is not the
//! collection envelope, fails the read with an error naming the endpoint and the field,
//! and nothing of the listing is written.

use std::collections::BTreeMap;

use bcsync_mirror::{Mirror, RecordPage, Resource, Scope, Tally};
use bigcommerce::models::Keyed;
use bigcommerce::{BigCommerceClient, ListQuery};

use crate::error::PollError;
use crate::options::PollOptions;
use crate::resources::{StableScan, Step};

/// Reads every page of `path` (a [`StableScan`]: the listing has no stable order) and
/// writes the complete set of `resource` in one transaction; rows missing from it are
/// marked deleted ([`Scope::Everything`]).
pub async fn sync_complete_listing(
    client: &BigCommerceClient,
    mirror: &Mirror,
    resource: Resource,
    path: &str,
    opts: &PollOptions,
) -> Result<Tally, PollError> {
    // By id: a scan read again overwrites what the first one handed out.
    let mut by_id = BTreeMap::new();
    let mut scan = StableScan::new(opts.max_second_rescans);
    loop {
        let query = ListQuery::page(scan.page()).pairs();
        let resp = client.get_collection::<Keyed>(path, &query).await?;
        let step = scan.observe(&resp, |r| r.id)?;
        by_id.extend(resp.data.into_iter().map(|r| (r.value.id, r.raw)));
        if step == Step::Done {
            break;
        }
    }
    let records: Vec<serde_json::Value> = by_id
        .into_values()
        .map(|r| opts.exclusions.kept_value(resource, r))
        .collect();
    let mut stats = Tally {
        read: records.len() as u64,
        ..Default::default()
    };
    stats += mirror
        .write_records(&RecordPage {
            store_hash: client.store_hash(),
            resource,
            records: &records,
            scope: Scope::Everything,
            checkpoint: None,
        })
        .await?;
    Ok(stats)
}

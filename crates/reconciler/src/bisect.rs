//! Routine delete detection by count bisection.
//!
//! BigCommerce has no "deleted since" listing, and reading every id each pass would
//! cost N/250 requests. But a listing's `meta.pagination.total` counts the rows a
//! filter matches, and `date_created` never changes. So the mirror's live rows created
//! in a range are counted against the API's (`limit=1`: one request); ranges that
//! agree are done, ranges that differ are halved (at the mirror's median, so each
//! half holds half the rows) until a range fits one page, whose ids are compared.
//! With d deletions among N rows that costs about d·log2(N/250) count requests plus
//! d listings; a range where listing every page is cheaper than bisecting it (a mass
//! delete) is listed instead. Rows the API has and the mirror lacks (a customer the
//! mirror missed) are stored, so the check repairs in both directions.
//!
//! It runs after the pass's incremental read, up to that pass's watermark: every row
//! created by then has been read, so a range's counts can differ only by deletes (or
//! by rows the mirror missed), never cancel out with rows not read yet.
//!
//! A range's listing only names candidates: listings lag, so a live row can be missing
//! from one answer. Customers are marked deleted only when a lookup by id proves it
//! (`bcsync_poller::proof`); attribute values (whose listing has no `id:in`) only when
//! a second complete listing of the range lacks them too.

use std::collections::HashSet;

use bcsync_mirror::{Counted, Mirror, RecordPage, Resource, Scope, Tally};
use bcsync_poller::proof::customers_gone;
use bcsync_poller::{PollOptions, store_customers};
use bigcommerce::models::Exclusions;
use bigcommerce::models::RawJson;
use bigcommerce::{BigCommerceClient, CustomerQuery, ListQuery};
use chrono::{DateTime, TimeDelta, Utc};

use crate::error::ReconcileError;

/// Rows per listing request: the API's maximum.
const PAGE: i64 = 250;

/// What one check did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Bisection {
    /// Requests; rows soft-deleted (for customers, their children go with them); rows
    /// the API had and the mirror lacked, now stored (`inserted`).
    pub tally: Tally,
    /// Ranges whose counts differed: what the check cost beyond its root count.
    pub ranges_differing: u64,
}

/// Finds and marks the deletes of `what` among rows created up to `upper`.
pub async fn find_deletes(
    client: &BigCommerceClient,
    mirror: &Mirror,
    what: Counted,
    upper: DateTime<Utc>,
    opts: &PollOptions,
) -> Result<Bisection, ReconcileError> {
    let before = client.requests();
    let mut b = Bisector {
        client,
        mirror,
        store_hash: client.store_hash(),
        what,
        opts,
        stats: Bisection::default(),
    };
    let upper = second(upper);
    let (api_total, api_first) = b.api_root(upper).await?;
    let mirror_first = mirror.created_bounds(b.store_hash, what).await?.map(|(lo, _)| lo);
    let lower = match (api_first, mirror_first) {
        (Some(a), Some(m)) => a.min(m),
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => return Ok(b.done(before)),
    };
    let mut pending = vec![(second(lower), upper, api_total)];
    while let Some((lo, hi, api)) = pending.pop() {
        let mirrored = mirror.count_live_created(b.store_hash, what, lo, hi).await?;
        if api == mirrored {
            continue;
        }
        b.stats.ranges_differing += 1;
        let pages = (api + PAGE - 1) / PAGE;
        let depth = ((api.max(PAGE) as f64) / PAGE as f64).log2().ceil() as i64;
        let bisecting_costs = (api - mirrored).abs() * depth.max(1);
        if api <= PAGE || lo >= hi || pages <= bisecting_costs {
            b.settle(lo, hi).await?;
            continue;
        }
        let mid = match mirror.created_median(b.store_hash, what, lo, hi).await? {
            Some(m) if m >= lo && m < hi => m,
            _ => lo + (hi - lo) / 2,
        };
        let mid = second(mid);
        let left = b.api_count(lo, mid).await?;
        pending.push((mid + TimeDelta::seconds(1), hi, api - left));
        pending.push((lo, mid, left));
    }
    Ok(b.done(before))
}

struct Bisector<'a> {
    client: &'a BigCommerceClient,
    mirror: &'a Mirror,
    store_hash: &'a str,
    what: Counted,
    opts: &'a PollOptions,
    stats: Bisection,
}

/// One listing of a range: every row's id and raw record, and whether the answer was
/// complete (a total that held still and equals the distinct rows read).
struct Listing {
    rows: Vec<(i64, RawJson)>,
    complete: bool,
}

impl Bisector<'_> {
    fn done(mut self, before: u64) -> Bisection {
        self.stats.tally.requests = self.client.requests() - before;
        self.stats
    }

    /// The API's count up to `upper` and its earliest `date_created`, in one request.
    async fn api_root(&self, upper: DateTime<Utc>) -> Result<(i64, Option<DateTime<Utc>>), ReconcileError> {
        match self.what {
            Counted::Customers => {
                let q = CustomerQuery {
                    date_created_max: Some(upper),
                    sort: Some("date_created:asc"),
                    page: 1,
                    limit: 1,
                    ..Default::default()
                };
                let page = self.client.list_customers(&q).await?;
                Ok((
                    page.pagination.total,
                    page.data.first().map(|c| c.value.date_created),
                ))
            }
            Counted::AttributeValues => {
                let q = ListQuery {
                    date_created_max: Some(upper),
                    page: 1,
                    limit: 1,
                    ..Default::default()
                };
                let page = self.client.list_attribute_values(&q).await?;
                // Unsorted: the first row is not the earliest, so start from the epoch
                // of the mirror's and this row's earliest, and let the median split.
                Ok((
                    page.pagination.total,
                    page.data.first().and_then(|v| v.value.date_created),
                ))
            }
        }
    }

    async fn api_count(&self, lo: DateTime<Utc>, hi: DateTime<Utc>) -> Result<i64, ReconcileError> {
        Ok(self.list(lo, hi, 1, 1).await?.1)
    }

    /// One page of the range: its rows and the listing's total.
    async fn list(
        &self,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
        page: u32,
        limit: u32,
    ) -> Result<(Vec<(i64, RawJson)>, i64), ReconcileError> {
        match self.what {
            Counted::Customers => {
                let q = CustomerQuery {
                    date_created_min: Some(lo),
                    date_created_max: Some(hi),
                    sort: Some("date_created:asc"),
                    include: (limit > 1).then_some(bigcommerce::query::CUSTOMER_INCLUDES),
                    page,
                    limit,
                    ..Default::default()
                };
                let p = self.client.list_customers(&q).await?;
                let rows = p.data.into_iter().map(|c| (c.value.id, c.raw)).collect();
                Ok((rows, p.pagination.total))
            }
            Counted::AttributeValues => {
                let q = ListQuery {
                    date_created_min: Some(lo),
                    date_created_max: Some(hi),
                    page,
                    limit,
                    ..Default::default()
                };
                let p = self.client.list_attribute_values(&q).await?;
                let rows = p
                    .data
                    .into_iter()
                    .filter_map(|v| Some((v.value.id?, v.raw)))
                    .collect();
                Ok((rows, p.pagination.total))
            }
        }
    }

    /// Lists the whole range, page by page.
    async fn list_all(&self, lo: DateTime<Utc>, hi: DateTime<Utc>) -> Result<Listing, ReconcileError> {
        let mut rows = Vec::new();
        let mut totals = HashSet::new();
        let mut page = 1;
        loop {
            let (batch, total) = self.list(lo, hi, page, PAGE as u32).await?;
            totals.insert(total);
            let last = batch.len() < PAGE as usize || i64::from(page) * PAGE >= total;
            rows.extend(batch);
            if last {
                break;
            }
            page += 1;
        }
        let distinct: HashSet<i64> = rows.iter().map(|(id, _)| *id).collect();
        let complete = totals.len() == 1 && totals.iter().all(|t| *t as usize == distinct.len());
        Ok(Listing { rows, complete })
    }

    /// Compares one range's ids: marks what the API lacks, stores what the mirror lacks.
    async fn settle(&mut self, lo: DateTime<Utc>, hi: DateTime<Utc>) -> Result<(), ReconcileError> {
        let listing = self.list_all(lo, hi).await?;
        let listed: HashSet<i64> = listing.rows.iter().map(|(id, _)| *id).collect();
        let mirror = self
            .mirror
            .live_ids_created(self.store_hash, self.what, lo, hi)
            .await?;
        let mirror_set: HashSet<i64> = mirror.iter().copied().collect();
        let mut gone: Vec<i64> = mirror.into_iter().filter(|id| !listed.contains(id)).collect();
        if !gone.is_empty() {
            // Candidates only: a listing may lag, or rows may have shifted between
            // its pages. A second answer decides.
            gone = self.still_gone(gone, lo, hi).await?;
        }
        if !gone.is_empty() {
            self.stats.tally.deleted += self
                .mirror
                .mark_deleted(self.store_hash, self.what, &gone)
                .await?;
        }
        let missing: Vec<RawJson> = listing
            .rows
            .into_iter()
            .filter(|(id, _)| !mirror_set.contains(id))
            .map(|(_, raw)| raw)
            .collect();
        if !missing.is_empty() {
            self.restore(missing).await?;
        }
        Ok(())
    }

    /// The ids among `ids` that the API is proven to no longer have.
    async fn still_gone(
        &self,
        ids: Vec<i64>,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
    ) -> Result<Vec<i64>, ReconcileError> {
        match self.what {
            Counted::Customers => Ok(customers_gone(self.client, &ids).await?.gone),
            Counted::AttributeValues => {
                // No `id:in` on this listing: a second listing of the range, complete,
                // must lack them too.
                let again = self.list_all(lo, hi).await?;
                if !again.complete {
                    tracing::info!(
                        count = ids.len(),
                        "attribute values changed while their range was listed; judging them next pass"
                    );
                    return Ok(Vec::new());
                }
                let listed: HashSet<i64> = again.rows.iter().map(|(id, _)| *id).collect();
                Ok(ids.into_iter().filter(|id| !listed.contains(id)).collect())
            }
        }
    }

    async fn restore(&mut self, raws: Vec<RawJson>) -> Result<(), ReconcileError> {
        self.stats.tally.inserted += raws.len() as u64;
        tracing::info!(
            count = raws.len(),
            table = self.what.table(),
            "rows the mirror lacked found by the count check; storing them"
        );
        match self.what {
            Counted::Customers => {
                // Each was decoded when listed; decoding again cannot fail.
                let customers = raws
                    .into_iter()
                    .filter_map(|raw| bigcommerce::models::Raw::decode(raw).ok())
                    .collect();
                store_customers(self.client, self.mirror, customers, self.opts).await?;
            }
            Counted::AttributeValues => {
                let ex: &Exclusions = &self.opts.exclusions;
                let raws: Vec<serde_json::Value> = raws
                    .into_iter()
                    .map(|r| ex.kept_value(Resource::AttributeValues, r))
                    .collect();
                self.mirror
                    .write_records(&RecordPage {
                        store_hash: self.store_hash,
                        resource: Resource::AttributeValues,
                        records: &raws,
                        scope: Scope::Nothing,
                        checkpoint: None,
                    })
                    .await?;
            }
        }
        Ok(())
    }
}

/// Filters compare at second precision: a range ends on a whole second.
fn second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

//! Attribute values, the date-filterable resource besides customers
//! (`date_modified:min`), and [`StableScan`], which reads a listing with no stable
//! order (also for `listing`, the generic reader of complete listings).
//!
//! Neither listing takes a sort, so pages are read by number; a scan counts only when
//! its total held still and it saw that many distinct records (rows modified while it
//! pages shift later ones back a page). The watermark is committed after the last
//! page, since unsorted pages cannot each vouch for a prefix of time.

use std::collections::HashSet;

use bcsync_mirror::{Mirror, RecordCheckpoint, RecordPage, Resource, Scope, Tally};
use bigcommerce::models::AttributeValue;
use bigcommerce::models::{Collection, Raw};
use bigcommerce::{BigCommerceClient, ListQuery};
use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use futures::future::Either;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;

use crate::ahead::{AHEAD, scan_ahead};
use crate::error::PollError;
use crate::options::PollOptions;

/// `sync_state.resource` name of the attribute values' watermark.
pub const ATTRIBUTE_VALUES_RESOURCE: &str = Resource::AttributeValues.as_str();

/// Attribute values modified since the watermark (less the overlap), or all of them
/// when `full`. Each page commits on its own; the watermark moves only after the last.
/// The next pages are on their way while one is written (`ahead`).
pub async fn sync_attribute_values(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PollOptions,
    full: bool,
) -> Result<Tally, PollError> {
    let store_hash = client.store_hash();
    let (watermark, _) = mirror.sync_state(store_hash, ATTRIBUTE_VALUES_RESOURCE).await?;
    let overlap = TimeDelta::from_std(opts.overlap).unwrap_or_default();
    let min = if full {
        None
    } else {
        watermark.map(|w| w - overlap)
    };
    let mut stats = Tally::default();
    let mut newest: Option<DateTime<Utc>> = watermark;
    // The next pages are fetched while this one is written.
    let (sender, mut pages) = mpsc::channel(AHEAD);
    let fetch = |page| {
        let q = ListQuery {
            date_modified_min: min,
            ..ListQuery::page(page)
        };
        async move { client.list_attribute_values(&q).await }
    };
    let scan = StableScan::new(opts.max_second_rescans);
    let read = scan_ahead(scan, fetch, |v: &AttributeValue| v.id.unwrap_or(-1), sender);
    // Up to `WRITERS` pages commit at once, each on its own connection; the last page
    // and its watermark wait until every page before it has committed.
    let write = async {
        let mut writing = FuturesUnordered::new();
        loop {
            tokio::select! {
                biased;
                Some(written) = writing.next(), if !writing.is_empty() => stats += written?,
                page = pages.recv(), if writing.len() < WRITERS => {
                    let Some(page) = page else { break };
                    let (resp, last) = match page {
                        Ok(page) => page,
                        Err(e) => {
                            // The pages before the failed one still commit, as ever.
                            while let Some(written) = writing.next().await {
                                stats += written?;
                            }
                            return Err(e);
                        }
                    };
                    stats.read += resp.data.len() as u64;
                    newest = resp
                        .data
                        .iter()
                        .filter_map(|r| r.value.date_modified)
                        .chain(newest)
                        .max();
                    let records: Vec<serde_json::Value> = resp
                        .data
                        .into_iter()
                        .map(|r| opts.exclusions.kept_value(Resource::AttributeValues, r.raw))
                        .collect();
                    if !last {
                        writing.push(write_values(mirror, store_hash, records, None));
                        continue;
                    }
                    while let Some(written) = writing.next().await {
                        stats += written?;
                    }
                    let checkpoint = Some((ATTRIBUTE_VALUES_RESOURCE, newest, None));
                    stats += write_values(mirror, store_hash, records, checkpoint).await?;
                    break;
                }
            }
        }
        Ok::<_, PollError>(())
    };
    // A failed write stops the reads at once; the reads' end (last page or error)
    // reaches the writes through the channel.
    match futures::future::select(std::pin::pin!(read), std::pin::pin!(write)).await {
        Either::Left(((), write)) => write.await?,
        Either::Right((written, _)) => written?,
    }
    Ok(stats)
}

/// Attribute value pages committed at once.
const WRITERS: usize = 2;

/// How often a page rolled back by a concurrent one (a deadlock: the listing shifted
/// and two pages share rows) is written again before the step fails.
const RACE_ATTEMPTS: u32 = 3;

/// One page of attribute values, in its own transaction (with `checkpoint`).
async fn write_values(
    mirror: &Mirror,
    store_hash: &str,
    records: Vec<serde_json::Value>,
    checkpoint: Option<RecordCheckpoint<'_>>,
) -> Result<Tally, PollError> {
    let mut attempt = 1;
    loop {
        let page = RecordPage {
            store_hash,
            resource: Resource::AttributeValues,
            records: &records,
            scope: Scope::Nothing,
            checkpoint,
        };
        match mirror.write_records(&page).await {
            Err(e) if attempt < RACE_ATTEMPTS && e.is_lost_race() => {
                tracing::debug!(attempt, error = %e, "a page lost a race with another; writing it again");
                attempt += 1;
            }
            outcome => return Ok(outcome?),
        }
    }
}

/// What to do after a page of a [`StableScan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Read the next page (after a scan that did not settle: page 1 again).
    Next,
    /// The scan is complete.
    Done,
}

/// Reads a listing that has no stable order page by page: a scan counts only when its
/// total held still and it saw that many distinct records; otherwise it starts over
/// (records already handed out are read again; writes are idempotent), at most
/// `max_scans` times.
#[derive(Debug)]
pub struct StableScan {
    seen: HashSet<i64>,
    totals: HashSet<i64>,
    page: u32,
    scans: u32,
    max_scans: u32,
}

impl StableScan {
    pub fn new(max_scans: u32) -> Self {
        StableScan {
            seen: HashSet::new(),
            totals: HashSet::new(),
            page: 1,
            scans: 1,
            max_scans: max_scans.max(1),
        }
    }

    /// The page to request next.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// Records a page; tells whether to go on.
    pub fn observe<T>(
        &mut self,
        resp: &Collection<Raw<T>>,
        key: impl Fn(&T) -> i64,
    ) -> Result<Step, PollError> {
        self.totals.insert(resp.pagination.total);
        self.seen.extend(resp.data.iter().map(|r| key(&r.value)));
        let last = resp.data.is_empty() || i64::from(self.page) >= resp.pagination.total_pages;
        if !last {
            self.page += 1;
            return Ok(Step::Next);
        }
        let settled = self.totals.len() == 1 && self.totals.iter().all(|t| *t as usize <= self.seen.len());
        if settled {
            return Ok(Step::Done);
        }
        if self.scans >= self.max_scans {
            return Err(PollError::Contract(format!(
                "a listing kept changing over {} scans",
                self.scans
            )));
        }
        tracing::info!("a listing changed while being read; reading it again");
        self.scans += 1;
        self.page = 1;
        self.seen.clear();
        self.totals.clear();
        Ok(Step::Next)
    }
}

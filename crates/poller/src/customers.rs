//! One pass over `/customers`: what it reads from and what it learns. The walks are
//! `keyset` (by `date_modified`, see the crate docs) and `full_walk` (a resync's,
//! pages by number in parallel, see [`Mode::Full`]); pages are stored through
//! `page_store`.

use std::collections::BTreeSet;

use bcsync_mirror::{Mirror, Quarantined, Tallies};
use bigcommerce::BigCommerceClient;
use bigcommerce::models::{Customer, Raw};
use chrono::{DateTime, Utc};

use crate::CUSTOMERS_RESOURCE;
use crate::error::PollError;
use crate::options::PollOptions;
use crate::page_store::{PageStore, Prepared};

pub(crate) const SORT: &str = "date_modified:asc";
/// The most changed ids a pass keeps (see [`PassOutcome::changed_ids`]).
pub const CHANGED_IDS_KEPT: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// From the stored watermark (less the overlap): what changed since the last pass.
    Incremental,
    /// Everything, ignoring the watermark; collects every id seen so the reconciler can
    /// compare id sets. Pages of `sort=date_created:asc` are fetched by number, several
    /// at once (as many as the rate limiter lets through), since `total_pages` is
    /// known after the first. Edits made during the walk are then read by a keyset
    /// walk from the newest `date_modified` seen before it began; a delete during the
    /// walk can shift a row onto a page already read, which the reconciler's id
    /// comparison and count check catch.
    Full,
}

#[derive(Debug, Default)]
pub struct PassOutcome {
    /// Customers and addresses read, written and quarantined; the pass's requests and
    /// pages count with the customers.
    pub stats: Tallies,
    /// In [`Mode::Full`], every customer id read (the complete id set, for delete
    /// detection); empty otherwise, so an incremental pass holds no per-row state.
    pub seen_ids: Vec<i64>,
    /// In [`Mode::Full`], every channel the customers read mention (`channel_ids`,
    /// `origin_channel_id`), as stored: whose settings to read, without a scan of the
    /// mirror.
    pub seen_channels: BTreeSet<i64>,
    /// Customers modified after the previous watermark: what changed since the last
    /// pass (the overlap's re-reads excluded). Empty on a first pass and in
    /// [`Mode::Full`]; at most [`CHANGED_IDS_KEPT`] (a bulk change is left to the
    /// sweeps rather than held in memory).
    pub changed_ids: Vec<i64>,
    /// The watermark after the pass.
    pub watermark: Option<DateTime<Utc>>,
}

/// Runs one pass. Pages already committed stay committed when a later request fails.
pub async fn sync_customers(
    client: &BigCommerceClient,
    mirror: &Mirror,
    mode: Mode,
    opts: &PollOptions,
) -> Result<PassOutcome, PollError> {
    let store_hash = client.store_hash().to_owned();
    let requests_before = client.requests();
    let previous = mirror.watermark(&store_hash, CUSTOMERS_RESOURCE).await?;
    let mut pass = Pass {
        client,
        opts,
        pages: PageStore::spawn(client, mirror, opts),
        // A watermark never moves back: rows up to it were read by an earlier pass,
        // and any that changed since carry a later date_modified.
        floor: previous,
        previous,
        full: mode == Mode::Full,
        outcome: PassOutcome::default(),
    };
    let start = match mode {
        Mode::Incremental => previous.map(|w| w - pass.lookback()),
        Mode::Full => None,
    };
    let walked = match mode {
        Mode::Incremental => pass.walk(start).await,
        Mode::Full => {
            let walked = pass.walk_full().await;
            if let Some(p) = &opts.progress {
                p.finished();
            }
            walked
        }
    };
    // Let the pages already queued commit even when fetching failed.
    let written = pass.pages.finish().await;
    let mut outcome = pass.outcome;
    walked?;
    // What the walk counted (records read and quarantined) and what the writer did.
    outcome.stats += written?;
    outcome.stats.customers.requests = client.requests() - requests_before;
    Ok(outcome)
}

pub(crate) struct Pass<'a> {
    pub(crate) client: &'a BigCommerceClient,
    pub(crate) opts: &'a PollOptions,
    pages: PageStore<'a>,
    pub(crate) floor: Option<DateTime<Utc>>,
    /// The watermark the pass started from.
    previous: Option<DateTime<Utc>>,
    /// [`Mode::Full`]: collect every id seen.
    full: bool,
    outcome: PassOutcome,
}

impl Pass<'_> {
    /// The mirror the pass writes to.
    pub(crate) fn mirror(&self) -> &Mirror {
        self.pages.mirror()
    }

    /// A full walk's first page announced `total` customers: room for their ids at
    /// once (and a few created meanwhile), so the list never doubles into twice the
    /// memory it needs, nor holds the old and the new buffer at once.
    pub(crate) fn expect_customers(&mut self, total: i64) {
        // Bounded: a wrong total must not claim the machine's memory.
        let total = usize::try_from(total).unwrap_or(0).min(50_000_000);
        if self.full {
            self.outcome.seen_ids.reserve_exact(total + total / 64 + 1_024);
        }
    }

    /// Stores the page (see [`PageStore`]) with the watermark it earns (`covered`:
    /// every customer modified up to then has been read; `None` for pages that vouch
    /// for no time, like the full walk's), and notes what the pass read.
    pub(crate) async fn commit(
        &mut self,
        customers: Vec<Raw<Customer>>,
        quarantined: Vec<Quarantined>,
        covered: Option<DateTime<Utc>>,
    ) -> Result<(), PollError> {
        let page = self.pages.prepare(customers, quarantined).await?;
        self.commit_prepared(page, covered).await
    }

    /// [`Pass::commit`] of a page already prepared ([`crate::page_store::prepare_page`]).
    pub(crate) async fn commit_prepared(
        &mut self,
        page: Prepared,
        covered: Option<DateTime<Utc>>,
    ) -> Result<(), PollError> {
        self.outcome.stats.customers.quarantined += page.quarantined() as u64;
        let watermark = covered.map(|c| self.floor.map_or(c, |f| f.max(c)));
        if let Some(w) = watermark {
            self.floor = Some(w);
            self.outcome.watermark = Some(w);
        }
        self.outcome.stats.customers.read += page.customers.len() as u64;
        self.outcome.stats.addresses.read += page.addresses.len() as u64;
        if self.full {
            self.outcome
                .seen_ids
                .extend(page.customers.iter().map(|c| c.value.id));
            for c in &page.customers {
                let mentioned = c
                    .value
                    .channel_ids
                    .iter()
                    .flatten()
                    .chain(&c.value.origin_channel_id);
                self.outcome.seen_channels.extend(mentioned);
            }
        } else if let Some(since) = self.previous {
            let room = CHANGED_IDS_KEPT.saturating_sub(self.outcome.changed_ids.len());
            let changed = page.customers.iter().filter(|c| c.value.date_modified > since);
            self.outcome
                .changed_ids
                .extend(changed.map(|c| c.value.id).take(room));
        }
        self.pages.send(page, watermark).await
    }
}

//! One pass over `/customers`: the keyset walk by `date_modified` (see the crate docs),
//! and the full walk of a resync, which pages by number in parallel (see
//! [`Mode::Full`]).

use std::collections::HashSet;

use futures::StreamExt;

use bcsync_store::{Quarantined, Store};
use bigcommerce::models::{Customer, Raw};
use bigcommerce::query::CUSTOMER_INCLUDES;
use bigcommerce::{BigCommerceClient, CustomerQuery};
use chrono::{DateTime, TimeDelta, Utc};

use crate::CUSTOMERS_RESOURCE;
use crate::addresses::{AddressSets, complete_address_sets, detach_children, prove_set_deletes};
use crate::error::PollError;
use crate::exclude::{exclude, form_field_records};
use crate::fetch::fetched;
use crate::options::PollOptions;
use crate::stats::PassStats;
use crate::writer::{PageWrite, Writer};

pub(crate) const SORT: &str = "date_modified:asc";
/// The most changed ids a pass keeps (see [`PassOutcome::changed_ids`]).
pub const CHANGED_IDS_KEPT: usize = 10_000;
/// The full walk's order: creation never changes, so edits during the walk move no
/// row, and customers created meanwhile land after the last page.
const SORT_CREATED: &str = "date_created:asc";

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
    pub stats: PassStats,
    /// In [`Mode::Full`], every customer id read (the complete id set, for delete
    /// detection); empty otherwise, so an incremental pass holds no per-row state.
    pub seen_ids: Vec<i64>,
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
    store: &Store,
    mode: Mode,
    opts: &PollOptions,
) -> Result<PassOutcome, PollError> {
    let store_hash = client.store_hash().to_owned();
    let requests_before = client.requests();
    let previous = store.watermark(&store_hash, CUSTOMERS_RESOURCE).await?;
    let mut pass = Pass {
        client,
        opts,
        store: store.clone(),
        writer: Writer::spawn_parallel(store.clone(), store_hash, opts.channel_depth, opts.writers),
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
    let written = pass.writer.finish().await;
    let mut outcome = pass.outcome;
    walked?;
    let read = outcome.stats;
    outcome.stats = PassStats {
        customers_read: read.customers_read,
        addresses_read: read.addresses_read,
        requests: client.requests() - requests_before,
        ..written?
    };
    Ok(outcome)
}

/// Stores customers read outside a pass (the reconciler's probes and slices): their
/// address sets are completed and their form field values judged, as on a pass's
/// pages, but no watermark moves.
pub async fn store_customers(
    client: &BigCommerceClient,
    store: &Store,
    customers: Vec<Raw<Customer>>,
    opts: &PollOptions,
) -> Result<PassStats, PollError> {
    store_customers_with(client, store, customers, Vec::new(), opts).await
}

/// [`store_customers`], with records of the wrong shape to quarantine.
pub async fn store_customers_with(
    client: &BigCommerceClient,
    store: &Store,
    customers: Vec<Raw<Customer>>,
    quarantined: Vec<Quarantined>,
    opts: &PollOptions,
) -> Result<PassStats, PollError> {
    let store_hash = client.store_hash().to_owned();
    let previous = store.watermark(&store_hash, CUSTOMERS_RESOURCE).await?;
    let mut pass = Pass {
        client,
        opts,
        store: store.clone(),
        writer: Writer::spawn(store.clone(), store_hash, opts.channel_depth),
        floor: previous,
        previous,
        full: false,
        outcome: PassOutcome::default(),
    };
    let committed = pass.commit(customers, quarantined, None).await;
    let written = pass.writer.finish().await;
    committed?;
    written
}

pub(crate) struct Pass<'a> {
    pub(crate) client: &'a BigCommerceClient,
    pub(crate) opts: &'a PollOptions,
    store: Store,
    writer: Writer,
    floor: Option<DateTime<Utc>>,
    /// The watermark the pass started from.
    previous: Option<DateTime<Utc>>,
    /// [`Mode::Full`]: collect every id seen.
    full: bool,
    outcome: PassOutcome,
}

impl Pass<'_> {
    pub(crate) async fn walk(&mut self, start: Option<DateTime<Utc>>) -> Result<(), PollError> {
        let mut cursor = start;
        let mut first_page = true;
        loop {
            let (page, complete) = self.fetch_complete(cursor, None, 1).await?;
            let cap = self.clock_cap(page.served_at);
            if std::mem::take(&mut first_page)
                && let Some(floor) = self.floor
                && floor > cap
            {
                // A watermark stored before it was bounded by the API's clock: take it
                // back to the bound and read from there.
                tracing::warn!(watermark = %floor, api_time_less_margin = %cap,
                    "the stored customers watermark is ahead of the API's clock; reading again from before it \
                     (changes it hid before then need `bcsync resync`)");
                self.floor = None;
                cursor = Some(cap - self.lookback());
                continue;
            }
            let (Some(&first), Some(&last)) = (page.dates.first(), page.dates.last()) else {
                return Ok(());
            };
            check_order(&page.dates, cursor)?;
            if !complete {
                tracing::warn!(
                    "a customers listing kept answering fewer rows than its own total; the rest is left for the next pass"
                );
                return self.commit(page.data, page.rejected, None).await;
            }
            if page.pagination.total_pages <= 1 {
                return self.commit(page.data, page.rejected, Some(last.min(cap))).await;
            }
            if first == last {
                if last > cap {
                    // A crowded second the API may still be adding to: store what was
                    // read, claim nothing, and leave the rest to the next pass.
                    tracing::info!(second = %last, "a crowded second is still current at the API; leaving it for the next pass");
                    return self.commit(page.data, page.rejected, None).await;
                }
                // A whole page shares one second: read that second on its own (see
                // `second`), then go on from the next second.
                if !self.scan_second(last).await? {
                    return Ok(());
                }
                cursor = Some(last + TimeDelta::seconds(1));
                continue;
            }
            // Rows before `last` are all on this page; rows at `last` may go on, so
            // the next request starts at `last` again (inclusive) and re-reads them.
            self.commit(page.data, page.rejected, Some(last.min(cap))).await?;
            cursor = Some(last);
        }
    }

    /// How far back from the stored watermark an incremental pass starts.
    pub(crate) fn lookback(&self) -> TimeDelta {
        TimeDelta::from_std(self.opts.lookback.max(self.opts.overlap)).unwrap_or_default()
    }

    /// The latest time a watermark may claim: the API's time when it answered (its
    /// `Date`; this machine's clock if it sent none) less the safety margin. Rows
    /// stamped later are stored but do not move the watermark, so one row stamped
    /// ahead of the API's clock cannot hide the edits made before that time comes.
    pub(crate) fn clock_cap(&self, served_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
        let now = served_at.unwrap_or_else(Utc::now);
        now - TimeDelta::from_std(self.opts.clock_margin).unwrap_or_default()
    }

    /// [`Mode::Full`]: every page of `sort=date_created:asc`, `opts.concurrency` in
    /// flight, then what changed meanwhile.
    async fn walk_full(&mut self) -> Result<(), PollError> {
        let latest = self.latest_modified().await?;
        let first = fetched(
            self.client
                .list_customers_lenient(&created_page(1, self.opts))
                .await?,
        )?;
        let total_pages = u32::try_from(first.pagination.total_pages).unwrap_or(u32::MAX);
        let progress = self.opts.progress.clone();
        if let Some(p) = &progress {
            p.started(u64::try_from(first.pagination.total).unwrap_or(0));
            p.advanced(first.data.len() as u64);
        }
        let mut last_len = first.ids.len();
        self.commit(first.data, first.rejected, None).await?;
        let client = self.client.clone();
        let opts = self.opts.clone();
        // Spawned, so pages keep downloading while this task completes and queues
        // the previous one; `buffered` keeps at most `concurrency` of them ahead.
        let mut pages = futures::stream::iter(2..=total_pages)
            .map(|n| {
                let (client, q) = (client.clone(), created_page(n, &opts));
                tokio::spawn(async move { client.list_customers_lenient(&q).await })
            })
            .buffered(self.opts.concurrency.max(1));
        while let Some(joined) = pages.next().await {
            let page = fetched(joined.map_err(|e| PollError::Task(e.to_string()))??)?;
            last_len = page.ids.len();
            if let Some(p) = &progress {
                p.advanced(last_len as u64);
            }
            self.commit(page.data, page.rejected, None).await?;
        }
        // Customers created during the walk come after its last page.
        let mut n = total_pages.max(1);
        let mut previous: HashSet<i64> = HashSet::new();
        while last_len >= self.opts.page_size as usize {
            n += 1;
            let page = fetched(
                self.client
                    .list_customers_lenient(&created_page(n, self.opts))
                    .await?,
            )?;
            let ids: HashSet<i64> = page.ids.iter().copied().collect();
            if !ids.is_empty() && ids == previous {
                // A server that ignores `page` would keep this loop going forever.
                return Err(PollError::Contract(format!(
                    "GET /customers?sort={SORT_CREATED}&page={n} returned the rows of page {} again: \
                     the server ignores `page`",
                    n - 1
                )));
            }
            previous = ids;
            last_len = page.ids.len();
            self.commit(page.data, page.rejected, None).await?;
        }
        let Some(latest) = latest else {
            return Ok(());
        };
        // Everything modified up to `latest` was on the pages; what changed during the
        // walk is read like an incremental pass's changes.
        self.walk(Some(latest - self.lookback())).await?;
        self.commit(Vec::new(), Vec::new(), Some(latest)).await
    }

    /// The newest `date_modified` of the store before a full walk starts, bounded by
    /// the API's clock (see [`Pass::clock_cap`]).
    async fn latest_modified(&self) -> Result<Option<DateTime<Utc>>, PollError> {
        let q = CustomerQuery {
            sort: Some("date_modified:desc"),
            page: 1,
            limit: 1,
            ..Default::default()
        };
        let page = self.client.list_customers(&q).await?;
        let cap = self.clock_cap(page.served_at);
        Ok(page.data.first().map(|c| c.value.date_modified.min(cap)))
    }

    /// Completes the page's address sets and queues it with the watermark it earns
    /// (`covered`: every customer modified up to then has been read; `None` for pages
    /// that vouch for no time, like the full walk's).
    pub(crate) async fn commit(
        &mut self,
        mut customers: Vec<Raw<Customer>>,
        quarantined: Vec<Quarantined>,
        covered: Option<DateTime<Utc>>,
    ) -> Result<(), PollError> {
        for q in &quarantined {
            tracing::warn!(customer = q.entity_id, error = %q.error, "customer quarantined: it does not fit the model");
        }
        self.outcome.stats.quarantined += quarantined.len() as u64;
        let ex = &self.opts.exclusions;
        let sets = if ex.skips("addresses") {
            AddressSets::default()
        } else {
            let mut sets = complete_address_sets(self.client, &customers, self.opts).await?;
            prove_set_deletes(self.client, &self.store, &mut sets).await?;
            sets
        };
        detach_children(&mut customers);
        let form_fields =
            (!ex.skips("form_field_values")).then(|| form_field_records(&customers, &sets.addresses));
        let (customers, addresses) = (
            exclude(ex, "customers", customers)?,
            exclude(ex, "addresses", sets.addresses)?,
        );
        let watermark = covered.map(|c| self.floor.map_or(c, |f| f.max(c)));
        if let Some(w) = watermark {
            self.floor = Some(w);
            self.outcome.watermark = Some(w);
        }
        self.outcome.stats.customers_read += customers.len() as u64;
        self.outcome.stats.addresses_read += addresses.len() as u64;
        if self.full {
            self.outcome.seen_ids.extend(customers.iter().map(|c| c.value.id));
        } else if let Some(since) = self.previous {
            let room = CHANGED_IDS_KEPT.saturating_sub(self.outcome.changed_ids.len());
            let changed = customers.iter().filter(|c| c.value.date_modified > since);
            self.outcome
                .changed_ids
                .extend(changed.map(|c| c.value.id).take(room));
        }
        let page = PageWrite {
            form_field_owners: customers.iter().map(|c| c.value.id).collect(),
            customers,
            addresses,
            complete_address_sets_for: sets.complete_for,
            form_fields,
            watermark,
            quarantined,
        };
        self.writer.send(page).await
    }
}

fn created_page(page: u32, opts: &PollOptions) -> CustomerQuery {
    CustomerQuery {
        sort: Some(SORT_CREATED),
        include: Some(CUSTOMER_INCLUDES),
        page,
        limit: opts.page_size,
        ..Default::default()
    }
}

/// The keyset walk only terminates if the API honours `date_modified:min` and the
/// ascending sort; a server that ignores either would have it re-read the same page
/// forever (a known failure of another connector), so both are checked.
fn check_order(dates: &[DateTime<Utc>], cursor: Option<DateTime<Utc>>) -> Result<(), PollError> {
    if let Some(min) = cursor
        && dates.iter().any(|d| *d < min)
    {
        return Err(PollError::Contract(format!(
            "GET /customers?date_modified:min={min} returned rows modified before {min}"
        )));
    }
    if dates.windows(2).any(|w| w[0] > w[1]) {
        return Err(PollError::Contract(
            "GET /customers?sort=date_modified:asc returned rows out of date_modified order".to_owned(),
        ));
    }
    Ok(())
}

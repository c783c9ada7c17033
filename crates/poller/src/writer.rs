//! The store side of a pass: a task that commits pages, one transaction each, in
//! order or (pages that claim no watermark) several at once; see
//! [`Writer::spawn_parallel`].

use std::collections::HashSet;
use std::sync::Arc;

use bcsync_mirror::{Mirror, Quarantined, Tallies};
use bigcommerce::models::{Address, Customer, Raw};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::CUSTOMERS_RESOURCE;
use crate::error::PollError;
use crate::page_write::write_page;

/// One page ready to commit: customers, their complete address sets, and the
/// watermark that becomes true once these rows are stored.
#[derive(Debug, Default)]
pub struct PageWrite {
    pub customers: Vec<Raw<Customer>>,
    pub addresses: Vec<Raw<Address>>,
    pub complete_address_sets_for: Vec<i64>,
    /// Form field values carried by the page (None: the resource is excluded).
    pub form_fields: Option<Vec<serde_json::Value>>,
    /// Customers whose own form field values are all in `form_fields`.
    pub form_field_owners: Vec<i64>,
    pub watermark: Option<DateTime<Utc>>,
    /// Customers of the page that do not fit the model, to set aside.
    pub quarantined: Vec<Quarantined>,
}

pub struct Writer {
    tx: mpsc::Sender<PageWrite>,
    /// `None` once `send` has collected its error.
    task: Option<JoinHandle<Result<Tallies, PollError>>>,
}

impl Writer {
    /// One page at a time, in order.
    pub fn spawn(mirror: Mirror, store_hash: String, depth: usize) -> Writer {
        Writer::spawn_parallel(mirror, store_hash, depth, 1)
    }

    /// Up to `writers` pages at once, each on its own connection and transaction.
    ///
    /// Only pages that claim no watermark overlap (the numbered pages of a full walk):
    /// a page with a watermark waits until every page queued before it has committed,
    /// then commits with its checkpoint in its own transaction, and the pages after it
    /// wait for it. So a watermark never claims rows that are not committed, and the
    /// pages of a keyset walk still commit one after the other, in order. Two
    /// overlapping pages that share a customer hold the same content (or the newer one
    /// is read again by the walk that follows the full walk, whose pages carry a
    /// watermark); one that deadlocks with another is written again (see
    /// `page_write`).
    ///
    /// At most one less than the pool's connections: the pass reads the mirror while
    /// pages are written (to prove address deletes, to analyze new tables).
    pub fn spawn_parallel(mirror: Mirror, store_hash: String, depth: usize, writers: usize) -> Writer {
        let room = mirror.pool().options().get_max_connections().saturating_sub(1);
        let writers = writers.min(room as usize).max(1);
        // The running pages are held too: the writer keeps `depth` pages plus the one
        // being written, as with a single writer, so memory does not grow with writers.
        let (tx, rx) = mpsc::channel::<PageWrite>((depth + 1).saturating_sub(writers).max(1));
        let task = tokio::spawn(run(mirror, Arc::from(store_hash), rx, writers));
        Writer { tx, task: Some(task) }
    }

    /// Queues a page; waits while the writer is `depth` pages behind.
    pub async fn send(&mut self, page: PageWrite) -> Result<(), PollError> {
        if self.tx.send(page).await.is_err() {
            // The writer ended early: its own error explains why.
            return Err(self.take_error().await);
        }
        Ok(())
    }

    /// Waits for every queued page to commit.
    pub async fn finish(self) -> Result<Tallies, PollError> {
        drop(self.tx);
        match self.task {
            Some(task) => task.await.map_err(|_| PollError::WriterGone)?,
            // `send` already collected the writer's error and returned it.
            None => Err(PollError::WriterGone),
        }
    }

    async fn take_error(&mut self) -> PollError {
        match self.task.take() {
            Some(task) => match task.await {
                Ok(Err(e)) => e,
                _ => PollError::WriterGone,
            },
            None => PollError::WriterGone,
        }
    }
}

/// The pages being written: each a task of its own (so that encoding one page's rows
/// does not hold back another's round trips), joined here in the order they end.
/// A task outlives a cancelled writer only until its transaction commits or rolls back.
type Running = FuturesUnordered<BoxFuture<'static, Result<Tallies, PollError>>>;

/// Pages committed before the writer makes sure the tables it fills have statistics
/// ([`Mirror::analyze_new_tables`]): enough rows (about 1,000 customers) to say
/// that a customer's rows are few.
const ANALYZE_AFTER_PAGES: u64 = 4;

async fn run(
    mirror: Mirror,
    store_hash: Arc<str>,
    mut rx: mpsc::Receiver<PageWrite>,
    writers: usize,
) -> Result<Tallies, PollError> {
    let mut stats = Tallies::default();
    // Known once: customers stored by this pass leave quarantine; with none in it (the
    // usual case) no page pays for the check.
    let mut in_quarantine: HashSet<i64> = mirror
        .quarantined_ids(&store_hash, CUSTOMERS_RESOURCE)
        .await?
        .into_iter()
        .collect();
    let mut running = Running::new();
    let mut analyzed = false;
    loop {
        // A free place first, then the next page: a page waiting in hand for one would
        // be one more page in memory.
        while running.len() >= writers {
            if let Err(e) = join_one(&mut running, &mut stats).await {
                settle(&mut running).await;
                return Err(e);
            }
        }
        // The pages being written go on while the next one is awaited.
        let received = loop {
            tokio::select! {
                w = rx.recv() => break w,
                done = running.next(), if !running.is_empty() => {
                    if let Err(e) = record(done, &mut stats) {
                        settle(&mut running).await;
                        return Err(e);
                    }
                }
            }
        };
        let Some(w) = received else {
            break;
        };
        if !analyzed && stats.customers.pages >= ANALYZE_AFTER_PAGES {
            analyzed = true;
            // The running pages first: while this task awaits the analysis it does
            // not drive them, and pages holding every connection of a shared pool
            // would leave the analysis none until the pool's timeout.
            drain(&mut running, &mut stats).await?;
            // Not worth failing the pass for: without it pages are only slower.
            if let Err(e) = mirror.analyze_new_tables().await {
                tracing::debug!(error = %e, "could not analyze the mirror tables");
            }
        }
        let fixed: Vec<i64> = w
            .customers
            .iter()
            .map(|c| c.value.id)
            .filter(|id| in_quarantine.remove(id))
            .collect();
        if w.watermark.is_some() || writers == 1 {
            // The barrier: everything queued before commits first.
            drain(&mut running, &mut stats).await?;
            let page = write_page(&mirror, &store_hash, &w, &fixed).await?;
            committed(&mut stats, page);
            continue;
        }
        let (mirror, store_hash) = (mirror.clone(), store_hash.clone());
        let task = tokio::spawn(async move { write_page(&mirror, &store_hash, &w, &fixed).await });
        running.push(Box::pin(async move {
            match task.await {
                Ok(written) => written.map_err(PollError::from),
                Err(e) => Err(PollError::Task(e.to_string())),
            }
        }));
    }
    drain(&mut running, &mut stats).await?;
    Ok(stats)
}

/// Waits for every running page; on a failure, for the others too (they commit or
/// roll back on their own), then returns the first error.
async fn drain(running: &mut Running, stats: &mut Tallies) -> Result<(), PollError> {
    while !running.is_empty() {
        if let Err(e) = join_one(running, stats).await {
            settle(running).await;
            return Err(e);
        }
    }
    Ok(())
}

async fn join_one(running: &mut Running, stats: &mut Tallies) -> Result<(), PollError> {
    record(running.next().await, stats)
}

fn record(done: Option<Result<Tallies, PollError>>, stats: &mut Tallies) -> Result<(), PollError> {
    match done {
        Some(Ok(page)) => {
            committed(stats, page);
            Ok(())
        }
        Some(Err(e)) => Err(e),
        None => Ok(()),
    }
}

/// Counts a committed page: its rows, and one more page of the customers.
fn committed(stats: &mut Tallies, page: Tallies) {
    *stats += page;
    stats.customers.pages += 1;
}

/// Lets the pages still running end (rather than cancelling them mid-statement).
async fn settle(running: &mut Running) {
    while running.next().await.is_some() {}
}

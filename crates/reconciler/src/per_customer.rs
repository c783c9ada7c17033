//! Resources read one customer at a time: consent and stored instruments.
//!
//! A call per customer per pass would spend the store's shared quota on every
//! customer every pass, so a pass reads them only for the customers that changed in
//! it, plus a slice of the others in id order, resumed across passes: every customer
//! is re-read within ceil(C / slice) passes (C = customers in the store).

use bcsync_mirror::{Mirror, RecordPage, Resource, Scope, Tally};
use bigcommerce::models::Exclusions;
use bigcommerce::{BigCommerceClient, ClientError};
use futures::StreamExt;
use futures::stream::FuturesOrdered;

use crate::cycles::{self, Sweep};
use crate::error::ReconcileError;
use crate::plan::SweepPlan;

/// `sync_state.resource` holding the last customer id the slice reached.
pub const PER_CUSTOMER_SWEEP_RESOURCE: &str = "per_customer:sweep";

/// Customers written per transaction.
const BATCH: usize = 50;

/// Per-customer requests in flight at once (answers are taken in order). The rate
/// limiter paces them against the quota; unthrottled, a first fill of consents is
/// bound by the round trips: 8 halved its time against 4, 16 took a third off 8's.
const IN_FLIGHT: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerCustomer {
    Consents,
    StoredInstruments,
}

impl PerCustomer {
    pub fn name(self) -> &'static str {
        self.resource().as_str()
    }

    pub fn resource(self) -> Resource {
        match self {
            PerCustomer::Consents => Resource::Consents,
            PerCustomer::StoredInstruments => Resource::StoredInstruments,
        }
    }
}

/// How a per-customer step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    Synced(Tally),
    /// The token lacks this resource's scope (403): logged once, the pass goes on.
    Skipped {
        reason: String,
    },
}

/// The customers a pass reads per-customer resources for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSlice {
    /// Those that changed, then the slice after the sweep position; sorted, unique.
    pub ids: Vec<i64>,
    /// Where the next pass's slice starts (0: from the beginning again).
    pub next_position: i64,
    /// Customers of `ids` that came from the sweep (not from the changes).
    pub swept: u64,
}

/// The customers that changed, then `slice` more after the sweep position (wrapping
/// around at the end).
pub async fn customers_to_read(
    mirror: &Mirror,
    store_hash: &str,
    changed: &[i64],
    slice: usize,
) -> Result<CustomerSlice, ReconcileError> {
    let (_, position) = mirror.sync_state(store_hash, PER_CUSTOMER_SWEEP_RESOURCE).await?;
    // One more than the slice: a slice that ends exactly at the last customer
    // completes the cycle now, not on the next pass.
    let mut ids = mirror
        .customer_ids_after(store_hash, position.unwrap_or(0), slice as i64 + 1)
        .await?;
    let next_position = if ids.len() <= slice {
        0
    } else {
        ids.truncate(slice);
        ids.last().copied().unwrap_or(0)
    };
    let swept = ids.len() as u64;
    ids.extend_from_slice(changed);
    ids.sort_unstable();
    ids.dedup();
    Ok(CustomerSlice {
        ids,
        next_position,
        swept,
    })
}

/// Moves the sweep on, once the slice's customers were read, and records the step in
/// the sweep's cycle.
pub async fn advance(
    mirror: &Mirror,
    store_hash: &str,
    slice: &CustomerSlice,
    plan: &SweepPlan,
) -> Result<(), ReconcileError> {
    mirror
        .set_sweep_position(store_hash, PER_CUSTOMER_SWEEP_RESOURCE, slice.next_position)
        .await?;
    let wrapped = slice.next_position == 0;
    cycles::record(mirror, store_hash, plan, Sweep::PerCustomer, slice.swept, wrapped).await
}

/// Reads `kind` for each customer and stores the complete set per customer, a batch
/// per transaction. Requests go on while a batch is written: the limiter paces them to
/// the quota, and where it allows more, one round trip at a time (or a pause per
/// write) would be the pass's bound.
pub async fn refresh(
    client: &BigCommerceClient,
    mirror: &Mirror,
    kind: PerCustomer,
    customers: &[i64],
    ex: &Exclusions,
) -> Result<StepOutcome, ReconcileError> {
    let before = client.requests();
    let mut stats = Tally::default();
    // Answers are taken in order, so a batch is complete once its last id answered.
    // (Filled by hand: a `buffered` stream over a closure is not provably `Send` for
    // every lifetime, which the daemon's spawned passes need.)
    let mut ids = customers.iter().copied();
    let mut answers = FuturesOrdered::new();
    let mut batches = customers.chunks(BATCH);
    let mut batch = batches.next().unwrap_or_default();
    let mut answered = 0;
    let mut records = Vec::new();
    // The batch being written (one at a time, in order).
    let mut writing = None;
    let outcome = loop {
        while answers.len() < IN_FLIGHT
            && let Some(id) = ids.next()
        {
            answers.push_back(fetch(client, kind, id));
        }
        let answer = match &mut writing {
            Some(write) => tokio::select! {
                written = write => {
                    writing = None;
                    match written {
                        Ok(written) => stats += written,
                        Err(e) => break Err(e),
                    }
                    continue;
                }
                Some(answer) = answers.next() => answer,
            },
            None => match answers.next().await {
                Some(answer) => answer,
                None => break Ok(StepOutcome::Synced(Tally::default())),
            },
        };
        match answer {
            Ok(found) => records.extend(found),
            Err(ClientError::Forbidden { endpoint }) => {
                tracing::warn!(%endpoint, "the API token lacks the scope for {}; skipping it", kind.name());
                break Ok(StepOutcome::Skipped {
                    reason: format!("403 Forbidden on {endpoint}"),
                });
            }
            // Deleted since it was listed: it has nothing left.
            Err(ClientError::Status { status: 404, .. }) => {}
            Err(e) => break Err(e.into()),
        }
        answered += 1;
        if answered < batch.len() {
            continue;
        }
        // The batch is complete: it is written while the next one is read.
        if let Some(write) = writing.take() {
            stats += write.await?;
        }
        let mut done = std::mem::take(&mut records);
        stats.read += done.len() as u64;
        for r in &mut done {
            ex.strip(kind.resource(), r);
        }
        writing = Some(Box::pin(write_batch(
            mirror,
            client.store_hash(),
            kind,
            done,
            batch,
        )));
        batch = batches.next().unwrap_or_default();
        answered = 0;
    };
    // The batches already complete still commit, whatever stopped the reads.
    if let Some(write) = writing {
        stats += write.await?;
    }
    match outcome? {
        StepOutcome::Synced(_) => {
            stats.requests = client.requests() - before;
            Ok(StepOutcome::Synced(stats))
        }
        skipped => Ok(skipped),
    }
}

/// One batch's records, as the complete sets of its customers.
async fn write_batch(
    mirror: &Mirror,
    store_hash: &str,
    kind: PerCustomer,
    records: Vec<serde_json::Value>,
    customers: &[i64],
) -> Result<Tally, ReconcileError> {
    let written = mirror
        .write_records(&RecordPage {
            store_hash,
            resource: kind.resource(),
            records: &records,
            scope: Scope::Customers(customers),
            checkpoint: None,
        })
        .await?;
    Ok(written)
}

/// One customer's records, each tagged with `customer_id` (the API leaves it out).
async fn fetch(
    client: &BigCommerceClient,
    kind: PerCustomer,
    customer_id: i64,
) -> Result<Vec<serde_json::Value>, ClientError> {
    let mut records = match kind {
        PerCustomer::Consents => vec![client.get_consent(customer_id).await?.raw.to_value()],
        PerCustomer::StoredInstruments => client
            .get_stored_instruments(customer_id)
            .await?
            .into_iter()
            .map(|r| r.raw.to_value())
            .collect(),
    };
    for r in &mut records {
        if let Some(obj) = r.as_object_mut() {
            obj.insert("customer_id".to_owned(), customer_id.into());
        }
    }
    Ok(records)
}

/// Customers whose records one transaction of [`refresh_every_customer`] covers.
const FILL_CHUNK: i64 = 1_000;

/// `bcsync resync --resource consents` (or `stored_instruments`): `kind` for every
/// customer of the mirror, in id order, at the limiter's pace, with a progress line
/// per chunk. Ends the per-customer sweep's cycle: from then on it re-checks at the
/// bound's pace instead of filling at the cap's.
pub async fn refresh_every_customer(
    client: &BigCommerceClient,
    mirror: &Mirror,
    kind: PerCustomer,
    ex: &Exclusions,
    plan: &SweepPlan,
) -> Result<StepOutcome, ReconcileError> {
    let store_hash = client.store_hash();
    let before = client.requests();
    let (total, _, _) = mirror.sweep_sizes(store_hash).await?;
    let mut stats = Tally::default();
    let (mut after, mut done) = (0, 0u64);
    loop {
        let ids = mirror.customer_ids_after(store_hash, after, FILL_CHUNK).await?;
        let Some(&last) = ids.last() else { break };
        match refresh(client, mirror, kind, &ids, ex).await? {
            // Its requests are counted once, for the whole fill, below.
            StepOutcome::Synced(s) => stats += s,
            skipped @ StepOutcome::Skipped { .. } => return Ok(skipped),
        }
        done += ids.len() as u64;
        after = last;
        tracing::info!("{}: {done} of {total} customers read", kind.name());
    }
    cycles::record(mirror, store_hash, plan, Sweep::PerCustomer, done, true).await?;
    stats.requests = client.requests() - before;
    Ok(StepOutcome::Synced(stats))
}

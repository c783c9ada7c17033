//! The per-customer steps (consents, stored instruments): the customers to read, each
//! kind read at once with its own request count, then the sweep moved on.

use std::time::Instant;

use bcsync_mirror::{Mirror, Tally};
use bcsync_reconciler::SweepPlan;
use bcsync_reconciler::per_customer::{
    PerCustomer, StepOutcome, advance, customers_to_read, refresh, refresh_every_customer,
};
use bigcommerce::BigCommerceClient;

use crate::steps::{debug_elapsed, requests_since};
use crate::{PassOptions, Resource, StepReport, StepStatus};

/// The reports of the per-customer steps of `kinds` (none when `kinds` is empty).
/// Needs the customers in the mirror: run after the steps that write them.
pub async fn steps(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PassOptions,
    full: bool,
    changed: &[i64],
    plan: &SweepPlan,
    kinds: Vec<PerCustomer>,
) -> Vec<StepReport> {
    let ex = &opts.poll.exclusions;
    let mut steps = Vec::new();
    if kinds.is_empty() {
        return steps;
    }
    // `resync --resource consents`: every customer, at the quota's pace.
    if full && opts.only.is_some() {
        for kind in kinds {
            let before = client.requests();
            let result = refresh_every_customer(client, mirror, kind, ex, plan).await;
            steps.push(per_customer_report(client, kind, before, result));
        }
        return steps;
    }
    let slice =
        match customers_to_read(mirror, client.store_hash(), changed, plan.per_customer as usize).await {
            Ok(slice) => slice,
            Err(e) => {
                steps.push(StepReport::failed(
                    Resource::Consents.as_str(),
                    Tally::default(),
                    &e,
                ));
                return steps;
            }
        };
    // Each kind at once, on a client counting its own requests.
    let reads = kinds.into_iter().map(|kind| {
        let ids = &slice.ids;
        async move {
            let client = &client.counted();
            let clock = Instant::now();
            let result = refresh(client, mirror, kind, ids, ex).await;
            debug_elapsed(kind.name(), clock);
            let all_read = result.is_ok();
            (per_customer_report(client, kind, 0, result), all_read)
        }
    });
    let mut all_read = true;
    for (report, read) in futures::future::join_all(reads).await {
        all_read &= read;
        steps.push(report);
    }
    // Only a pass that swept moves the sweep on (a pass without one read just the
    // customers that changed).
    if all_read
        && plan.per_customer > 0
        && let Err(e) = advance(mirror, client.store_hash(), &slice, plan).await
    {
        steps.push(StepReport::failed(
            Resource::Consents.as_str(),
            Tally::default(),
            &e,
        ));
    }
    steps
}

/// A per-customer step's report; a step that did not succeed still counts the
/// requests it spent since `before`.
fn per_customer_report(
    client: &BigCommerceClient,
    kind: PerCustomer,
    before: u64,
    result: Result<StepOutcome, bcsync_reconciler::ReconcileError>,
) -> StepReport {
    let name = kind.name();
    let spent = requests_since(client, before);
    match result {
        Ok(StepOutcome::Synced(stats)) => StepReport {
            name,
            status: StepStatus::Succeeded,
            stats,
        },
        Ok(StepOutcome::Skipped { reason }) => StepReport {
            name,
            status: StepStatus::Skipped(reason),
            stats: spent,
        },
        Err(e) => StepReport::failed(name, spent, &e),
    }
}

//! The resource steps after customers, each isolated: an error fails that step only.
//! Resources read as a `Reading::CompleteListing` run in one loop; the others each
//! have their own line.

use std::future::Future;

use bcsync_mirror::{Counted, Mirror, Tally};
use bcsync_poller::resources::ATTRIBUTE_VALUES_RESOURCE;
use bcsync_poller::{sync_attribute_values, sync_complete_listing};
use bcsync_reconciler::listing_sweeps::sweep_metafields;
use bcsync_reconciler::per_customer::{
    PerCustomer, StepOutcome, advance, customers_to_read, refresh, refresh_every_customer,
};
use bcsync_reconciler::settings::{sync_channel_settings, sync_settings};
use bcsync_reconciler::sweep_addresses;
use bcsync_reconciler::{SweepPlan, find_deletes, plan_pass, recheck_quarantine, refresh_customer_slice};
use bigcommerce::BigCommerceClient;
use bigcommerce::models::Reading;

use crate::{PassKind, PassOptions, Resource, StepReport, StepStatus};

/// Runs one step, turning its error into a failed report. A step's requests are
/// counted here, once, whether it succeeds or fails: the functions it runs leave
/// `requests` to it.
async fn step<E: std::fmt::Display>(
    name: &'static str,
    client: &BigCommerceClient,
    fut: impl Future<Output = Result<Tally, E>>,
) -> StepReport {
    let before = client.requests();
    // Every log line of the step carries its resource (the pass's span adds the store).
    let span = tracing::info_span!("resource", resource = name);
    match tracing::Instrument::instrument(fut, span).await {
        Ok(stats) => StepReport {
            name,
            status: StepStatus::Succeeded,
            stats: Tally {
                requests: client.requests() - before,
                ..stats
            },
        },
        Err(e) => StepReport::failed(name, requests_since(client, before), &e),
    }
}

/// Only the requests a step sent since `before` (it failed, or read nothing).
pub(crate) fn requests_since(client: &BigCommerceClient, before: u64) -> Tally {
    Tally::requests_only(client.requests() - before)
}

fn skipped(name: &'static str) -> StepReport {
    StepReport {
        name,
        status: StepStatus::Skipped("excluded by configuration".into()),
        stats: Default::default(),
    }
}

/// Routine delete detection for customers, up to the watermark the pass reached.
pub async fn customer_deletes(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PassOptions,
    watermark: chrono::DateTime<chrono::Utc>,
) -> StepReport {
    step("customer_deletes", client, async {
        find_deletes(client, mirror, Counted::Customers, watermark, &opts.poll)
            .await
            .map(|b| b.tally)
    })
    .await
}

/// Attribute values changed since the last pass, then their deletes by count check.
async fn attribute_values(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PassOptions,
    full: bool,
) -> Result<Tally, bcsync_reconciler::ReconcileError> {
    let mut stats = sync_attribute_values(client, mirror, &opts.poll, full).await?;
    let (watermark, _) = mirror
        .sync_state(client.store_hash(), ATTRIBUTE_VALUES_RESOURCE)
        .await?;
    if opts.reconcile
        && let Some(upper) = watermark
    {
        stats += find_deletes(client, mirror, Counted::AttributeValues, upper, &opts.poll)
            .await?
            .tally;
    }
    Ok(stats)
}

/// Every resource after customers, in a fixed order.
pub async fn other_resources(
    client: &BigCommerceClient,
    mirror: &Mirror,
    kind: PassKind,
    opts: &PassOptions,
    changed: &[i64],
) -> Vec<StepReport> {
    let ex = &opts.poll.exclusions;
    let full = kind == PassKind::Resync;
    let mut steps = Vec::new();
    let kinds: Vec<PerCustomer> = [PerCustomer::Consents, PerCustomer::StoredInstruments]
        .into_iter()
        .filter(|k| !ex.skips(k.resource()) && opts.reads(k.resource()))
        .collect();
    // Sized once per pass from the store and the bound; a pass that does not
    // reconcile sweeps nothing.
    let plan = if opts.reconcile {
        match plan_pass(client, mirror, &opts.sweeps, kinds.len() as u64).await {
            Ok(plan) => plan,
            Err(e) => {
                steps.push(StepReport::failed("sweeps", Tally::default(), &e));
                SweepPlan::default()
            }
        }
    } else {
        SweepPlan::default()
    };
    let plan = &plan;
    macro_rules! run {
        ($resource:expr, $fut:expr) => {
            let resource: Resource = $resource;
            if !opts.reads(resource) {
                // Not this pass's resource (`resync --resource`).
            } else if ex.skips(resource) {
                steps.push(skipped(resource.as_str()));
            } else {
                steps.push(step(resource.as_str(), client, $fut).await)
            }
        };
    }
    let customers = opts.reads(Resource::Customers);
    if kind == PassKind::Sync && opts.reconcile && customers {
        // Only with the customers: `--resource addresses` is no pass of its own.
        run!(Resource::Addresses, sweep_addresses(client, mirror, plan));
    }
    if customers {
        // Customers set aside because they did not fit the model: fixed yet?
        steps.push(
            step(
                "quarantine",
                client,
                recheck_quarantine(client, mirror, &opts.poll),
            )
            .await,
        );
    }
    // Every complete listing (attribute definitions, …), read generically: a resource
    // of that kind needs no line here.
    for listing in Resource::ALL {
        if let Reading::CompleteListing { path } = listing.reading() {
            run!(
                listing,
                sync_complete_listing(client, mirror, listing, path, &opts.poll)
            );
        }
    }
    run!(
        Resource::AttributeValues,
        attribute_values(client, mirror, opts, full)
    );
    if kind == PassKind::Sync && opts.reconcile && customers {
        // Form fields and address edits that did not touch `date_modified`; a resync
        // has just read every customer whole.
        steps.push(
            step(
                "customer_slice",
                client,
                refresh_customer_slice(client, mirror, plan, &opts.poll),
            )
            .await,
        );
    }
    if opts.reconcile {
        run!(Resource::Metafields, sweep_metafields(client, mirror, plan, ex));
    }
    run!(Resource::Settings, sync_settings(client, mirror, ex));
    run!(
        Resource::ChannelSettings,
        sync_channel_settings(client, mirror, &opts.channels, ex)
    );
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
    let mut all_read = true;
    for kind in kinds {
        let before = client.requests();
        let result = refresh(client, mirror, kind, &slice.ids, ex).await;
        all_read &= result.is_ok();
        steps.push(per_customer_report(client, kind, before, result));
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

//! The resource steps after customers, each isolated: an error fails that step only.
//! Resources read as a `Reading::CompleteListing` run in one loop; the others each
//! have their own line.

use std::future::Future;
use std::time::Instant;

use bcsync_mirror::{Counted, Mirror, Tally};
use bcsync_poller::resources::ATTRIBUTE_VALUES_RESOURCE;
use bcsync_poller::{sync_attribute_values, sync_complete_listing};
use bcsync_reconciler::listing_sweeps::sweep_metafields;
use bcsync_reconciler::per_customer::PerCustomer;
use bcsync_reconciler::settings::{sync_channel_settings, sync_settings};
use bcsync_reconciler::sweep_addresses;
use bcsync_reconciler::{
    SweepPlan, Walked, find_deletes, plan_pass, recheck_quarantine, refresh_customer_slice,
};
use bigcommerce::BigCommerceClient;
use bigcommerce::models::Reading;

use crate::per_customer;
use crate::{PassKind, PassOptions, Resource, StepReport, StepStatus};

/// Runs one step, turning its error into a failed report. A step's requests are
/// counted here, once, whether it succeeds or fails: the functions it runs leave
/// `requests` to it.
pub(crate) async fn step<E: std::fmt::Display>(
    name: &'static str,
    client: &BigCommerceClient,
    fut: impl Future<Output = Result<Tally, E>>,
) -> StepReport {
    let before = client.requests();
    // Every log line of the step carries its resource (the pass's span adds the store).
    let span = tracing::info_span!("resource", resource = name);
    let clock = Instant::now();
    let result = tracing::Instrument::instrument(fut, span).await;
    debug_elapsed(name, clock);
    match result {
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

/// A step of `resource` with its own request count: `None` when this pass does not
/// read it (`resync --resource`), skipped when the configuration excludes it.
macro_rules! run {
    ($client:expr, $opts:expr, $resource:expr, |$c:ident| $fut:expr) => {
        async move {
            let resource: Resource = $resource;
            if !$opts.reads(resource) {
                None
            } else if $opts.poll.exclusions.skips(resource) {
                Some(skipped(resource.as_str()))
            } else {
                let $c = &$client.counted();
                Some(step(resource.as_str(), $c, $fut).await)
            }
        }
    };
}

/// The steps no customer's rows feed or are fed by: the complete listings (attribute
/// definitions, …), the attribute values and the settings. A resync runs them during
/// the customers' walk, whose pages leave the API and the database idle between them;
/// a pass that does not runs them after. (Not the channel settings: their channels
/// are the customers'.)
pub struct Independent {
    listings: Vec<Option<StepReport>>,
    values: Option<StepReport>,
    settings: Option<StepReport>,
}

/// Runs the [`Independent`] steps at once.
pub async fn independent(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PassOptions,
    full: bool,
) -> Independent {
    let ex = &opts.poll.exclusions;
    // Every complete listing (attribute definitions, …) is read generically: a
    // resource of that kind needs no line here.
    let listings = futures::future::join_all(Resource::ALL.into_iter().filter_map(|listing| {
        let Reading::CompleteListing { path } = listing.reading() else {
            return None;
        };
        Some(run!(client, opts, listing, |c| sync_complete_listing(
            c, mirror, listing, path, &opts.poll
        )))
    }));
    let values = run!(client, opts, Resource::AttributeValues, |c| attribute_values(
        c, mirror, opts, full
    ));
    let settings = run!(client, opts, Resource::Settings, |c| sync_settings(c, mirror, ex));
    let (listings, values, settings) = futures::join!(listings, values, settings);
    Independent {
        listings,
        values,
        settings,
    }
}

/// The sweep plan of a pass, sized once from the store and the bound, and the failed
/// "sweeps" step when it could not be (the pass then sweeps nothing). A pass that does
/// not reconcile sweeps nothing.
pub struct Planned {
    plan: SweepPlan,
    failure: Option<StepReport>,
}

/// The per-customer kinds this pass reads (consents, stored instruments).
fn per_customer_kinds(opts: &PassOptions) -> Vec<PerCustomer> {
    [PerCustomer::Consents, PerCustomer::StoredInstruments]
        .into_iter()
        .filter(|k| !opts.poll.exclusions.skips(k.resource()) && opts.reads(k.resource()))
        .collect()
}

/// Sizes the pass's sweeps (see [`Planned`]); `walked`: the store's size as a
/// resync's walk just read it.
pub async fn sweep_plan(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PassOptions,
    walked: Option<Walked>,
) -> Planned {
    if !opts.reconcile {
        return Planned {
            plan: SweepPlan::default(),
            failure: None,
        };
    }
    let clock = Instant::now();
    let kinds = per_customer_kinds(opts).len() as u64;
    let planned = match plan_pass(client, mirror, &opts.sweeps, kinds, walked).await {
        Ok(plan) => Planned { plan, failure: None },
        Err(e) => Planned {
            plan: SweepPlan::default(),
            failure: Some(StepReport::failed("sweeps", Tally::default(), &e)),
        },
    };
    debug_elapsed("sweeps", clock);
    planned
}

/// The channel settings, for the channels of the customers (`mentioned` when known,
/// else the mirror's): `None` when this pass does not read them.
pub async fn channel_settings(
    client: &BigCommerceClient,
    mirror: &Mirror,
    opts: &PassOptions,
    mentioned: Option<Vec<i64>>,
) -> Option<StepReport> {
    let ex = &opts.poll.exclusions;
    run!(
        client,
        opts,
        Resource::ChannelSettings,
        |c| sync_channel_settings(c, mirror, &opts.channels, ex, mentioned)
    )
    .await
}

/// Steps of [`other_resources`] a resync has already run: the [`Independent`] ones
/// during its walk; the sweep plan and the channel settings beside the deletes of the
/// customers its listing lacked (neither writes what such a delete cascades to).
#[derive(Default)]
pub struct Ahead {
    pub independent: Option<Independent>,
    pub plan: Option<Planned>,
    /// `Some(None)`: run, and this pass does not read them.
    pub channels: Option<Option<StepReport>>,
}

/// Every resource after customers, reported in a fixed order. The steps that write
/// customers (and may cascade a delete to everything a customer owns) run first, one
/// after the other; the rest write tables of their own and run at once, each with its
/// own request count, all paced by the store's one limiter.
///
/// `ahead`: the steps that already ran (in a resync).
pub async fn other_resources(
    client: &BigCommerceClient,
    mirror: &Mirror,
    kind: PassKind,
    opts: &PassOptions,
    changed: &[i64],
    ahead: Ahead,
) -> Vec<StepReport> {
    let ex = &opts.poll.exclusions;
    let full = kind == PassKind::Resync;
    let mut steps = Vec::new();
    let kinds = per_customer_kinds(opts);
    let Planned { plan, failure } = match ahead.plan {
        Some(planned) => planned,
        None => sweep_plan(client, mirror, opts, None).await,
    };
    steps.extend(failure);
    let plan = &plan;
    let customers = opts.reads(Resource::Customers);
    let sync_reconcile = kind == PassKind::Sync && opts.reconcile && customers;
    // First, one after the other: the steps that write customers.
    let addresses = if sync_reconcile {
        // Only with the customers: `--resource addresses` is no pass of its own.
        run!(client, opts, Resource::Addresses, |c| sweep_addresses(
            c, mirror, plan
        ))
        .await
    } else {
        None
    };
    // Customers set aside because they did not fit the model: fixed yet?
    let quarantine = if customers {
        let c = &client.counted();
        Some(step("quarantine", c, recheck_quarantine(c, mirror, &opts.poll)).await)
    } else {
        None
    };
    // Form fields and address edits that did not touch `date_modified`; a resync has
    // just read every customer whole.
    let slice = if sync_reconcile {
        let c = &client.counted();
        Some(
            step(
                "customer_slice",
                c,
                refresh_customer_slice(c, mirror, plan, &opts.poll),
            )
            .await,
        )
    } else {
        None
    };
    // Then the others at once.
    let independent = async {
        match ahead.independent {
            Some(done) => done,
            None => independent(client, mirror, opts, full).await,
        }
    };
    let metafields = async {
        if opts.reconcile {
            run!(client, opts, Resource::Metafields, |c| sweep_metafields(
                c, mirror, plan, ex
            ))
            .await
        } else {
            None
        }
    };
    let per_customer = per_customer::steps(client, mirror, opts, full, changed, plan, kinds);
    let channels = async {
        match ahead.channels {
            Some(done) => done,
            None => channel_settings(client, mirror, opts, None).await,
        }
    };
    let (independent, metafields, channels, per_customer) =
        futures::join!(independent, metafields, channels, per_customer);
    let Independent {
        listings,
        values,
        settings,
    } = independent;
    steps.extend(addresses.into_iter().chain(quarantine));
    steps.extend(listings.into_iter().flatten());
    steps.extend(
        [values, slice, metafields, settings, channels]
            .into_iter()
            .flatten(),
    );
    steps.extend(per_customer);
    steps
}

/// How long a step took, for an operator's `-v`.
pub(crate) fn debug_elapsed(step: &str, since: Instant) {
    tracing::debug!(step, elapsed_ms = since.elapsed().as_millis() as u64, "step done");
}

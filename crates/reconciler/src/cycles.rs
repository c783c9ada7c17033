//! Each sweep step records how far its cycle got (`bigcommerce.sweep_cycles`), with
//! the plan it followed, for `bcsync status` and the metrics.

use bcsync_mirror::{Mirror, SweepProgress};
use bigcommerce::query::MAX_LIMIT;

use crate::error::ReconcileError;
use crate::plan::SweepPlan;

/// The sweeps as named in `sweep_cycles.sweep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sweep {
    Customers,
    Addresses,
    Metafields,
    PerCustomer,
}

impl Sweep {
    pub const ALL: [Sweep; 4] = [
        Sweep::Customers,
        Sweep::Addresses,
        Sweep::Metafields,
        Sweep::PerCustomer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sweep::Customers => "customers",
            Sweep::Addresses => "addresses",
            Sweep::Metafields => "metafields",
            Sweep::PerCustomer => "per_customer",
        }
    }

    /// Items the plan reads per pass for this sweep.
    pub fn per_pass(self, plan: &SweepPlan) -> u64 {
        let page = u64::from(MAX_LIMIT);
        match self {
            Sweep::Customers => u64::from(plan.customer_requests) * page,
            Sweep::Addresses => u64::from(plan.address_pages) * page,
            Sweep::Metafields => u64::from(plan.metafield_pages) * page,
            Sweep::PerCustomer => u64::from(plan.per_customer),
        }
    }
}

/// Records one step of `sweep`: `items` re-checked, `wrapped` when it reached the end.
pub async fn record(
    mirror: &Mirror,
    store_hash: &str,
    plan: &SweepPlan,
    sweep: Sweep,
    items: u64,
    wrapped: bool,
) -> Result<(), ReconcileError> {
    let progress = SweepProgress {
        sweep: sweep.as_str(),
        items,
        wrapped,
        per_pass: sweep.per_pass(plan),
        interval_secs: plan.interval_secs,
        within_secs: plan.within_secs,
        capped: plan.capped,
    };
    mirror.record_sweep(store_hash, &progress).await?;
    Ok(())
}

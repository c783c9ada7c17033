//! The inputs of a pass's [`plan`](crate::plan::plan), read where they live: the
//! mirror's size, whether the per-customer resources ever completed a cycle, and the
//! rate the API announced. Says plainly how long a first fill of the per-customer
//! resources will take.

use bcsync_mirror::Mirror;
use bigcommerce::BigCommerceClient;

use crate::cycles::Sweep;
use crate::error::ReconcileError;
use crate::plan::{DEFAULT_RATE, PlanInputs, SweepPlan, SweepSettings, plan};

/// Sizes this pass's sweeps. `per_customer_kinds`: how many of consents and stored
/// instruments the pass reads (0 to 2).
/// The customers and addresses a resync's walk has just read: the store's size,
/// without counting the mirror (two scans, 1 s at a million customers). A sweep is
/// sized from it, so the few the walk missed or a delete removes change nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walked {
    pub customers: u64,
    pub addresses: u64,
}

pub async fn plan_pass(
    client: &BigCommerceClient,
    mirror: &Mirror,
    settings: &SweepSettings,
    per_customer_kinds: u64,
    walked: Option<Walked>,
) -> Result<SweepPlan, ReconcileError> {
    // The store's name in log lines comes from the pass's span.
    let store_hash = client.store_hash();
    let (customers, addresses, metafields) = match walked {
        Some(w) => (
            w.customers,
            w.addresses,
            mirror.live_metafields(store_hash).await?,
        ),
        None => mirror.sweep_sizes(store_hash).await?,
    };
    let filled = mirror
        .sweep_ever_completed(client.store_hash(), Sweep::PerCustomer.as_str())
        .await?;
    let rate = client.quota_rate().unwrap_or(DEFAULT_RATE);
    let inputs = PlanInputs {
        customers,
        addresses,
        metafields,
        per_customer_kinds,
        per_customer_filled: filled,
        within: settings.within,
        interval: settings.interval,
        rate,
        cap: settings.cap,
    };
    let p = plan(&inputs, &settings.overrides);
    tracing::debug!(?p, customers, addresses, metafields, rate, "sweeps sized");
    if p.filling && per_customer_kinds > 0 && u64::from(p.per_customer) < customers {
        let passes = customers.div_ceil(u64::from(p.per_customer).max(1));
        let quota_secs = (customers * per_customer_kinds) as f64 / rate.max(0.001);
        tracing::info!(
            "consents and stored instruments are not in the mirror yet: {} of {customers} customers \
             per pass, complete in about {passes} passes ({}); `bcsync resync --resource consents` \
             (and `--resource stored_instruments`) fills them now at the quota's pace, about {}",
            p.per_customer,
            duration(passes * p.interval_secs),
            duration(quota_secs as u64),
        );
    }
    if p.capped && !p.filling {
        tracing::warn!(
            "sweeps need more than sweep_quota_share ({}) allows to re-check every row within \
             sweep_within ({}); `bcsync status` shows when each cycle will end",
            settings.cap,
            duration(p.within_secs),
        );
    }
    Ok(p)
}

/// `3d4h`, `2h10m`, `45s`: for the lines above.
fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3_600 => format!("{}m", secs / 60),
        3_600..86_400 => format!("{}h{}m", secs / 3_600, secs % 3_600 / 60),
        _ => format!("{}d{}h", secs / 86_400, secs % 86_400 / 3_600),
    }
}

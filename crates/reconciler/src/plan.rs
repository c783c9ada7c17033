//! Sizing a reconcile pass's sweeps from the store's size and a staleness bound.
//!
//! The operator states how stale a row may get at most (`sweep_within`). With one
//! reconcile pass every `interval`, a cycle has P = within / interval passes, so each
//! sweep reads 1/P of what it covers per pass. Sweeps may spend at most `cap` of the
//! requests the store's quota allows over an interval; the listing sweeps (250 rows a
//! request) get their share first, the per-customer resources (one request per
//! customer each) what is left. Where the cap cuts a sweep below its need, the plan
//! says so (`capped`), and `bcsync status` shows when the cycle will end instead.
//!
//! Until the per-customer resources complete a first cycle the mirror lacks them
//! rather than holding them stale, so they fill at the cap's pace, not the bound's.

use std::time::Duration;

use bigcommerce::query::MAX_LIMIT;

/// Requests a listing sweep may spend per 250 rows it covers: the customer slice's
/// `id:in` read can need a second request to complete address sets beyond the 10
/// included, so the plan counts two to stay within the cap.
const CUSTOMER_SLICE_COST: u64 = 2;

/// Most customers a first fill reads per pass: per-customer reads go one at a time,
/// so at a typical 100-200 ms a request 1,000 customers (2,000 requests) keep a pass
/// within minutes even where the quota would allow far more.
/// `bcsync resync --resource consents` fills at once instead.
pub const FILL_PER_PASS: u64 = 1_000;

/// The rate assumed before the API announced one: Standard and Plus plans, 150
/// requests per 30 s (bigcommerce-api-notes.md).
pub const DEFAULT_RATE: f64 = 5.0;

/// What the plan is sized from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanInputs {
    /// Live customers, addresses and metafields in the mirror.
    pub customers: u64,
    pub addresses: u64,
    pub metafields: u64,
    /// Per-customer resources read (0, 1 or 2: consents, stored instruments).
    pub per_customer_kinds: u64,
    /// Whether the per-customer resources ever completed a cycle.
    pub per_customer_filled: bool,
    /// The staleness bound, and the time between reconcile passes.
    pub within: Duration,
    pub interval: Duration,
    /// Requests per second this store may spend (announced quota × `quota_share`).
    pub rate: f64,
    /// Share of those requests over an interval the sweeps may spend.
    pub cap: f64,
}

/// What the operator configured: the bound, the reconcile interval, the cap, and
/// any fixed sizes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepSettings {
    pub within: Duration,
    pub interval: Duration,
    pub cap: f64,
    pub overrides: PlanOverrides,
}

impl Default for SweepSettings {
    /// The configuration's built-in values: 30 days, hourly, a quarter of the quota.
    fn default() -> Self {
        SweepSettings {
            within: Duration::from_secs(30 * 86_400),
            interval: Duration::from_secs(3_600),
            cap: 0.25,
            overrides: PlanOverrides::default(),
        }
    }
}

/// Fixed sizes an operator set; `None` keeps the sized value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOverrides {
    pub customer_requests: Option<u32>,
    pub address_pages: Option<u32>,
    pub metafield_pages: Option<u32>,
    pub per_customer: Option<u32>,
}

/// How much each sweep reads this pass.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SweepPlan {
    /// `id:in` requests of 250 customers (customers re-read whole).
    pub customer_requests: u32,
    /// Pages of 250 of `/customers/addresses` and of `/customers/metafields`.
    pub address_pages: u32,
    pub metafield_pages: u32,
    /// Customers whose consent and stored instruments are read (besides those that
    /// changed in the pass).
    pub per_customer: u32,
    /// Requests the cap allows per pass.
    pub budget: u64,
    /// Passes in one bound.
    pub passes_per_bound: u64,
    /// Some sweep got less than the bound needs.
    pub capped: bool,
    /// The per-customer resources are filling (never completed a cycle).
    pub filling: bool,
    /// What it was sized from, for the records of each sweep.
    pub interval_secs: u64,
    pub within_secs: u64,
}

impl SweepPlan {
    /// Requests the plan expects to spend (the customer slice counted at its cost).
    pub fn requests(&self, per_customer_kinds: u64) -> u64 {
        u64::from(self.customer_requests) * CUSTOMER_SLICE_COST
            + u64::from(self.address_pages)
            + u64::from(self.metafield_pages)
            + u64::from(self.per_customer) * per_customer_kinds
    }
}

fn pages(rows: u64) -> u64 {
    rows.div_ceil(u64::from(MAX_LIMIT))
}

/// What one pass must read so that `total` is covered in `passes` passes: at least
/// one while there is anything to cover, so every sweep moves.
fn share(total: u64, passes: u64) -> u64 {
    if total == 0 {
        0
    } else {
        total.div_ceil(passes.max(1)).max(1)
    }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Sizes the sweeps of one pass.
pub fn plan(i: &PlanInputs, o: &PlanOverrides) -> SweepPlan {
    let interval = i.interval.as_secs().max(1);
    let passes = (i.within.as_secs() / interval).max(1);
    let budget = (i.cap.clamp(0.0, 1.0) * i.rate.max(0.0) * interval as f64).floor() as u64;
    // Listing sweeps: requests each needs per pass.
    let need = [
        share(pages(i.customers), passes) * CUSTOMER_SLICE_COST,
        share(pages(i.addresses), passes),
        // At least the first page, even of an empty mirror: this sweep is the only
        // reader of metafields, so new ones are found by it.
        share(pages(i.metafields).max(1), passes),
    ];
    let fixed = [
        o.customer_requests.map(|n| u64::from(n) * CUSTOMER_SLICE_COST),
        o.address_pages.map(u64::from),
        o.metafield_pages.map(u64::from),
    ];
    let wanted: u64 = (0..3).map(|k| fixed[k].unwrap_or(need[k])).sum();
    let mut capped = false;
    let mut granted = [0u64; 3];
    for k in 0..3 {
        granted[k] = match fixed[k] {
            Some(n) => n,
            None if wanted <= budget => need[k],
            None => {
                capped = true;
                // Each gets its part of the budget, at least one request to move on.
                let part = (need[k] as f64 * budget as f64 / wanted as f64).floor() as u64;
                part.max(u64::from(need[k] > 0))
            }
        };
    }
    let spent: u64 = granted.iter().sum();
    let filling = !i.per_customer_filled;
    let per_customer = match o.per_customer {
        Some(n) => u64::from(n),
        None if i.per_customer_kinds == 0 || i.customers == 0 => 0,
        None => {
            let left = budget.saturating_sub(spent) / i.per_customer_kinds;
            let want = if filling {
                i.customers.min(FILL_PER_PASS.max(share(i.customers, passes)))
            } else {
                share(i.customers, passes)
            };
            if left < want || (filling && want < i.customers) {
                capped = true;
            }
            want.min(left).max(1)
        }
    };
    SweepPlan {
        customer_requests: to_u32(granted[0] / CUSTOMER_SLICE_COST).max(u32::from(granted[0] > 0)),
        address_pages: to_u32(granted[1]),
        metafield_pages: to_u32(granted[2]),
        per_customer: to_u32(per_customer),
        budget,
        passes_per_bound: passes,
        capped,
        filling,
        interval_secs: interval,
        within_secs: i.within.as_secs(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn inputs(customers: u64) -> PlanInputs {
        PlanInputs {
            customers,
            addresses: customers * 5 / 2,
            metafields: customers / 10,
            per_customer_kinds: 2,
            per_customer_filled: true,
            within: HOUR * 24 * 7,
            interval: HOUR,
            rate: DEFAULT_RATE,
            cap: 0.25,
        }
    }

    #[test]
    fn a_small_store_reads_little_per_pass_and_meets_the_bound() {
        let p = plan(&inputs(1_000), &PlanOverrides::default());
        assert_eq!(p.passes_per_bound, 168);
        assert_eq!(
            (p.customer_requests, p.address_pages, p.metafield_pages),
            (1, 1, 1)
        );
        assert_eq!(p.per_customer, 6, "1,000 customers over 168 passes");
        assert!(!p.capped);
        assert!(p.requests(2) <= p.budget);
    }

    #[test]
    fn a_store_of_fifty_thousand_pays_for_its_bound_not_a_fixed_slice() {
        let p = plan(&inputs(50_000), &PlanOverrides::default());
        // 200 pages of customers, 500 of addresses, 20 of metafields over 168 passes.
        assert_eq!(
            (p.customer_requests, p.address_pages, p.metafield_pages),
            (2, 3, 1)
        );
        assert_eq!(p.per_customer, 298);
        assert!(!p.capped);
        assert!(p.requests(2) <= p.budget, "{} > {}", p.requests(2), p.budget);
    }

    #[test]
    fn a_million_customers_are_capped_and_say_so() {
        let p = plan(&inputs(1_000_000), &PlanOverrides::default());
        assert!(p.capped);
        assert_eq!(p.budget, 4_500);
        assert!(p.requests(2) <= p.budget, "{} > {}", p.requests(2), p.budget);
        // The listing sweeps still meet the bound; the per-customer ones take the rest.
        assert_eq!(p.address_pages, 60);
        assert!(p.per_customer > 0);
    }

    #[test]
    fn per_customer_resources_fill_at_the_caps_pace_until_a_first_cycle() {
        let mut i = inputs(300);
        i.per_customer_filled = false;
        let p = plan(&i, &PlanOverrides::default());
        assert!(p.filling);
        assert_eq!(p.per_customer, 300, "a small store fills in one pass");
        i.customers = 50_000;
        let p = plan(&i, &PlanOverrides::default());
        assert!(p.requests(2) <= p.budget);
        assert_eq!(u64::from(p.per_customer), FILL_PER_PASS, "a pass stays short");
    }

    #[test]
    fn overrides_are_kept_whatever_the_size() {
        let o = PlanOverrides {
            customer_requests: Some(4),
            address_pages: Some(10),
            metafield_pages: Some(4),
            per_customer: Some(100),
        };
        let p = plan(&inputs(50_000), &o);
        assert_eq!(
            (
                p.customer_requests,
                p.address_pages,
                p.metafield_pages,
                p.per_customer
            ),
            (4, 10, 4, 100)
        );
    }

    #[test]
    fn a_short_bound_reads_everything_each_pass() {
        let mut i = inputs(600);
        i.within = Duration::from_secs(10);
        i.interval = Duration::from_secs(10);
        i.rate = 1000.0;
        let p = plan(&i, &PlanOverrides::default());
        assert_eq!(p.passes_per_bound, 1);
        assert_eq!(
            (p.customer_requests, p.address_pages, p.per_customer),
            (3, 6, 600)
        );
    }

    #[test]
    fn the_sweeps_stay_within_the_cap_at_every_size() {
        for customers in [0, 1, 10, 1_000, 50_000, 1_000_000, 10_000_000] {
            for filled in [true, false] {
                let mut i = inputs(customers);
                i.per_customer_filled = filled;
                let p = plan(&i, &PlanOverrides::default());
                assert!(p.requests(2) <= p.budget, "{customers} customers: {p:?}");
            }
        }
    }

    #[test]
    fn the_defaults_cost_fifty_thousand_customers_less_than_the_old_fixed_sweeps() {
        let d = SweepSettings::default();
        let mut i = inputs(50_000);
        (i.within, i.interval, i.cap) = (d.within, d.interval, d.cap);
        let p = plan(&i, &d.overrides);
        // The fixed sweeps cost 229 requests a pass whatever the size (4 customer
        // slice requests, 10 address pages, 4 metafield pages, 2 x 100 per customer).
        assert!(p.requests(2) < 229, "{} requests: {p:?}", p.requests(2));
        assert!(!p.capped, "and every row is re-checked within 30 days");
    }
}

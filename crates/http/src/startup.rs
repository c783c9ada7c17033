//! Per-store series that exist from startup, and the gauges that describe a store's
//! configuration, quota and quarantine.
//!
//! A counter that appears only at its first increment hides that first increment
//! from `increase()` and leaves an operator's "watch `bcsync_pass_failures_total`"
//! with nothing to watch, so [`Metrics::store_configured`] creates every count a
//! rule or the docs use at 0 for each configured store (and pass kind). Readings
//! that 0 would misstate (a timestamp, a lag, the quota as announced) appear with
//! their first real value instead.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::Metrics;
use crate::metrics::{PassLabels, PassOutcomeLabels, StoreLabels, WaitLabels};

type FloatGauge = Gauge<f64, AtomicU64>;

/// The pass kinds the daemon runs, each a `kind` label value.
pub const PASS_KINDS: [&str; 3] = ["incremental", "reconcile", "webhook"];

#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
pub(crate) struct ScheduleLabels {
    store: String,
    kind: &'static str,
}

/// Gauges set from configuration, from the API's quota headers and from the database.
#[derive(Debug)]
pub(crate) struct StoreGauges {
    quota_limit: Family<StoreLabels, Gauge>,
    quota_left: Family<StoreLabels, Gauge>,
    quota_share: Family<StoreLabels, FloatGauge>,
    interval: Family<ScheduleLabels, FloatGauge>,
    quarantined: Family<StoreLabels, Gauge>,
    /// Per store, responses and 429s since start, for the status page (families
    /// cannot be read back by label).
    totals: Mutex<HashMap<String, (u64, u64)>>,
}

impl StoreGauges {
    pub(crate) fn register(registry: &mut Registry) -> StoreGauges {
        let gauges = StoreGauges {
            quota_limit: Family::default(),
            quota_left: Family::default(),
            quota_share: Family::default(),
            interval: Family::default(),
            quarantined: Family::default(),
            totals: Mutex::default(),
        };
        // One line per family: name, help, the family (its types differ, so no list).
        macro_rules! register {
            ($($name:literal, $help:literal, $family:expr;)*) => {
                $(registry.register($name, $help, $family.clone());)*
            };
        }
        register! {
            "bcsync_api_quota_limit", "Requests allowed per window for the whole store (all apps), as last announced by the API", gauges.quota_limit;
            "bcsync_api_quota_left", "Requests left in the current window for the whole store, as last announced by the API", gauges.quota_left;
            "bcsync_api_quota_share", "Configured share of the store's quota that bcsync may spend (quota_share)", gauges.quota_share;
            "bcsync_schedule_interval_seconds", "Seconds between two fires of the store's schedule, by pass kind", gauges.interval;
            "bcsync_quarantined_records", "Records kept aside in bigcommerce.quarantine because they do not fit their model", gauges.quarantined;
        }
        gauges
    }
}

/// What [`Metrics::store_configured`] needs to know of one store.
#[derive(Debug, Clone)]
pub struct StoreSetup<'a> {
    pub hash: &'a str,
    pub quota_share: f64,
    pub incremental_interval: Option<Duration>,
    pub reconcile_interval: Option<Duration>,
}

impl Metrics {
    /// Creates the store's series at 0 (every pass kind and outcome, failures, 429s,
    /// limiter waits, the lease, the quarantine) and records its configuration.
    pub fn store_configured(&self, setup: &StoreSetup<'_>) {
        let store = || StoreLabels {
            store: setup.hash.to_owned(),
        };
        for kind in PASS_KINDS {
            let pass = PassLabels {
                store: setup.hash.to_owned(),
                kind: kind.to_owned(),
            };
            for outcome in ["succeeded", "failed"] {
                let _series = self.passes.get_or_create(&PassOutcomeLabels {
                    store: setup.hash.to_owned(),
                    kind: kind.to_owned(),
                    outcome,
                });
            }
            let _series = self.pass_failures.get_or_create(&pass);
            let _series = self.pass_duration.get_or_create(&pass);
        }
        let _series = self.rate_limited.get_or_create(&store());
        let _series = self.rate_limit_wait_seconds.get_or_create(&store());
        for reason in ["pacing", "reset"] {
            let _series = self.rate_limit_waits.get_or_create(&WaitLabels {
                store: setup.hash.to_owned(),
                reason,
            });
        }
        let _series = self.leased.get_or_create(&store());
        let _series = self.stores.quarantined.get_or_create(&store());
        self.stores
            .quota_share
            .get_or_create(&store())
            .set(setup.quota_share);
        for (kind, every) in [
            ("incremental", setup.incremental_interval),
            ("reconcile", setup.reconcile_interval),
        ] {
            if let Some(every) = every {
                self.stores
                    .interval
                    .get_or_create(&ScheduleLabels {
                        store: setup.hash.to_owned(),
                        kind,
                    })
                    .set(every.as_secs_f64());
            }
        }
    }

    /// The API announced `quota` requests per window for `store`, `left` of them unspent.
    pub fn quota(&self, store: &str, quota: u32, left: u32) {
        let labels = StoreLabels {
            store: store.to_owned(),
        };
        self.stores
            .quota_limit
            .get_or_create(&labels)
            .set(i64::from(quota));
        self.stores.quota_left.get_or_create(&labels).set(i64::from(left));
    }

    /// A response (`status`, 0 for none) arrived for `store`.
    pub(crate) fn count_response(&self, store: &str, status: u16) {
        let mut totals = self.stores.totals.lock().unwrap_or_else(|e| e.into_inner());
        let entry = totals.entry(store.to_owned()).or_default();
        entry.0 += 1;
        if status == 429 {
            entry.1 += 1;
        }
    }

    /// Responses and 429s of `store` since this process started.
    pub fn request_totals(&self, store: &str) -> (u64, u64) {
        let totals = self.stores.totals.lock().unwrap_or_else(|e| e.into_inner());
        totals.get(store).copied().unwrap_or_default()
    }

    /// `store` has `n` records in quarantine now.
    pub fn quarantined(&self, store: &str, n: i64) {
        self.stores
            .quarantined
            .get_or_create(&StoreLabels {
                store: store.to_owned(),
            })
            .set(n);
    }
}

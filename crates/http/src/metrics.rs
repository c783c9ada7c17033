//! [`Metrics`]: every Prometheus family the daemon exports, in one registry.
//!
//! Label values are kept to small fixed sets: store hashes (from configuration),
//! table, resource and pass names (from code), endpoint path templates
//! (see [`crate::observer`]) and the enumerations written here. Customer data and
//! raw request paths never become labels, since every distinct value is a new
//! series that Prometheus keeps for good.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prometheus_client::encoding::{EncodeLabelSet, prometheus_text};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::observer::StoreObserver;
use crate::startup::StoreGauges;
use crate::webhooks::WebhookOutcome;

/// `Content-Type` of [`Metrics::render`]'s output (Prometheus text format 0.0.4).
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Upper bounds of the pass duration buckets, in seconds: an incremental pass takes
/// seconds, a full resync of a large store an hour or more.
const PASS_BUCKETS: [f64; 13] = [
    0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct StoreLabels {
    pub(crate) store: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct RequestLabels {
    pub(crate) store: String,
    pub(crate) endpoint: String,
    /// 0 when no response arrived.
    pub(crate) status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct EndpointLabels {
    pub(crate) store: String,
    pub(crate) endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct WaitLabels {
    pub(crate) store: String,
    /// "pacing" or "reset".
    pub(crate) reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct RowLabels {
    pub(crate) store: String,
    pub(crate) table: String,
    pub(crate) op: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct PassLabels {
    pub(crate) store: String,
    pub(crate) kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct PassOutcomeLabels {
    pub(crate) store: String,
    pub(crate) kind: String,
    pub(crate) outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct ResourceLabels {
    pub(crate) store: String,
    pub(crate) resource: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct SweepLabels {
    pub(crate) store: String,
    /// customers, addresses, metafields or per_customer.
    pub(crate) sweep: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct WebhookLabels {
    outcome: &'static str,
}

type FloatCounter = Counter<f64, AtomicU64>;
type FloatGauge = Gauge<f64, AtomicU64>;

/// The daemon's metrics. Families are cheap handles onto shared maps, so recording
/// needs only `&self`; share one `Arc<Metrics>` between the HTTP server, the store
/// workers and every client's observer.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    pub(crate) api_requests: Family<RequestLabels, Counter>,
    pub(crate) rate_limited: Family<StoreLabels, Counter>,
    pub(crate) rate_limit_waits: Family<WaitLabels, Counter>,
    pub(crate) rate_limit_wait_seconds: Family<StoreLabels, FloatCounter>,
    pub(crate) api_gave_up: Family<EndpointLabels, Counter>,
    rows_written: Family<RowLabels, Counter>,
    pub(crate) passes: Family<PassOutcomeLabels, Counter>,
    pub(crate) pass_failures: Family<PassLabels, Counter>,
    pub(crate) pass_duration: Family<PassLabels, Histogram>,
    last_success: Family<ResourceLabels, FloatGauge>,
    lag: Family<ResourceLabels, FloatGauge>,
    sweep_coverage: Family<SweepLabels, FloatGauge>,
    sweep_cycle_left: Family<SweepLabels, FloatGauge>,
    webhooks: Family<WebhookLabels, Counter>,
    pub(crate) leased: Family<StoreLabels, Gauge>,
    pub(crate) stores: StoreGauges,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::default();
        // Counters are registered without `_total`: the encoder appends it.
        let api_requests = Family::default();
        registry.register(
            "bcsync_api_requests",
            "BigCommerce API responses by endpoint template and status (0: no response)",
            Family::clone(&api_requests),
        );
        let rate_limited = Family::default();
        registry.register(
            "bcsync_rate_limited",
            "BigCommerce API responses with status 429",
            Family::clone(&rate_limited),
        );
        let rate_limit_waits = Family::default();
        registry.register(
            "bcsync_rate_limit_waits",
            "Requests held by the rate limiter: pacing within the window, or waiting for its reset",
            Family::clone(&rate_limit_waits),
        );
        let rate_limit_wait_seconds = Family::default();
        registry.register(
            "bcsync_rate_limit_wait_seconds",
            "Seconds requests spent waiting for the rate limiter",
            Family::clone(&rate_limit_wait_seconds),
        );
        let api_gave_up = Family::default();
        registry.register(
            "bcsync_api_gave_up",
            "Requests that failed after their last allowed retry",
            Family::clone(&api_gave_up),
        );
        let rows_written = Family::default();
        registry.register(
            "bcsync_rows_written",
            "Mirror rows written, by table and operation",
            Family::clone(&rows_written),
        );
        let passes = Family::default();
        registry.register(
            "bcsync_passes",
            "Finished sync passes by kind and outcome",
            Family::clone(&passes),
        );
        let pass_failures = Family::default();
        registry.register(
            "bcsync_pass_failures",
            "Failed sync passes by kind",
            Family::clone(&pass_failures),
        );
        let pass_duration =
            Family::<PassLabels, Histogram>::new_with_constructor(|| Histogram::new(PASS_BUCKETS));
        registry.register(
            "bcsync_pass_duration_seconds",
            "Duration of sync passes",
            Family::clone(&pass_duration),
        );
        let last_success = Family::default();
        registry.register(
            "bcsync_last_success_timestamp_seconds",
            "Unix time at which the resource last synced successfully",
            Family::clone(&last_success),
        );
        let lag = Family::default();
        registry.register(
            "bcsync_lag_seconds",
            "At the last successful sync, how far the resource's watermark trailed the clock",
            Family::clone(&lag),
        );
        let sweep_coverage = Family::default();
        registry.register(
            "bcsync_sweep_coverage_ratio",
            "Share of the sweep's live rows re-checked in its current cycle (0 to 1)",
            Family::clone(&sweep_coverage),
        );
        let sweep_cycle_left = Family::default();
        registry.register(
            "bcsync_sweep_cycle_remaining_seconds",
            "Seconds until the sweep's current cycle completes at the plan's pace",
            Family::clone(&sweep_cycle_left),
        );
        let webhooks = Family::default();
        registry.register(
            "bcsync_webhooks",
            "Webhook deliveries by outcome",
            Family::clone(&webhooks),
        );
        let leased = Family::default();
        registry.register(
            "bcsync_store_leased",
            "1 while this replica holds the store's lease and works it, else 0",
            Family::clone(&leased),
        );

        let stores = StoreGauges::register(&mut registry);
        let metrics = Metrics {
            registry,
            api_requests,
            rate_limited,
            rate_limit_waits,
            rate_limit_wait_seconds,
            api_gave_up,
            rows_written,
            passes,
            pass_failures,
            pass_duration,
            last_success,
            lag,
            sweep_coverage,
            sweep_cycle_left,
            webhooks,
            leased,
            stores,
        };
        // Every outcome is exported from the start, so `rate()` over a rejection
        // that has not happened yet reads 0 instead of no data.
        for outcome in WebhookOutcome::ALL {
            let _series = metrics.webhooks.get_or_create(&WebhookLabels {
                outcome: outcome.as_str(),
            });
        }
        Arc::new(metrics)
    }

    /// A [`bigcommerce::RequestObserver`] for one store's client, feeding the
    /// `bcsync_api_*` and `bcsync_rate_limit*` families.
    pub fn observer(self: &Arc<Self>, store_hash: &str) -> Arc<dyn bigcommerce::RequestObserver> {
        Arc::new(StoreObserver::new(Arc::clone(self), store_hash))
    }

    /// `n` rows of `table` written with `op`: "insert", "update" or "delete"
    /// (anything else is counted as "other" so the label stays bounded). The `table`
    /// label holds the resource's name (`Resource::as_str`, as in log spans and
    /// `sync_runs.details`): `addresses`, never `customer_addresses`.
    pub fn rows_written(&self, store: &str, table: &str, op: &str, n: u64) {
        let op = match op {
            "insert" => "insert",
            "update" => "update",
            "delete" => "delete",
            _ => "other",
        };
        self.rows_written
            .get_or_create(&RowLabels {
                store: store.to_owned(),
                table: table.to_owned(),
                op,
            })
            .inc_by(n);
    }

    /// A pass of `kind` (e.g. "incremental", "resync") finished.
    pub fn pass_finished(&self, store: &str, kind: &str, succeeded: bool, duration: Duration) {
        let pass = PassLabels {
            store: store.to_owned(),
            kind: kind.to_owned(),
        };
        let outcome = if succeeded { "succeeded" } else { "failed" };
        self.passes
            .get_or_create(&PassOutcomeLabels {
                store: pass.store.clone(),
                kind: pass.kind.clone(),
                outcome,
            })
            .inc();
        if !succeeded {
            self.pass_failures.get_or_create(&pass).inc();
        }
        self.pass_duration
            .get_or_create(&pass)
            .observe(duration.as_secs_f64());
    }

    /// `resource` synced successfully at `at`; `lag` is how far its watermark
    /// trailed the clock then. `None` (a resource without a watermark, such as a
    /// sweep) leaves the lag series as it was.
    pub fn resource_synced(&self, store: &str, resource: &str, at: DateTime<Utc>, lag: Option<Duration>) {
        let labels = ResourceLabels {
            store: store.to_owned(),
            resource: resource.to_owned(),
        };
        // Milliseconds are plenty; `as f64` on them is exact for any real date.
        let unix = at.timestamp_millis() as f64 / 1000.0;
        self.last_success.get_or_create(&labels).set(unix);
        if let Some(lag) = lag {
            self.lag.get_or_create(&labels).set(lag.as_secs_f64());
        }
    }

    /// Where a sweep's cycle stands after a reconcile pass; `remaining` is `None`
    /// when the plan reads nothing of it (the series keeps its last value).
    pub fn sweep_cycle(&self, store: &str, sweep: &str, coverage: f64, remaining: Option<Duration>) {
        let labels = SweepLabels {
            store: store.to_owned(),
            sweep: sweep.to_owned(),
        };
        self.sweep_coverage.get_or_create(&labels).set(coverage);
        if let Some(left) = remaining {
            self.sweep_cycle_left
                .get_or_create(&labels)
                .set(left.as_secs_f64());
        }
    }

    /// One webhook delivery ended with `outcome`.
    pub fn webhook(&self, outcome: WebhookOutcome) {
        self.webhooks
            .get_or_create(&WebhookLabels {
                outcome: outcome.as_str(),
            })
            .inc();
    }

    /// Whether this replica works `store` now.
    pub fn leased(&self, store: &str, held: bool) {
        self.leased
            .get_or_create(&StoreLabels {
                store: store.to_owned(),
            })
            .set(i64::from(held));
    }

    /// Everything in the Prometheus text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail, so an error would be the encoder's own;
        // a partial scrape with a log line beats a panicking handler.
        if let Err(err) = prometheus_text::encode(&mut out, &self.registry) {
            tracing::error!(%err, "encoding metrics failed");
        }
        out
    }
}

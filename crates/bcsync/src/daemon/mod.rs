//! `bcsync run`: the long-running service.
//!
//! - `shutdown`: SIGTERM/Ctrl-C flip one watch channel that every task selects on.
//! - `notify`: systemd's sd_notify (READY, WATCHDOG, STOPPING) over `$NOTIFY_SOCKET`.
//! - `leases`: the keeper, one task per replica: heartbeat in `replicas`, renews the
//!   leases on its own schedule, claims up to a fair share of the stores and hands the
//!   surplus back between passes, releases everything on the way out.
//! - `worker`: one task per store: while the keeper holds its lease, runs incremental
//!   and reconcile passes on their cron schedules (never two at once) through a store
//!   fenced with the lease's epoch, and applies webhook events.
//! - `webhook_apply`: turns a burst of webhook events into one `id:in` read.
//! - `report`: what a finished pass tells the metrics.
//! - `gauges`: every store's series at 0 from startup, and the quarantine gauge.
//! - `retention`: prunes `change_log` rows older than `[change_log] retention_days`.
//!
//! Startup (config, logging, database, HTTP) is split into `crate::init`.

pub mod gauges;
pub mod leases;
pub mod notify;
pub mod report;
pub mod retention;
pub mod shutdown;
pub mod webhook_apply;
pub mod worker;

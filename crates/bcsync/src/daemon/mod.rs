//! `bcsync run`: the long-running service.
//!
//! - `shutdown`: SIGTERM/Ctrl-C flip one watch channel that every task selects on.
//! - `notify`: systemd's sd_notify (READY, WATCHDOG, STOPPING) over `$NOTIFY_SOCKET`.
//! - `worker`: one task per store: claims the store's lease, runs incremental and
//!   reconcile passes on their cron schedules (never two at once), applies webhook
//!   events, releases the lease on the way out.
//! - `webhook_apply`: turns a burst of webhook events into one `id:in` read.
//! - `report`: what a finished pass tells the metrics.
//! - `retention`: prunes `change_log` rows older than `[change_log] retention_days`.
//!
//! Startup (config, logging, database, HTTP) is split into `crate::init`.

pub mod notify;
pub mod report;
pub mod retention;
pub mod shutdown;
pub mod webhook_apply;
pub mod worker;

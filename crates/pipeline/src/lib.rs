//! The pipeline: one pass of one store (which steps, in what order, with what budget),
//! callable by the CLI, the daemon and the tests alike.
//!
//! - [`options`]: what a pass is asked to do ([`PassKind`], [`PassOptions`]).
//! - `run`: [`run_pass`]: customers through the poller, then every other resource.
//! - `steps`: the resource steps after customers, each isolated; `per_customer`:
//!   consents and stored instruments.
//! - [`report`]: what a pass did ([`PassReport`], one [`StepReport`] per resource) and
//!   `sync_runs.details`.
//! - [`error`]: why a pass failed ([`PassError`]).

pub mod error;
pub mod options;
mod per_customer;
pub mod report;
mod run;
mod steps;

pub use bcsync_mirror::Resource;
pub use error::PassError;
pub use options::{PassKind, PassOptions, pass_resources};
pub use report::{PassReport, StepReport, StepStatus};
pub use run::run_pass;

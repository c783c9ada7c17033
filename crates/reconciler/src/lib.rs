//! The reconciler: what incremental pulls by `date_modified` cannot see.
//!
//! BigCommerce has no "deleted since" endpoint and no date filter on addresses, and an
//! address edit may not touch its customer's `date_modified`. So:
//! - [`bisect`]: routine delete detection for customers and attribute values: counts
//!   over `date_created` ranges against the mirror's, bisecting only ranges that differ.
//! - [`deletes`]: after a full listing (`bcsync resync`), customers the listing did not
//!   contain (and an `id:in` probe does not find) are soft-deleted.
//! - [`customer_slice`]: a slice of customers re-read whole by `id:in` each pass
//!   (addresses and form fields judged, deleted customers found).
//! - [`address_sweep`]: every pass re-reads a bounded slice of `/customers/addresses`
//!   in id order, resuming where the last pass stopped, so every address is re-checked
//!   within a bounded number of passes, edits and deletes included.
//! - [`listing_sweeps`]: the same for metafields (id order, deletes included).
//! - [`per_customer`]: consent and stored instruments, one call per customer, for the
//!   customers that changed plus a slice of the rest per pass.
//! - [`settings`]: store-wide and per-channel customer settings, every pass.
//! - [`plan`]: how much each sweep reads per pass, sized from the store and the
//!   staleness bound; [`cycles`]: what each sweep step records of its cycle.
//!
//! No listing's answer deletes on its own: customers and addresses it lacks are
//! candidates, marked deleted only when a lookup by id whose answer is complete proves
//! them gone (`bcsync_poller::proof`; docs/decisions.md, "deletes on proof").

pub mod address_sweep;
pub mod bisect;
pub mod customer_slice;
pub mod cycles;
pub mod deletes;
pub mod error;
pub mod listing_sweeps;
pub mod per_customer;
pub mod plan;
pub mod settings;
pub mod sizing;

pub use address_sweep::sweep_addresses;
pub use bisect::{Bisection, find_deletes};
pub use customer_slice::{recheck_quarantine, refresh_customer_slice, reread_customers};
pub use cycles::Sweep;
pub use deletes::reconcile_customer_ids;
pub use error::ReconcileError;
pub use plan::{PlanInputs, PlanOverrides, SweepPlan, SweepSettings, plan};
pub use sizing::{Walked, plan_pass};

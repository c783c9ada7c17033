//! The reconciler: what incremental pulls by `date_modified` cannot see.
//!
//! BigCommerce has no "deleted since" endpoint and no date filter on addresses, and an
//! address edit may not touch its customer's `date_modified`. So:
//! - [`deletes`]: after a full listing (`bcsync resync`), customers the listing did not
//!   contain are soft-deleted (id-set comparison).
//! - [`address_sweep`]: every pass re-reads a bounded slice of `/customers/addresses`
//!   in id order, resuming where the last pass stopped, so every address is re-checked
//!   within a bounded number of passes, edits and deletes included.
//! - [`listing_sweeps`]: the same for form field values and metafields.
//! - [`per_customer`]: consent and stored instruments, one call per customer, for the
//!   customers that changed plus a slice of the rest per pass.
//! - [`settings`]: store-wide and per-channel customer settings, every pass.
//!
//! Count bisection for routine delete detection and the change log arrive with the
//! reconciler issue.

pub mod address_sweep;
pub mod deletes;
pub mod error;
pub mod listing_sweeps;
pub mod per_customer;
pub mod settings;

pub use address_sweep::{SweepOptions, SweepStats, sweep_addresses};
pub use deletes::{DeleteStats, reconcile_customer_ids};
pub use error::ReconcileError;

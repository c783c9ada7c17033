//! A stand-in for BigCommerce's Customers V3 API, for tests, demos and benchmarks.
//!
//! It serves `/stores/{store_hash}/v3/customers` and `/customers/addresses` the way
//! `shared/spec/customers-v3.openapi.yml` and `shared/bigcommerce-api-notes.md`
//! describe: `X-Auth-Token` auth, the four rate-limit headers on every answer and 429
//! past the quota, filters, sorts, `include=` with its caps of 10, offset paging with
//! links, and writes. Faults (5xx, header-less 429, truncated bodies) and latency can be
//! injected, and tests can edit the data in the middle of a client's scan.
//!
//! Layout:
//! - [`config`]: [`SimConfig`], what a simulator starts with.
//! - `simulator`: [`Simulator`], the running server's handle (state access, knobs,
//!   counters, the per-request hook).
//! - `data`: compact rows, the seeded generator and the conversion to the shared
//!   `bigcommerce_models` types that responses are serialised from.
//! - [`state`]: [`SimState`], the rows with their ordered indexes; listing plans and
//!   write rules live here so HTTP and tests share them.
//! - `http`: router, the gate (auth, quota, faults, counters), query parsing,
//!   handlers and error bodies.
//! - [`counters`]: request counts.
//!
//! Generated data is a pure function of `(customers, seed)`: timestamps count back from
//! 2024-01-01T00:00:00Z, never from the clock. About 1% of customers have 11-25
//! addresses, 0.5% have more than 10 attribute values, and at least 300 customers
//! (5% of stores above 6,000) share one `date_modified` second once the store has 600
//! customers. Writes stamp now; address writes leave the customer's `date_modified`
//! alone unless `address_edits_touch_customer` is set.

pub mod config;
pub mod counters;
mod data;
mod http;
mod shared;
mod simulator;
pub mod state;

pub use config::SimConfig;
pub use counters::{CountKey, PathKind};
pub use shared::RequestHook;
pub use simulator::Simulator;
pub use state::{AddressInput, AttributeInput, AuthenticationInput, CustomerInput, SimState, WriteError};

/// The `date_modified` second shared by the generated bulk-import burst.
pub fn burst_date_modified() -> chrono::DateTime<chrono::Utc> {
    data::convert::ts(data::generate::BURST_AT)
}

/// How many generated customers are put on [`burst_date_modified`] for a store of
/// `customers` (a random `date_modified` could, rarely, land on that second too).
pub fn burst_size(customers: usize) -> usize {
    data::generate::burst_size(customers)
}

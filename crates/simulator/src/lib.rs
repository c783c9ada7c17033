//! A stand-in for BigCommerce's Customers V3 API, for tests, demos and benchmarks.
//!
//! It serves `/stores/{store_hash}/v3/customers`, `/customers/addresses` and the
//! customer sub-resources the way `shared/spec/customers-v3.openapi.yml` and
//! `shared/bigcommerce-api-notes.md` describe: `X-Auth-Token` auth, the four rate-limit
//! headers on every answer and 429 past the quota, filters, sorts, `include=` with its
//! caps of 10, offset paging with links, and writes. Faults (5xx, header-less 429,
//! truncated bodies) and latency can be injected into every GET, and tests can edit the
//! data in the middle of a client's scan. Every answer carries a `Date` header (the
//! simulator's clock). Production conditions (`state/modes`): listings that lag
//! ([`SimState::set_listing_lag`], `--listing-lag`), a crowded second edited on every
//! read ([`SimState::set_second_churn`]) and customers stamped at any second, ahead of
//! the clock included ([`SimState::stamp_customers`]).
//!
//! Sub-resources (all under `/customers`, all through the same gate and counters):
//! - `/attributes` (GET, POST, PUT, DELETE) and `/attribute-values` (GET, PUT upsert,
//!   DELETE): collections sorted by id. The values are the customers' own `attributes`
//!   (one source of truth), so `include=attributes` shows the same records.
//! - `/form-field-values` (GET, PUT upsert): the `form_fields` of customers and
//!   addresses; customers' by (customer_id, name), then addresses' by (address_id, name).
//! - `/{id}/consent` (GET, PUT) and `/settings`, `/settings/channels/{id}` (GET, PUT):
//!   bare objects. `/{id}/stored-instruments` (GET): a bare array; 403 when
//!   [`SimConfig::instruments_scope`] is off.
//! - `/metafields` (GET, batch POST/PUT/DELETE) and `/{id}/metafields[/{metafield_id}]`:
//!   listings are collections; writes answer `{data, errors, meta: {total, success,
//!   failed}}`, 422 when some items failed (the others are applied).
//!
//! Webhooks: `/hooks` (GET, POST, `/{id}` GET, PUT, DELETE) registers them like
//! BigCommerce does (customer scopes or `store/customer/*`; destinations must be
//! `https://`, or `http://` to localhost for tests), and
//! [`SimConfig::with_webhook_target`] / [`Simulator::set_webhook_target`] add one
//! unlisted catch-all target. Every customer create/update/delete and address
//! create/update/delete, over HTTP or through the `Simulator`/`SimState` methods,
//! POSTs BigCommerce's payload to each matching active hook once the change is visible,
//! from a background task: retried at 100/300/500 ms (BigCommerce's 60/180/300 s,
//! scaled down), optionally duplicated ([`Simulator::duplicate_next_webhooks`]), and
//! counted ([`Simulator::webhooks_sent`], [`Simulator::webhooks_failed`]).
//!
//! Writes to sub-resources never bump the customer's `date_modified`. Deleting a
//! customer deletes its addresses, attribute and form field values, consent,
//! instruments and metafields. [`SimState::corrupt_record`] makes one record of any
//! endpoint serve bad JSON for quarantine tests.
//!
//! Layout:
//! - [`config`]: [`SimConfig`], what a simulator starts with.
//! - `simulator`: [`Simulator`], the running server's handle (state access, knobs,
//!   counters, the per-request hook); `simulator/resources` has the sub-resource
//!   accessors.
//! - `data`: compact rows, the seeded generator and the conversion to the shared
//!   `bigcommerce_models` types that responses are serialised from.
//! - [`state`]: [`SimState`], the rows with their ordered indexes; listing plans and
//!   write rules live here so HTTP and tests share them.
//! - `http`: router, the gate (auth, quota, faults, counters), query parsing,
//!   handlers and error bodies.
//! - [`counters`]: request counts by method, [`PathKind`] and status.
//! - `webhooks`: the hook registry, event payloads and the delivery task; the state
//!   notes events as it writes (`state/events`), the gate and the handle flush them.
//!
//! Generated data is a pure function of `(customers, seed)`: timestamps count back from
//! 2024-01-01T00:00:00Z, never from the clock. About 1% of customers have 11-25
//! addresses, 0.5% have more than 10 attribute values, and at least 300 customers
//! (5% of stores above 6,000) share one `date_modified` second once the store has 600
//! customers. The store has 15 attribute definitions; every customer has a consent
//! (15% never answered); ~5% have 1-3 stored instruments (cards, PayPal, bank; one
//! default; derived on demand, so they cost no memory) and ~3% have 1-2 metafields.
//! Channels 1 and 2 exist. Writes stamp now; address writes leave the customer's
//! `date_modified` alone unless `address_edits_touch_customer` is set.

pub mod config;
pub mod counters;
mod data;
mod http;
mod shared;
mod simulator;
pub mod state;
mod webhooks;

pub use config::SimConfig;
pub use counters::{CountKey, PathKind};
pub use shared::RequestHook;
pub use simulator::Simulator;
pub use state::{AddressInput, AttributeInput, AuthenticationInput, CustomerInput, SimState, WriteError};
pub use webhooks::event::WEBHOOK_STORE_ID;
pub use webhooks::registry::WEBHOOK_SECRET_HEADER;

/// The `date_modified` second shared by the generated bulk-import burst.
pub fn burst_date_modified() -> chrono::DateTime<chrono::Utc> {
    data::convert::ts(data::generate::BURST_AT)
}

/// How many generated customers are put on [`burst_date_modified`] for a store of
/// `customers` (a random `date_modified` could, rarely, land on that second too).
pub fn burst_size(customers: usize) -> usize {
    data::generate::burst_size(customers)
}

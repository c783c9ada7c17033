//! The poller: incremental pulls of customers by `date_modified:min` that lose no change.
//!
//! Offset paging over a set that changes while it is read skips rows (a modified row
//! jumps to the end of a `date_modified:asc` listing and every row behind it moves up).
//! So the poller never asks for page 2 of a moving listing. It walks a keyset instead:
//! each request is page 1 of `date_modified:min = <last date_modified seen>`, sorted
//! ascending. Re-reading the rows of the boundary second is harmless (upserts compare
//! content). Only when one second holds a whole page or more (bulk imports) does it
//! page by number, inside that closed second, from the last page to the first (see
//! `second` for why that misses no row however the second is edited meanwhile).
//! The watermark never passes the API's own time (its `Date` header) less a margin,
//! and each pass re-reads a look-back window before it for rows visible late.
//!
//! - [`customers`]: one pass: what it starts from and what it learns (`Pass`).
//! - `keyset`: the keyset walk; `full_walk`: a resync's walk (pages by number, in
//!   parallel, in creation order); `page_store`: completing and queueing a page of
//!   customers (also for the reconciler: [`store_customers`]).
//! - `second`: the crowded second, read last page first.
//! - `fetch`: one page as the walk reads it, asked again while it lacks rows its own
//!   total counts (a listing that lags).
//! - [`addresses`]: completes the address sets that `include=addresses` caps at 10.
//! - [`proof`]: deletes only on proof: lookups by id whose answers are checked complete.
//! - [`listing`]: the generic reader of a complete listing (attribute definitions, and
//!   any resource whose `Resource::reading` is `Reading::CompleteListing`).
//! - [`resources`]: attribute values, also by `date_modified:min`; `StableScan` for
//!   listings without a stable order; `ahead`: its pages asked for a few at a time.
//! - [`exclude`]: the operator's exclusions; form field values carried by a page.
//! - [`writer`]: the store side: one transaction per page, behind a bounded channel
//!   so fetching the next page overlaps writing this one and memory stays flat; the
//!   numbered pages of a full walk on several connections at once. `page_write`
//!   writes one page (and again if it lost a race with another).

pub mod addresses;
mod ahead;
pub mod customers;
pub mod error;
pub mod exclude;
mod fetch;
mod full_walk;
mod keyset;
pub mod listing;
pub mod options;
mod page_store;
mod page_write;
pub mod progress;
pub mod proof;
pub mod resources;
mod second;
pub mod writer;

pub use customers::{Mode, PassOutcome, sync_customers};
pub use error::PollError;
pub use listing::sync_complete_listing;
pub use options::PollOptions;
pub use page_store::{store_customers, store_customers_with};
pub use progress::Progress;
pub use resources::sync_attribute_values;

/// `sync_state.resource` of the customers watermark.
pub const CUSTOMERS_RESOURCE: &str = bcsync_mirror::Resource::Customers.as_str();

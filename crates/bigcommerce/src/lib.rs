//! A typed client for BigCommerce's Customers V3 API.
//!
//! The client knows HTTP and JSON, never PostgreSQL. Layout:
//! - [`config`]: where to connect and how patient to be; the token is a secret.
//! - [`client`]: [`BigCommerceClient`], one per store: builds requests, decodes pages.
//! - [`query`]: typed list queries (`date_modified:min`, `include`, paging...).
//! - [`resources`]: the endpoints beyond customers and addresses.
//! - [`limiter`]: one rate limiter per store, fed by the `X-Rate-Limit-*` headers.
//! - [`observe`]: [`RequestObserver`], how callers count requests, waits and give-ups.
//! - [`retry`]: the single place that decides what is retriable and how long to wait.
//! - [`error`]: [`ClientError`], which names the endpoint and tells retriable from fatal.

mod answers;
pub mod client;
pub mod config;
pub mod error;
pub mod limiter;
pub mod observe;
mod origin;
pub mod query;
pub mod resources;
pub mod retry;

pub use bigcommerce_models as models;
pub use client::BigCommerceClient;
pub use config::ClientConfig;
pub use error::ClientError;
pub use observe::RequestObserver;
pub use query::{AddressQuery, CustomerQuery};
pub use resources::ListQuery;

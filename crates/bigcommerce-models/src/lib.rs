//! Typed payloads of BigCommerce's Customers V3 API.
//!
//! This crate only knows JSON: no HTTP, no SQL. It is shared by the client (which
//! decodes responses into these types), the mirror (which writes them to PostgreSQL)
//! and the simulator (which serves them).
//!
//! - [`customer`]: customers and what `include=` adds to them.
//! - [`address`]: customer addresses.
//! - [`resource`]: the one list of resources ([`Resource`]), their names and how each
//!   is read ([`Reading`]).
//! - [`resources`]: attribute definitions, form field values, consent, stored
//!   instruments, metafields and settings.
//! - [`webhook_scopes`]: the customer webhook scopes.
//! - [`collection`]: the `{data, meta.pagination}` envelope and decoding that keeps
//!   every record's raw JSON (unknown fields land in `raw`, never get lost).
//! - [`raw_json`]: [`RawJson`], a record's JSON kept as the text received.
//! - [`keyed`]: [`Keyed`], a record known only by its integer `id`, for listings read
//!   generically.
//!
//! Every optional field tolerates `null` and absence: the real API omits fields it
//! was not asked to include and sends `null` where the spec says string.

pub mod address;
pub mod collection;
pub mod customer;
pub mod exclusions;
pub mod keyed;
pub mod raw_json;
pub mod resource;
pub mod resources;
pub mod time;
pub mod webhook_scopes;

pub use address::Address;
pub use collection::{
    Collection, DecodeError, LenientPage, Links, Pagination, Raw, Rejected, decode_array, decode_collection,
    decode_collection_lenient, decode_object, decode_record,
};
pub use customer::{AttributeValue, Authentication, Customer, FormFieldValue, StoreCredit};
pub use exclusions::{ExclusionError, Exclusions};
pub use keyed::Keyed;
pub use raw_json::RawJson;
pub use resource::{Reading, Resource, UnknownResource};
pub use resources::{
    AttributeDefinition, Consent, CustomerGroupSettings, CustomerSettings, FormFieldRecord, Metafield,
    PrivacySettings, StoredInstrument,
};

//! The customer webhook scopes BigCommerce offers (`shared/bigcommerce-api-notes.md`),
//! shared by the binary (which registers the mirrored ones) and the simulator (which
//! accepts them all and fires the mirrored ones).

/// Every customer scope: the [`MIRRORED`] six first, then those that can be registered
/// but that the mirror does not act on.
pub const ALL: [&str; 8] = [
    "store/customer/created",
    "store/customer/updated",
    "store/customer/deleted",
    "store/customer/address/created",
    "store/customer/address/updated",
    "store/customer/address/deleted",
    "store/customer/payment/instrument/default/updated",
    "store/customer/channel/login/access/updated",
];

/// The events the mirror acts on: customers and addresses created, updated, deleted.
pub const MIRRORED: &[&str] = ALL.split_at(6).0;

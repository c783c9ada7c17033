//! The one list of resources the mirror knows, and how each is read ([`Reading`]).
//! Every crate names a resource through this enum: the mirror (its tables and specs),
//! exclusions, the pass's steps, `bcsync resync --resource`, status, metric labels and
//! log spans all use [`Resource::as_str`], so one resource has one name everywhere.
//!
//! Adding a resource starts here: one arm, with its [`Resource::reading`] (the compiler
//! asks for it, and for its spec in `crates/mirror/src/resources.rs`), then one
//! migration for its table. A [`Reading::CompleteListing`] needs nothing more: the
//! pass reads it generically. The checklist is in `docs/architecture.md`.

use std::fmt;
use std::str::FromStr;

/// A Customers V3 resource mirrored into its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Resource {
    /// `GET /customers` → `customers`.
    Customers,
    /// Customer addresses (with the customers, and swept) → `customer_addresses`.
    Addresses,
    /// `GET /customers/attributes` → `customer_attributes`.
    Attributes,
    /// `GET /customers/attribute-values` → `customer_attribute_values`.
    AttributeValues,
    /// `GET /customers/form-field-values` → `customer_form_field_values`.
    FormFieldValues,
    /// `GET /customers/{id}/consent` → `customer_consents`.
    Consents,
    /// `GET /customers/{id}/stored-instruments` → `customer_stored_instruments`.
    StoredInstruments,
    /// `GET /customers/metafields` → `customer_metafields`.
    Metafields,
    /// `GET /customers/settings` → `customer_settings`.
    Settings,
    /// `GET /customers/settings/channels/{id}` → `customer_channel_settings`.
    ChannelSettings,
}

impl Resource {
    /// Every resource, in the order of the migrations that created their tables.
    pub const ALL: [Resource; 10] = [
        Resource::Customers,
        Resource::Addresses,
        Resource::Attributes,
        Resource::AttributeValues,
        Resource::FormFieldValues,
        Resource::Consents,
        Resource::StoredInstruments,
        Resource::Metafields,
        Resource::Settings,
        Resource::ChannelSettings,
    ];

    /// The resource's name: in the configuration, `sync_state`, `sync_runs.details`,
    /// metric labels and log spans (`addresses`, not `customer_addresses`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Resource::Customers => "customers",
            Resource::Addresses => "addresses",
            Resource::Attributes => "attributes",
            Resource::AttributeValues => "attribute_values",
            Resource::FormFieldValues => "form_field_values",
            Resource::Consents => "consents",
            Resource::StoredInstruments => "stored_instruments",
            Resource::Metafields => "metafields",
            Resource::Settings => "settings",
            Resource::ChannelSettings => "channel_settings",
        }
    }

    /// Its table in schema `bigcommerce` (unqualified). A stable contract: never renamed.
    pub const fn table(self) -> &'static str {
        match self {
            Resource::Customers => "customers",
            Resource::Addresses => "customer_addresses",
            Resource::Attributes => "customer_attributes",
            Resource::AttributeValues => "customer_attribute_values",
            Resource::FormFieldValues => "customer_form_field_values",
            Resource::Consents => "customer_consents",
            Resource::StoredInstruments => "customer_stored_instruments",
            Resource::Metafields => "customer_metafields",
            Resource::Settings => "customer_settings",
            Resource::ChannelSettings => "customer_channel_settings",
        }
    }

    /// How a pass reads it. Exhaustive on purpose: a new arm must choose.
    pub const fn reading(self) -> Reading {
        match self {
            Resource::Customers => Reading::CustomerWalk,
            Resource::Addresses => Reading::AddressesWithCustomers,
            Resource::Attributes => Reading::CompleteListing {
                path: "/customers/attributes",
            },
            Resource::AttributeValues => Reading::ModifiedSince,
            Resource::FormFieldValues => Reading::FormFieldsWithCustomers,
            Resource::Consents | Resource::StoredInstruments => Reading::PerCustomer,
            Resource::Metafields => Reading::MetafieldSweep,
            Resource::Settings => Reading::Settings,
            Resource::ChannelSettings => Reading::ChannelSettings,
        }
    }

    /// Whether an operator may keep the whole resource out of the mirror (customers
    /// are the mirror's spine).
    pub const fn excludable(self) -> bool {
        !matches!(self, Resource::Customers)
    }

    /// Whether a pass can be limited to it (`bcsync resync --resource`): addresses and
    /// form field values come with the customers.
    pub const fn has_own_step(self) -> bool {
        !matches!(self, Resource::Addresses | Resource::FormFieldValues)
    }

    /// The names of `resources`, comma-separated, for error messages.
    pub fn names(resources: impl IntoIterator<Item = Resource>) -> String {
        resources
            .into_iter()
            .map(Resource::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How a pass reads a resource from the API. Only [`Reading::CompleteListing`] is
/// generic; every other variant names code of its own (in the poller or the
/// reconciler, run by `crates/pipeline/src/steps.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A small listing read whole every pass, page by page, each record keyed by its
    /// integer `id`; its complete set also tells which rows were deleted. One
    /// transaction writes it all.
    CompleteListing {
        /// The listing's path, e.g. `/customers/attributes`.
        path: &'static str,
    },
    /// The keyset walk by `date_modified` (and a resync's full walk).
    CustomerWalk,
    /// Carried by customer pages (`include=addresses`), completed past the API's cap
    /// and swept for deletes.
    AddressesWithCustomers,
    /// Attribute values: `date_modified:min` since a watermark, each page committed on
    /// its own; deletes found by count.
    ModifiedSince,
    /// Carried by customer pages (`include=formfields`) and refreshed with the
    /// customer slice.
    FormFieldsWithCustomers,
    /// One request per customer (`/customers/{id}/…`), a slice of customers a pass.
    PerCustomer,
    /// Every customer's metafields, swept a slice of pages a pass.
    MetafieldSweep,
    /// `GET /customers/settings`: one object.
    Settings,
    /// `GET /customers/settings/channels/{id}`: one object per channel.
    ChannelSettings,
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no resource; says which names are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown resource `{0}`; known: {known}", known = Resource::names(Resource::ALL))]
pub struct UnknownResource(pub String);

impl FromStr for Resource {
    type Err = UnknownResource;

    fn from_str(s: &str) -> Result<Resource, UnknownResource> {
        Resource::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownResource(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for r in Resource::ALL {
            assert_eq!(r.as_str().parse::<Resource>(), Ok(r));
        }
        let tables: std::collections::BTreeSet<_> = Resource::ALL.iter().map(|r| r.table()).collect();
        assert_eq!(tables.len(), Resource::ALL.len());
        let err = "customer_addresses".parse::<Resource>().unwrap_err().to_string();
        assert!(err.contains("known: customers, addresses, attributes"), "{err}");
    }

    #[test]
    fn every_resource_has_its_reading() {
        let readings: Vec<(Resource, Reading)> = Resource::ALL.iter().map(|r| (*r, r.reading())).collect();
        assert_eq!(
            readings,
            [
                (Resource::Customers, Reading::CustomerWalk),
                (Resource::Addresses, Reading::AddressesWithCustomers),
                (
                    Resource::Attributes,
                    Reading::CompleteListing {
                        path: "/customers/attributes"
                    }
                ),
                (Resource::AttributeValues, Reading::ModifiedSince),
                (Resource::FormFieldValues, Reading::FormFieldsWithCustomers),
                (Resource::Consents, Reading::PerCustomer),
                (Resource::StoredInstruments, Reading::PerCustomer),
                (Resource::Metafields, Reading::MetafieldSweep),
                (Resource::Settings, Reading::Settings),
                (Resource::ChannelSettings, Reading::ChannelSettings),
            ]
        );
        // A complete listing is read generically, so it must have a step of its own
        // and a listing path.
        for r in Resource::ALL {
            if let Reading::CompleteListing { path } = r.reading() {
                assert!(r.has_own_step(), "{r}");
                assert!(path.starts_with("/customers/"), "{r}: {path}");
            }
        }
    }
}

//! Request counts, readable while the server runs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

/// Which endpoint a request addressed (the part after `/stores/{hash}/v3`), by shape:
/// `{id}` segments are not checked here (a bad one is still counted, as a 404).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum PathKind {
    /// `/customers`
    Customers,
    /// `/customers/addresses`
    Addresses,
    /// Anything else (answered 404).
    Other,
    /// `/customers/attributes`
    Attributes,
    /// `/customers/attribute-values`
    AttributeValues,
    /// `/customers/form-field-values`
    FormFieldValues,
    /// `/customers/{id}/consent`
    Consent,
    /// `/customers/{id}/stored-instruments`
    StoredInstruments,
    /// `/customers/metafields`, `/customers/{id}/metafields` and
    /// `/customers/{id}/metafields/{metafield_id}`
    Metafields,
    /// `/customers/settings`
    Settings,
    /// `/customers/settings/channels/{channel_id}`
    ChannelSettings,
    /// `/hooks` and `/hooks/{id}`
    Hooks,
}

impl PathKind {
    pub(crate) fn of(path: &str) -> PathKind {
        let tail = path
            .split_once("/v3/")
            .map_or("", |(_, t)| t)
            .trim_end_matches('/');
        let parts: Vec<&str> = tail.split('/').collect();
        match parts.as_slice() {
            ["customers"] => PathKind::Customers,
            ["customers", "addresses"] => PathKind::Addresses,
            ["customers", "attributes"] => PathKind::Attributes,
            ["customers", "attribute-values"] => PathKind::AttributeValues,
            ["customers", "form-field-values"] => PathKind::FormFieldValues,
            ["customers", "metafields"] => PathKind::Metafields,
            ["customers", "settings"] => PathKind::Settings,
            ["customers", "settings", "channels", _] => PathKind::ChannelSettings,
            ["customers", _, "consent"] => PathKind::Consent,
            ["customers", _, "stored-instruments"] => PathKind::StoredInstruments,
            ["customers", _, "metafields"] | ["customers", _, "metafields", _] => PathKind::Metafields,
            ["hooks"] | ["hooks", _] => PathKind::Hooks,
            _ => PathKind::Other,
        }
    }
}

/// One bucket of [`crate::Simulator::request_counts`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountKey {
    /// `GET`, `POST`, ...
    pub method: String,
    pub path: PathKind,
    pub status: u16,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    total: AtomicU64,
    too_many: AtomicU64,
    by_key: Mutex<BTreeMap<CountKey, u64>>,
}

impl Counters {
    /// Counts a request as it arrives; returns its 1-based number.
    pub(crate) fn begin(&self) -> u64 {
        self.total.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Counts a request's answer.
    pub(crate) fn record(&self, method: &str, path: PathKind, status: u16) {
        if status == 429 {
            self.too_many.fetch_add(1, Ordering::SeqCst);
        }
        let key = CountKey {
            method: method.to_owned(),
            path,
            status,
        };
        *self.by_key.lock().entry(key).or_default() += 1;
    }

    pub(crate) fn total(&self) -> u64 {
        self.total.load(Ordering::SeqCst)
    }

    pub(crate) fn too_many(&self) -> u64 {
        self.too_many.load(Ordering::SeqCst)
    }

    pub(crate) fn snapshot(&self) -> BTreeMap<CountKey, u64> {
        self.by_key.lock().clone()
    }

    /// Zeroes the answer counts; request numbering (`total`) keeps counting up so hooks
    /// never see the same number twice.
    pub(crate) fn reset(&self) {
        self.too_many.store(0, Ordering::SeqCst);
        self.by_key.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::PathKind;
    use super::PathKind::*;

    #[test]
    fn paths_map_to_their_endpoint_family() {
        let cases = [
            ("/customers", Customers),
            ("/customers/addresses/", Addresses),
            ("/customers/attributes", Attributes),
            ("/customers/attribute-values", AttributeValues),
            ("/customers/form-field-values", FormFieldValues),
            ("/customers/7/consent", Consent),
            ("/customers/7/stored-instruments", StoredInstruments),
            ("/customers/metafields", Metafields),
            ("/customers/7/metafields", Metafields),
            ("/customers/7/metafields/3", Metafields),
            ("/customers/settings", Settings),
            ("/customers/settings/channels/2", ChannelSettings),
            ("/hooks", Hooks),
            ("/hooks/12", Hooks),
            ("/customers/nope", Other),
            ("/orders", Other),
        ];
        for (tail, kind) in cases {
            let path = format!("/stores/h/v3{tail}");
            assert_eq!(PathKind::of(&path), kind, "{path}");
        }
    }
}

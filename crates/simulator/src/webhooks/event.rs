//! What a state change announces, and the JSON body BigCommerce POSTs for it.

use serde_json::{Value, json};
use sha1::{Digest, Sha1};

/// The `store_id` every payload carries. BigCommerce sends the store's numeric id as a
/// string; receivers only pass it through, so one fixed value does.
pub const WEBHOOK_STORE_ID: &str = "1000001";

/// The scope that matches every customer scope.
pub(crate) const WILDCARD: &str = "store/customer/*";

/// Every customer scope BigCommerce offers. The simulator fires the first six; the
/// others can be registered but stay silent.
pub(crate) const KNOWN_SCOPES: [&str; 8] = bigcommerce_models::webhook_scopes::ALL;

/// Which change happened; the scope name follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Created,
    Updated,
    Deleted,
}

/// One change to announce: a customer's, or an address's (with its owner, which the
/// payload carries so a receiver can refetch without a lookup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Customer(Change, i64),
    Address(Change, i64, i64),
}

impl Event {
    pub(crate) fn scope(&self) -> &'static str {
        match self {
            Event::Customer(Change::Created, _) => KNOWN_SCOPES[0],
            Event::Customer(Change::Updated, _) => KNOWN_SCOPES[1],
            Event::Customer(Change::Deleted, _) => KNOWN_SCOPES[2],
            Event::Address(Change::Created, ..) => KNOWN_SCOPES[3],
            Event::Address(Change::Updated, ..) => KNOWN_SCOPES[4],
            Event::Address(Change::Deleted, ..) => KNOWN_SCOPES[5],
        }
    }

    fn data(&self) -> Value {
        match *self {
            Event::Customer(_, id) => json!({ "type": "customer", "id": id }),
            Event::Address(_, id, customer_id) => json!({
                "type": "address",
                "id": id,
                "address": { "customer_id": customer_id },
            }),
        }
    }

    /// The body BigCommerce POSTs. `hash` is the SHA-1 of everything else but
    /// `producer`, so duplicates of one delivery share it.
    pub(crate) fn payload(&self, store_hash: &str, created_at: i64) -> Value {
        let mut body = json!({
            "scope": self.scope(),
            "store_id": WEBHOOK_STORE_ID,
            "data": self.data(),
            "created_at": created_at,
        });
        let hash = sha1_hex(&serde_json::to_vec(&body).unwrap_or_default());
        body["hash"] = Value::String(hash);
        body["producer"] = Value::String(format!("stores/{store_hash}"));
        body
    }
}

/// Whether a hook registered on `hook_scope` hears `event`.
pub(crate) fn matches(hook_scope: &str, event: &Event) -> bool {
    hook_scope == WILDCARD || hook_scope == event.scope()
}

fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_have_the_documented_shape_and_a_stable_hash() {
        let p = Event::Address(Change::Deleted, 7, 3).payload("abc", 1_700_000_000);
        assert_eq!(p["scope"], "store/customer/address/deleted");
        assert_eq!(p["data"]["address"]["customer_id"], 3);
        assert_eq!(p["producer"], "stores/abc");
        let hash = p["hash"].as_str().unwrap();
        assert_eq!(hash.len(), 40);
        assert_eq!(
            hash,
            Event::Address(Change::Deleted, 7, 3).payload("abc", 1_700_000_000)["hash"]
        );
        assert_ne!(
            hash,
            Event::Address(Change::Deleted, 8, 3).payload("abc", 1_700_000_000)["hash"]
        );
    }

    #[test]
    fn the_wildcard_hears_every_customer_scope() {
        let e = Event::Customer(Change::Updated, 1);
        assert!(matches(WILDCARD, &e));
        assert!(matches("store/customer/updated", &e));
        assert!(!matches("store/customer/created", &e));
    }
}

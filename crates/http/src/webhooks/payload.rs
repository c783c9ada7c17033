//! The delivery's JSON → a [`WebhookEvent`], or the reason it is refused.
//!
//! Errors name the field (`data.address.customer_id: missing field ...`) via
//! `serde_path_to_error`, so whoever registered the hook can see what was wrong.

use std::collections::HashSet;

use serde::Deserialize;

use super::{Rejection, WebhookEvent};

/// The six scopes the mirror acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    CustomerCreated,
    CustomerUpdated,
    CustomerDeleted,
    AddressCreated,
    AddressUpdated,
    AddressDeleted,
}

impl EventKind {
    pub fn from_scope(scope: &str) -> Option<EventKind> {
        Some(match scope {
            "store/customer/created" => Self::CustomerCreated,
            "store/customer/updated" => Self::CustomerUpdated,
            "store/customer/deleted" => Self::CustomerDeleted,
            "store/customer/address/created" => Self::AddressCreated,
            "store/customer/address/updated" => Self::AddressUpdated,
            "store/customer/address/deleted" => Self::AddressDeleted,
            _ => return None,
        })
    }

    pub fn scope(self) -> &'static str {
        match self {
            Self::CustomerCreated => "store/customer/created",
            Self::CustomerUpdated => "store/customer/updated",
            Self::CustomerDeleted => "store/customer/deleted",
            Self::AddressCreated => "store/customer/address/created",
            Self::AddressUpdated => "store/customer/address/updated",
            Self::AddressDeleted => "store/customer/address/deleted",
        }
    }

    pub fn is_address(self) -> bool {
        matches!(
            self,
            Self::AddressCreated | Self::AddressUpdated | Self::AddressDeleted
        )
    }
}

/// The fields every delivery must have. `data` stays untyped until the scope says
/// which shape it has; `store_id` and `hash` are not needed and not required.
#[derive(Deserialize)]
struct Envelope {
    scope: String,
    producer: String,
    created_at: i64,
    data: serde_json::Value,
}

#[derive(Deserialize)]
struct CustomerData {
    id: i64,
}

#[derive(Deserialize)]
struct AddressData {
    id: i64,
    address: AddressRef,
}

#[derive(Deserialize)]
struct AddressRef {
    customer_id: i64,
}

pub(super) fn parse(body: &[u8], stores: &HashSet<String>) -> Result<WebhookEvent, Rejection> {
    let envelope = envelope(body)?;
    let kind = EventKind::from_scope(&envelope.scope)
        .ok_or_else(|| Rejection::UnknownScope(envelope.scope.clone()))?;
    let store_hash = envelope
        .producer
        .strip_prefix("stores/")
        .ok_or_else(|| Rejection::Invalid("producer: expected \"stores/{store_hash}\"".into()))?;
    if !stores.contains(store_hash) {
        return Err(Rejection::UnknownStore(store_hash.to_owned()));
    }
    let (customer_id, address_id) = if kind.is_address() {
        let data: AddressData = typed_data(&envelope.data)?;
        (
            positive("data.address.customer_id", data.address.customer_id)?,
            Some(positive("data.id", data.id)?),
        )
    } else {
        let data: CustomerData = typed_data(&envelope.data)?;
        (positive("data.id", data.id)?, None)
    };
    Ok(WebhookEvent {
        store_hash: store_hash.to_owned(),
        kind,
        customer_id,
        address_id,
        created_at: envelope.created_at,
    })
}

fn envelope(body: &[u8]) -> Result<Envelope, Rejection> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let envelope = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            Rejection::Invalid(at_path(&path, &inner))
        } else {
            Rejection::NotJson(inner.to_string())
        }
    })?;
    // `deserialize` stops after the object; anything after it is not JSON either.
    de.end().map_err(|err| Rejection::NotJson(err.to_string()))?;
    Ok(envelope)
}

fn typed_data<T: serde::de::DeserializeOwned>(data: &serde_json::Value) -> Result<T, Rejection> {
    serde_path_to_error::deserialize(data).map_err(|err| {
        let path = match err.path().to_string() {
            p if p == "." => "data".to_owned(),
            p => format!("data.{p}"),
        };
        Rejection::Invalid(at_path(&path, err.inner()))
    })
}

/// `path: message`, or the message alone at the top level (`missing field`).
fn at_path(path: &str, err: &serde_json::Error) -> String {
    if path == "." {
        err.to_string()
    } else {
        format!("{path}: {err}")
    }
}

/// BigCommerce ids start at 1; anything else is a malformed or forged event.
fn positive(field: &str, id: i64) -> Result<i64, Rejection> {
    if id > 0 {
        Ok(id)
    } else {
        Err(Rejection::Invalid(format!(
            "{field}: expected a positive id, got {id}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::WebhookOutcome;

    fn stores() -> HashSet<String> {
        HashSet::from(["abc123".to_owned()])
    }

    fn parse_str(body: &str) -> Result<WebhookEvent, Rejection> {
        parse(body.as_bytes(), &stores())
    }

    fn reason(body: &str) -> (WebhookOutcome, String) {
        let err = parse_str(body).unwrap_err();
        (err.outcome(), err.to_string())
    }

    #[test]
    fn customer_event() {
        let event = parse_str(
            r#"{"scope":"store/customer/updated","store_id":"1025646","data":{"type":"customer","id":32},
                "hash":"x","created_at":1561482670,"producer":"stores/abc123"}"#,
        )
        .unwrap();
        assert_eq!(
            event,
            WebhookEvent {
                store_hash: "abc123".into(),
                kind: EventKind::CustomerUpdated,
                customer_id: 32,
                address_id: None,
                created_at: 1561482670,
            }
        );
    }

    #[test]
    fn address_event_takes_the_customer_from_the_address() {
        let event = parse_str(
            r#"{"scope":"store/customer/address/deleted","data":{"type":"customer","id":60,
                "address":{"customer_id":32}},"created_at":1,"producer":"stores/abc123"}"#,
        )
        .unwrap();
        assert_eq!(event.kind, EventKind::AddressDeleted);
        assert_eq!((event.customer_id, event.address_id), (32, Some(60)));
    }

    #[test]
    fn every_scope_round_trips() {
        for kind in [
            EventKind::CustomerCreated,
            EventKind::CustomerUpdated,
            EventKind::CustomerDeleted,
            EventKind::AddressCreated,
            EventKind::AddressUpdated,
            EventKind::AddressDeleted,
        ] {
            assert_eq!(EventKind::from_scope(kind.scope()), Some(kind));
        }
    }

    #[test]
    fn errors_name_the_field() {
        let (outcome, msg) =
            reason(r#"{"scope":"store/customer/updated","producer":"stores/abc123","data":{"id":1}}"#);
        assert_eq!(outcome, WebhookOutcome::BadRequest);
        assert!(msg.contains("created_at"), "{msg}");

        let (_, msg) = reason(
            r#"{"scope":"store/customer/updated","producer":"stores/abc123","created_at":1,"data":{"id":"32"}}"#,
        );
        assert!(msg.starts_with("data.id: invalid type"), "{msg}");

        let (_, msg) = reason(
            r#"{"scope":"store/customer/address/created","producer":"stores/abc123","created_at":1,"data":{"id":5,"address":{}}}"#,
        );
        assert!(
            msg.starts_with("data.address: missing field `customer_id`"),
            "{msg}"
        );

        let (_, msg) = reason(
            r#"{"scope":"store/customer/updated","producer":"stores/abc123","created_at":1,"data":{"id":0}}"#,
        );
        assert!(msg.contains("data.id: expected a positive id"), "{msg}");

        let (_, msg) = reason(
            r#"{"scope":"store/customer/updated","producer":"abc123","created_at":1,"data":{"id":1}}"#,
        );
        assert!(msg.starts_with("producer:"), "{msg}");
    }

    #[test]
    fn not_json() {
        let trailing = r#"{"scope":"store/customer/updated","producer":"stores/abc123","created_at":1,"data":{"id":1}} x"#;
        for body in ["", "{", "not json", trailing] {
            let (outcome, msg) = reason(body);
            assert_eq!(outcome, WebhookOutcome::BadRequest, "{body}");
            assert!(msg.starts_with("body is not JSON"), "{body}: {msg}");
        }
        let (_, msg) = reason("[1,2]");
        assert!(msg.contains("invalid type"), "{msg}");
    }

    #[test]
    fn scope_and_store() {
        let (outcome, _) = reason(
            r#"{"scope":"store/order/created","producer":"stores/abc123","created_at":1,"data":{"id":1}}"#,
        );
        assert_eq!(outcome, WebhookOutcome::UnknownScope);
        let (outcome, msg) = reason(
            r#"{"scope":"store/customer/created","producer":"stores/zzz999","created_at":1,"data":{"id":1}}"#,
        );
        assert_eq!(outcome, WebhookOutcome::UnknownStore);
        assert!(msg.contains("zzz999"), "{msg}");
    }
}
